/*
 * test_threads.c: one picket_registry shared by 8 threads that authenticate at once.
 *
 * The registry holds 64 keys over 4 projects (some expired, some expiring later); the
 * requests mix valid keys of both kinds under each requirement (so also wrong-kind keys),
 * expired keys, well-formed keys that were never added, and malformed headers. Every result
 * (code, project, kind) is checked against the one expected, and after every failure the
 * thread reads its last error message and checks it is the message of its own failure: the
 * same text a single thread got for that request beforehand. Each thread also sends a
 * malformed key whose error names a position unique to that thread, so a message leaking
 * from another thread would be caught. A few authorize_redirect calls run in the mix.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "picket.h"
#include "support.h"

#define THREADS 8
#define ITERATIONS 5000
#define KEYS 64
#define UNKNOWN 16
#define PROJECTS 4

static const uint64_t NOW = 1700000000u;

struct request {
    char header[160];
    size_t len;
    uint32_t requirement;
    /* expected */
    uint32_t rc;
    uint64_t project;
    uint32_t kind;
    char message[256]; /* last error message a single thread got (failures only) */
};

static struct request requests[KEYS * 3 + UNKNOWN + 8];
static size_t request_count;
/* Per thread: a key with a non-hex byte at position 3 + thread index. */
static struct request own[THREADS];
static char keys[KEYS][36];

static picket_registry *registry;
static pthread_barrier_t start;

struct tally {
    int index;
    unsigned long calls, wrong_results, failures_read, wrong_messages, own_read, own_wrong;
    unsigned long authorize_calls, authorize_wrong;
    char first_problem[512];
};

static uint64_t expires_of(int i) {
    return i % 8 == 3 ? NOW : i % 8 == 5 ? NOW + 1000 : PICKET_NO_EXPIRY;
}

static uint64_t project_of(int i) {
    return (uint64_t)(i % PROJECTS) + 1;
}

static void note(struct tally *t, const char *fmt, const char *a, unsigned x, unsigned y) {
    if (t->first_problem[0] == '\0') {
        snprintf(t->first_problem, sizeof t->first_problem, fmt, a, x, y);
    }
}

/* Sends one request and checks the outcome and, on failure, this thread's message. */
static void run_request(struct tally *t, const struct request *q, bool is_own, unsigned long i) {
    uint64_t project = 0xdeaddeaddeaddeadu;
    uint32_t kind = 0xdeadbeef;
    uint32_t rc = picket_registry_authenticate(registry, (const uint8_t *)q->header, q->len, NOW,
                                               q->requirement, &project, &kind);
    t->calls++;
    bool right = rc == q->rc && (rc == PICKET_RESULT_OK
                                     ? project == q->project && kind == q->kind
                                     : project == 0xdeaddeaddeaddeadu && kind == 0xdeadbeef);
    if (!right) {
        t->wrong_results++;
        note(t, "request \"%.300s\": rc %u, want %u", q->header, rc, q->rc);
    }
    if (rc == PICKET_RESULT_OK) {
        return;
    }
    /* Give the other threads a chance to fail in between, and make a successful call,
     * which must leave the message alone. */
    if (i % 3 == 0) {
        sched_yield();
    }
    if (i % 5 == 0) {
        uint32_t k;
        (void)picket_key_parse(S(PK1), &k);
    }
    char msg[512];
    size_t len = 0;
    uint32_t read = picket_last_error_message((uint8_t *)msg, sizeof msg - 1, &len);
    msg[read == PICKET_RESULT_OK ? len : 0] = '\0';
    if (is_own) {
        t->own_read++;
    } else {
        t->failures_read++;
    }
    if (read != PICKET_RESULT_OK || strcmp(msg, q->message) != 0) {
        if (is_own) {
            t->own_wrong++;
        } else {
            t->wrong_messages++;
        }
        note(t, "message \"%.300s\" after request %u, want its own (%u)", msg, (unsigned)i,
             (unsigned)q->rc);
    }
}

