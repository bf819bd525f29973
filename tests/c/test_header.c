/*
 * test_header.c: picket_authorization_parse for every header code (300-312) and for the key
 * codes a header can carry, with the HTTP answer of each failure (picket_auth_http_status,
 * picket_www_authenticate), the options, and the buffer and pointer conventions. Each
 * header also goes through picket_registry_authenticate (a registry without keys), which
 * must refuse it with the same code.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "picket.h"
#include "support.h"

static const size_t HUGE_LEN = (size_t)PTRDIFF_MAX + 1;

/* Empty registries, one per option value (0 and PICKET_OPTION_ACCEPT_BEARER), made on
 * first use and freed by main. */
static picket_registry *empty_registries[2];

/* What picket_registry_authenticate answers for `header` on a registry without keys. */
static uint32_t authenticate_code(const char *header, size_t n, uint32_t options) {
    picket_registry **r = &empty_registries[options == 0 ? 0 : 1];
    if (*r == NULL) {
        picket_registry_builder *b = picket_registry_builder_new();
        CHECK_RC(picket_registry_builder_set_options(b, options), PICKET_RESULT_OK);
        CHECK_RC(picket_registry_builder_build(b, r), PICKET_RESULT_OK);
    }
    uint64_t project = 0;
    uint32_t kind = 0;
    return picket_registry_authenticate(*r, B(header, n), 0, PICKET_REQUIREMENT_ANY, &project,
                                        &kind);
}

/* Parses `header` with `options`; expects `code` (and, on success, `key`). Checks that a
 * failure leaves every output alone, gets a 401 with the challenge, and that the message
 * contains `message` and never a secret key's body. */
static void expect_parse(const char *header, size_t header_len, uint32_t options, uint32_t code,
                         const char *key, const char *message, int line) {
    uint32_t kind = 0xdeadbeef;
    uint8_t key_buf[64];
    canary_fill(key_buf, sizeof key_buf);
    size_t key_len = 4242;
    uint32_t rc = picket_authorization_parse(B(header, header_len), options, &kind, key_buf,
                                             sizeof key_buf, &key_len);
    char what[64];
    snprintf(what, sizeof what, "picket_authorization_parse case at line %d", line);
    if (!check_rc_(rc, code, __FILE__, line, what)) {
        return;
    }
    if (!(options & ~PICKET_OPTION_ACCEPT_BEARER)) {
        snprintf(what, sizeof what, "picket_registry_authenticate case at line %d", line);
        check_rc_(authenticate_code(header, header_len, options),
                  code == PICKET_RESULT_OK ? PICKET_RESULT_AUTH_UNKNOWN_KEY : code, __FILE__,
                  line, what);
    }
    if (code == PICKET_RESULT_OK) {
        CHECK_BYTES(key_buf, key_len, key, strlen(key));
        CHECK_EQ(kind, key[0] == 's' ? PICKET_KEY_KIND_SECRET : PICKET_KEY_KIND_PUBLISHABLE);
        CHECK(canary_intact(key_buf + PICKET_KEY_LEN, sizeof key_buf - PICKET_KEY_LEN));
        return;
    }
    CHECK_MSG(kind == 0xdeadbeef && key_len == 4242 && canary_intact(key_buf, sizeof key_buf),
              "line %d: outputs written on failure", line);
    char msg[512];
    check_last_error(msg, sizeof msg);
    CHECK_MSG(strstr(msg, message) != NULL, "line %d: message \"%s\" lacks \"%s\"", line, msg,
              message);
    CHECK_MSG(!leaks_key_body(msg, SK1) && !leaks_key_body(msg, SK2),
              "line %d: message \"%s\" leaks a secret key", line, msg);
    CHECK_MSG(picket_auth_http_status(rc) == 401, "line %d: status %u", line,
              picket_auth_http_status(rc));
    uint8_t challenge[64];
    size_t challenge_len = 0;
    CHECK_RC(picket_www_authenticate(rc, challenge, sizeof challenge, &challenge_len),
             PICKET_RESULT_OK);
    CHECK_TEXT(challenge, challenge_len, "Basic realm=\"picket\"");
}

#define EXPECT(header, options, code, key, message)                                          \
    expect_parse((header), sizeof(header) - 1, (options), (code), (key), (message), __LINE__)
#define EXPECT_STR(header, options, code, key, message)                                      \
    expect_parse((header), strlen(header), (options), (code), (key), (message), __LINE__)

/* Basic with the base64 of `creds` (n bytes) after `spaces` spaces, into out. */
static const char *basic_of(const char *creds, size_t n, int spaces, char *out) {
    header_with("Basic", spaces, creds, n, out);
    return out;
}

