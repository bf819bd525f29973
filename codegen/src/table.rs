//! The one table of picket's result codes. Every other list of codes is generated from it.
//!
//! Each row defines one code once: its number, its name (the C constant without
//! `PICKET_RESULT_`; the FFI variant is its CamelCase), the picket-core variant that has it
//! (none for the C ABI's own codes, 0-99), its static text (lowercase, naming the rule that
//! was broken: the text of `picket_result_text` and, for a variant without fields, exactly its
//! `Display`), and the longer description the C header and the Go constants carry.
//!
//! **Adding a code:** add the variant to the picket-core error enum, add one row here (in
//! ascending order, in its area's range), then regenerate from the repository root:
//!
//! ```sh
//! cargo run -p picket-codegen            # rewrites every generated file
//! "$(scripts/tools.sh cbindgen)" --config picket-ffi/cbindgen.toml --crate picket-ffi --output include/picket.h
//! ```
//!
//! `cargo run -p picket-codegen -- --check` (run by CI and by picket-ffi's `tests/codes.rs`)
//! fails when a generated file differs from what this table gives. Codes are never reused
//! or renumbered: a removed code's number stays unused.
//!
//! Why a Rust table and not a data file: it is type-checked, needs no parser dependency,
//! and the generator's own tests read it directly.

/// One result code.
#[derive(Clone, Copy, Debug)]
pub struct Code {
    /// The number: never reused, in its area's range.
    pub value: u32,
    /// `PICKET_RESULT_<name>` in C, `Code<Name>` in Go, `Code.<NAME>` in Python.
    pub name: &'static str,
    /// The picket-core variant whose `code()` is `value` (`"KeyError::Empty"`), if any.
    pub core: Option<&'static str>,
    /// The static message: lowercase, names the rule.
    pub text: &'static str,
    /// The description of the `picket_result` variant (C header, Go constant comment).
    pub doc: &'static str,
    /// The Go constant's name after `Code`, when not the CamelCase of `name`.
    pub go_code: Option<&'static str>,
    /// The Go sentinel's name after `Err`, when not the Go constant's.
    pub go_err: Option<&'static str>,
}

const fn ffi(value: u32, name: &'static str, text: &'static str, doc: &'static str) -> Code {
    Code {
        value,
        name,
        core: None,
        text,
        doc,
        go_code: None,
        go_err: None,
    }
}

const fn core(
    value: u32,
    name: &'static str,
    core: &'static str,
    text: &'static str,
    doc: &'static str,
) -> Code {
    Code {
        core: Some(core),
        ..ffi(value, name, text, doc)
    }
}

impl Code {
    const fn go_code(self, stem: &'static str) -> Code {
        Code {
            go_code: Some(stem),
            ..self
        }
    }

    const fn go_err(self, stem: &'static str) -> Code {
        Code {
            go_err: Some(stem),
            ..self
        }
    }
}

/// A range of codes: the C ABI's own, or one picket-core error enum's.
#[derive(Clone, Copy, Debug)]
pub struct Area {
    /// First and last value of the range.
    pub range: (u32, u32),
    /// The prefix of every name in the range (`"KEY_"`), empty for the C ABI's own.
    pub prefix: &'static str,
    /// The picket-core enum (`"KeyError"`), if any.
    pub core_enum: Option<&'static str>,
    /// What a code in the range means, as the docs of every binding say it.
    pub meaning: &'static str,
    /// An expression of the enum, for the doctest of its `code()`.
    pub example: &'static str,
    /// A variant that wraps another error and keeps the inner error's code, as a pattern
    /// binding the inner error to `inner`, and what the doc says about it.
    pub wraps: Option<(&'static str, &'static str)>,
}