static void *worker(void *arg) {
    struct tally *t = arg;
    uint64_t state = 0x9e3779b97f4a7c15u * (uint64_t)(t->index + 1);
    pthread_barrier_wait(&start);
    for (unsigned long i = 0; i < ITERATIONS; i++) {
        state = splitmix64(state);
        if (i % 7 == 0) {
            run_request(t, &own[t->index], true, i);
        } else if (i % 16 == 1) {
            /* authorize_redirect for a publishable key of the table. */
            int k = (int)(state % KEYS) | 1; /* odd keys are publishable */
            char uri[64];
            int n = snprintf(uri, sizeof uri, "https://p%d.example/cb", (int)project_of(k));
            uint64_t project = 0;
            uint32_t rc = picket_registry_authorize_redirect(
                registry, (const uint8_t *)keys[k], PICKET_KEY_LEN, (const uint8_t *)uri,
                (size_t)n, NOW, &project);
            uint32_t want = expires_of(k) <= NOW ? PICKET_RESULT_AUTHORIZE_EXPIRED
                                                 : PICKET_RESULT_OK;
            t->authorize_calls++;
            if (rc != want || (rc == PICKET_RESULT_OK && project != project_of(k))) {
                t->authorize_wrong++;
                note(t, "authorize %s: rc %u, want %u", keys[k], rc, want);
            }
        } else {
            run_request(t, &requests[state % request_count], false, i);
        }
    }
    return NULL;
}

/* Adds a request; its expected outcome is given, and checked once on this thread. */
static struct request *add(struct request *q, const void *header, size_t len, uint32_t req,
                           uint32_t rc, uint64_t project, uint32_t kind) {
    memcpy(q->header, header, len);
    q->header[len] = '\0';
    q->len = len;
    q->requirement = req;
    q->rc = rc;
    q->project = project;
    q->kind = kind;
    uint64_t got_project = 0;
    uint32_t got_kind = 0;
    uint32_t got = picket_registry_authenticate(registry, (const uint8_t *)header, len, NOW, req,
                                                &got_project, &got_kind);
    CHECK_MSG(got == rc, "single-threaded \"%s\" req %u: rc %u, want %u", q->header, req, got,
              rc);
    if (rc != PICKET_RESULT_OK) {
        check_last_error(q->message, sizeof q->message);
        CHECK_MSG(q->message[0] != '\0', "no message for \"%s\"", q->header);
    }
    return q;
}

static bool build(void) {
    picket_registry_builder *b = picket_registry_builder_new();
    if (b == NULL) {
        return false;
    }
    bool ok = true;
    for (int p = 1; p <= PROJECTS; p++) {
        char uri[64];
        int n = snprintf(uri, sizeof uri, "https://p%d.example/cb", p);
        ok = ok && picket_registry_builder_add_project(b, (uint64_t)p, PICKET_MODE_PRODUCTION, 0) ==
                       PICKET_RESULT_OK;
        ok = ok && picket_registry_builder_add_redirect_uri(b, (uint64_t)p, B(uri, n)) ==
                       PICKET_RESULT_OK;
    }
    for (int i = 0; i < KEYS && ok; i++) {
        uint8_t d[32];
        ok = fixture_key((uint64_t)i, 11, fixture_kind((uint64_t)i), keys[i]) &&
             digest_of(keys[i], d) &&
             picket_registry_builder_add_key(b, d, project_of(i), fixture_kind((uint64_t)i),
                                             expires_of(i)) == PICKET_RESULT_OK;
    }
    if (!ok) {
        picket_registry_builder_free(b);
        return false;
    }
    return picket_registry_builder_build(b, &registry) == PICKET_RESULT_OK;
}

