/*
 * test_handles.c: every handle carries its type and state (issue 20). A registry where a
 * builder is expected (and the reverse), a second free, a use after free and a builder
 * used after build are refused with PICKET_RESULT_WRONG_HANDLE or
 * PICKET_RESULT_HANDLE_FREED, nothing is written through them, and the refusals leave
 * live handles usable. Run under ASan and valgrind like every test (run.sh): the freed
 * handles are read after free here on purpose, and picket must keep that read defined.
 * Deliberately wrong pointer types are passed through casts, as a confused caller would.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include "check.h"
#include "picket.h"
#include "support.h"

#define PROD PICKET_MODE_PRODUCTION
#define NOW 1000u

static const uint8_t DIGEST[32] = {7};

static picket_registry_builder *builder_with_project(void) {
    picket_registry_builder *b = picket_registry_builder_new();
    if (b != NULL) {
        CHECK_RC(picket_registry_builder_add_project(b, 1, PROD, 0), PICKET_RESULT_OK);
    }
    return b;
}

static picket_registry *build(picket_registry_builder *b) {
    picket_registry *r = NULL;
    CHECK_RC(picket_registry_builder_build(b, &r), PICKET_RESULT_OK);
    return r;
}

/* Every function that takes a builder refuses `b` with `code`. */
static void builder_calls_refused(picket_registry_builder *b, uint32_t code) {
    CHECK_RC(picket_registry_builder_set_options(b, 0), code);
    CHECK_RC(picket_registry_builder_add_project(b, 9, PROD, 0), code);
    CHECK_RC(picket_registry_builder_add_redirect_uri(b, 1, S("https://app.example/cb")), code);
    CHECK_RC(picket_registry_builder_add_key(b, DIGEST, 1, PICKET_KEY_KIND_SECRET,
                                             PICKET_NO_EXPIRY),
             code);
    /* As the changes of an update. */
    picket_registry *out = NULL;
    picket_registry *base = build(builder_with_project());
    CHECK_RC(picket_registry_update(base, b, NULL, 0, &out), code);
    CHECK(out == NULL);
    CHECK_RC(picket_registry_free(base), PICKET_RESULT_OK);
    CHECK_RC(picket_registry_builder_build(b, &out), code);
    CHECK(out == NULL);
}

/* Every function that takes a registry refuses `r` with `code`, writing no output. */
static void registry_calls_refused(const picket_registry *r, uint32_t code) {
    /* An update from `r` consumes its (live) changes all the same, and writes nothing. */
    picket_registry *out = NULL;
    CHECK_RC(picket_registry_update(r, builder_with_project(), NULL, 0, &out), code);
    CHECK(out == NULL);
    uint64_t project = 77;
    uint32_t kind = 77;
    char h[128];
    size_t hn = basic_header(SK1, h);
    CHECK_RC(picket_registry_authenticate(r, B(h, hn), NOW, PICKET_REQUIREMENT_ANY, &project,
                                          &kind),
             code);
    CHECK_RC(picket_registry_authorize_redirect(r, S(PK1), S("https://app.example/cb"), NOW,
                                                &project),
             code);
    CHECK(project == 77 && kind == 77);
}

static void expect_message(const char *want) {
    char msg[512];
    CHECK_MSG(strstr(check_last_error(msg, sizeof msg), want) != NULL,
              "message \"%s\" lacks \"%s\"", msg, want);
}

static void test_wrong_type(void) {
    picket_registry_builder *b = builder_with_project();
    picket_registry *r = build(builder_with_project());
    if (!CHECK(b != NULL && r != NULL)) {
        return;
    }
    builder_calls_refused((picket_registry_builder *)(void *)r, PICKET_RESULT_WRONG_HANDLE);
    expect_message("`builder` is a picket_registry, not a picket_registry_builder");
    CHECK_RC(picket_registry_builder_free((picket_registry_builder *)(void *)r),
             PICKET_RESULT_WRONG_HANDLE);
    registry_calls_refused((picket_registry *)(void *)b, PICKET_RESULT_WRONG_HANDLE);
    expect_message("`registry` is a picket_registry_builder, not a picket_registry");
    CHECK_RC(picket_registry_free((picket_registry *)(void *)b), PICKET_RESULT_WRONG_HANDLE);

    /* Both still live: the refusals changed nothing. */
    uint64_t project = 0;
    CHECK_RC(picket_registry_authorize_redirect(r, S(PK1), S("https://app.example/cb"), NOW,
                                                &project),
             PICKET_RESULT_AUTHORIZE_UNKNOWN_CLIENT);
    CHECK_RC(picket_registry_builder_add_redirect_uri(b, 1, S("https://app.example/cb")),
             PICKET_RESULT_OK);
    CHECK_RC(picket_registry_free(r), PICKET_RESULT_OK);
    CHECK_RC(picket_registry_builder_free(b), PICKET_RESULT_OK);
}