/// The areas, in ascending order.
pub const AREAS: &[Area] = &[
    Area {
        range: (0, 99),
        prefix: "",
        core_enum: None,
        meaning: "conditions of the C ABI itself (0 is success)",
        example: "",
        wraps: None,
    },
    Area {
        range: (100, 199),
        prefix: "KEY_",
        core_enum: Some("KeyError"),
        meaning: "the key is malformed (the same codes as picket-core's `KeyError`)",
        example: "KeyError::Empty",
        wraps: None,
    },
    Area {
        range: (200, 299),
        prefix: "DIGEST_",
        core_enum: Some("DigestError"),
        meaning: "a hex digest is malformed (`DigestError`)",
        example: "DigestError::WrongLength { found: 0 }",
        wraps: None,
    },
    Area {
        range: (300, 399),
        prefix: "HEADER_",
        core_enum: Some("HeaderError"),
        meaning: "the `Authorization` header is malformed (`HeaderError`)",
        example: "HeaderError::Missing",
        wraps: Some(("HeaderError::Key(inner)", "a key error keeps its own code")),
    },
    Area {
        range: (400, 499),
        prefix: "REDIRECT_",
        core_enum: Some("RedirectError"),
        meaning: "a redirect URI cannot be registered (`RedirectError`)",
        example: "RedirectError::Empty",
        wraps: None,
    },
    Area {
        range: (500, 519),
        prefix: "AUTH_",
        core_enum: Some("AuthError"),
        meaning: "authentication failed (`AuthError`)",
        example: "AuthError::UnknownKey",
        wraps: Some((
            "AuthError::Header(inner)",
            "a header or key error keeps its own code",
        )),
    },
    Area {
        range: (520, 539),
        prefix: "AUTHORIZE_",
        core_enum: Some("AuthorizeError"),
        meaning: "an OAuth authorize request is refused (`AuthorizeError`)",
        example: "AuthorizeError::UnknownClient",
        wraps: Some((
            "AuthorizeError::InvalidClientId(inner)",
            "a key error keeps its own code",
        )),
    },
    Area {
        range: (600, 699),
        prefix: "BUILD_",
        core_enum: Some("BuildError"),
        meaning: "a registry cannot be built (`BuildError`)",
        example: "BuildError::TooManyKeys",
        wraps: Some((
            "BuildError::Redirect { error: inner, .. }",
            "a redirect error keeps its own code",
        )),
    },
    Area {
        range: (700, 799),
        prefix: "PKCE_",
        core_enum: Some("PkceError"),
        meaning: "a PKCE check failed (`PkceError`)",
        example: "PkceError::Mismatch",
        wraps: None,
    },
];

