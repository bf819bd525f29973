package picket

import (
	"errors"
	"fmt"
	"sync"
)

// Code is a picket result code, the value of the C ABI's picket_result. Values are grouped
// by area and never reused: 1-99 the C ABI itself, 100-199 a malformed key, 200-299 a
// malformed hex digest, 300-399 a malformed Authorization header, 400-499 a refused
// redirect URI, 500-519 a failed authentication, 520-539 a refused OAuth authorize request,
// 600-699 a registry that cannot be built, 700-799 a failed PKCE check. An error that wraps
// another (a malformed key inside a header) has the code of the inner one.
type Code uint32

// String returns the code's name: its C constant without PICKET_RESULT_, in lowercase
// ("auth_unknown_key"), or "code_N" for a value this package does not know.
func (c Code) String() string {
	if name, ok := codeNames[c]; ok {
		return name
	}
	return fmt.Sprintf("code_%d", uint32(c))
}

// Text returns the code's static message from the C ABI (picket_result_text), for
// example "unknown api key", or "" for a value that is not a picket_result.
func (c Code) Text() string {
	if t, ok := staticTexts()[c]; ok {
		return t
	}
	t, _ := cResultText(c)
	return t
}

var staticTexts = sync.OnceValue(func() map[Code]string {
	m := make(map[Code]string, len(codeNames))
	for c := range codeNames {
		if t, ok := cResultText(c); ok {
			m[c] = t
		}
	}
	return m
})

// Error is a failure reported by picket: its code and the specific message, which names
// the rule that was broken and never contains a key or other secret.
//
// errors.Is(err, ErrX) holds when err is an *Error with the Code of the sentinel ErrX;
// errors.As(err, &e) gives the *Error itself.
type Error struct {
	// Code says what failed; it is stable and comparable.
	Code Code
	// Message is the specific message, for example "api key has an uppercase hex digit at
	// position 32: keys are lowercase". Empty in the sentinels.
	Message string
}

func newError(code Code, message string) *Error {
	return &Error{Code: code, Message: message}
}

// Error returns "picket: " and the message (the code's static text when Message is empty).
func (e *Error) Error() string {
	return "picket: " + e.Detail()
}

// Detail returns the message without the "picket: " prefix: Message, or the code's static
// text when Message is empty. It is what a server may show a client.
func (e *Error) Detail() string {
	if e.Message != "" {
		return e.Message
	}
	if t := e.Code.Text(); t != "" {
		return t
	}
	return e.Code.String()
}

// Is reports whether target is an *Error with the same Code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t != nil && e != nil && t.Code == e.Code
}

// HTTPStatus is the HTTP status to answer an authentication that failed with this error
// (picket_auth_http_status): 403 for a valid key of the wrong kind, 401 for everything
// else. Meant for errors of [Registry.Authenticate] and [ParseAuthorization].
func (e *Error) HTTPStatus() int { return authHTTPStatus(e.Code) }

// Challenge is the WWW-Authenticate value to send with the answer (picket_www_authenticate):
// `Basic realm="picket"` for a 401, "" for a 403.
func (e *Error) Challenge() string { return cWWWAuthenticate(e.Code) }

// HTTPStatus is the HTTP status to answer an authentication that returned err: 200 for
// nil, [Error.HTTPStatus] for an *Error (401 or 403), and 500 for any other error (such as
// [ErrClosed]), which is the server's fault, not the client's.
func HTTPStatus(err error) int {
	if err == nil {
		return 200
	}
	var e *Error
	if errors.As(err, &e) {
		return e.HTTPStatus()
	}
	return 500
}

// Challenge is the WWW-Authenticate value to send with the answer to err: see
// [Error.Challenge]; "" for nil and for errors that are not an *Error.
func Challenge(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Challenge()
	}
	return ""
}

// ErrClosed is returned by the methods of a [Registry] or [RegistryBuilder] that was
// closed, or of a builder that was already built. It is not an *Error: no C call was made.
var ErrClosed = errors.New("picket: the registry or builder is closed (or was already built)")

