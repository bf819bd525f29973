/*
 * test_registry.c: a built registry: picket_registry_authenticate (each outcome, its HTTP
 * answer, expiry boundaries, options), picket_registry_authorize_redirect (each outcome) and
 * picket_registry_update.
 * The builder's lifecycle and errors are in test_builder.c.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "picket.h"
#include "support.h"

static const size_t HUGE_LEN = (size_t)PTRDIFF_MAX + 1;
static const uint64_t NOW = 1700000000u;

#define DEV PICKET_MODE_DEVELOPMENT
#define PROD PICKET_MODE_PRODUCTION
#define REQ_PK PICKET_REQUIREMENT_PUBLISHABLE
#define REQ_SK PICKET_REQUIREMENT_SECRET
#define REQ_ANY PICKET_REQUIREMENT_ANY

/* Keys of project 3 and keys never added, made by picket_key_format from fixed bytes. */
static char PK3[36], PK3_EXPIRED[36], UNKNOWN_PK[36], UNKNOWN_SK[36];

/* Checks that the last error message contains `want` and no secret key's body. */
static void expect_message(const char *want, int line) {
    char msg[512];
    check_last_error(msg, sizeof msg);
    CHECK_MSG(strstr(msg, want) != NULL, "line %d: message \"%s\" lacks \"%s\"", line, msg, want);
    CHECK_MSG(!leaks_key_body(msg, SK1) && !leaks_key_body(msg, SK2) &&
                  !leaks_key_body(msg, UNKNOWN_SK),
              "line %d: message \"%s\" leaks a secret key", line, msg);
}

#define EXPECT_MESSAGE(want) expect_message((want), __LINE__)

/* The registry most tests use (see the file comment of each key). */
static picket_registry *build_main(uint32_t header_options) {
    picket_registry_builder *b = picket_registry_builder_new();
    if (b == NULL) {
        return NULL;
    }
    uint8_t d[32];
    bool ok = picket_registry_builder_set_options(b, header_options) == PICKET_RESULT_OK;
    ok = ok && picket_registry_builder_add_project(b, 1, PROD, 0) == PICKET_RESULT_OK;
    ok = ok && picket_registry_builder_add_project(b, 2, DEV, PICKET_OPTION_LOOPBACK_ANY_PORT) ==
                   PICKET_RESULT_OK;
    ok = ok && picket_registry_builder_add_project(b, 3, PROD,
                                                   PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES) ==
                   PICKET_RESULT_OK;
    ok = ok && picket_registry_builder_add_redirect_uri(b, 1, S("https://app.example/callback")) ==
                   PICKET_RESULT_OK;
    /* Refused, and leaves the builder as it was. */
    ok = ok && picket_registry_builder_add_redirect_uri(b, 1, S("https://app.example/#x")) ==
                   PICKET_RESULT_REDIRECT_FRAGMENT;
    ok = ok && picket_registry_builder_add_redirect_uri(b, 2, S("http://localhost:3000/")) ==
                   PICKET_RESULT_OK;
    ok = ok && picket_registry_builder_add_redirect_uri(b, 2, S("http://127.0.0.1:8080/cb")) ==
                   PICKET_RESULT_OK;
    ok = ok && picket_registry_builder_add_redirect_uri(b, 3, S("com.example.app:/cb")) ==
                   PICKET_RESULT_OK;
    /* PK1, SK1: project 1, never expire. */
    ok = ok && digest_of(PK1, d) &&
         picket_registry_builder_add_key(b, d, 1, PICKET_KEY_KIND_PUBLISHABLE, PICKET_NO_EXPIRY) ==
             PICKET_RESULT_OK;
    ok = ok && digest_of(SK1, d) &&
         picket_registry_builder_add_key(b, d, 1, PICKET_KEY_KIND_SECRET, PICKET_NO_EXPIRY) ==
             PICKET_RESULT_OK;
    /* PK2: project 2, valid until NOW + 1 (exclusive). SK2: project 2, expired at NOW. */
    ok = ok && digest_of(PK2, d) &&
         picket_registry_builder_add_key(b, d, 2, PICKET_KEY_KIND_PUBLISHABLE, NOW + 1) ==
             PICKET_RESULT_OK;
    ok = ok && digest_of(SK2, d) &&
         picket_registry_builder_add_key(b, d, 2, PICKET_KEY_KIND_SECRET, NOW) == PICKET_RESULT_OK;
    /* PK3: project 3, never expires; PK3_EXPIRED: project 3, expired at 0. */
    ok = ok && digest_of(PK3, d) &&
         picket_registry_builder_add_key(b, d, 3, PICKET_KEY_KIND_PUBLISHABLE, PICKET_NO_EXPIRY) ==
             PICKET_RESULT_OK;
    ok = ok && digest_of(PK3_EXPIRED, d) &&
         picket_registry_builder_add_key(b, d, 3, PICKET_KEY_KIND_PUBLISHABLE, 0) ==
             PICKET_RESULT_OK;
    if (!ok) {
        picket_registry_builder_free(b);
        return NULL;
    }
    picket_registry *r = NULL;
    if (picket_registry_builder_build(b, &r) != PICKET_RESULT_OK) {
        return NULL;
    }
    return r;
}