static void test_registry_freed(void) {
    picket_registry *r = build(builder_with_project());
    if (!CHECK(r != NULL)) {
        return;
    }
    CHECK_RC(picket_registry_free(r), PICKET_RESULT_OK);
    CHECK_RC(picket_registry_free(r), PICKET_RESULT_HANDLE_FREED);
    expect_message("picket_registry_free: `registry` was freed");
    registry_calls_refused(r, PICKET_RESULT_HANDLE_FREED);
    builder_calls_refused((picket_registry_builder *)(void *)r, PICKET_RESULT_WRONG_HANDLE);
    expect_message("is a freed picket_registry, not a picket_registry_builder");
    /* NULL stays a no-op. */
    CHECK_RC(picket_registry_free(NULL), PICKET_RESULT_OK);
    CHECK_RC(picket_registry_builder_free(NULL), PICKET_RESULT_OK);
}

static void test_builder_consumed(void) {
    /* Built: consumed. */
    picket_registry_builder *b = builder_with_project();
    picket_registry *r = build(b);
    builder_calls_refused(b, PICKET_RESULT_HANDLE_FREED);
    expect_message("consumed by picket_registry_builder_build");
    CHECK_RC(picket_registry_builder_free(b), PICKET_RESULT_HANDLE_FREED);
    CHECK_RC(picket_registry_free(r), PICKET_RESULT_OK);

    /* Freed. */
    b = builder_with_project();
    CHECK_RC(picket_registry_builder_free(b), PICKET_RESULT_OK);
    CHECK_RC(picket_registry_builder_free(b), PICKET_RESULT_HANDLE_FREED);
    builder_calls_refused(b, PICKET_RESULT_HANDLE_FREED);
    registry_calls_refused((picket_registry *)(void *)b, PICKET_RESULT_WRONG_HANDLE);

    /* A failed build consumes it too; so does a build without a place for the registry. */
    b = builder_with_project();
    CHECK_RC(picket_registry_builder_add_key(b, DIGEST, 1, PICKET_KEY_KIND_SECRET,
                                             PICKET_NO_EXPIRY),
             PICKET_RESULT_OK);
    CHECK_RC(picket_registry_builder_add_key(b, DIGEST, 1, PICKET_KEY_KIND_SECRET,
                                             PICKET_NO_EXPIRY),
             PICKET_RESULT_OK);
    r = NULL;
    CHECK_RC(picket_registry_builder_build(b, &r), PICKET_RESULT_BUILD_DUPLICATE_KEY);
    CHECK(r == NULL);
    CHECK_RC(picket_registry_builder_free(b), PICKET_RESULT_HANDLE_FREED);
    b = builder_with_project();
    CHECK_RC(picket_registry_builder_build(b, NULL), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_registry_builder_free(b), PICKET_RESULT_HANDLE_FREED);
}

/* Memory that is no handle (the caller's own, readable): refused as the wrong type. */
static void test_no_handle(void) {
    _Alignas(8) unsigned char fake[64];
    memset(fake, 0, sizeof fake);
    registry_calls_refused((const picket_registry *)(void *)fake, PICKET_RESULT_WRONG_HANDLE);
    expect_message("is not a picket_registry picket made");
    builder_calls_refused((picket_registry_builder *)(void *)fake, PICKET_RESULT_WRONG_HANDLE);
    CHECK_RC(picket_registry_free((picket_registry *)(void *)fake), PICKET_RESULT_WRONG_HANDLE);
    unsigned char zero[64] = {0};
    CHECK(memcmp(fake, zero, sizeof fake) == 0);
}

/* Many handles made and freed: the shells are reused (a bounded number stays allocated),
 * and every handle made works. */
static void test_churn(void) {
    for (int i = 0; i < 3000; i++) {
        picket_registry_builder *b = builder_with_project();
        if (i % 2 == 0) {
            CHECK_RC(picket_registry_builder_free(b), PICKET_RESULT_OK);
            continue;
        }
        picket_registry *r = build(b);
        uint64_t project = 0;
        CHECK_RC(picket_registry_authorize_redirect(r, S(PK1), S("https://app.example/cb"), NOW,
                                                    &project),
                 PICKET_RESULT_AUTHORIZE_UNKNOWN_CLIENT);
        CHECK_RC(picket_registry_free(r), PICKET_RESULT_OK);
    }
}

int main(void) {
    test_wrong_type();
    test_registry_freed();
    test_builder_consumed();
    test_no_handle();
    test_churn();
    return check_finish("test_handles");
}
