/*
 * rebuild.c: a C program's memory stays flat while it rebuilds its registry.
 *
 *   rebuild KEYS REBUILDS THREADS BOUND_MB
 *
 * Builds a registry of KEYS keys over KEYS / 10 projects (each with a redirect URI), then
 * REBUILDS more times, as a server does after each change: each build on the next of
 * THREADS threads in turn (as a threaded server's requests do), the new registry swapped
 * in and the old one freed by the thread that built the new one. Prints the resident set
 * (RSS, from /proc/self/statm) after the first build, the largest after any build, and the
 * last; exits 1 when the largest exceeds the first by more than BOUND_MB megabytes (what
 * tests/memory/run.sh states in the README), 2 on a usage or picket error.
 *
 * Linux only (/proc). Built against an installed libpicket (tests/memory/run.sh).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "picket.h"

static long keys, rebuilds, threads;
static double bound_mb;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long done; /* builds finished; thread done % threads builds next */
static picket_registry *current;
static long first_kb, max_kb, last_kb;

static long rss_kb(void) {
    long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL || fscanf(f, "%ld %ld", &size, &resident) != 2) {
        fprintf(stderr, "cannot read /proc/self/statm\n");
        exit(2);
    }
    fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* The digest of key i: splitmix64 output, spread like SHA-256's. */
static void digest_of(long i, uint8_t out[32]) {
    uint64_t x = (uint64_t)i * 4;
    for (int w = 0; w < 4; w++) {
        uint64_t z = (x + (uint64_t)w + 1) * 0x9e3779b97f4a7c15ULL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        memcpy(out + 8 * w, &z, 8);
    }
}

static void check(picket_result r, const char *what) {
    if (r != PICKET_RESULT_OK) {
        char msg[256];
        size_t n = 0;
        if (picket_last_error_message((uint8_t *)msg, sizeof msg, &n) != PICKET_RESULT_OK) {
            n = 0;
        }
        fprintf(stderr, "%s: result %u: %.*s\n", what, (unsigned)r, (int)n, msg);
        exit(2);
    }
}

static picket_registry *build(void) {
    static const char uri[] = "https://app.example/callback";
    long projects = keys / 10 > 0 ? keys / 10 : 1;
    picket_registry_builder *b = picket_registry_builder_new();
    if (b == NULL) {
        fprintf(stderr, "picket_registry_builder_new returned NULL\n");
        exit(2);
    }
    for (long p = 1; p <= projects; p++) {
        check(picket_registry_builder_add_project(b, (uint64_t)p, PICKET_MODE_PRODUCTION, 0),
              "add_project");
        check(picket_registry_builder_add_redirect_uri(b, (uint64_t)p, (const uint8_t *)uri,
                                                       sizeof uri - 1),
              "add_redirect_uri");
    }
    for (long i = 0; i < keys; i++) {
        uint8_t d[32];
        digest_of(i, d);
        check(picket_registry_builder_add_key(b, d, (uint64_t)(1 + i % projects),
                                              i % 2 ? PICKET_KEY_KIND_SECRET
                                                    : PICKET_KEY_KIND_PUBLISHABLE,
                                              PICKET_NO_EXPIRY),
              "add_key");
    }
    picket_registry *r = NULL;
    check(picket_registry_builder_build(b, &r), "build");
    return r;
}

static void *worker(void *arg) {
    long id = (long)(intptr_t)arg;
    for (;;) {
        pthread_mutex_lock(&mu);
        while (done <= rebuilds && done % threads != id) {
            pthread_cond_wait(&cv, &mu);
        }
        if (done > rebuilds) {
            pthread_mutex_unlock(&mu);
            return NULL;
        }
        pthread_mutex_unlock(&mu);

        picket_registry *r = build();
        picket_registry *old = current;
        current = r;
        picket_registry_free(old); /* NULL the first time: a no-op */
        long kb = rss_kb();

        pthread_mutex_lock(&mu);
        if (done == 0) {
            first_kb = kb;
        }
        if (kb > max_kb) {
            max_kb = kb;
        }
        last_kb = kb;
        done++;
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&mu);
    }
}

int main(int argc, char **argv) {
    if (argc != 5 || (keys = atol(argv[1])) <= 0 || (rebuilds = atol(argv[2])) < 0 ||
        (threads = atol(argv[3])) <= 0 || threads > 64 || (bound_mb = atof(argv[4])) <= 0) {
        fprintf(stderr, "usage: rebuild KEYS REBUILDS THREADS(1-64) BOUND_MB\n");
        return 2;
    }
    pthread_t th[64];
    for (long i = 0; i < threads; i++) {
        if (pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 2;
        }
    }
    for (long i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
    }
    picket_registry_free(current);
    double growth = (double)(max_kb - first_kb) / 1024.0;
    printf("C: %ld keys, %ld rebuilds on %ld threads: RSS after the first build %.1f MB, "
           "largest %.1f MB (+%.1f MB), last %.1f MB; bound +%.0f MB\n",
           keys, rebuilds, threads, first_kb / 1024.0, max_kb / 1024.0, growth,
           last_kb / 1024.0, bound_mb);
    if (growth > bound_mb) {
        printf("FAILED: the RSS grew by %.1f MB, more than %.0f MB\n", growth, bound_mb);
        return 1;
    }
    return 0;
}
