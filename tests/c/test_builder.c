/*
 * test_builder.c: the registry builder's lifecycle and every error of its functions.
 *
 * Under valgrind this program also proves the ownership rules: build consumes the builder on
 * success and on every failure, and _free(NULL) is a no-op.
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
#define REQ_ANY PICKET_REQUIREMENT_ANY

/* Checks that the last error message contains `want` and no secret key's body (the keys
 * this program passes: SK1 and SK2). */
static void expect_message(const char *want, int line) {
    char msg[512];
    check_last_error(msg, sizeof msg);
    CHECK_MSG(strstr(msg, want) != NULL, "line %d: message \"%s\" lacks \"%s\"", line, msg, want);
    CHECK_MSG(!leaks_key_body(msg, SK1) && !leaks_key_body(msg, SK2),
              "line %d: message \"%s\" leaks a secret key", line, msg);
}

#define EXPECT_MESSAGE(want) expect_message((want), __LINE__)

static void test_builder_errors(void) {
    uint8_t d_pk1[32], d_sk1[32];
    CHECK(digest_of(PK1, d_pk1));
    CHECK(digest_of(SK1, d_sk1));

    /* _free(NULL) is a no-op for both handles; a builder can be freed unbuilt. */
    picket_registry_builder_free(NULL);
    picket_registry_free(NULL);
    picket_registry_builder *b = picket_registry_builder_new();
    if (!CHECK(b != NULL)) {
        return;
    }
    picket_registry_builder_free(b);

    /* NULL builder: every function says NULL_PARAMETER. */
    CHECK_RC(picket_registry_builder_set_options(NULL, 0), PICKET_RESULT_NULL_PARAMETER);
    EXPECT_MESSAGE("`builder` is NULL");
    CHECK_RC(picket_registry_builder_add_project(NULL, 1, PROD, 0), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_registry_builder_add_redirect_uri(NULL, 1, S("https://a.example/")),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_registry_builder_add_key(NULL, d_pk1, 1, PICKET_KEY_KIND_PUBLISHABLE,
                                             PICKET_NO_EXPIRY),
             PICKET_RESULT_NULL_PARAMETER);
    picket_registry *r = (picket_registry *)(uintptr_t)0x1234;
    CHECK_RC(picket_registry_builder_build(NULL, &r), PICKET_RESULT_NULL_PARAMETER);
    CHECK(r == (picket_registry *)(uintptr_t)0x1234);

    b = picket_registry_builder_new();
    if (!CHECK(b != NULL)) {
        return;
    }
    /* set_options */
    CHECK_RC(picket_registry_builder_set_options(b, PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_registry_builder_set_options(b, 0x100), PICKET_RESULT_INVALID_PARAMETER);
    EXPECT_MESSAGE("options");
    CHECK_RC(picket_registry_builder_set_options(b, PICKET_OPTION_ACCEPT_BEARER), PICKET_RESULT_OK);
    CHECK_RC(picket_registry_builder_set_options(b, 0), PICKET_RESULT_OK);

    /* add_project */
    CHECK_RC(picket_registry_builder_add_project(b, 1, 0, 0), PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_registry_builder_add_project(b, 1, 3, 0), PICKET_RESULT_INVALID_PARAMETER);
    EXPECT_MESSAGE("mode");
    CHECK_RC(picket_registry_builder_add_project(b, 1, PROD, PICKET_OPTION_ACCEPT_BEARER),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_registry_builder_add_project(b, 1, PROD, 8), PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_registry_builder_add_project(b, 1, PROD, 0), PICKET_RESULT_OK);
    CHECK_RC(picket_registry_builder_add_project(b, 1, DEV, 0),
             PICKET_RESULT_BUILD_DUPLICATE_PROJECT);
    EXPECT_MESSAGE("project 1 was added twice");
    CHECK_RC(picket_registry_builder_add_project(b, 2, DEV, 0), PICKET_RESULT_OK);
    CHECK_RC(picket_registry_builder_add_project(b, UINT64_MAX, PROD, 0), PICKET_RESULT_OK);

    /* add_redirect_uri: unknown project, the redirect code with the project named, NULL. */
    CHECK_RC(picket_registry_builder_add_redirect_uri(b, 9, S("https://a.example/")),
             PICKET_RESULT_BUILD_UNKNOWN_PROJECT);
    EXPECT_MESSAGE("project 9 was not added");
    CHECK_RC(picket_registry_builder_add_redirect_uri(b, 1, S("http://a.example/cb")),
             PICKET_RESULT_REDIRECT_INSECURE_SCHEME);
    EXPECT_MESSAGE("project 1: ");
    CHECK_RC(picket_registry_builder_add_redirect_uri(b, 2, S("https://a.example/\0")),
             PICKET_RESULT_REDIRECT_NON_PRINTABLE);
    EXPECT_MESSAGE("project 2: ");
    CHECK_RC(picket_registry_builder_add_redirect_uri(b, 1, NULL, 0), PICKET_RESULT_REDIRECT_EMPTY);
    CHECK_RC(picket_registry_builder_add_redirect_uri(b, 1, NULL, 10), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_registry_builder_add_redirect_uri(b, 1, (const uint8_t *)"https://a.example/",
                                                      HUGE_LEN),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_registry_builder_add_redirect_uri(b, 1, S("https://a.example/")),
             PICKET_RESULT_OK);
    CHECK_RC(picket_registry_builder_add_redirect_uri(b, 1, S("https://a.example/")),
             PICKET_RESULT_OK); /* twice is not an error */

    /* add_key */
    CHECK_RC(picket_registry_builder_add_key(b, NULL, 1, PICKET_KEY_KIND_PUBLISHABLE,
                                             PICKET_NO_EXPIRY),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_registry_builder_add_key(b, d_pk1, 1, 0, PICKET_NO_EXPIRY),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_registry_builder_add_key(b, d_pk1, 1, 3, PICKET_NO_EXPIRY),
             PICKET_RESULT_INVALID_PARAMETER);
    EXPECT_MESSAGE("kind");
    CHECK_RC(picket_registry_builder_add_key(b, d_pk1, 7, PICKET_KEY_KIND_PUBLISHABLE,
                                             PICKET_NO_EXPIRY),
             PICKET_RESULT_BUILD_UNKNOWN_PROJECT);
    EXPECT_MESSAGE("project 7");
    CHECK_RC(picket_registry_builder_add_key(b, d_pk1, 1, PICKET_KEY_KIND_PUBLISHABLE,
                                             PICKET_NO_EXPIRY),
             PICKET_RESULT_OK);
    /* The same digest twice is found by build, which consumes the builder anyway. */
    CHECK_RC(picket_registry_builder_add_key(b, d_pk1, 2, PICKET_KEY_KIND_PUBLISHABLE, 5),
             PICKET_RESULT_OK);
    r = (picket_registry *)(uintptr_t)0x1234;
    CHECK_RC(picket_registry_builder_build(b, &r), PICKET_RESULT_BUILD_DUPLICATE_KEY);
    EXPECT_MESSAGE("added twice");
    CHECK(r == (picket_registry *)(uintptr_t)0x1234);
    /* b is gone (valgrind would report a leak or a double free otherwise). */

    /* A NULL out_registry frees the builder too. */
    b = picket_registry_builder_new();
    if (CHECK(b != NULL)) {
        CHECK_RC(picket_registry_builder_add_project(b, 1, PROD, 0), PICKET_RESULT_OK);
        CHECK_RC(picket_registry_builder_add_key(b, d_sk1, 1, PICKET_KEY_KIND_SECRET, 0),
                 PICKET_RESULT_OK);
        CHECK_RC(picket_registry_builder_build(b, NULL), PICKET_RESULT_NULL_PARAMETER);
        EXPECT_MESSAGE("out_registry");
    }

    /* An empty registry knows no key. */
    b = picket_registry_builder_new();
    if (CHECK(b != NULL)) {
        r = NULL;
        CHECK_RC(picket_registry_builder_build(b, &r), PICKET_RESULT_OK);
        if (CHECK(r != NULL)) {
            char h[128];
            size_t hn = basic_header(PK1, h);
            uint64_t project = 0;
            uint32_t kind = 0;
            CHECK_RC(picket_registry_authenticate(r, B(h, hn), NOW, REQ_ANY, &project, &kind),
                     PICKET_RESULT_AUTH_UNKNOWN_KEY);
            CHECK_RC(picket_registry_authorize_redirect(r, S(PK1), S("https://a.example/"), NOW,
                                                        &project),
                     PICKET_RESULT_AUTHORIZE_UNKNOWN_CLIENT);
            picket_registry_free(r);
        }
    }
}

/* Many registries built and freed, and a registry outliving nothing it borrowed: the inputs
 * passed to the builder are only read during each call. */
static void test_ownership(void) {
    for (int round = 0; round < 20; round++) {
        picket_registry_builder *b = picket_registry_builder_new();
        if (!CHECK(b != NULL)) {
            return;
        }
        char uri[64];
        int n = snprintf(uri, sizeof uri, "https://r%d.example/cb", round);
        uint8_t d[32];
        char key[36];
        CHECK(fixture_key((uint64_t)round, 7, PICKET_KEY_KIND_PUBLISHABLE, key));
        CHECK(digest_of(key, d));
        CHECK_RC(picket_registry_builder_add_project(b, 5, PROD, 0), PICKET_RESULT_OK);
        CHECK_RC(picket_registry_builder_add_redirect_uri(b, 5, B(uri, n)), PICKET_RESULT_OK);
        CHECK_RC(picket_registry_builder_add_key(b, d, 5, PICKET_KEY_KIND_PUBLISHABLE,
                                                 PICKET_NO_EXPIRY),
                 PICKET_RESULT_OK);
        if (round % 2 == 0) {
            picket_registry_builder_free(b); /* never built */
            continue;
        }
        picket_registry *r = NULL;
        CHECK_RC(picket_registry_builder_build(b, &r), PICKET_RESULT_OK);
        /* Scribble over everything the builder was given. */
        char saved_uri[64];
        memcpy(saved_uri, uri, sizeof uri);
        memset(uri, 'x', sizeof uri);
        memset(d, 0, sizeof d);
        uint64_t project = 0;
        CHECK_RC(picket_registry_authorize_redirect(r, B(key, 35), B(saved_uri, n), NOW, &project),
                 PICKET_RESULT_OK);
        CHECK_EQ(project, 5);
        picket_registry_free(r);
    }
}

int main(void) {
    test_builder_errors();
    test_ownership();
    return check_finish("test_builder");
}
