package picket

// Options are opt-in behaviours, as a bit set. Each function says which bits it uses; any
// other bit makes it fail with [ErrInvalidParameter].
type Options uint32

const (
	// AcceptBearer also accepts `Authorization: Bearer <key>` (as Stripe does). Used by
	// [ParseAuthorization] and [RegistryBuilder.SetOptions].
	AcceptBearer Options = 1
	// AllowPrivateUseSchemes accepts RFC 8252 §7.1 private-use redirect URI schemes for
	// native apps (`com.example.app:/callback`; the scheme must contain a dot). Used by the
	// redirect URI functions and [RegistryBuilder.AddProject].
	AllowPrivateUseSchemes Options = 2
	// LoopbackAnyPort lets `http://127.0.0.1` and `http://[::1]` redirect URIs of a
	// development project match whatever the presented port (RFC 8252 §7.3); `localhost`
	// stays exact. Used by the redirect URI functions and [RegistryBuilder.AddProject].
	LoopbackAnyPort Options = 4
)