/* Authenticates `key` sent as Basic KEY: and checks the outcome and its HTTP answer. */
static void expect_auth(const picket_registry *r, const char *key, uint64_t now, uint32_t req,
                        uint32_t code, uint64_t project, const char *message, int line) {
    char h[256];
    size_t hn = basic_header(key, h);
    uint64_t got_project = 0xdeaddeaddeaddeadu;
    uint32_t got_kind = 0xdeadbeef;
    char what[96];
    snprintf(what, sizeof what, "picket_registry_authenticate case at line %d", line);
    uint32_t rc = picket_registry_authenticate(r, B(h, hn), now, req, &got_project, &got_kind);
    if (!check_rc_(rc, code, __FILE__, line, what)) {
        return;
    }
    uint8_t challenge[64];
    size_t challenge_len = 99;
    CHECK_RC(picket_www_authenticate(rc, challenge, sizeof challenge, &challenge_len),
             PICKET_RESULT_OK);
    if (code == PICKET_RESULT_OK) {
        CHECK_MSG(got_project == project, "line %d: project %ju", line, (uintmax_t)got_project);
        CHECK_EQ(got_kind, key[0] == 's' ? PICKET_KEY_KIND_SECRET : PICKET_KEY_KIND_PUBLISHABLE);
        CHECK_EQ(picket_auth_http_status(rc), 200);
        CHECK_EQ(challenge_len, 0);
        return;
    }
    CHECK_MSG(got_project == 0xdeaddeaddeaddeadu && got_kind == 0xdeadbeef,
              "line %d: outputs written on failure", line);
    expect_message(message, line);
    if (code == PICKET_RESULT_AUTH_WRONG_KIND) {
        CHECK_EQ(picket_auth_http_status(rc), 403);
        CHECK_EQ(challenge_len, 0);
    } else {
        CHECK_EQ(picket_auth_http_status(rc), 401);
        CHECK_TEXT(challenge, challenge_len, "Basic realm=\"picket\"");
    }
}

#define AUTH(r, key, now, req, code, project, message)                                      \
    expect_auth((r), (key), (now), (req), (code), (project), (message), __LINE__)