/// Every code, in ascending order of value.
#[rustfmt::skip]
pub const CODES: &[Code] = &[
    ffi(0, "OK",
        "success",
        "Success."),
    ffi(1, "PANIC",
        "a panic inside picket was caught at the C boundary (a bug: please report it)",
        "A panic inside picket was caught at the C boundary (a bug: please report it)."),
    ffi(2, "NULL_PARAMETER",
        "a required pointer argument is NULL",
        "A required pointer was NULL, or a buffer pointer was NULL with a non-zero length."),
    ffi(3, "BUFFER_TOO_SMALL",
        "the output buffer is too small: the needed size was reported",
        "The output buffer is too small; the needed size was written through the length pointer and the buffer was left untouched."),
    ffi(4, "INVALID_PARAMETER",
        "an argument is out of range (unknown enum value or option bit, length above PTRDIFF_MAX, misaligned array, or overlapping buffers)",
        "An argument is out of range: an unknown enum value or option bit, a length above `PTRDIFF_MAX`, a misaligned array, or an output buffer that overlaps an input."),
    ffi(5, "RANDOM_UNAVAILABLE",
        "the operating system's random number generator failed",
        "The operating system's random number generator failed."),
    ffi(6, "KEY_MISMATCH",
        "the key matches none of the given digests",
        "The key is well-formed but matches none of the given digests."),
    ffi(7, "INTERNAL_ERROR",
        "picket-core returned an error that has no result code in this build (a bug: please report it)",
        "picket-core returned an error that has no result code in this build (a bug: please report it). The detailed message has the error's text.")
    .go_code("Internal")
    .go_err("Internal"),
    ffi(8, "WRONG_HANDLE",
        "the handle is not of the type this function takes (another picket handle, or a pointer picket did not return)",
        "The handle is not of the type the function takes: a handle of another type (a `picket_registry` where a `picket_registry_builder` is expected, or the reverse) or a value no picket handle has. Nothing was read through it."),
    ffi(9, "HANDLE_FREED",
        "the handle was freed (or the builder was consumed by picket_registry_builder_build) and must not be used again",
        "The handle was freed, or the builder was consumed by `picket_registry_builder_build`: a use after free or a second free, caught before anything was read through it."),
    core(100, "KEY_EMPTY", "KeyError::Empty",
        "api key is empty",
        "The key is empty."),
    core(101, "KEY_UNKNOWN_PREFIX", "KeyError::UnknownPrefix",
        "api key has an unknown prefix: expected \"pk_\" or \"sk_\"",
        "The key does not start with `pk_` or `sk_`."),
    core(102, "KEY_WRONG_LENGTH", "KeyError::WrongLength { .. }",
        "api key must have 32 hex digits after the prefix",
        "The key does not have 32 characters after its prefix."),
    core(103, "KEY_NON_HEX", "KeyError::NonHex { .. }",
        "api key has a non-hex character",
        "The key has a character that is not a hex digit."),
    core(104, "KEY_SURROUNDING_WHITESPACE", "KeyError::SurroundingWhitespace",
        "api key has leading or trailing whitespace (a trailing newline?): remove it",
        "The key has leading or trailing whitespace (a trailing newline?)."),
    core(105, "KEY_UPPERCASE", "KeyError::Uppercase { .. }",
        "api key has an uppercase hex digit: keys are lowercase",
        "The key has an uppercase hex digit; keys are lowercase."),
    core(200, "DIGEST_WRONG_LENGTH", "DigestError::WrongLength { .. }",
        "digest must be 64 hex digits",
        "A hex digest is not 64 characters long."),
    core(201, "DIGEST_INVALID_CHARACTER", "DigestError::InvalidCharacter { .. }",
        "digest has a character that is not a lowercase hex digit",
        "A hex digest has a character that is not a lowercase hex digit."),
    core(300, "HEADER_MISSING", "HeaderError::Missing",
        "missing api key: send it as the username of HTTP Basic auth",
        "There is no `Authorization` header, or it is blank."),
    core(301, "HEADER_TOO_LONG", "HeaderError::TooLong",
        "authorization header is longer than 8192 bytes",
        "The `Authorization` header is longer than `PICKET_MAX_HEADER_LEN` bytes."),
    core(302, "HEADER_CONTROL_CHARACTER", "HeaderError::ControlCharacter { .. }",
        "authorization header contains a control byte",
        "The `Authorization` header contains a control byte."),
    core(303, "HEADER_NON_ASCII", "HeaderError::NonAscii { .. }",
        "authorization header contains a non-ASCII byte",
        "The `Authorization` header contains a byte above 0x7F."),
    core(304, "HEADER_UNSUPPORTED_SCHEME", "HeaderError::UnsupportedScheme",
        "unsupported authorization scheme: use Basic with the api key as the username",
        "The scheme is neither `Basic` nor (when enabled) `Bearer`."),
    core(305, "HEADER_BEARER_NOT_ENABLED", "HeaderError::BearerNotEnabled",
        "bearer authorization is not accepted: use Basic with the api key as the username",
        "`Bearer` was used but `PICKET_OPTION_ACCEPT_BEARER` is off."),
    core(306, "HEADER_TAB_SEPARATOR", "HeaderError::TabSeparator",
        "a tab separates the scheme from the credentials: use a space",
        "A tab separates the scheme from the credentials."),
    core(307, "HEADER_MISSING_CREDENTIALS", "HeaderError::MissingCredentials",
        "authorization header has a scheme but no credentials",
        "The scheme has no credentials after it."),
    core(308, "HEADER_INVALID_BASE64", "HeaderError::InvalidBase64",
        "credentials are not valid base64 (standard alphabet, padded, canonical)",
        "The credentials are not padded, canonical standard base64."),
    core(309, "HEADER_CREDENTIALS_TOO_LONG", "HeaderError::CredentialsTooLong",
        "credentials are longer than 256 bytes: they cannot be an api key",
        "The decoded credentials are too long to hold a key."),
    core(310, "HEADER_EMPTY_KEY", "HeaderError::EmptyKey",
        "credentials carry an empty api key",
        "The credentials carry an empty key."),
    core(311, "HEADER_KEY_IN_PASSWORD", "HeaderError::KeyInPassword",
        "the username is empty: the api key belongs in the username, with an empty password",
        "The username is empty but the password is not: the key is in the wrong field."),
    core(312, "HEADER_NON_EMPTY_PASSWORD", "HeaderError::NonEmptyPassword",
        "the password must be empty: send only the api key, as the username",
        "A password was sent; it must be empty."),
    core(400, "REDIRECT_EMPTY", "RedirectError::Empty",
        "redirect uri is empty",
        "The redirect URI is empty."),
    core(401, "REDIRECT_TOO_LONG", "RedirectError::TooLong",
        "redirect uri is longer than 2048 bytes",
        "The redirect URI is longer than `PICKET_MAX_REDIRECT_URI_LEN` bytes."),
    core(402, "REDIRECT_NON_PRINTABLE", "RedirectError::NonPrintable { .. }",
        "redirect uri has a byte outside printable ASCII",
        "The redirect URI has a byte outside printable ASCII."),
    core(403, "REDIRECT_UNSAFE_CHARACTER", "RedirectError::UnsafeCharacter { .. }",
        "redirect uri has a character that must be percent-encoded",
        "The redirect URI has a character that must be percent-encoded."),
    core(404, "REDIRECT_FRAGMENT", "RedirectError::Fragment",
        "redirect uri has a fragment ('#'), which is not allowed",
        "The redirect URI has a fragment."),
    core(405, "REDIRECT_WILDCARD", "RedirectError::Wildcard",
        "redirect uri has a '*': wildcards are not allowed, register each uri exactly",
        "The redirect URI has a wildcard."),
    core(406, "REDIRECT_BAD_PERCENT_ENCODING", "RedirectError::BadPercentEncoding { .. }",
        "redirect uri has a malformed percent-encoding",
        "The redirect URI has a malformed percent-encoding."),
    core(407, "REDIRECT_MISSING_SCHEME", "RedirectError::MissingScheme",
        "redirect uri has no valid scheme",
        "The redirect URI has no valid scheme."),
    core(408, "REDIRECT_DISALLOWED_SCHEME", "RedirectError::DisallowedScheme",
        "redirect uri scheme is not allowed: use https (or a reverse-DNS private-use scheme for native apps, when enabled)",
        "The redirect URI's scheme is not allowed."),
    core(409, "REDIRECT_MISSING_AUTHORITY", "RedirectError::MissingAuthority",
        "redirect uri must have the form scheme://host[:port][/path]",
        "An http(s) redirect URI does not have the form `scheme://host[:port][/path]`."),
    core(410, "REDIRECT_USERINFO", "RedirectError::Userinfo",
        "redirect uri must not contain userinfo ('@' in the authority)",
        "The redirect URI has userinfo."),
    core(411, "REDIRECT_EMPTY_HOST", "RedirectError::EmptyHost",
        "redirect uri has an empty host",
        "The redirect URI has an empty host."),
    core(412, "REDIRECT_INVALID_PORT", "RedirectError::InvalidPort",
        "redirect uri has an invalid port: it must be a number from 1 to 65535",
        "The redirect URI has an invalid port."),
    core(413, "REDIRECT_INVALID_URL", "RedirectError::InvalidUrl(_)",
        "redirect uri is not a valid url",
        "The URL parser refused the redirect URI."),
    core(414, "REDIRECT_INSECURE_SCHEME", "RedirectError::InsecureScheme",
        "redirect uri must use https (http is allowed only for localhost, 127.0.0.1 or [::1] in development)",
        "The redirect URI uses http where https is required."),
    core(415, "REDIRECT_LOOPBACK_IN_PRODUCTION", "RedirectError::LoopbackInProduction",
        "redirect uri host is the local machine or its link (a loopback or link-local address, localhost, or a name such as localhost.localdomain, ip6-localhost, _localdnsstub or NAME.local), which production projects must not allow",
        "The redirect URI's host is the local machine or its link (a loopback or link-local address, or a name an OS resolver or default hosts file gives it) in a production project."),
    core(416, "REDIRECT_SINGLE_LABEL_HOST", "RedirectError::SingleLabelHost",
        "redirect uri host is a single label (no dot, such as intranet or the machine's own hostname), which only local resolvers answer: production projects must use a public domain name",
        "The redirect URI's host is a name of one label, which only local resolvers answer, in a production project."),
    core(500, "AUTH_UNKNOWN_KEY", "AuthError::UnknownKey",
        "unknown api key",
        "No project has this key (never issued, or revoked). HTTP 401.")
    .go_err("UnknownKey"),
    core(501, "AUTH_EXPIRED", "AuthError::Expired",
        "api key has expired: use the project's current key",
        "The key has expired. HTTP 401.")
    .go_err("KeyExpired"),
    core(502, "AUTH_WRONG_KIND", "AuthError::WrongKind { .. }",
        "this endpoint requires the other kind of api key",
        "A valid key of the wrong kind for this endpoint. HTTP 403.")
    .go_err("WrongKind"),
    core(503, "AUTH_KIND_MISMATCH", "AuthError::KindMismatch",
        "the registry row of this api key names the other kind than the key's own prefix: the row is wrong; re-add the key with the kind its prefix names",
        "The key's registry row names the other kind than the key's own prefix (a `pk_` key added as secret, or the reverse): the row is wrong and the key never authenticates. HTTP 401.")
    .go_err("KindMismatch"),
    core(521, "AUTHORIZE_SECRET_KEY_EXPOSED", "AuthorizeError::SecretKeyExposed",
        "client_id is a secret key: it has been exposed and must be rolled now; use the publishable key in client-side flows",
        "The client_id is a secret key: it has been exposed and must be rolled.")
    .go_err("SecretKeyExposed"),
    core(522, "AUTHORIZE_UNKNOWN_CLIENT", "AuthorizeError::UnknownClient",
        "client_id is not a known publishable key",
        "The client_id is not a known publishable key.")
    .go_err("UnknownClient"),
    core(523, "AUTHORIZE_EXPIRED", "AuthorizeError::Expired",
        "client_id has expired: use the project's current publishable key",
        "The client_id has expired.")
    .go_err("ClientExpired"),
    core(524, "AUTHORIZE_REDIRECT_NOT_REGISTERED", "AuthorizeError::RedirectNotRegistered",
        "redirect_uri is not registered for this project (matching is exact, trailing slashes included)",
        "The redirect_uri is not registered for the client's project.")
    .go_err("RedirectNotRegistered"),
    core(600, "BUILD_UNKNOWN_PROJECT", "BuildError::UnknownProject { .. }",
        "a key or redirect uri names a project that was not added first",
        "A key or redirect URI names a project that was not added first."),
    core(601, "BUILD_DUPLICATE_PROJECT", "BuildError::DuplicateProject { .. }",
        "a project was added twice",
        "A project was added twice."),
    core(602, "BUILD_DUPLICATE_KEY", "BuildError::DuplicateKey { .. }",
        "the same key digest was added twice",
        "The same key digest was added twice."),
    core(603, "BUILD_TOO_MANY_KEYS", "BuildError::TooManyKeys",
        "too many keys for one registry",
        "More keys than one registry can index."),
    core(700, "PKCE_PLAIN_REFUSED", "PkceError::PlainRefused",
        "code_challenge_method \"plain\" is not allowed: use S256",
        "`code_challenge_method` is `plain`, which is refused."),
    core(701, "PKCE_UNSUPPORTED_METHOD", "PkceError::UnsupportedMethod",
        "unsupported code_challenge_method: only \"S256\" is accepted",
        "`code_challenge_method` is not `S256`."),
    core(702, "PKCE_VERIFIER_LENGTH", "PkceError::VerifierLength { .. }",
        "code_verifier must be 43 to 128 characters",
        "The code_verifier is not 43 to 128 characters long."),
    core(703, "PKCE_VERIFIER_CHARACTER", "PkceError::VerifierCharacter { .. }",
        "code_verifier has a character outside [A-Za-z0-9-._~]",
        "The code_verifier has a character outside `[A-Za-z0-9-._~]`."),
    core(704, "PKCE_CHALLENGE_LENGTH", "PkceError::ChallengeLength { .. }",
        "code_challenge must be 43 base64url characters without padding",
        "The code_challenge is not 43 characters long."),
    core(705, "PKCE_CHALLENGE_CHARACTER", "PkceError::ChallengeCharacter { .. }",
        "code_challenge has a character outside the base64url alphabet",
        "The code_challenge has a character outside the base64url alphabet."),
    core(706, "PKCE_CHALLENGE_NOT_CANONICAL", "PkceError::ChallengeNotCanonical",
        "code_challenge is not canonical base64url (non-zero trailing bits)",
        "The code_challenge is not canonical base64url."),
    core(707, "PKCE_MISMATCH", "PkceError::Mismatch",
        "code_verifier does not match code_challenge",
        "The code_verifier does not match the code_challenge."),
];

