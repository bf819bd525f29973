package picket

// ParseAuthorization parses an Authorization header value, exactly as received, to the
// API key it carries: HTTP Basic with the key as the username and an empty password, in
// both forms real clients send (`Basic base64(KEY:)` and the JS SDK's
// `Basic  base64(KEY)`), and with [AcceptBearer] also `Bearer KEY`. opts may hold only
// AcceptBearer. The key is not looked up: use [Registry.Authenticate] for that.
func ParseAuthorization(header string, opts Options) (Key, error) {
	return cAuthorizationParse(header, opts)
}
