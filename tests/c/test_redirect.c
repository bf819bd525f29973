/*
 * test_redirect.c: picket_redirect_validate for every redirect code (400-415) in both modes
 * and with each option, picket_redirect_match (byte-exact matching, refused entries,
 * loopback-any-port, the picket_slice list conventions), and picket_pkce_verify for every
 * PKCE code (700-707).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "picket.h"
#include "support.h"

static const size_t HUGE_LEN = (size_t)PTRDIFF_MAX + 1;

#define DEV PICKET_MODE_DEVELOPMENT
#define PROD PICKET_MODE_PRODUCTION
#define PRIVATE PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES
#define ANY_PORT PICKET_OPTION_LOOPBACK_ANY_PORT

static void expect_validate(const char *uri, size_t len, uint32_t mode, uint32_t options,
                            uint32_t code, const char *message, int line) {
    char what[96];
    snprintf(what, sizeof what, "picket_redirect_validate case at line %d", line);
    bool same = check_rc_(picket_redirect_validate(B(uri, len), mode, options), code, __FILE__,
                          line, what);
    /* A builder's project of the same mode and options refuses the URI with the same code. */
    picket_registry_builder *b = picket_registry_builder_new();
    if (picket_registry_builder_add_project(b, 1, mode, options) == PICKET_RESULT_OK) {
        snprintf(what, sizeof what, "picket_registry_builder_add_redirect_uri case at line %d",
                 line);
        check_rc_(picket_registry_builder_add_redirect_uri(b, 1, B(uri, len)), code, __FILE__,
                  line, what);
    }
    picket_registry_builder_free(b);
    if (!same || code == PICKET_RESULT_OK) {
        return;
    }
    char msg[512];
    check_last_error(msg, sizeof msg);
    CHECK_MSG(strstr(msg, message) != NULL, "line %d: message \"%s\" lacks \"%s\"", line, msg,
              message);
}

#define VALIDATE(uri, mode, options, code, message)                                         \
    expect_validate((uri), sizeof(uri) - 1, (mode), (options), (code), (message), __LINE__)