const (
	// CodeOK: Success.
	CodeOK Code = 0
	// CodePanic: A panic inside picket was caught at the C boundary (a bug: please report it).
	CodePanic Code = 1
	// CodeNullParameter: A required pointer was NULL, or a buffer pointer was NULL with a non-zero length.
	CodeNullParameter Code = 2
	// CodeBufferTooSmall: The output buffer is too small; the needed size was written through the length pointer and the buffer was left untouched.
	CodeBufferTooSmall Code = 3
	// CodeInvalidParameter: An argument is out of range: an unknown enum value or option bit, a length above `PTRDIFF_MAX`, a misaligned array, or an output buffer that overlaps an input.
	CodeInvalidParameter Code = 4
	// CodeRandomUnavailable: The operating system's random number generator failed.
	CodeRandomUnavailable Code = 5
	// CodeKeyMismatch: The key is well-formed but matches none of the given digests.
	CodeKeyMismatch Code = 6
	// CodeInternal: picket-core returned an error that has no result code in this build (a bug: please report it). The detailed message has the error's text.
	CodeInternal Code = 7
	// CodeKeyEmpty: The key is empty.
	CodeKeyEmpty Code = 100
	// CodeKeyUnknownPrefix: The key does not start with `pk_` or `sk_`.
	CodeKeyUnknownPrefix Code = 101
	// CodeKeyWrongLength: The key does not have 32 characters after its prefix.
	CodeKeyWrongLength Code = 102
	// CodeKeyNonHex: The key has a character that is not a hex digit.
	CodeKeyNonHex Code = 103
	// CodeKeySurroundingWhitespace: The key has leading or trailing whitespace (a trailing newline?).
	CodeKeySurroundingWhitespace Code = 104
	// CodeKeyUppercase: The key has an uppercase hex digit; keys are lowercase.
	CodeKeyUppercase Code = 105
	// CodeDigestWrongLength: A hex digest is not 64 characters long.
	CodeDigestWrongLength Code = 200
	// CodeDigestInvalidCharacter: A hex digest has a character that is not a lowercase hex digit.
	CodeDigestInvalidCharacter Code = 201
	// CodeHeaderMissing: There is no `Authorization` header, or it is blank.
	CodeHeaderMissing Code = 300
	// CodeHeaderTooLong: The `Authorization` header is longer than `PICKET_MAX_HEADER_LEN` bytes.
	CodeHeaderTooLong Code = 301
	// CodeHeaderControlCharacter: The `Authorization` header contains a control byte.
	CodeHeaderControlCharacter Code = 302
	// CodeHeaderNonASCII: The `Authorization` header contains a byte above 0x7F.
	CodeHeaderNonASCII Code = 303
	// CodeHeaderUnsupportedScheme: The scheme is neither `Basic` nor (when enabled) `Bearer`.
	CodeHeaderUnsupportedScheme Code = 304
	// CodeHeaderBearerNotEnabled: `Bearer` was used but `PICKET_OPTION_ACCEPT_BEARER` is off.
	CodeHeaderBearerNotEnabled Code = 305
	// CodeHeaderTabSeparator: A tab separates the scheme from the credentials.
	CodeHeaderTabSeparator Code = 306
	// CodeHeaderMissingCredentials: The scheme has no credentials after it.
	CodeHeaderMissingCredentials Code = 307
	// CodeHeaderInvalidBase64: The credentials are not padded, canonical standard base64.
	CodeHeaderInvalidBase64 Code = 308
	// CodeHeaderCredentialsTooLong: The decoded credentials are too long to hold a key.
	CodeHeaderCredentialsTooLong Code = 309
	// CodeHeaderEmptyKey: The credentials carry an empty key.
	CodeHeaderEmptyKey Code = 310
	// CodeHeaderKeyInPassword: The username is empty but the password is not: the key is in the wrong field.
	CodeHeaderKeyInPassword Code = 311
	// CodeHeaderNonEmptyPassword: A password was sent; it must be empty.
	CodeHeaderNonEmptyPassword Code = 312
	// CodeRedirectEmpty: The redirect URI is empty.
	CodeRedirectEmpty Code = 400
	// CodeRedirectTooLong: The redirect URI is longer than `PICKET_MAX_REDIRECT_URI_LEN` bytes.
	CodeRedirectTooLong Code = 401
	// CodeRedirectNonPrintable: The redirect URI has a byte outside printable ASCII.
	CodeRedirectNonPrintable Code = 402
	// CodeRedirectUnsafeCharacter: The redirect URI has a character that must be percent-encoded.
	CodeRedirectUnsafeCharacter Code = 403
	// CodeRedirectFragment: The redirect URI has a fragment.
	CodeRedirectFragment Code = 404
	// CodeRedirectWildcard: The redirect URI has a wildcard.
	CodeRedirectWildcard Code = 405
	// CodeRedirectBadPercentEncoding: The redirect URI has a malformed percent-encoding.
	CodeRedirectBadPercentEncoding Code = 406
	// CodeRedirectMissingScheme: The redirect URI has no valid scheme.
	CodeRedirectMissingScheme Code = 407
	// CodeRedirectDisallowedScheme: The redirect URI's scheme is not allowed.
	CodeRedirectDisallowedScheme Code = 408
	// CodeRedirectMissingAuthority: An http(s) redirect URI does not have the form `scheme://host[:port][/path]`.
	CodeRedirectMissingAuthority Code = 409
	// CodeRedirectUserinfo: The redirect URI has userinfo.
	CodeRedirectUserinfo Code = 410
	// CodeRedirectEmptyHost: The redirect URI has an empty host.
	CodeRedirectEmptyHost Code = 411
	// CodeRedirectInvalidPort: The redirect URI has an invalid port.
	CodeRedirectInvalidPort Code = 412
	// CodeRedirectInvalidURL: The URL parser refused the redirect URI.
	CodeRedirectInvalidURL Code = 413
	// CodeRedirectInsecureScheme: The redirect URI uses http where https is required.
	CodeRedirectInsecureScheme Code = 414
	// CodeRedirectLoopbackInProduction: The redirect URI's host is a loopback address in a production project.
	CodeRedirectLoopbackInProduction Code = 415
	// CodeAuthUnknownKey: No project has this key (never issued, or revoked). HTTP 401.
	CodeAuthUnknownKey Code = 500
	// CodeAuthExpired: The key has expired. HTTP 401.
	CodeAuthExpired Code = 501
	// CodeAuthWrongKind: A valid key of the wrong kind for this endpoint. HTTP 403.
	CodeAuthWrongKind Code = 502
	// CodeAuthKindMismatch: The registry row of this key names the other kind than the key's own prefix: re-add the key with the kind its prefix names. HTTP 401.
	CodeAuthKindMismatch Code = 503
	// CodeAuthorizeSecretKeyExposed: The client_id is a secret key: it has been exposed and must be rolled.
	CodeAuthorizeSecretKeyExposed Code = 521
	// CodeAuthorizeUnknownClient: The client_id is not a known publishable key.
	CodeAuthorizeUnknownClient Code = 522
	// CodeAuthorizeExpired: The client_id has expired.
	CodeAuthorizeExpired Code = 523
	// CodeAuthorizeRedirectNotRegistered: The redirect_uri is not registered for the client's project.
	CodeAuthorizeRedirectNotRegistered Code = 524
	// CodeBuildUnknownProject: A key or redirect URI names a project that was not added first.
	CodeBuildUnknownProject Code = 600
	// CodeBuildDuplicateProject: A project was added twice.
	CodeBuildDuplicateProject Code = 601
	// CodeBuildDuplicateKey: The same key digest was added twice.
	CodeBuildDuplicateKey Code = 602
	// CodeBuildTooManyKeys: More keys than one registry can index.
	CodeBuildTooManyKeys Code = 603
	// CodePKCEPlainRefused: `code_challenge_method` is `plain`, which is refused.
	CodePKCEPlainRefused Code = 700
	// CodePKCEUnsupportedMethod: `code_challenge_method` is not `S256`.
	CodePKCEUnsupportedMethod Code = 701
	// CodePKCEVerifierLength: The code_verifier is not 43 to 128 characters long.
	CodePKCEVerifierLength Code = 702
	// CodePKCEVerifierCharacter: The code_verifier has a character outside `[A-Za-z0-9-._~]`.
	CodePKCEVerifierCharacter Code = 703
	// CodePKCEChallengeLength: The code_challenge is not 43 characters long.
	CodePKCEChallengeLength Code = 704
	// CodePKCEChallengeCharacter: The code_challenge has a character outside the base64url alphabet.
	CodePKCEChallengeCharacter Code = 705
	// CodePKCEChallengeNotCanonical: The code_challenge is not canonical base64url.
	CodePKCEChallengeNotCanonical Code = 706
	// CodePKCEMismatch: The code_verifier does not match the code_challenge.
	CodePKCEMismatch Code = 707
)