/// A rule of picket-server's API that no picket-core error has: the `error` name and the
/// `code` of the API error object `{"error", "code", "message"}`, the HTTP status that
/// answers it, and its default message.
///
/// **Adding a rule:** add one row to [`RULES`] (in ascending order, in the range of your
/// area in [`RULE_AREAS`]; its name lowercase snake_case), run `cargo run -p picket-codegen`,
/// then answer it with its generated Go value: `writeErr(w, rules.QuotaKeys, message)` in
/// `server/internal/app` (`rules` is `server/internal/rules`, whose `rules_gen.go` this row
/// becomes; `server/RULES.md` lists it for users). Codes are never reused or renumbered.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// The code, in 800-999: never reused, in its area's range.
    pub value: u32,
    /// The error object's `error`: lowercase snake_case, unique among rules and codes.
    pub name: &'static str,
    /// The HTTP status of an answer with this rule (400 for the CLI's own rules).
    pub status: u16,
    /// The default message: lowercase, no final period, words a developer understands.
    pub text: &'static str,
    /// What the rule means and when it is answered (RULES.md, the Go value's comment).
    pub doc: &'static str,
    /// Whether the bindings' middleware answer it too (their copies carry only these).
    pub middleware: bool,
}

const fn rule(
    value: u32,
    name: &'static str,
    status: u16,
    text: &'static str,
    doc: &'static str,
) -> Rule {
    Rule {
        value,
        name,
        status,
        text,
        doc,
        middleware: false,
    }
}

