//! `picket_result`: the one result enum of the C ABI, and its static messages.

/// The result of every fallible picket function.
///
/// Values are explicit, grouped by area and never reused:
///
/// - 0-99: conditions of the C ABI itself (0 is success);
/// - 100-199: the key is malformed (the same codes as picket-core's `KeyError`);
/// - 200-299: a hex digest is malformed (`DigestError`);
/// - 300-399: the `Authorization` header is malformed (`HeaderError`);
/// - 400-499: a redirect URI cannot be registered (`RedirectError`);
/// - 500-519: authentication failed (`AuthError`);
/// - 520-539: an OAuth authorize request is refused (`AuthorizeError`);
/// - 600-699: a registry cannot be built (`BuildError`);
/// - 700-799: a PKCE check failed (`PkceError`).
///
/// Each picket-core error variant has exactly the value of its stable `code()`. An error
/// that wraps another (a malformed key inside a header, a refused URI inside a build) has
/// the code of the inner error. `picket_result_text` gives a static message for each
/// value; `picket_last_error_message` gives the detailed message of the last failure.
///
/// In C this is a `uint32_t`. Functions that take a result as an argument take a
/// `uint32_t` and accept any value.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum picket_result {
    /// Success.
    Ok = 0,
    /// A panic inside picket was caught at the C boundary (a bug: please report it).
    Panic = 1,
    /// A required pointer was NULL, or a buffer pointer was NULL with a non-zero length.
    NullParameter = 2,
    /// The output buffer is too small; the needed size was written through the length
    /// pointer and the buffer was left untouched.
    BufferTooSmall = 3,
    /// An argument is out of range: an unknown enum value or option bit, a length above
    /// `PTRDIFF_MAX`, a misaligned array, or an output buffer that overlaps an input.
    InvalidParameter = 4,
    /// The operating system's random number generator failed.
    RandomUnavailable = 5,
    /// The key is well-formed but matches none of the given digests.
    KeyMismatch = 6,
    /// picket-core returned an error that has no result code in this build (a bug: please
    /// report it). The detailed message has the error's text.
    InternalError = 7,

    /// The key is empty.
    KeyEmpty = 100,
    /// The key does not start with `pk_` or `sk_`.
    KeyUnknownPrefix = 101,
    /// The key does not have 32 characters after its prefix.
    KeyWrongLength = 102,
    /// The key has a character that is not a hex digit.
    KeyNonHex = 103,
    /// The key has leading or trailing whitespace (a trailing newline?).
    KeySurroundingWhitespace = 104,
    /// The key has an uppercase hex digit; keys are lowercase.
    KeyUppercase = 105,

    /// A hex digest is not 64 characters long.
    DigestWrongLength = 200,
    /// A hex digest has a character that is not a lowercase hex digit.
    DigestInvalidCharacter = 201,

    /// There is no `Authorization` header, or it is blank.
    HeaderMissing = 300,
    /// The `Authorization` header is longer than `PICKET_MAX_HEADER_LEN` bytes.
    HeaderTooLong = 301,
    /// The `Authorization` header contains a control byte.
    HeaderControlCharacter = 302,
    /// The `Authorization` header contains a byte above 0x7F.
    HeaderNonAscii = 303,
    /// The scheme is neither `Basic` nor (when enabled) `Bearer`.
    HeaderUnsupportedScheme = 304,
    /// `Bearer` was used but `PICKET_OPTION_ACCEPT_BEARER` is off.
    HeaderBearerNotEnabled = 305,
    /// A tab separates the scheme from the credentials.
    HeaderTabSeparator = 306,
    /// The scheme has no credentials after it.
    HeaderMissingCredentials = 307,
    /// The credentials are not padded, canonical standard base64.
    HeaderInvalidBase64 = 308,
    /// The decoded credentials are too long to hold a key.
    HeaderCredentialsTooLong = 309,
    /// The credentials carry an empty key.
    HeaderEmptyKey = 310,
    /// The username is empty but the password is not: the key is in the wrong field.
    HeaderKeyInPassword = 311,
    /// A password was sent; it must be empty.
    HeaderNonEmptyPassword = 312,

    /// The redirect URI is empty.
    RedirectEmpty = 400,
    /// The redirect URI is longer than `PICKET_MAX_REDIRECT_URI_LEN` bytes.
    RedirectTooLong = 401,
    /// The redirect URI has a byte outside printable ASCII.
    RedirectNonPrintable = 402,
    /// The redirect URI has a character that must be percent-encoded.
    RedirectUnsafeCharacter = 403,
    /// The redirect URI has a fragment.
    RedirectFragment = 404,
    /// The redirect URI has a wildcard.
    RedirectWildcard = 405,
    /// The redirect URI has a malformed percent-encoding.
    RedirectBadPercentEncoding = 406,
    /// The redirect URI has no valid scheme.
    RedirectMissingScheme = 407,
    /// The redirect URI's scheme is not allowed.
    RedirectDisallowedScheme = 408,
    /// An http(s) redirect URI does not have the form `scheme://host[:port][/path]`.
    RedirectMissingAuthority = 409,
    /// The redirect URI has userinfo.
    RedirectUserinfo = 410,
    /// The redirect URI has an empty host.
    RedirectEmptyHost = 411,
    /// The redirect URI has an invalid port.
    RedirectInvalidPort = 412,
    /// The URL parser refused the redirect URI.
    RedirectInvalidUrl = 413,
    /// The redirect URI uses http where https is required.
    RedirectInsecureScheme = 414,
    /// The redirect URI's host is a loopback address in a production project.
    RedirectLoopbackInProduction = 415,

    /// No project has this key (never issued, or revoked). HTTP 401.
    AuthUnknownKey = 500,
    /// The key has expired. HTTP 401.
    AuthExpired = 501,
    /// A valid key of the wrong kind for this endpoint. HTTP 403.
    AuthWrongKind = 502,
    /// The registry row of this key names the other kind than the key's own prefix (a
    /// `pk_` key added as secret, or an `sk_` key added as publishable): the row is wrong;
    /// re-add the key with the kind its prefix names. HTTP 401.
    AuthKindMismatch = 503,

    /// The client_id is a secret key: it has been exposed and must be rolled.
    AuthorizeSecretKeyExposed = 521,
    /// The client_id is not a known publishable key.
    AuthorizeUnknownClient = 522,
    /// The client_id has expired.
    AuthorizeExpired = 523,
    /// The redirect_uri is not registered for the client's project.
    AuthorizeRedirectNotRegistered = 524,

    /// A key or redirect URI names a project that was not added first.
    BuildUnknownProject = 600,
    /// A project was added twice.
    BuildDuplicateProject = 601,
    /// The same key digest was added twice.
    BuildDuplicateKey = 602,
    /// More keys than one registry can index.
    BuildTooManyKeys = 603,

    /// `code_challenge_method` is `plain`, which is refused.
    PkcePlainRefused = 700,
    /// `code_challenge_method` is not `S256`.
    PkceUnsupportedMethod = 701,
    /// The code_verifier is not 43 to 128 characters long.
    PkceVerifierLength = 702,
    /// The code_verifier has a character outside `[A-Za-z0-9-._~]`.
    PkceVerifierCharacter = 703,
    /// The code_challenge is not 43 characters long.
    PkceChallengeLength = 704,
    /// The code_challenge has a character outside the base64url alphabet.
    PkceChallengeCharacter = 705,
    /// The code_challenge is not canonical base64url.
    PkceChallengeNotCanonical = 706,
    /// The code_verifier does not match the code_challenge.
    PkceMismatch = 707,
}