// Sentinel errors, one per code: errors.Is(err, ErrX) holds for every *Error whose Code is
// that of ErrX. Their Message is empty; Error() then gives the code's static text.
var (
	// ErrPanic is the sentinel of CodePanic.
	ErrPanic = &Error{Code: CodePanic}
	// ErrNullParameter is the sentinel of CodeNullParameter.
	ErrNullParameter = &Error{Code: CodeNullParameter}
	// ErrBufferTooSmall is the sentinel of CodeBufferTooSmall.
	ErrBufferTooSmall = &Error{Code: CodeBufferTooSmall}
	// ErrInvalidParameter is the sentinel of CodeInvalidParameter.
	ErrInvalidParameter = &Error{Code: CodeInvalidParameter}
	// ErrRandomUnavailable is the sentinel of CodeRandomUnavailable.
	ErrRandomUnavailable = &Error{Code: CodeRandomUnavailable}
	// ErrKeyMismatch is the sentinel of CodeKeyMismatch.
	ErrKeyMismatch = &Error{Code: CodeKeyMismatch}
	// ErrInternal is the sentinel of CodeInternal.
	ErrInternal = &Error{Code: CodeInternal}
	// ErrKeyEmpty is the sentinel of CodeKeyEmpty.
	ErrKeyEmpty = &Error{Code: CodeKeyEmpty}
	// ErrKeyUnknownPrefix is the sentinel of CodeKeyUnknownPrefix.
	ErrKeyUnknownPrefix = &Error{Code: CodeKeyUnknownPrefix}
	// ErrKeyWrongLength is the sentinel of CodeKeyWrongLength.
	ErrKeyWrongLength = &Error{Code: CodeKeyWrongLength}
	// ErrKeyNonHex is the sentinel of CodeKeyNonHex.
	ErrKeyNonHex = &Error{Code: CodeKeyNonHex}
	// ErrKeySurroundingWhitespace is the sentinel of CodeKeySurroundingWhitespace.
	ErrKeySurroundingWhitespace = &Error{Code: CodeKeySurroundingWhitespace}
	// ErrKeyUppercase is the sentinel of CodeKeyUppercase.
	ErrKeyUppercase = &Error{Code: CodeKeyUppercase}
	// ErrDigestWrongLength is the sentinel of CodeDigestWrongLength.
	ErrDigestWrongLength = &Error{Code: CodeDigestWrongLength}
	// ErrDigestInvalidCharacter is the sentinel of CodeDigestInvalidCharacter.
	ErrDigestInvalidCharacter = &Error{Code: CodeDigestInvalidCharacter}
	// ErrHeaderMissing is the sentinel of CodeHeaderMissing.
	ErrHeaderMissing = &Error{Code: CodeHeaderMissing}
	// ErrHeaderTooLong is the sentinel of CodeHeaderTooLong.
	ErrHeaderTooLong = &Error{Code: CodeHeaderTooLong}
	// ErrHeaderControlCharacter is the sentinel of CodeHeaderControlCharacter.
	ErrHeaderControlCharacter = &Error{Code: CodeHeaderControlCharacter}
	// ErrHeaderNonASCII is the sentinel of CodeHeaderNonASCII.
	ErrHeaderNonASCII = &Error{Code: CodeHeaderNonASCII}
	// ErrHeaderUnsupportedScheme is the sentinel of CodeHeaderUnsupportedScheme.
	ErrHeaderUnsupportedScheme = &Error{Code: CodeHeaderUnsupportedScheme}
	// ErrHeaderBearerNotEnabled is the sentinel of CodeHeaderBearerNotEnabled.
	ErrHeaderBearerNotEnabled = &Error{Code: CodeHeaderBearerNotEnabled}
	// ErrHeaderTabSeparator is the sentinel of CodeHeaderTabSeparator.
	ErrHeaderTabSeparator = &Error{Code: CodeHeaderTabSeparator}
	// ErrHeaderMissingCredentials is the sentinel of CodeHeaderMissingCredentials.
	ErrHeaderMissingCredentials = &Error{Code: CodeHeaderMissingCredentials}
	// ErrHeaderInvalidBase64 is the sentinel of CodeHeaderInvalidBase64.
	ErrHeaderInvalidBase64 = &Error{Code: CodeHeaderInvalidBase64}
	// ErrHeaderCredentialsTooLong is the sentinel of CodeHeaderCredentialsTooLong.
	ErrHeaderCredentialsTooLong = &Error{Code: CodeHeaderCredentialsTooLong}
	// ErrHeaderEmptyKey is the sentinel of CodeHeaderEmptyKey.
	ErrHeaderEmptyKey = &Error{Code: CodeHeaderEmptyKey}
	// ErrHeaderKeyInPassword is the sentinel of CodeHeaderKeyInPassword.
	ErrHeaderKeyInPassword = &Error{Code: CodeHeaderKeyInPassword}
	// ErrHeaderNonEmptyPassword is the sentinel of CodeHeaderNonEmptyPassword.
	ErrHeaderNonEmptyPassword = &Error{Code: CodeHeaderNonEmptyPassword}
	// ErrRedirectEmpty is the sentinel of CodeRedirectEmpty.
	ErrRedirectEmpty = &Error{Code: CodeRedirectEmpty}
	// ErrRedirectTooLong is the sentinel of CodeRedirectTooLong.
	ErrRedirectTooLong = &Error{Code: CodeRedirectTooLong}
	// ErrRedirectNonPrintable is the sentinel of CodeRedirectNonPrintable.
	ErrRedirectNonPrintable = &Error{Code: CodeRedirectNonPrintable}
	// ErrRedirectUnsafeCharacter is the sentinel of CodeRedirectUnsafeCharacter.
	ErrRedirectUnsafeCharacter = &Error{Code: CodeRedirectUnsafeCharacter}
	// ErrRedirectFragment is the sentinel of CodeRedirectFragment.
	ErrRedirectFragment = &Error{Code: CodeRedirectFragment}
	// ErrRedirectWildcard is the sentinel of CodeRedirectWildcard.
	ErrRedirectWildcard = &Error{Code: CodeRedirectWildcard}
	// ErrRedirectBadPercentEncoding is the sentinel of CodeRedirectBadPercentEncoding.
	ErrRedirectBadPercentEncoding = &Error{Code: CodeRedirectBadPercentEncoding}
	// ErrRedirectMissingScheme is the sentinel of CodeRedirectMissingScheme.
	ErrRedirectMissingScheme = &Error{Code: CodeRedirectMissingScheme}
	// ErrRedirectDisallowedScheme is the sentinel of CodeRedirectDisallowedScheme.
	ErrRedirectDisallowedScheme = &Error{Code: CodeRedirectDisallowedScheme}
	// ErrRedirectMissingAuthority is the sentinel of CodeRedirectMissingAuthority.
	ErrRedirectMissingAuthority = &Error{Code: CodeRedirectMissingAuthority}
	// ErrRedirectUserinfo is the sentinel of CodeRedirectUserinfo.
	ErrRedirectUserinfo = &Error{Code: CodeRedirectUserinfo}
	// ErrRedirectEmptyHost is the sentinel of CodeRedirectEmptyHost.
	ErrRedirectEmptyHost = &Error{Code: CodeRedirectEmptyHost}
	// ErrRedirectInvalidPort is the sentinel of CodeRedirectInvalidPort.
	ErrRedirectInvalidPort = &Error{Code: CodeRedirectInvalidPort}
	// ErrRedirectInvalidURL is the sentinel of CodeRedirectInvalidURL.
	ErrRedirectInvalidURL = &Error{Code: CodeRedirectInvalidURL}
	// ErrRedirectInsecureScheme is the sentinel of CodeRedirectInsecureScheme.
	ErrRedirectInsecureScheme = &Error{Code: CodeRedirectInsecureScheme}
	// ErrRedirectLoopbackInProduction is the sentinel of CodeRedirectLoopbackInProduction.
	ErrRedirectLoopbackInProduction = &Error{Code: CodeRedirectLoopbackInProduction}
	// ErrUnknownKey is the sentinel of CodeAuthUnknownKey.
	ErrUnknownKey = &Error{Code: CodeAuthUnknownKey}
	// ErrKeyExpired is the sentinel of CodeAuthExpired.
	ErrKeyExpired = &Error{Code: CodeAuthExpired}
	// ErrWrongKind is the sentinel of CodeAuthWrongKind.
	ErrWrongKind = &Error{Code: CodeAuthWrongKind}
	// ErrKindMismatch is the sentinel of CodeAuthKindMismatch.
	ErrKindMismatch = &Error{Code: CodeAuthKindMismatch}
	// ErrSecretKeyExposed is the sentinel of CodeAuthorizeSecretKeyExposed.
	ErrSecretKeyExposed = &Error{Code: CodeAuthorizeSecretKeyExposed}
	// ErrUnknownClient is the sentinel of CodeAuthorizeUnknownClient.
	ErrUnknownClient = &Error{Code: CodeAuthorizeUnknownClient}
	// ErrClientExpired is the sentinel of CodeAuthorizeExpired.
	ErrClientExpired = &Error{Code: CodeAuthorizeExpired}
	// ErrRedirectNotRegistered is the sentinel of CodeAuthorizeRedirectNotRegistered.
	ErrRedirectNotRegistered = &Error{Code: CodeAuthorizeRedirectNotRegistered}
	// ErrBuildUnknownProject is the sentinel of CodeBuildUnknownProject.
	ErrBuildUnknownProject = &Error{Code: CodeBuildUnknownProject}
	// ErrBuildDuplicateProject is the sentinel of CodeBuildDuplicateProject.
	ErrBuildDuplicateProject = &Error{Code: CodeBuildDuplicateProject}
	// ErrBuildDuplicateKey is the sentinel of CodeBuildDuplicateKey.
	ErrBuildDuplicateKey = &Error{Code: CodeBuildDuplicateKey}
	// ErrBuildTooManyKeys is the sentinel of CodeBuildTooManyKeys.
	ErrBuildTooManyKeys = &Error{Code: CodeBuildTooManyKeys}
	// ErrPKCEPlainRefused is the sentinel of CodePKCEPlainRefused.
	ErrPKCEPlainRefused = &Error{Code: CodePKCEPlainRefused}
	// ErrPKCEUnsupportedMethod is the sentinel of CodePKCEUnsupportedMethod.
	ErrPKCEUnsupportedMethod = &Error{Code: CodePKCEUnsupportedMethod}
	// ErrPKCEVerifierLength is the sentinel of CodePKCEVerifierLength.
	ErrPKCEVerifierLength = &Error{Code: CodePKCEVerifierLength}
	// ErrPKCEVerifierCharacter is the sentinel of CodePKCEVerifierCharacter.
	ErrPKCEVerifierCharacter = &Error{Code: CodePKCEVerifierCharacter}
	// ErrPKCEChallengeLength is the sentinel of CodePKCEChallengeLength.
	ErrPKCEChallengeLength = &Error{Code: CodePKCEChallengeLength}
	// ErrPKCEChallengeCharacter is the sentinel of CodePKCEChallengeCharacter.
	ErrPKCEChallengeCharacter = &Error{Code: CodePKCEChallengeCharacter}
	// ErrPKCEChallengeNotCanonical is the sentinel of CodePKCEChallengeNotCanonical.
	ErrPKCEChallengeNotCanonical = &Error{Code: CodePKCEChallengeNotCanonical}
	// ErrPKCEMismatch is the sentinel of CodePKCEMismatch.
	ErrPKCEMismatch = &Error{Code: CodePKCEMismatch}
)