impl Rule {
    const fn middleware(self) -> Rule {
        Rule {
            middleware: true,
            ..self
        }
    }
}

/// The ranges of [`RULES`], each owned by one area of the server: `(first, last, what)`.
pub const RULE_AREAS: &[(u32, u32, &str)] = &[
    (800, 829, "HTTP and the API in general"),
    (830, 859, "the store and operations"),
    (860, 899, "abuse and tenancy: limits, quotas, key seniority"),
    (900, 949, "accounts and the dashboard"),
];

/// Every rule of the server's own, in ascending order of value.
#[rustfmt::skip]
pub const RULES: &[Rule] = &[
    rule(800, "internal_error", 500,
        "internal server error",
        "The server failed (a bug or a store failure): the request may be retried. The cause is in the server's log, never in the answer.")
    .middleware(),
    rule(801, "not_found", 404,
        "no such endpoint",
        "No endpoint has this path (or the admin address was asked for anything but `GET /metrics`)."),
    rule(802, "method_not_allowed", 405,
        "the endpoint does not take this method",
        "The endpoint exists but not with this method; `Allow` lists the methods it takes."),
    rule(803, "bad_request", 400,
        "the request is malformed",
        "A parameter or field has a value out of its range or set (the message names it)."),
    rule(804, "invalid_json", 400,
        "the body is not the expected JSON object",
        "The body is not one JSON object of the documented fields: malformed, trailing data, an unknown field, a field given twice or in another case."),
    rule(805, "body_too_large", 413,
        "the request body is larger than 65536 bytes",
        "The request body is larger than 64 KiB."),
    rule(806, "canceled", 503,
        "the request was canceled",
        "The client went away (or its deadline passed) before the answer was ready."),
    rule(807, "unknown_project", 404,
        "no such project",
        "The project does not exist (any more)."),
    rule(808, "unknown_key", 404,
        "no such key",
        "No key of the caller's project has this id."),
    rule(809, "key_revoked", 409,
        "the key is revoked: issue a new one instead",
        "A revoked key cannot be rolled."),
    rule(810, "redirect_uri_exists", 409,
        "the redirect URI is already registered",
        "The project has this redirect URI already."),
    rule(811, "redirect_uri_not_found", 404,
        "the redirect URI is not registered",
        "The project has no such redirect URI (matching is exact)."),
    rule(812, "production_refused", 409,
        "production refuses some of the project's redirect URIs",
        "The project cannot become production while it has redirect URIs that production refuses; `refused` lists each with its rule."),
    rule(813, "usage", 400,
        "the command line is malformed",
        "The operator's command line is malformed (the CLI only: exit status 2)."),
    rule(830, "store_unavailable", 503,
        "the store does not answer",
        "The store (the database) did not answer within `-store-timeout`, refused the connection, or is known to be down: until it answers a ping again every call that needs it answers this at once (`Retry-After: 1`; authentication, from memory, goes on), and `/readyz` is not ready."),
    rule(831, "overloaded", 503,
        "the server holds as many connections as it may, each with a request in flight",
        "The server holds `-max-conns` connections, every one with a request in flight, so it closed this new one at once, without reading its request (idle connections are closed to make room before this happens, and so is the request in flight longest past `-store-timeout` + 1 s of the address holding the most connections): retry after `Retry-After`."),
    rule(832, "too_many_connections", 429,
        "this client address holds its share of the server's connections, each with a request in flight",
        "The client's address (IPv6: its /64) holds `-max-conns-per-client` connections, every one with a request in flight, so the server closed this new one at once, without reading its request (the address's idle connections are closed to make room before this happens; connections from `-trusted-proxies` have no share): retry after `Retry-After`."),
    rule(860, "duplicate_authorization", 400,
        "the request has more than one Authorization header: send exactly one",
        "The request has more than one `Authorization` header (or one whose value has a comma, as a proxy joins two): which one a proxy and the server read could differ.")
    .middleware(),
    rule(861, "rate_limited", 429,
        "too many requests",
        "A rate limit is exhausted: `limit` names it, `retry_after` (and the `Retry-After` header) says when to retry."),
    rule(862, "quota_keys", 409,
        "the project holds as many live keys as its quota allows",
        "The project holds its quota of live keys (`quota`): revoke some, or roll with `grace_seconds` 0."),
    rule(863, "quota_redirect_uris", 409,
        "the project holds as many redirect URIs as its quota allows",
        "The project holds its quota of redirect URIs (`quota`): remove some first."),
    rule(864, "last_secret_key", 409,
        "this is the project's last working secret key",
        "Revoking the project's last working secret key would lock its owner out (the CLI can, with `-force`)."),
    rule(865, "key_outranks_caller", 403,
        "the key is more senior than the key of the request",
        "A secret key may not roll or revoke an older secret key outside its own roll chain."),
    rule(866, "quota_projects", 409,
        "the account holds as many projects as its quota allows",
        "The account holds its quota of projects (`quota`, `-max-projects-per-account`): each project is in every server's memory, so that one account may not grow it without bound."),
    rule(900, "email_invalid", 400,
        "the email address is not valid",
        "The email address is malformed or longer than 254 bytes."),
    rule(901, "password_too_short", 400,
        "the password is shorter than 15 characters",
        "A password has at least 15 characters."),
    rule(902, "password_too_long", 400,
        "the password is longer than 256 bytes",
        "A password has at most 256 bytes."),
    rule(903, "password_is_email", 400,
        "the password is the email address",
        "A password must not be the account's email address."),
    rule(904, "password_invalid", 400,
        "the password is not UTF-8 text",
        "A password is valid UTF-8 text."),
    rule(905, "unknown_account", 404,
        "no account has this email address",
        "No account has this email address."),
    rule(906, "account_exists", 409,
        "an account has this email address already",
        "An account has this email address already."),
    rule(907, "project_owned", 409,
        "the project belongs to another account",
        "A project can be adopted only while no account has it."),
    rule(908, "password_missing", 400,
        "no password was given",
        "The CLI read no password from standard input or the prompt."),
    rule(909, "password_mismatch", 400,
        "the two passwords typed differ",
        "The password typed again at the prompt differs from the first."),
    rule(910, "login_failed", 401,
        "wrong email or password",
        "The dashboard's log-in: no account has this email and password (one answer for both)."),
    rule(911, "csrf_refused", 403,
        "the form did not come from this dashboard",
        "A dashboard form without its session's CSRF token, or sent from another origin."),
    rule(912, "signup_closed", 403,
        "sign-up is closed on this server",
        "The server runs with `-signup=false`: only the operator makes accounts."),
    // 913 was signup_refused: sign-up now answers a taken email as a new one. Never reuse it.
    rule(914, "project_name_invalid", 400,
        "a project's name is 1 to 200 bytes of text",
        "A project's name is empty or longer than 200 bytes."),
    rule(915, "account_owns_projects", 409,
        "the account owns projects",
        "`account delete` refuses an account that owns projects unless `-force`, which leaves them to no account (their keys keep working; `account adopt` gives them to an account)."),
];