#define BASIC(lit, out) basic_of((lit), sizeof(lit) - 1, 1, (out))

static void test_valid_forms(void) {
    char h[512];
    EXPECT_STR(BASIC(PK1 ":", h), 0, PICKET_RESULT_OK, PK1, "");
    EXPECT_STR(BASIC(SK1 ":", h), 0, PICKET_RESULT_OK, SK1, "");
    EXPECT_STR(BASIC(SK1, h), 0, PICKET_RESULT_OK, SK1, "");
    /* The JS SDK: two spaces, no colon. */
    EXPECT_STR(basic_of(PK1, 35, 2, h), 0, PICKET_RESULT_OK, PK1, "");
    EXPECT("Basic  cGtfZDk5NjBkMDQ0MjZjMWU5ZjM5NDFiZWM3ZTM5Yzg4NTQ=", 0, PICKET_RESULT_OK, PK1,
           "");
    EXPECT("basic cGtfZDk5NjBkMDQ0MjZjMWU5ZjM5NDFiZWM3ZTM5Yzg4NTQ=", 0, PICKET_RESULT_OK, PK1, "");
    EXPECT(" \tBASIC cGtfZDk5NjBkMDQ0MjZjMWU5ZjM5NDFiZWM3ZTM5Yzg4NTQ=\t ", 0, PICKET_RESULT_OK,
           PK1, "");
    /* Bearer, when enabled. */
    EXPECT("Bearer " SK1, PICKET_OPTION_ACCEPT_BEARER, PICKET_RESULT_OK, SK1, "");
    EXPECT("bearer   " PK1, PICKET_OPTION_ACCEPT_BEARER, PICKET_RESULT_OK, PK1, "");
    /* Basic still works with Bearer enabled. */
    EXPECT_STR(BASIC(SK2 ":", h), PICKET_OPTION_ACCEPT_BEARER, PICKET_RESULT_OK, SK2, "");

    /* PICKET_MAX_HEADER_LEN exactly (padded with trailing spaces) is accepted; one more
     * byte is refused before anything else. */
    char *big = malloc(PICKET_MAX_HEADER_LEN + 2);
    if (CHECK(big != NULL)) {
        size_t n = basic_header(PK1, big);
        memset(big + n, ' ', PICKET_MAX_HEADER_LEN + 1 - n);
        expect_parse(big, PICKET_MAX_HEADER_LEN, 0, PICKET_RESULT_OK, PK1, "", __LINE__);
        expect_parse(big, PICKET_MAX_HEADER_LEN + 1, 0, PICKET_RESULT_HEADER_TOO_LONG, NULL,
                     "longer than 8192", __LINE__);
        /* Too long wins over a NUL byte later in the value. */
        big[PICKET_MAX_HEADER_LEN] = '\0';
        expect_parse(big, PICKET_MAX_HEADER_LEN + 1, 0, PICKET_RESULT_HEADER_TOO_LONG, NULL,
                     "longer than 8192", __LINE__);
        free(big);
    }
}