/// Every variant, in ascending order of value.
const ALL: [picket_result; 65] = {
    use picket_result::*;
    [
        Ok,
        Panic,
        NullParameter,
        BufferTooSmall,
        InvalidParameter,
        RandomUnavailable,
        KeyMismatch,
        InternalError,
        KeyEmpty,
        KeyUnknownPrefix,
        KeyWrongLength,
        KeyNonHex,
        KeySurroundingWhitespace,
        KeyUppercase,
        DigestWrongLength,
        DigestInvalidCharacter,
        HeaderMissing,
        HeaderTooLong,
        HeaderControlCharacter,
        HeaderNonAscii,
        HeaderUnsupportedScheme,
        HeaderBearerNotEnabled,
        HeaderTabSeparator,
        HeaderMissingCredentials,
        HeaderInvalidBase64,
        HeaderCredentialsTooLong,
        HeaderEmptyKey,
        HeaderKeyInPassword,
        HeaderNonEmptyPassword,
        RedirectEmpty,
        RedirectTooLong,
        RedirectNonPrintable,
        RedirectUnsafeCharacter,
        RedirectFragment,
        RedirectWildcard,
        RedirectBadPercentEncoding,
        RedirectMissingScheme,
        RedirectDisallowedScheme,
        RedirectMissingAuthority,
        RedirectUserinfo,
        RedirectEmptyHost,
        RedirectInvalidPort,
        RedirectInvalidUrl,
        RedirectInsecureScheme,
        RedirectLoopbackInProduction,
        AuthUnknownKey,
        AuthExpired,
        AuthWrongKind,
        AuthKindMismatch,
        AuthorizeSecretKeyExposed,
        AuthorizeUnknownClient,
        AuthorizeExpired,
        AuthorizeRedirectNotRegistered,
        BuildUnknownProject,
        BuildDuplicateProject,
        BuildDuplicateKey,
        BuildTooManyKeys,
        PkcePlainRefused,
        PkceUnsupportedMethod,
        PkceVerifierLength,
        PkceVerifierCharacter,
        PkceChallengeLength,
        PkceChallengeCharacter,
        PkceChallengeNotCanonical,
        PkceMismatch,
    ]
};