// codeNames maps each code to its name: the C constant without PICKET_RESULT_, lowercase.
var codeNames = map[Code]string{
	CodeOK:                             "ok",
	CodePanic:                          "panic",
	CodeNullParameter:                  "null_parameter",
	CodeBufferTooSmall:                 "buffer_too_small",
	CodeInvalidParameter:               "invalid_parameter",
	CodeRandomUnavailable:              "random_unavailable",
	CodeKeyMismatch:                    "key_mismatch",
	CodeInternal:                       "internal_error",
	CodeKeyEmpty:                       "key_empty",
	CodeKeyUnknownPrefix:               "key_unknown_prefix",
	CodeKeyWrongLength:                 "key_wrong_length",
	CodeKeyNonHex:                      "key_non_hex",
	CodeKeySurroundingWhitespace:       "key_surrounding_whitespace",
	CodeKeyUppercase:                   "key_uppercase",
	CodeDigestWrongLength:              "digest_wrong_length",
	CodeDigestInvalidCharacter:         "digest_invalid_character",
	CodeHeaderMissing:                  "header_missing",
	CodeHeaderTooLong:                  "header_too_long",
	CodeHeaderControlCharacter:         "header_control_character",
	CodeHeaderNonASCII:                 "header_non_ascii",
	CodeHeaderUnsupportedScheme:        "header_unsupported_scheme",
	CodeHeaderBearerNotEnabled:         "header_bearer_not_enabled",
	CodeHeaderTabSeparator:             "header_tab_separator",
	CodeHeaderMissingCredentials:       "header_missing_credentials",
	CodeHeaderInvalidBase64:            "header_invalid_base64",
	CodeHeaderCredentialsTooLong:       "header_credentials_too_long",
	CodeHeaderEmptyKey:                 "header_empty_key",
	CodeHeaderKeyInPassword:            "header_key_in_password",
	CodeHeaderNonEmptyPassword:         "header_non_empty_password",
	CodeRedirectEmpty:                  "redirect_empty",
	CodeRedirectTooLong:                "redirect_too_long",
	CodeRedirectNonPrintable:           "redirect_non_printable",
	CodeRedirectUnsafeCharacter:        "redirect_unsafe_character",
	CodeRedirectFragment:               "redirect_fragment",
	CodeRedirectWildcard:               "redirect_wildcard",
	CodeRedirectBadPercentEncoding:     "redirect_bad_percent_encoding",
	CodeRedirectMissingScheme:          "redirect_missing_scheme",
	CodeRedirectDisallowedScheme:       "redirect_disallowed_scheme",
	CodeRedirectMissingAuthority:       "redirect_missing_authority",
	CodeRedirectUserinfo:               "redirect_userinfo",
	CodeRedirectEmptyHost:              "redirect_empty_host",
	CodeRedirectInvalidPort:            "redirect_invalid_port",
	CodeRedirectInvalidURL:             "redirect_invalid_url",
	CodeRedirectInsecureScheme:         "redirect_insecure_scheme",
	CodeRedirectLoopbackInProduction:   "redirect_loopback_in_production",
	CodeAuthUnknownKey:                 "auth_unknown_key",
	CodeAuthExpired:                    "auth_expired",
	CodeAuthWrongKind:                  "auth_wrong_kind",
	CodeAuthKindMismatch:               "auth_kind_mismatch",
	CodeAuthorizeSecretKeyExposed:      "authorize_secret_key_exposed",
	CodeAuthorizeUnknownClient:         "authorize_unknown_client",
	CodeAuthorizeExpired:               "authorize_expired",
	CodeAuthorizeRedirectNotRegistered: "authorize_redirect_not_registered",
	CodeBuildUnknownProject:            "build_unknown_project",
	CodeBuildDuplicateProject:          "build_duplicate_project",
	CodeBuildDuplicateKey:              "build_duplicate_key",
	CodeBuildTooManyKeys:               "build_too_many_keys",
	CodePKCEPlainRefused:               "pkce_plain_refused",
	CodePKCEUnsupportedMethod:          "pkce_unsupported_method",
	CodePKCEVerifierLength:             "pkce_verifier_length",
	CodePKCEVerifierCharacter:          "pkce_verifier_character",
	CodePKCEChallengeLength:            "pkce_challenge_length",
	CodePKCEChallengeCharacter:         "pkce_challenge_character",
	CodePKCEChallengeNotCanonical:      "pkce_challenge_not_canonical",
	CodePKCEMismatch:                   "pkce_mismatch",
}