static void test_authenticate(void) {
    picket_registry *r = build_main(0);
    if (!CHECK(r != NULL)) {
        return;
    }
    const uint32_t OK = PICKET_RESULT_OK;
    const uint32_t WRONG = PICKET_RESULT_AUTH_WRONG_KIND;
    const uint32_t EXPIRED = PICKET_RESULT_AUTH_EXPIRED;
    AUTH(r, PK1, NOW, REQ_ANY, OK, 1, "");
    AUTH(r, PK1, NOW, REQ_PK, OK, 1, "");
    AUTH(r, PK1, NOW, REQ_SK, WRONG, 0, "requires a secret key, but a publishable key was sent");
    AUTH(r, SK1, NOW, REQ_ANY, OK, 1, "");
    AUTH(r, SK1, NOW, REQ_SK, OK, 1, "");
    AUTH(r, SK1, NOW, REQ_PK, WRONG, 0, "requires a publishable key, but a secret key was sent");
    AUTH(r, SK1, 0, REQ_SK, OK, 1, "");
    /* Expiry: valid while now < expires_at. */
    AUTH(r, PK2, NOW, REQ_PK, OK, 2, "");
    AUTH(r, PK2, NOW + 1, REQ_PK, EXPIRED, 0, "expired");
    AUTH(r, PK2, UINT64_MAX, REQ_ANY, EXPIRED, 0, "expired");
    AUTH(r, SK2, NOW - 1, REQ_SK, OK, 2, "");
    AUTH(r, SK2, NOW, REQ_SK, EXPIRED, 0, "expired");
    AUTH(r, PK3_EXPIRED, 0, REQ_ANY, EXPIRED, 0, "expired");
    /* Expiry is checked before the kind. */
    AUTH(r, SK2, NOW, REQ_PK, EXPIRED, 0, "expired");
    AUTH(r, PK3, NOW, REQ_PK, OK, 3, "");
    /* A key that never expires is valid at the largest `now` below PICKET_NO_EXPIRY. */
    AUTH(r, PK3, UINT64_MAX - 1, REQ_ANY, OK, 3, "");
    /* Unknown keys, well-formed. */
    AUTH(r, UNKNOWN_PK, NOW, REQ_ANY, PICKET_RESULT_AUTH_UNKNOWN_KEY, 0, "unknown api key");
    AUTH(r, UNKNOWN_SK, NOW, REQ_SK, PICKET_RESULT_AUTH_UNKNOWN_KEY, 0, "unknown api key");
    /* Malformed keys and headers keep their codes. */
    AUTH(r, "sk_E1f767d29fa6e533f2e5c62342fb9e24", NOW, REQ_SK, PICKET_RESULT_KEY_UPPERCASE, 0,
         "position 3");
    AUTH(r, "", NOW, REQ_SK, PICKET_RESULT_HEADER_EMPTY_KEY, 0, "empty api key");

    /* The JS SDK form; Bearer refused on this registry. */
    char h[256];
    uint64_t project = 0xdeaddeaddeaddeadu;
    uint32_t kind = 0xdeadbeef;
    size_t hn = header_with("Basic", 2, SK1, 35, h);
    CHECK_RC(picket_registry_authenticate(r, B(h, hn), NOW, REQ_SK, &project, &kind),
             PICKET_RESULT_OK);
    CHECK_EQ(project, 1);
    CHECK_EQ(kind, PICKET_KEY_KIND_SECRET);
    project = 0xdeaddeaddeaddeadu;
    kind = 0xdeadbeef;
    CHECK_RC(picket_registry_authenticate(r, S("Bearer " SK1), NOW, REQ_SK, &project, &kind),
             PICKET_RESULT_HEADER_BEARER_NOT_ENABLED);
    /* (NULL, 0): the request had no Authorization header. */
    CHECK_RC(picket_registry_authenticate(r, NULL, 0, NOW, REQ_ANY, &project, &kind),
             PICKET_RESULT_HEADER_MISSING);
    CHECK_EQ(picket_auth_http_status(PICKET_RESULT_HEADER_MISSING), 401);
    /* A NUL in the header. */
    hn = basic_header(SK1, h);
    h[20] = '\0';
    CHECK_RC(picket_registry_authenticate(r, B(h, hn), NOW, REQ_ANY, &project, &kind),
             PICKET_RESULT_HEADER_CONTROL_CHARACTER);
    EXPECT_MESSAGE("control byte 0x00 at position 20");

    /* Arguments. */
    hn = basic_header(SK1, h);
    CHECK_RC(picket_registry_authenticate(NULL, B(h, hn), NOW, REQ_ANY, &project, &kind),
             PICKET_RESULT_NULL_PARAMETER);
    EXPECT_MESSAGE("`registry` is NULL");
    CHECK_RC(picket_registry_authenticate(r, NULL, 54, NOW, REQ_ANY, &project, &kind),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_registry_authenticate(r, B(h, hn), NOW, REQ_ANY, NULL, &kind),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_registry_authenticate(r, B(h, hn), NOW, REQ_ANY, &project, NULL),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_registry_authenticate(r, (const uint8_t *)h, HUGE_LEN, NOW, REQ_ANY, &project,
                                          &kind),
             PICKET_RESULT_INVALID_PARAMETER);
    const uint32_t bad_requirements[] = {0, 4, UINT32_MAX};
    for (size_t i = 0; i < 3; i++) {
        CHECK_RC(picket_registry_authenticate(r, B(h, hn), NOW, bad_requirements[i], &project,
                                              &kind),
                 PICKET_RESULT_INVALID_PARAMETER);
    }
    EXPECT_MESSAGE("requirement");
    CHECK_EQ(project, 0xdeaddeaddeaddeadu);
    CHECK_EQ(kind, 0xdeadbeef);
    picket_registry_free(r);

    /* A registry that accepts Bearer. */
    r = build_main(PICKET_OPTION_ACCEPT_BEARER);
    if (CHECK(r != NULL)) {
        CHECK_RC(picket_registry_authenticate(r, S("Bearer " SK1), NOW, REQ_SK, &project, &kind),
                 PICKET_RESULT_OK);
        CHECK_EQ(project, 1);
        CHECK_RC(picket_registry_authenticate(r, S("Bearer " PK2), NOW, REQ_SK, &project, &kind),
                 PICKET_RESULT_AUTH_WRONG_KIND);
        AUTH(r, PK1, NOW, REQ_PK, OK, 1, "");
        picket_registry_free(r);
    }
}