static void test_header_codes(void) {
    char h[1024];
    /* 300 */
    expect_parse(NULL, 0, 0, PICKET_RESULT_HEADER_MISSING, NULL, "missing api key", __LINE__);
    EXPECT("", 0, PICKET_RESULT_HEADER_MISSING, NULL, "missing api key");
    EXPECT("  \t ", 0, PICKET_RESULT_HEADER_MISSING, NULL, "missing api key");
    /* 302: a NUL byte is a control character, wherever it is. */
    EXPECT("Basic \0cGtf", 0, PICKET_RESULT_HEADER_CONTROL_CHARACTER, NULL,
           "control byte 0x00 at position 6");
    EXPECT("\0", 0, PICKET_RESULT_HEADER_CONTROL_CHARACTER, NULL, "0x00 at position 0");
    {
        size_t n = basic_header(SK1, h);
        h[n] = '\0';
        h[n + 1] = 'x';
        expect_parse(h, n + 2, 0, PICKET_RESULT_HEADER_CONTROL_CHARACTER, NULL,
                     "control byte 0x00 at position 54", __LINE__);
        h[n] = '\r';
        h[n + 1] = '\n';
        expect_parse(h, n + 2, 0, PICKET_RESULT_HEADER_CONTROL_CHARACTER, NULL,
                     "control byte 0x0d at position 54", __LINE__);
    }
    EXPECT("Basic \x7f", 0, PICKET_RESULT_HEADER_CONTROL_CHARACTER, NULL, "0x7f");
    /* 303 */
    EXPECT("Basic \xc3\xa9", 0, PICKET_RESULT_HEADER_NON_ASCII, NULL, "position 6");
    /* 304 */
    EXPECT("Digest abc", 0, PICKET_RESULT_HEADER_UNSUPPORTED_SCHEME, NULL, "scheme");
    EXPECT(PK1, 0, PICKET_RESULT_HEADER_UNSUPPORTED_SCHEME, NULL, "scheme");
    EXPECT("Token " SK1, PICKET_OPTION_ACCEPT_BEARER, PICKET_RESULT_HEADER_UNSUPPORTED_SCHEME, NULL,
           "scheme");
    /* 305 */
    EXPECT("Bearer " SK1, 0, PICKET_RESULT_HEADER_BEARER_NOT_ENABLED, NULL, "bearer");
    /* 306 */
    EXPECT("Basic\tcGtfZDk5NjBkMDQ0MjZjMWU5ZjM5NDFiZWM3ZTM5Yzg4NTQ=", 0,
           PICKET_RESULT_HEADER_TAB_SEPARATOR, NULL, "tab");
    EXPECT("Basic \tcGtfZDk5NjBkMDQ0MjZjMWU5ZjM5NDFiZWM3ZTM5Yzg4NTQ=", 0,
           PICKET_RESULT_HEADER_TAB_SEPARATOR, NULL, "tab");
    /* 307 */
    EXPECT("Basic", 0, PICKET_RESULT_HEADER_MISSING_CREDENTIALS, NULL, "no credentials");
    EXPECT("Basic    ", 0, PICKET_RESULT_HEADER_MISSING_CREDENTIALS, NULL, "no credentials");
    EXPECT("Bearer", PICKET_OPTION_ACCEPT_BEARER, PICKET_RESULT_HEADER_MISSING_CREDENTIALS, NULL,
           "no credentials");
    /* 308 */
    EXPECT("Basic cGtfZA", 0, PICKET_RESULT_HEADER_INVALID_BASE64, NULL, "base64");
    EXPECT("Basic cGtfZB==", 0, PICKET_RESULT_HEADER_INVALID_BASE64, NULL, "base64");
    EXPECT("Basic cGtf!A==", 0, PICKET_RESULT_HEADER_INVALID_BASE64, NULL, "base64");
    /* 309 */
    {
        char creds[300];
        memset(creds, 'x', sizeof creds);
        expect_parse(h, strlen(basic_of(creds, sizeof creds, 1, h)), 0,
                     PICKET_RESULT_HEADER_CREDENTIALS_TOO_LONG, NULL, "256", __LINE__);
    }
    /* 310, 311, 312 */
    EXPECT_STR(BASIC(":", h), 0, PICKET_RESULT_HEADER_EMPTY_KEY, NULL, "empty api key");
    EXPECT_STR(BASIC(":" SK1, h), 0, PICKET_RESULT_HEADER_KEY_IN_PASSWORD, NULL, "username");
    EXPECT_STR(BASIC(PK1 ":" SK1, h), 0, PICKET_RESULT_HEADER_NON_EMPTY_PASSWORD, NULL,
               "password must be empty");
    EXPECT_STR(BASIC(SK1 ":" SK2, h), 0, PICKET_RESULT_HEADER_NON_EMPTY_PASSWORD, NULL,
               "password must be empty");
}

/* A malformed key inside well-formed credentials keeps the key's own code. */
static void test_key_codes_in_headers(void) {
    char h[512];
    EXPECT_STR(BASIC(SK1 "\n:", h), 0, PICKET_RESULT_KEY_SURROUNDING_WHITESPACE, NULL,
               "whitespace");
    EXPECT_STR(BASIC("sk_E1f767d29fa6e533f2e5c62342fb9e24:", h), 0, PICKET_RESULT_KEY_UPPERCASE,
               NULL, "position 3");
    EXPECT_STR(BASIC("xk_e1f767d29fa6e533f2e5c62342fb9e24:", h), 0,
               PICKET_RESULT_KEY_UNKNOWN_PREFIX, NULL, "prefix");
    EXPECT_STR(BASIC("sk_e1f767d29fa6e533f2e5c62342fb9e2g:", h), 0, PICKET_RESULT_KEY_NON_HEX,
               NULL, "position 34");
    EXPECT_STR(BASIC("pk_abc:", h), 0, PICKET_RESULT_KEY_WRONG_LENGTH, NULL, "found 3");
    /* A key followed by a NUL inside the credentials: the NUL is part of the username. */
    EXPECT_STR(BASIC(SK1 "\0:", h), 0, PICKET_RESULT_KEY_WRONG_LENGTH, NULL, "found 33");
    EXPECT_STR(BASIC(SK1 "\0xyz", h), 0, PICKET_RESULT_KEY_WRONG_LENGTH, NULL, "found 36");
    EXPECT("Bearer sk_E1f767d29fa6e533f2e5c62342fb9e24", PICKET_OPTION_ACCEPT_BEARER,
           PICKET_RESULT_KEY_UPPERCASE, NULL, "position 3");
    EXPECT("Bearer " SK1 "0", PICKET_OPTION_ACCEPT_BEARER, PICKET_RESULT_KEY_WRONG_LENGTH, NULL,
           "found 33");
}