impl picket_result {
    /// Every variant, in ascending order of value.
    ///
    /// ```
    /// assert_eq!(picket::picket_result::all()[0], picket::picket_result::Ok);
    /// ```
    pub fn all() -> &'static [picket_result] {
        &ALL
    }

    /// The variant whose value is `code`, if there is one. Never builds an enum from an
    /// unchecked integer.
    ///
    /// ```
    /// use picket::picket_result;
    /// assert_eq!(picket_result::from_code(102), Some(picket_result::KeyWrongLength));
    /// assert_eq!(picket_result::from_code(99), None);
    /// ```
    pub fn from_code(code: u32) -> Option<picket_result> {
        ALL.iter().copied().find(|r| *r as u32 == code)
    }

    /// The static message of this result: lowercase, naming what was wrong.
    ///
    /// ```
    /// assert_eq!(picket::picket_result::Ok.text(), "success");
    /// ```
    pub const fn text(self) -> &'static str {
        use picket_result::*;
        match self {
            Ok => "success",
            Panic => "a panic inside picket was caught at the C boundary (a bug: please report it)",
            NullParameter => "a required pointer argument is NULL",
            BufferTooSmall => "the output buffer is too small: the needed size was reported",
            InvalidParameter => "an argument is out of range (unknown enum value or option bit, length above PTRDIFF_MAX, misaligned array, or overlapping buffers)",
            RandomUnavailable => "the operating system's random number generator failed",
            KeyMismatch => "the key matches none of the given digests",
            InternalError => "picket-core returned an error that has no result code in this build (a bug: please report it)",
            KeyEmpty => "api key is empty",
            KeyUnknownPrefix => "api key has an unknown prefix: expected \"pk_\" or \"sk_\"",
            KeyWrongLength => "api key must have 32 hex digits after the prefix",
            KeyNonHex => "api key has a non-hex character",
            KeySurroundingWhitespace => "api key has leading or trailing whitespace (a trailing newline?)",
            KeyUppercase => "api key has an uppercase hex digit: keys are lowercase",
            DigestWrongLength => "digest must be 64 hex digits",
            DigestInvalidCharacter => "digest has a character that is not a lowercase hex digit",
            HeaderMissing => "missing api key: send it as the username of HTTP Basic auth",
            HeaderTooLong => "authorization header is longer than 8192 bytes",
            HeaderControlCharacter => "authorization header contains a control byte",
            HeaderNonAscii => "authorization header contains a non-ASCII byte",
            HeaderUnsupportedScheme => "unsupported authorization scheme: use Basic with the api key as the username",
            HeaderBearerNotEnabled => "bearer authorization is not accepted: use Basic with the api key as the username",
            HeaderTabSeparator => "a tab separates the scheme from the credentials: use a space",
            HeaderMissingCredentials => "authorization header has a scheme but no credentials",
            HeaderInvalidBase64 => "credentials are not valid base64 (standard alphabet, padded, canonical)",
            HeaderCredentialsTooLong => "credentials are longer than 256 bytes: they cannot be an api key",
            HeaderEmptyKey => "credentials carry an empty api key",
            HeaderKeyInPassword => "the username is empty: the api key belongs in the username, with an empty password",
            HeaderNonEmptyPassword => "the password must be empty: send only the api key, as the username",
            RedirectEmpty => "redirect uri is empty",
            RedirectTooLong => "redirect uri is longer than 2048 bytes",
            RedirectNonPrintable => "redirect uri has a byte outside printable ASCII",
            RedirectUnsafeCharacter => "redirect uri has a character that must be percent-encoded",
            RedirectFragment => "redirect uri has a fragment ('#'), which is not allowed",
            RedirectWildcard => "redirect uri has a '*': wildcards are not allowed",
            RedirectBadPercentEncoding => "redirect uri has a malformed percent-encoding",
            RedirectMissingScheme => "redirect uri has no valid scheme",
            RedirectDisallowedScheme => "redirect uri scheme is not allowed",
            RedirectMissingAuthority => "redirect uri must have the form scheme://host[:port][/path]",
            RedirectUserinfo => "redirect uri must not contain userinfo ('@' in the authority)",
            RedirectEmptyHost => "redirect uri has an empty host",
            RedirectInvalidPort => "redirect uri has an invalid port: it must be a number from 1 to 65535",
            RedirectInvalidUrl => "redirect uri is not a valid url",
            RedirectInsecureScheme => "redirect uri must use https (http is allowed only for localhost, 127.0.0.1 or [::1] in development)",
            RedirectLoopbackInProduction => "redirect uri host is a loopback address, which production projects must not allow",
            AuthUnknownKey => "unknown api key",
            AuthExpired => "api key has expired: use the project's current key",
            AuthWrongKind => "this endpoint requires the other kind of api key",
            AuthKindMismatch => "the registry row of this api key names the other kind than the key's own prefix: the row is wrong; re-add the key with the kind its prefix names",
            AuthorizeSecretKeyExposed => "client_id is a secret key: it has been exposed and must be rolled now",
            AuthorizeUnknownClient => "client_id is not a known publishable key",
            AuthorizeExpired => "client_id has expired: use the project's current publishable key",
            AuthorizeRedirectNotRegistered => "redirect_uri is not registered for this project",
            BuildUnknownProject => "a key or redirect uri names a project that was not added first",
            BuildDuplicateProject => "a project was added twice",
            BuildDuplicateKey => "the same key digest was added twice",
            BuildTooManyKeys => "too many keys for one registry",
            PkcePlainRefused => "code_challenge_method \"plain\" is not allowed: use S256",
            PkceUnsupportedMethod => "unsupported code_challenge_method: only \"S256\" is accepted",
            PkceVerifierLength => "code_verifier must be 43 to 128 characters",
            PkceVerifierCharacter => "code_verifier has a character outside [A-Za-z0-9-._~]",
            PkceChallengeLength => "code_challenge must be 43 base64url characters without padding",
            PkceChallengeCharacter => "code_challenge has a character outside the base64url alphabet",
            PkceChallengeNotCanonical => "code_challenge is not canonical base64url (non-zero trailing bits)",
            PkceMismatch => "code_verifier does not match code_challenge",
        }
    }
}
