/*
 * bench_authenticate.c: picket_registry_authenticate through the C ABI, end to end, on a
 * 1,000-key registry, cycling through 4,096 valid `Basic base64(KEY:)` headers.
 *
 * The fixture is the one of the Rust benchmark `auth/keys/1000` (picket-core/benches):
 * key i is formatted from SplitMix64 bytes, keys alternate secret/publishable over 1,000
 * production projects, and header j names key (j * 2654435761) mod 1000, so consecutive
 * requests name unrelated keys. Requirement ANY, now = 1,700,000,000.
 *
 * Usage: bench_authenticate [SAMPLES [ITERATIONS [LINKAGE]]]   (default 2,000 samples of 1,000
 * calls; LINKAGE, "static" by default, only names the figure)
 *
 * Like divan (the Rust benchmarks' harness), it times many short samples (clock_gettime,
 * CLOCK_MONOTONIC, around ITERATIONS calls each, after a 10% warm-up) and reports the
 * fastest and the median sample in ns/call, plus the mean over all samples. The fastest and
 * median samples are the ones a busy machine disturbs least: compare them with divan's
 * `fastest` and `median` columns of `auth/keys/1000`. The last lines are for scripts
 * (bench/report.py): one JSON object per figure, `{"figure", "value", "unit", "reference",
 * "target_ratio", "note"}`, the median compared with the Rust figure of the same fixture
 * (`rust authenticate, 1000 keys` of picket-core/benches/figures.rs, target <= 1.10 x).
 * Exits non-zero if any call did not authenticate.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "picket.h"
#include "support.h"

#define KEYS 1000
#define PROJECTS 1000
#define CYCLE 4096
#define HEADER_LEN 54

static const uint64_t NOW = 1700000000u;

static char headers[CYCLE][HEADER_LEN + 1];

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static picket_registry *build(void) {
    picket_registry_builder *b = picket_registry_builder_new();
    if (b == NULL) {
        return NULL;
    }
    for (uint64_t p = 1; p <= PROJECTS; p++) {
        if (picket_registry_builder_add_project(b, p, PICKET_MODE_PRODUCTION, 0) !=
            PICKET_RESULT_OK) {
            picket_registry_builder_free(b);
            return NULL;
        }
    }
    for (uint64_t i = 0; i < KEYS; i++) {
        char key[36];
        uint8_t digest[PICKET_DIGEST_LEN];
        if (!fixture_key(i, 0, fixture_kind(i), key) || !digest_of(key, digest) ||
            picket_registry_builder_add_key(b, digest, i % PROJECTS + 1, fixture_kind(i),
                                            PICKET_NO_EXPIRY) != PICKET_RESULT_OK) {
            picket_registry_builder_free(b);
            return NULL;
        }
    }
    picket_registry *r = NULL;
    if (picket_registry_builder_build(b, &r) != PICKET_RESULT_OK) {
        return NULL;
    }
    return r;
}

int main(int argc, char **argv) {
    int samples = argc > 1 ? atoi(argv[1]) : 2000;
    long iterations = argc > 2 ? atol(argv[2]) : 1000;
    if (samples < 1 || iterations < 1) {
        fprintf(stderr, "usage: %s [SAMPLES [ITERATIONS]]\n", argv[0]);
        return 2;
    }
    picket_registry *registry = build();
    if (registry == NULL) {
        fprintf(stderr, "could not build the registry\n");
        return 1;
    }
    for (uint64_t j = 0; j < CYCLE; j++) {
        char key[36];
        uint64_t i = j * 2654435761u % KEYS;
        if (!fixture_key(i, 0, fixture_kind(i), key) ||
            basic_header(key, headers[j]) != HEADER_LEN) {
            fprintf(stderr, "could not make header %u\n", (unsigned)j);
            return 1;
        }
        uint64_t project = 0;
        uint32_t kind = 0;
        if (picket_registry_authenticate(registry, (const uint8_t *)headers[j], HEADER_LEN, NOW,
                                         PICKET_REQUIREMENT_ANY, &project,
                                         &kind) != PICKET_RESULT_OK ||
            project != i % PROJECTS + 1 || kind != fixture_kind(i)) {
            fprintf(stderr, "header %u does not authenticate as expected\n", (unsigned)j);
            return 1;
        }
    }

    double *ns = calloc((size_t)samples, sizeof *ns);
    if (ns == NULL) {
        return 1;
    }
    uint64_t sink = 0;
    unsigned long failures = 0;
    unsigned long n = 0; /* position in the header cycle, carried across samples */
    double total = 0;
    for (int sample = -samples / 10 - 1; sample < samples; sample++) { /* first 10% warm up */
        double start = now_ns();
        for (long k = 0; k < iterations; k++, n++) {
            const char *h = headers[n & (CYCLE - 1)];
            uint64_t project;
            uint32_t kind;
            uint32_t rc = picket_registry_authenticate(registry, (const uint8_t *)h, HEADER_LEN,
                                                       NOW, PICKET_REQUIREMENT_ANY, &project,
                                                       &kind);
            if (rc != PICKET_RESULT_OK) {
                failures++;
                continue;
            }
            sink += project + kind;
        }
        double elapsed = now_ns() - start;
        if (sample >= 0) {
            ns[sample] = elapsed / (double)iterations;
            total += elapsed;
        }
    }
    qsort(ns, (size_t)samples, sizeof *ns, compare_doubles);
    double best = ns[0];
    double median = ns[samples / 2];
    double mean = total / ((double)samples * (double)iterations);
    printf("picket_registry_authenticate, %d keys, cycling %d valid Basic headers:\n", KEYS,
           CYCLE);
    printf("  %d samples x %ld calls: fastest %.1f, median %.1f, mean %.1f ns/call\n", samples,
           iterations, best, median, mean);
    printf("  (checksum %llu)\n", (unsigned long long)sink);
    const char *linkage = argc > 3 ? argv[3] : "static";
    printf("{\"figure\": \"c authenticate, %d keys (%s library)\", \"value\": %.2f, "
           "\"unit\": \"ns\", \"reference\": \"rust authenticate, %d keys\", "
           "\"target_ratio\": %s, \"note\": \"median of %d samples of %ld calls; fastest "
           "%.1f ns\"}\n",
           KEYS, linkage, median, KEYS, strcmp(linkage, "static") == 0 ? "1.1" : "null", samples,
           iterations, best);
    free(ns);
    picket_registry_free(registry);
    if (failures != 0) {
        fprintf(stderr, "%lu calls failed to authenticate\n", failures);
        return 1;
    }
    return 0;
}