static void test_conventions(void) {
    char h[128];
    size_t hn = basic_header(SK1, h);
    uint32_t kind = 0xdeadbeef;
    uint8_t key_buf[64];
    size_t key_len = 0;

    /* Exactly 35 bytes; one too small leaves both outputs alone; (NULL, 0) asks the size. */
    canary_fill(key_buf, sizeof key_buf);
    CHECK_RC(picket_authorization_parse(B(h, hn), 0, &kind, key_buf, PICKET_KEY_LEN, &key_len),
             PICKET_RESULT_OK);
    CHECK_TEXT(key_buf, key_len, SK1);
    CHECK(canary_intact(key_buf + PICKET_KEY_LEN, sizeof key_buf - PICKET_KEY_LEN));
    canary_fill(key_buf, sizeof key_buf);
    kind = 0xdeadbeef;
    key_len = 0;
    CHECK_RC(picket_authorization_parse(B(h, hn), 0, &kind, key_buf, PICKET_KEY_LEN - 1, &key_len),
             PICKET_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(key_len, PICKET_KEY_LEN);
    CHECK_EQ(kind, 0xdeadbeef);
    CHECK(canary_intact(key_buf, sizeof key_buf));
    char msg[512];
    check_last_error(msg, sizeof msg);
    CHECK_MSG(!leaks_key_body(msg, SK1), "\"%s\" leaks the key", msg);
    key_len = 0;
    CHECK_RC(picket_authorization_parse(B(h, hn), 0, &kind, NULL, 0, &key_len),
             PICKET_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(key_len, PICKET_KEY_LEN);
    CHECK_EQ(kind, 0xdeadbeef);

    /* Option bits the function does not use. */
    const uint32_t bad_options[] = {PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES,
                                    PICKET_OPTION_LOOPBACK_ANY_PORT, 8, 0x80000000u,
                                    PICKET_OPTION_ACCEPT_BEARER | 2, UINT32_MAX};
    for (size_t i = 0; i < sizeof bad_options / sizeof bad_options[0]; i++) {
        CHECK_RC(picket_authorization_parse(B(h, hn), bad_options[i], &kind, key_buf,
                                            sizeof key_buf, &key_len),
                 PICKET_RESULT_INVALID_PARAMETER);
    }
    check_last_error(msg, sizeof msg);
    CHECK_MSG(strstr(msg, "options") != NULL, "\"%s\"", msg);

    /* NULLs. */
    CHECK_RC(picket_authorization_parse(NULL, 54, 0, &kind, key_buf, sizeof key_buf, &key_len),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_authorization_parse(B(h, hn), 0, NULL, key_buf, sizeof key_buf, &key_len),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_authorization_parse(B(h, hn), 0, &kind, NULL, 35, &key_len),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_authorization_parse(B(h, hn), 0, &kind, key_buf, sizeof key_buf, NULL),
             PICKET_RESULT_NULL_PARAMETER);
    /* Lengths above PTRDIFF_MAX. */
    CHECK_RC(picket_authorization_parse((const uint8_t *)h, HUGE_LEN, 0, &kind, key_buf,
                                        sizeof key_buf, &key_len),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_authorization_parse(B(h, hn), 0, &kind, key_buf, HUGE_LEN, &key_len),
             PICKET_RESULT_INVALID_PARAMETER);
    /* The key buffer must not overlap the header. */
    uint8_t area[160];
    memcpy(area, h, hn);
    CHECK_RC(picket_authorization_parse(area, hn, 0, &kind, area + 10, 35, &key_len),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK(memcmp(area, h, hn) == 0);
    CHECK_RC(picket_authorization_parse(area, hn, 0, &kind, area + hn, 35, &key_len),
             PICKET_RESULT_OK);
    CHECK_BYTES(area + hn, key_len, SK1, 35);
    CHECK_EQ(kind, PICKET_KEY_KIND_SECRET);
}

int main(void) {
    test_valid_forms();
    test_header_codes();
    test_key_codes_in_headers();
    test_conventions();
    picket_registry_free(empty_registries[0]);
    picket_registry_free(empty_registries[1]);
    return check_finish("test_header");
}