/* PICKET_NO_EXPIRY: "a key that never expires (valid for every `now`)", even at the largest
 * `now` there is; any other `expires_at` ends validity at now >= expires_at. */
static void test_no_expiry_at_the_end_of_time(void) {
    picket_registry *r = build_main(0);
    if (!CHECK(r != NULL)) {
        return;
    }
    AUTH(r, PK1, UINT64_MAX - 1, REQ_ANY, PICKET_RESULT_OK, 1, "");
    AUTH(r, PK1, UINT64_MAX, REQ_ANY, PICKET_RESULT_OK, 1, "");
    AUTH(r, SK1, UINT64_MAX, REQ_SK, PICKET_RESULT_OK, 1, "");
    uint64_t project = 0;
    CHECK_RC(picket_registry_authorize_redirect(r, S(PK1), S("https://app.example/callback"),
                                                UINT64_MAX, &project),
             PICKET_RESULT_OK);
    CHECK_EQ(project, 1);
    /* A key whose expires_at is UINT64_MAX - 1 does expire there. */
    uint8_t d[32];
    picket_registry_builder *b = digest_of(PK2, d) ? picket_registry_builder_new() : NULL;
    if (CHECK(b != NULL)) {
        picket_registry *late = NULL;
        CHECK_RC(picket_registry_builder_add_project(b, 1, PROD, 0), PICKET_RESULT_OK);
        CHECK_RC(picket_registry_builder_add_key(b, d, 1, PICKET_KEY_KIND_PUBLISHABLE,
                                                 UINT64_MAX - 1),
                 PICKET_RESULT_OK);
        CHECK_RC(picket_registry_builder_build(b, &late), PICKET_RESULT_OK);
        if (late != NULL) {
            AUTH(late, PK2, UINT64_MAX - 2, REQ_ANY, PICKET_RESULT_OK, 1, "");
            AUTH(late, PK2, UINT64_MAX - 1, REQ_ANY, PICKET_RESULT_AUTH_EXPIRED, 0, "expired");
            AUTH(late, PK2, UINT64_MAX, REQ_ANY, PICKET_RESULT_AUTH_EXPIRED, 0, "expired");
            picket_registry_free(late);
        }
    }
    picket_registry_free(r);
}

/* Issue 10.2: a key's prefix decides its kind. Each key added with the kind its prefix
 * contradicts (one wrong argument to picket_registry_builder_add_key) never authenticates:
 * 503 with the challenge, whatever the requirement, and it is no client_id either. */