int main(void) {
    if (!CHECK(build())) {
        return check_finish("test_threads");
    }
    /* The requests and their expected outcomes. */
    const uint32_t reqs[3] = {PICKET_REQUIREMENT_PUBLISHABLE, PICKET_REQUIREMENT_SECRET,
                              PICKET_REQUIREMENT_ANY};
    char h[160];
    for (int i = 0; i < KEYS; i++) {
        size_t n = basic_header(keys[i], h);
        uint32_t kind = fixture_kind((uint64_t)i);
        for (int r = 0; r < 3; r++) {
            bool allowed = reqs[r] == PICKET_REQUIREMENT_ANY ||
                           (reqs[r] == PICKET_REQUIREMENT_SECRET) == (kind == PICKET_KEY_KIND_SECRET);
            uint32_t rc = expires_of(i) <= NOW ? PICKET_RESULT_AUTH_EXPIRED
                          : !allowed           ? PICKET_RESULT_AUTH_WRONG_KIND
                                               : PICKET_RESULT_OK;
            add(&requests[request_count++], h, n, reqs[r], rc, project_of(i), kind);
        }
    }
    for (int i = 0; i < UNKNOWN; i++) {
        char key[36];
        CHECK(fixture_key((uint64_t)i, 12, fixture_kind((uint64_t)i), key));
        size_t n = basic_header(key, h);
        add(&requests[request_count++], h, n, reqs[i % 3], PICKET_RESULT_AUTH_UNKNOWN_KEY, 0, 0);
    }
    add(&requests[request_count++], "", 0, PICKET_REQUIREMENT_ANY, PICKET_RESULT_HEADER_MISSING,
        0, 0);
    add(&requests[request_count++], S("Basic cGtfZA"), PICKET_REQUIREMENT_ANY,
        PICKET_RESULT_HEADER_INVALID_BASE64, 0, 0);
    add(&requests[request_count++], S("Bearer " SK1), PICKET_REQUIREMENT_ANY,
        PICKET_RESULT_HEADER_BEARER_NOT_ENABLED, 0, 0);
    add(&requests[request_count++], S("Basic \0"), PICKET_REQUIREMENT_ANY,
        PICKET_RESULT_HEADER_CONTROL_CHARACTER, 0, 0);
    {
        char creds[80];
        memcpy(creds, SK1 ":" PK1, 71);
        size_t n = header_with("Basic", 1, creds, 71, h);
        add(&requests[request_count++], h, n, PICKET_REQUIREMENT_SECRET,
            PICKET_RESULT_HEADER_NON_EMPTY_PASSWORD, 0, 0);
    }
    for (int t = 0; t < THREADS; t++) {
        char key[36];
        memcpy(key, keys[0], 36);
        key[3 + t] = 'z';
        size_t n = basic_header(key, h);
        add(&own[t], h, n, PICKET_REQUIREMENT_ANY, PICKET_RESULT_KEY_NON_HEX, 0, 0);
        char want[32];
        snprintf(want, sizeof want, "position %d", 3 + t);
        CHECK_MSG(strstr(own[t].message, want) != NULL, "\"%s\" lacks \"%s\"", own[t].message,
                  want);
    }
    /* Leave this thread's message on something no worker request produces. */
    CHECK_RC(picket_key_parse(NULL, 0, &(uint32_t){0}), PICKET_RESULT_KEY_EMPTY);

    /* Go. */
    pthread_t threads[THREADS];
    static struct tally tallies[THREADS];
    CHECK(pthread_barrier_init(&start, NULL, THREADS) == 0);
    int started = 0;
    for (int t = 0; t < THREADS; t++) {
        tallies[t].index = t;
        if (CHECK(pthread_create(&threads[t], NULL, worker, &tallies[t]) == 0)) {
            started++;
        }
    }
    if (started != THREADS) {
        fprintf(stderr, "could not start %d threads\n", THREADS);
        return 1; /* the barrier would never open */
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
    }
    pthread_barrier_destroy(&start);

    unsigned long total = 0;
    for (int t = 0; t < THREADS; t++) {
        struct tally *y = &tallies[t];
        total += y->calls + y->authorize_calls;
        CHECK_MSG(y->calls + y->authorize_calls == ITERATIONS, "thread %d made %lu calls", t,
                  y->calls + y->authorize_calls);
        CHECK_MSG(y->wrong_results == 0, "thread %d: %lu of %lu results wrong; first: %s", t,
                  y->wrong_results, y->calls, y->first_problem);
        CHECK_MSG(y->failures_read > 1000 && y->wrong_messages == 0,
                  "thread %d: %lu of %lu messages not its own; first: %s", t, y->wrong_messages,
                  y->failures_read, y->first_problem);
        CHECK_MSG(y->own_read > 500 && y->own_wrong == 0,
                  "thread %d: %lu of %lu position messages not its own; first: %s", t,
                  y->own_wrong, y->own_read, y->first_problem);
        CHECK_MSG(y->authorize_calls > 100 && y->authorize_wrong == 0,
                  "thread %d: %lu of %lu authorize results wrong; first: %s", t,
                  y->authorize_wrong, y->authorize_calls, y->first_problem);
    }
    printf("%d threads, %lu calls on one registry\n", THREADS, total);
    /* The main thread's message was not touched by the workers. */
    char msg[512];
    CHECK_MSG(strcmp(check_last_error(msg, sizeof msg), "api key is empty") == 0, "\"%s\"", msg);
    picket_registry_free(registry);
    return check_finish("test_threads");
}