static void test_validate(void) {
    const uint32_t OK = PICKET_RESULT_OK;
    VALIDATE("https://example.com/callback", DEV, 0, OK, "");
    VALIDATE("https://example.com/callback", PROD, 0, OK, "");
    VALIDATE("http://localhost:3000", DEV, 0, OK, "");
    VALIDATE("http://127.0.0.1:8080/cb", DEV, ANY_PORT, OK, "");
    VALIDATE("http://[::1]/cb", DEV, 0, OK, "");
    VALIDATE("com.example.app:/cb", PROD, PRIVATE, OK, "");
    VALIDATE("com.example.app:/cb", DEV, PRIVATE | ANY_PORT, OK, "");

    /* 400: (NULL, 0) is the empty URI. */
    CHECK_RC(picket_redirect_validate(NULL, 0, PROD, 0), PICKET_RESULT_REDIRECT_EMPTY);
    VALIDATE("", DEV, 0, PICKET_RESULT_REDIRECT_EMPTY, "empty");
    /* 401: the limit exactly is fine, one more byte is not. */
    char *long_uri = malloc(PICKET_MAX_REDIRECT_URI_LEN + 1);
    if (CHECK(long_uri != NULL)) {
        memcpy(long_uri, "https://example.com/", 20);
        memset(long_uri + 20, 'a', PICKET_MAX_REDIRECT_URI_LEN + 1 - 20);
        expect_validate(long_uri, PICKET_MAX_REDIRECT_URI_LEN, PROD, 0, OK, "", __LINE__);
        expect_validate(long_uri, PICKET_MAX_REDIRECT_URI_LEN + 1, PROD, 0,
                        PICKET_RESULT_REDIRECT_TOO_LONG, "2048", __LINE__);
        free(long_uri);
    }
    /* 402: a NUL byte (data, not a terminator) or a space. */
    VALIDATE("https://example.com/\0", PROD, 0, PICKET_RESULT_REDIRECT_NON_PRINTABLE,
             "position 20");
    VALIDATE("https://example.com\0/cb", PROD, 0, PICKET_RESULT_REDIRECT_NON_PRINTABLE,
             "position 19");
    VALIDATE("https://exa mple.com/", DEV, 0, PICKET_RESULT_REDIRECT_NON_PRINTABLE, "position 11");
    VALIDATE("https://b\xc3\xbc" "cher.example/", DEV, 0, PICKET_RESULT_REDIRECT_NON_PRINTABLE,
             "position 9");
    VALIDATE("https://example.com/<x>", PROD, 0, PICKET_RESULT_REDIRECT_UNSAFE_CHARACTER,
             "position 20");
    VALIDATE("https://example.com/#", PROD, 0, PICKET_RESULT_REDIRECT_FRAGMENT, "fragment");
    VALIDATE("https://*.example.com/", PROD, 0, PICKET_RESULT_REDIRECT_WILDCARD, "wildcard");
    VALIDATE("https://example.com/%zz", PROD, 0, PICKET_RESULT_REDIRECT_BAD_PERCENT_ENCODING,
             "position 20");
    VALIDATE("/cb", DEV, 0, PICKET_RESULT_REDIRECT_MISSING_SCHEME, "scheme");
    VALIDATE("1https://example.com/", DEV, 0, PICKET_RESULT_REDIRECT_MISSING_SCHEME, "scheme");
    VALIDATE("javascript:alert(1)", DEV, PRIVATE, PICKET_RESULT_REDIRECT_DISALLOWED_SCHEME,
             "scheme is not allowed");
    VALIDATE("com.example.app:/cb", PROD, 0, PICKET_RESULT_REDIRECT_DISALLOWED_SCHEME,
             "scheme is not allowed");
    VALIDATE("https:example.com/x", PROD, 0, PICKET_RESULT_REDIRECT_MISSING_AUTHORITY,
             "scheme://host");
    VALIDATE("https://user@example.com/", PROD, 0, PICKET_RESULT_REDIRECT_USERINFO, "userinfo");
    VALIDATE("https:///cb", PROD, 0, PICKET_RESULT_REDIRECT_EMPTY_HOST, "empty host");
    VALIDATE("https://example.com:0/", PROD, 0, PICKET_RESULT_REDIRECT_INVALID_PORT, "port");
    VALIDATE("https://example.com:65536/", PROD, 0, PICKET_RESULT_REDIRECT_INVALID_PORT, "port");
    VALIDATE("https://[::1/cb", DEV, 0, PICKET_RESULT_REDIRECT_INVALID_URL, "not a valid url");
    VALIDATE("http://localhost:3000", PROD, 0, PICKET_RESULT_REDIRECT_INSECURE_SCHEME, "https");
    VALIDATE("http://example.com/cb", DEV, 0, PICKET_RESULT_REDIRECT_INSECURE_SCHEME, "https");
    VALIDATE("https://localhost/cb", PROD, 0, PICKET_RESULT_REDIRECT_LOOPBACK_IN_PRODUCTION,
             "loopback");
    VALIDATE("https://127.1/", PROD, ANY_PORT, PICKET_RESULT_REDIRECT_LOOPBACK_IN_PRODUCTION,
             "loopback");
    VALIDATE("https://_localdnsstub:8443/cb", PROD, 0,
             PICKET_RESULT_REDIRECT_LOOPBACK_IN_PRODUCTION, "loopback");
    VALIDATE("https://intranet/cb", PROD, 0, PICKET_RESULT_REDIRECT_SINGLE_LABEL_HOST,
             "single label");

    /* Enums, options, NULL, length. */
    const uint32_t bad_modes[] = {0, 3, UINT32_MAX};
    for (size_t i = 0; i < 3; i++) {
        CHECK_RC(picket_redirect_validate(S("https://example.com/"), bad_modes[i], 0),
                 PICKET_RESULT_INVALID_PARAMETER);
    }
    char msg[512];
    CHECK_MSG(strstr(check_last_error(msg, sizeof msg), "mode") != NULL, "\"%s\"", msg);
    const uint32_t bad_options[] = {PICKET_OPTION_ACCEPT_BEARER, 8, PRIVATE | 16, 0x80000000u};
    for (size_t i = 0; i < 4; i++) {
        CHECK_RC(picket_redirect_validate(S("https://example.com/"), PROD, bad_options[i]),
                 PICKET_RESULT_INVALID_PARAMETER);
    }
    CHECK_MSG(strstr(check_last_error(msg, sizeof msg), "options") != NULL, "\"%s\"", msg);
    CHECK_RC(picket_redirect_validate(NULL, 20, PROD, 0), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_redirect_validate((const uint8_t *)"https://example.com/", HUGE_LEN, PROD, 0),
             PICKET_RESULT_INVALID_PARAMETER);
}