static void test_kind_mismatch(void) {
    uint8_t d_pk[32], d_sk[32];
    picket_registry_builder *b =
        digest_of(PK1, d_pk) && digest_of(SK1, d_sk) ? picket_registry_builder_new() : NULL;
    if (!CHECK(b != NULL)) {
        return;
    }
    picket_registry *r = NULL;
    CHECK_RC(picket_registry_builder_add_project(b, 1, PICKET_MODE_DEVELOPMENT, 0),
             PICKET_RESULT_OK);
    CHECK_RC(picket_registry_builder_add_redirect_uri(b, 1, S("http://localhost:3000/cb")),
             PICKET_RESULT_OK);
    CHECK_RC(picket_registry_builder_add_key(b, d_pk, 1, PICKET_KEY_KIND_SECRET, PICKET_NO_EXPIRY),
             PICKET_RESULT_OK);
    CHECK_RC(picket_registry_builder_add_key(b, d_sk, 1, PICKET_KEY_KIND_PUBLISHABLE,
                                             PICKET_NO_EXPIRY),
             PICKET_RESULT_OK);
    CHECK_RC(picket_registry_builder_build(b, &r), PICKET_RESULT_OK);
    if (!CHECK(r != NULL)) {
        return;
    }
    const uint32_t MISMATCH = PICKET_RESULT_AUTH_KIND_MISMATCH;
    CHECK_EQ(MISMATCH, 503);
    const char *rule = "the other kind than the key's own prefix";
    AUTH(r, PK1, NOW, REQ_ANY, MISMATCH, 0, rule);
    AUTH(r, PK1, NOW, REQ_SK, MISMATCH, 0, rule);
    AUTH(r, PK1, NOW, REQ_PK, MISMATCH, 0, rule);
    AUTH(r, SK1, NOW, REQ_ANY, MISMATCH, 0, rule);
    AUTH(r, SK1, NOW, REQ_PK, MISMATCH, 0, rule);
    AUTH(r, SK1, NOW, REQ_SK, MISMATCH, 0, rule);
    uint64_t project = 77;
    CHECK_RC(picket_registry_authorize_redirect(r, S(PK1), S("http://localhost:3000/cb"), NOW,
                                                &project),
             PICKET_RESULT_AUTHORIZE_UNKNOWN_CLIENT);
    CHECK_EQ(project, 77);
    picket_registry_free(r);
}

static void expect_authorize(const picket_registry *r, const char *client_id, size_t client_len,
                             const char *uri, size_t uri_len, uint64_t now, uint32_t code,
                             uint64_t project, const char *message, int line) {
    uint64_t got = 0xdeaddeaddeaddeadu;
    char what[96];
    snprintf(what, sizeof what, "picket_registry_authorize_redirect case at line %d", line);
    if (!check_rc_(picket_registry_authorize_redirect(r, B(client_id, client_len), B(uri, uri_len),
                                                      now, &got),
                   code, __FILE__, line, what)) {
        return;
    }
    if (code == PICKET_RESULT_OK) {
        CHECK_MSG(got == project, "line %d: project %ju", line, (uintmax_t)got);
        return;
    }
    CHECK_MSG(got == 0xdeaddeaddeaddeadu, "line %d: out_project written on failure", line);
    expect_message(message, line);
}

#define AUTHORIZE(r, client, uri, now, code, project, message)                              \
    expect_authorize((r), (client), strlen(client), (uri), sizeof(uri) - 1, (now), (code),   \
                     (project), (message), __LINE__)