// sentinels lists every sentinel error, in ascending order of code.
var sentinels = []*Error{
	ErrPanic,
	ErrNullParameter,
	ErrBufferTooSmall,
	ErrInvalidParameter,
	ErrRandomUnavailable,
	ErrKeyMismatch,
	ErrInternal,
	ErrKeyEmpty,
	ErrKeyUnknownPrefix,
	ErrKeyWrongLength,
	ErrKeyNonHex,
	ErrKeySurroundingWhitespace,
	ErrKeyUppercase,
	ErrDigestWrongLength,
	ErrDigestInvalidCharacter,
	ErrHeaderMissing,
	ErrHeaderTooLong,
	ErrHeaderControlCharacter,
	ErrHeaderNonASCII,
	ErrHeaderUnsupportedScheme,
	ErrHeaderBearerNotEnabled,
	ErrHeaderTabSeparator,
	ErrHeaderMissingCredentials,
	ErrHeaderInvalidBase64,
	ErrHeaderCredentialsTooLong,
	ErrHeaderEmptyKey,
	ErrHeaderKeyInPassword,
	ErrHeaderNonEmptyPassword,
	ErrRedirectEmpty,
	ErrRedirectTooLong,
	ErrRedirectNonPrintable,
	ErrRedirectUnsafeCharacter,
	ErrRedirectFragment,
	ErrRedirectWildcard,
	ErrRedirectBadPercentEncoding,
	ErrRedirectMissingScheme,
	ErrRedirectDisallowedScheme,
	ErrRedirectMissingAuthority,
	ErrRedirectUserinfo,
	ErrRedirectEmptyHost,
	ErrRedirectInvalidPort,
	ErrRedirectInvalidURL,
	ErrRedirectInsecureScheme,
	ErrRedirectLoopbackInProduction,
	ErrUnknownKey,
	ErrKeyExpired,
	ErrWrongKind,
	ErrKindMismatch,
	ErrSecretKeyExposed,
	ErrUnknownClient,
	ErrClientExpired,
	ErrRedirectNotRegistered,
	ErrBuildUnknownProject,
	ErrBuildDuplicateProject,
	ErrBuildDuplicateKey,
	ErrBuildTooManyKeys,
	ErrPKCEPlainRefused,
	ErrPKCEUnsupportedMethod,
	ErrPKCEVerifierLength,
	ErrPKCEVerifierCharacter,
	ErrPKCEChallengeLength,
	ErrPKCEChallengeCharacter,
	ErrPKCEChallengeNotCanonical,
	ErrPKCEMismatch,
}