#define SLICE(lit) {(const uint8_t *)(lit), sizeof(lit) - 1}

/* Matches `candidate` against `list` and checks the answer. */
static void expect_match(const picket_slice *list, size_t count, const char *candidate,
                         size_t candidate_len, uint32_t mode, uint32_t options, bool want,
                         int line) {
    bool matched = !want;
    char what[96];
    snprintf(what, sizeof what, "picket_redirect_match case at line %d", line);
    if (check_rc_(picket_redirect_match(list, count, B(candidate, candidate_len), mode, options,
                                        &matched),
                  PICKET_RESULT_OK, __FILE__, line, what)) {
        CHECK_MSG(matched == want, "line %d: matched %d, want %d", line, matched, want);
    }
}

#define MATCH(list, candidate, mode, options, want)                                          \
    expect_match((list), sizeof(list) / sizeof((list)[0]), (candidate), sizeof(candidate) - 1, \
                 (mode), (options), (want), __LINE__)

static void test_match(void) {
    const picket_slice list[] = {
        SLICE("https://example.com/callback"),
        SLICE("http://localhost:3000/"),
        SLICE("http://127.0.0.1:8080/cb"),
        SLICE("http://example.com/insecure"), /* refused in both modes: never matches */
        SLICE("com.example.app:/cb"),         /* only with the private-use option */
    };
    MATCH(list, "https://example.com/callback", PROD, 0, true);
    MATCH(list, "https://example.com/callback", DEV, 0, true);
    MATCH(list, "https://example.com/callback/", PROD, 0, false);
    MATCH(list, "https://example.com/callbac", PROD, 0, false);
    MATCH(list, "https://EXAMPLE.com/callback", PROD, 0, false);
    MATCH(list, "https://example.com/callback\0", PROD, 0, false);
    MATCH(list, "https://example.com/callback?x=1", PROD, 0, false);
    MATCH(list, "http://localhost:3000/", DEV, 0, true);
    MATCH(list, "http://localhost:3000", DEV, 0, false);
    /* A development-only entry in a production project is left out. */
    MATCH(list, "http://localhost:3000/", PROD, 0, false);
    MATCH(list, "http://example.com/insecure", DEV, 0, false);
    MATCH(list, "http://example.com/insecure", PROD, 0, false);
    /* Loopback any port: only with the option, only in development, only the port. */
    MATCH(list, "http://127.0.0.1:8080/cb", DEV, 0, true);
    MATCH(list, "http://127.0.0.1:9999/cb", DEV, 0, false);
    MATCH(list, "http://127.0.0.1:9999/cb", DEV, ANY_PORT, true);
    MATCH(list, "http://127.0.0.1/cb", DEV, ANY_PORT, true);
    MATCH(list, "http://127.0.0.1:9999/cb2", DEV, ANY_PORT, false);
    MATCH(list, "http://127.0.0.1:9999/cb", PROD, ANY_PORT, false);
    MATCH(list, "http://localhost:9999/", DEV, ANY_PORT, false);
    /* Private-use schemes. */
    MATCH(list, "com.example.app:/cb", DEV, 0, false);
    MATCH(list, "com.example.app:/cb", PROD, PRIVATE, true);
    /* The empty candidate, and (NULL, 0). */
    MATCH(list, "", DEV, 0, false);
    expect_match(list, 5, NULL, 0, DEV, 0, false, __LINE__);
    /* The empty list, as (NULL, 0) and as (list, 0). */
    expect_match(NULL, 0, "https://example.com/callback", 28, PROD, 0, false, __LINE__);
    expect_match(list, 0, "https://example.com/callback", 28, PROD, 0, false, __LINE__);
    /* An entry that is (NULL, 0) is the empty URI: refused, skipped. */
    const picket_slice with_empty[] = {{NULL, 0}, SLICE("https://a.example/cb")};
    MATCH(with_empty, "https://a.example/cb", PROD, 0, true);
    /* An entry with an embedded NUL is refused (non-printable), so never matches. */
    const picket_slice with_nul[] = {SLICE("https://a.example/cb\0")};
    MATCH(with_nul, "https://a.example/cb\0", PROD, 0, false);
    /* A candidate far longer than any registrable URI. */
    char *huge = malloc(10000);
    if (CHECK(huge != NULL)) {
        memcpy(huge, "https://example.com/callback", 28);
        memset(huge + 28, 'a', 10000 - 28);
        expect_match(list, 5, huge, 10000, PROD, 0, false, __LINE__);
        free(huge);
    }

    /* Failures: out_matched untouched. */
    bool matched = true;
    const picket_slice null_entry[] = {SLICE("https://a.example/cb"), {NULL, 5}};
    CHECK_RC(picket_redirect_match(null_entry, 2, S("https://a.example/cb"), PROD, 0, &matched),
             PICKET_RESULT_NULL_PARAMETER);
    char msg[512];
    CHECK_MSG(strstr(check_last_error(msg, sizeof msg), "entry 1") != NULL, "\"%s\"", msg);
    CHECK_RC(picket_redirect_match(NULL, 1, S("https://a.example/cb"), PROD, 0, &matched),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_redirect_match(list, 5, NULL, 3, PROD, 0, &matched),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_redirect_match(list, 5, S("https://a.example/cb"), PROD, 0, NULL),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_redirect_match(list, 5, S("https://a.example/cb"), 0, 0, &matched),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_redirect_match(list, 5, S("https://a.example/cb"), 9, 0, &matched),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_redirect_match(list, 5, S("https://a.example/cb"), DEV,
                                   PICKET_OPTION_ACCEPT_BEARER, &matched),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_redirect_match(list, (size_t)PTRDIFF_MAX / sizeof(picket_slice) + 1,
                                   S("https://a.example/cb"), DEV, 0, &matched),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_redirect_match(list, 5, (const uint8_t *)"https://a.example/cb", HUGE_LEN,
                                   DEV, 0, &matched),
             PICKET_RESULT_INVALID_PARAMETER);
    const picket_slice huge_entry[] = {{(const uint8_t *)"https://a.example/cb", HUGE_LEN}};
    CHECK_RC(picket_redirect_match(huge_entry, 1, S("https://a.example/cb"), DEV, 0, &matched),
             PICKET_RESULT_INVALID_PARAMETER);
    /* A misaligned array (its address is computed, never dereferenced here). */
    static alignas(picket_slice) unsigned char raw[sizeof(picket_slice) * 2];
    const picket_slice *misaligned = (const picket_slice *)(void *)((uintptr_t)raw + 1);
    CHECK_RC(picket_redirect_match(misaligned, 1, S("https://a.example/cb"), DEV, 0, &matched),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_MSG(strstr(check_last_error(msg, sizeof msg), "aligned") != NULL, "\"%s\"", msg);
    CHECK(matched == true);
}

static void expect_pkce(const char *verifier, size_t vlen, const char *challenge, size_t clen,
                        const char *method, size_t mlen, uint32_t code, const char *message,
                        int line) {
    char what[96];
    snprintf(what, sizeof what, "picket_pkce_verify case at line %d", line);
    if (!check_rc_(picket_pkce_verify(B(verifier, vlen), B(challenge, clen), B(method, mlen)), code,
                   __FILE__, line, what) ||
        code == PICKET_RESULT_OK) {
        return;
    }
    char msg[512];
    check_last_error(msg, sizeof msg);
    CHECK_MSG(strstr(msg, message) != NULL, "line %d: message \"%s\" lacks \"%s\"", line, msg,
              message);
}

#define PKCE(v, c, m, code, message)                                                         \
    expect_pkce((v), sizeof(v) - 1, (c), sizeof(c) - 1, (m), sizeof(m) - 1, (code), (message), \
                __LINE__)

/* RFC 7636 Appendix B. */
#define VERIFIER "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

static void test_pkce(void) {
    PKCE(VERIFIER, CHALLENGE, "S256", PICKET_RESULT_OK, "");
    PKCE("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "ZtNPunH49FD35FWYhT5Tv8I7vRKQJ8uxMaL0_9eHjNA",
         "S256", PICKET_RESULT_OK, "");
    PKCE(VERIFIER, CHALLENGE, "plain", PICKET_RESULT_PKCE_PLAIN_REFUSED, "plain");
    PKCE("x", CHALLENGE, "plain", PICKET_RESULT_PKCE_PLAIN_REFUSED, "plain");
    PKCE(VERIFIER, CHALLENGE, "s256", PICKET_RESULT_PKCE_UNSUPPORTED_METHOD, "S256");
    PKCE(VERIFIER, CHALLENGE, "S256\0", PICKET_RESULT_PKCE_UNSUPPORTED_METHOD, "S256");
    PKCE(VERIFIER, CHALLENGE, "", PICKET_RESULT_PKCE_UNSUPPORTED_METHOD, "S256");
    expect_pkce(VERIFIER, 43, CHALLENGE, 43, NULL, 0, PICKET_RESULT_PKCE_UNSUPPORTED_METHOD,
                "S256", __LINE__);
    PKCE("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX", CHALLENGE, "S256",
         PICKET_RESULT_PKCE_VERIFIER_LENGTH, "found 42");
    expect_pkce(NULL, 0, CHALLENGE, 43, "S256", 4, PICKET_RESULT_PKCE_VERIFIER_LENGTH, "found 0",
                __LINE__);
    {
        char v[130];
        memset(v, 'a', sizeof v);
        expect_pkce(v, 129, CHALLENGE, 43, "S256", 4, PICKET_RESULT_PKCE_VERIFIER_LENGTH,
                    "found 129", __LINE__);
        /* 128 is the longest allowed: the length passes, the hash does not match. */
        expect_pkce(v, 128, CHALLENGE, 43, "S256", 4, PICKET_RESULT_PKCE_MISMATCH, "does not match",
                    __LINE__);
    }
    PKCE("dBjftJeZ4CVP+mB92K27uhbUJU1p1r_wW1gFWFOEjXk", CHALLENGE, "S256",
         PICKET_RESULT_PKCE_VERIFIER_CHARACTER, "position 12");
    PKCE("dBjft\0eZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", CHALLENGE, "S256",
         PICKET_RESULT_PKCE_VERIFIER_CHARACTER, "position 5");
    PKCE(VERIFIER, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c", "S256",
         PICKET_RESULT_PKCE_CHALLENGE_LENGTH, "found 42");
    PKCE(VERIFIER, CHALLENGE "=", "S256", PICKET_RESULT_PKCE_CHALLENGE_LENGTH, "found 44");
    expect_pkce(VERIFIER, 43, NULL, 0, "S256", 4, PICKET_RESULT_PKCE_CHALLENGE_LENGTH, "found 0",
                __LINE__);
    PKCE(VERIFIER, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM", "S256",
         PICKET_RESULT_PKCE_CHALLENGE_CHARACTER, "alphabet");
    PKCE(VERIFIER, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw\0cM", "S256",
         PICKET_RESULT_PKCE_CHALLENGE_CHARACTER, "alphabet");
    PKCE(VERIFIER, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN", "S256",
         PICKET_RESULT_PKCE_CHALLENGE_NOT_CANONICAL, "canonical");
    PKCE("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", CHALLENGE, "S256",
         PICKET_RESULT_PKCE_MISMATCH, "does not match");

    CHECK_RC(picket_pkce_verify(NULL, 43, S(CHALLENGE), S("S256")), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_pkce_verify(S(VERIFIER), NULL, 43, S("S256")), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_pkce_verify(S(VERIFIER), S(CHALLENGE), NULL, 4), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_pkce_verify((const uint8_t *)VERIFIER, HUGE_LEN, S(CHALLENGE), S("S256")),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_pkce_verify(S(VERIFIER), S(CHALLENGE), (const uint8_t *)"S256", HUGE_LEN),
             PICKET_RESULT_INVALID_PARAMETER);
}

int main(void) {
    test_validate();
    test_match();
    test_pkce();
    return check_finish("test_redirect");
}