static void test_authorize_redirect(void) {
    picket_registry *r = build_main(0);
    if (!CHECK(r != NULL)) {
        return;
    }
    const uint32_t OK = PICKET_RESULT_OK;
    const uint32_t NOT_REGISTERED = PICKET_RESULT_AUTHORIZE_REDIRECT_NOT_REGISTERED;
    AUTHORIZE(r, PK1, "https://app.example/callback", NOW, OK, 1, "");
    AUTHORIZE(r, PK1, "https://app.example/callback/", NOW, NOT_REGISTERED, 0, "not registered");
    AUTHORIZE(r, PK1, "https://app.example/callback\0", NOW, NOT_REGISTERED, 0, "not registered");
    AUTHORIZE(r, PK1, "https://app.example/#x", NOW, NOT_REGISTERED, 0, "not registered");
    AUTHORIZE(r, PK1, "", NOW, NOT_REGISTERED, 0, "not registered");
    expect_authorize(r, PK1, 35, NULL, 0, NOW, NOT_REGISTERED, 0, "not registered", __LINE__);
    /* Another project's URI. */
    AUTHORIZE(r, PK1, "http://localhost:3000/", NOW, NOT_REGISTERED, 0, "not registered");
    AUTHORIZE(r, PK2, "http://localhost:3000/", NOW, OK, 2, "");
    AUTHORIZE(r, PK2, "http://localhost:3001/", NOW, NOT_REGISTERED, 0, "not registered");
    /* Project 2 has loopback-any-port. */
    AUTHORIZE(r, PK2, "http://127.0.0.1:9999/cb", NOW, OK, 2, "");
    AUTHORIZE(r, PK3, "com.example.app:/cb", NOW, OK, 3, "");
    /* Expired client ids. */
    AUTHORIZE(r, PK2, "http://localhost:3000/", NOW + 1, PICKET_RESULT_AUTHORIZE_EXPIRED, 0,
              "expired");
    AUTHORIZE(r, PK3_EXPIRED, "com.example.app:/cb", 0, PICKET_RESULT_AUTHORIZE_EXPIRED, 0,
              "expired");
    /* Secret keys as client_id, known or not: exposed. */
    AUTHORIZE(r, SK1, "https://app.example/callback", NOW,
              PICKET_RESULT_AUTHORIZE_SECRET_KEY_EXPOSED, 0, "rolled");
    AUTHORIZE(r, UNKNOWN_SK, "https://app.example/callback", NOW,
              PICKET_RESULT_AUTHORIZE_SECRET_KEY_EXPOSED, 0, "rolled");
    AUTHORIZE(r, SK2, "http://localhost:3000/", NOW + 100, PICKET_RESULT_AUTHORIZE_SECRET_KEY_EXPOSED,
              0, "rolled");
    AUTHORIZE(r, UNKNOWN_PK, "https://app.example/callback", NOW,
              PICKET_RESULT_AUTHORIZE_UNKNOWN_CLIENT, 0, "not a known publishable key");
    /* Malformed client ids keep the key codes. */
    AUTHORIZE(r, "pk_D9960d04426c1e9f3941bec7e39c8854", "https://app.example/callback", NOW,
              PICKET_RESULT_KEY_UPPERCASE, 0, "position 3");
    AUTHORIZE(r, "pk_d9960d04426c1e9f3941bec7e39c885G", "https://app.example/callback", NOW,
              PICKET_RESULT_KEY_NON_HEX, 0, "position 34");
    /* Issue 20: 31 digits of a secret key expose it (16 guesses), whatever follows. */
    AUTHORIZE(r, "sk_e1f767d29fa6e533f2e5c62342fb9e2G", "https://app.example/callback", NOW,
              PICKET_RESULT_AUTHORIZE_SECRET_KEY_EXPOSED, 0, "rolled");
    AUTHORIZE(r, "xk_d9960d04426c1e9f3941bec7e39c8854", "https://app.example/callback", NOW,
              PICKET_RESULT_KEY_UNKNOWN_PREFIX, 0, "prefix");
    AUTHORIZE(r, " " PK1, "https://app.example/callback", NOW,
              PICKET_RESULT_KEY_SURROUNDING_WHITESPACE, 0, "whitespace");
    expect_authorize(r, PK1 "\0", 36, "https://app.example/callback", 28, NOW,
                     PICKET_RESULT_KEY_WRONG_LENGTH, 0, "found 33", __LINE__);
    expect_authorize(r, NULL, 0, "https://app.example/callback", 28, NOW, PICKET_RESULT_KEY_EMPTY,
                     0, "empty", __LINE__);

    /* Arguments. */
    uint64_t project = 0xdeaddeaddeaddeadu;
    CHECK_RC(picket_registry_authorize_redirect(NULL, S(PK1), S("https://app.example/callback"),
                                                NOW, &project),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_registry_authorize_redirect(r, NULL, 35, S("https://app.example/callback"),
                                                NOW, &project),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_registry_authorize_redirect(r, S(PK1), NULL, 28, NOW, &project),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_registry_authorize_redirect(r, S(PK1), S("https://app.example/callback"), NOW,
                                                NULL),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_registry_authorize_redirect(r, (const uint8_t *)PK1, HUGE_LEN,
                                                S("https://app.example/callback"), NOW, &project),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_registry_authorize_redirect(r, S(PK1),
                                                (const uint8_t *)"https://app.example/callback",
                                                HUGE_LEN, NOW, &project),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_EQ(project, 0xdeaddeaddeaddeadu);
    picket_registry_free(r);
}

/* A builder holding project 1 (production) with the one key `key` (a secret key). */
static picket_registry_builder *project_1_with(const char *key) {
    picket_registry_builder *b = picket_registry_builder_new();
    uint8_t d[32];
    CHECK(b != NULL);
    CHECK_RC(picket_registry_builder_add_project(b, 1, PROD, 0), PICKET_RESULT_OK);
    CHECK(digest_of(key, d));
    CHECK_RC(picket_registry_builder_add_key(b, d, 1, PICKET_KEY_KIND_SECRET, PICKET_NO_EXPIRY),
             PICKET_RESULT_OK);
    return b;
}

/* picket_registry_update: project 1's keys replaced (SK1 gone, UNKNOWN_SK in), project 2
 * removed, project 3 kept; the old registry unchanged; its errors. */
static void test_update(void) {
    picket_registry *old = build_main(0);
    CHECK(old != NULL);
    picket_registry *r = NULL;
    const uint64_t removed[] = {2};
    CHECK_RC(picket_registry_update(old, project_1_with(UNKNOWN_SK), removed, 1, &r),
             PICKET_RESULT_OK);
    AUTH(r, UNKNOWN_SK, NOW, REQ_SK, PICKET_RESULT_OK, 1, NULL);
    AUTH(r, SK1, NOW, REQ_SK, PICKET_RESULT_AUTH_UNKNOWN_KEY, 0, "unknown api key");
    AUTH(r, PK1, NOW, REQ_PK, PICKET_RESULT_AUTH_UNKNOWN_KEY, 0, "unknown api key");
    AUTH(r, PK2, NOW, REQ_PK, PICKET_RESULT_AUTH_UNKNOWN_KEY, 0, "unknown api key");
    AUTH(r, PK3, NOW, REQ_PK, PICKET_RESULT_OK, 3, NULL);
    AUTH(old, SK1, NOW, REQ_SK, PICKET_RESULT_OK, 1, NULL);
    AUTH(old, UNKNOWN_SK, NOW, REQ_SK, PICKET_RESULT_AUTH_UNKNOWN_KEY, 0, "unknown api key");

    /* Errors: `changes` consumed each time (valgrind and LeakSanitizer would see a leak),
     * the output untouched. */
    picket_registry *untouched = (picket_registry *)&untouched;
    picket_registry *out = untouched;
    CHECK_RC(picket_registry_update(old, project_1_with(PK3), NULL, 0, &out),
             PICKET_RESULT_BUILD_DUPLICATE_KEY);
    EXPECT_MESSAGE("added twice (projects 3 and 1)");
    CHECK_RC(picket_registry_update(NULL, project_1_with(UNKNOWN_SK), NULL, 0, &out),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_registry_update(old, NULL, NULL, 0, &out), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_registry_update(old, project_1_with(UNKNOWN_SK), NULL, 1, &out),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_registry_update(old, project_1_with(UNKNOWN_SK), NULL, 0, NULL),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_registry_update(old, project_1_with(UNKNOWN_SK), removed, HUGE_LEN, &out),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK(out == untouched);
    picket_registry_free(r);
    picket_registry_free(old);
}

int main(void) {
    if (!fixture_key(1, 3, PICKET_KEY_KIND_PUBLISHABLE, PK3) ||
        !fixture_key(2, 3, PICKET_KEY_KIND_PUBLISHABLE, PK3_EXPIRED) ||
        !fixture_key(1, 99, PICKET_KEY_KIND_PUBLISHABLE, UNKNOWN_PK) ||
        !fixture_key(2, 99, PICKET_KEY_KIND_SECRET, UNKNOWN_SK)) {
        fprintf(stderr, "picket_key_format failed: cannot make the fixture keys\n");
        return 1;
    }
    test_authenticate();
    test_no_expiry_at_the_end_of_time();
    test_kind_mismatch();
    test_authorize_redirect();
    test_update();
    return check_finish("test_registry");
}
