/*
 * check.h: the tiny test harness of the C tests (header-only, one per test program).
 *
 *   CHECK(cond)                      a case: passes when cond is true
 *   CHECK_MSG(cond, fmt, ...)        the same, with a printf-style explanation on failure
 *   CHECK_RC(call, CODE)             the picket_result of `call` is CODE; on a mismatch the
 *                                    names of both codes and the last error message are
 *                                    printed; on a match CODE is recorded as returned, and
 *                                    as returned by the function when `call` is a direct
 *                                    call of a picket_ function
 *   CHECK_RETURNED(fn, CODE)         records CODE as returned by fn (a call made elsewhere,
 *                                    such as in a child process)
 *   CHECK_EQ(a, b)                   two integers are equal (printed on failure)
 *   CHECK_BYTES(p, n, q, m)          (p, n) and (q, m) are the same bytes
 *   CHECK_TEXT(p, n, "literal")      (p, n) is exactly the literal's bytes
 *
 * Each CHECK* is one test case. Counters are atomic, so checks may run on any thread.
 * Failures print `file:line: ...` to stderr. check_finish(name) prints the codes the program
 * saw returned, and each (function, code) pair (for run.sh's coverage steps: every code is
 * returned by some test, and each function returns exactly the codes its comment in
 * picket.h lists), then the final `[name] N passed, N failed` line, and returns the exit
 * status (0 only when nothing failed).
 */
#ifndef PICKET_TEST_CHECK_H
#define PICKET_TEST_CHECK_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "picket.h"

static atomic_ulong check_passed_;
static atomic_ulong check_failed_;
/* check_seen_[c] is set when a CHECK_RC expecting code c passed. */
static atomic_uchar check_seen_[1000];

/* Every result code of picket.h, in the header's order, with its name. The rows are
 * codes.h, generated from the table of codes (codegen/src/table.rs); run.sh checks that
 * they list every PICKET_RESULT_* constant the header defines. */
struct check_code {
    uint32_t value;
    const char *name;
};

#define CHECK_CODE_(name) {PICKET_RESULT_##name, #name}
static const struct check_code check_codes[] = {
#include "codes.h"
};
#undef CHECK_CODE_

#define CHECK_CODE_COUNT (sizeof check_codes / sizeof check_codes[0])

/* The name of a result code, or "?" for a value that is not one. */
static inline const char *check_code_name(uint32_t value) {
    for (size_t i = 0; i < CHECK_CODE_COUNT; i++) {
        if (check_codes[i].value == value) {
            return check_codes[i].name;
        }
    }
    return "?";
}

static inline void check_pass_(void) {
    atomic_fetch_add(&check_passed_, 1);
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static inline void check_fail_(const char *file, int line, const char *what, const char *fmt,
                               ...) {
    atomic_fetch_add(&check_failed_, 1);
    char detail[768] = "";
    if (fmt != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(detail, sizeof detail, fmt, ap);
        va_end(ap);
    }
    fprintf(stderr, "%s:%d: FAILED: %s%s%s\n", file, line, what, detail[0] ? ": " : "",
            detail);
}

/* One case: true passes. Returns cond, so a test can stop early when a later step depends
 * on this one. */
static inline bool check_(bool cond, const char *file, int line, const char *what) {
    if (cond) {
        check_pass_();
    } else {
        check_fail_(file, line, what, NULL);
    }
    return cond;
}

#define CHECK(cond) check_((cond) ? true : false, __FILE__, __LINE__, #cond)

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static inline bool check_msg_(bool cond, const char *file, int line, const char *what,
                              const char *fmt, ...) {
    if (cond) {
        check_pass_();
        return true;
    }
    char detail[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    check_fail_(file, line, what, "%s", detail);
    return false;
}

#define CHECK_MSG(cond, ...) check_msg_((cond) ? true : false, __FILE__, __LINE__, #cond, __VA_ARGS__)

/* The current thread's last error message, as a NUL-terminated string (truncated to fit). */
static inline const char *check_last_error(char *out, size_t cap) {
    size_t len = 0;
    out[0] = '\0';
    if (picket_last_error_message((uint8_t *)out, cap - 1, &len) == PICKET_RESULT_OK) {
        out[len] = '\0';
    } else {
        snprintf(out, cap, "<last error message longer than %zu bytes>", len);
    }
    return out;
}

/* The (function, code) pairs seen returned. */
struct check_pair {
    char function[64];
    uint32_t code;
};
static struct check_pair check_pairs_[2048];
static size_t check_pair_count_;
static atomic_flag check_pairs_lock_ = ATOMIC_FLAG_INIT;

/* Records that `function` (its first `len` bytes) returned `code`. */
static inline void check_returned_(const char *function, size_t len, uint32_t code) {
    if (len >= sizeof check_pairs_[0].function) {
        return;
    }
    while (atomic_flag_test_and_set(&check_pairs_lock_)) {
    }
    bool known = false;
    for (size_t i = 0; i < check_pair_count_ && !known; i++) {
        const struct check_pair *p = &check_pairs_[i];
        known = p->code == code && strlen(p->function) == len &&
                memcmp(p->function, function, len) == 0;
    }
    if (!known && check_pair_count_ < sizeof check_pairs_ / sizeof check_pairs_[0]) {
        struct check_pair *p = &check_pairs_[check_pair_count_++];
        memcpy(p->function, function, len);
        p->function[len] = '\0';
        p->code = code;
    }
    atomic_flag_clear(&check_pairs_lock_);
}

#define CHECK_RETURNED(fn, code) check_returned_((fn), strlen(fn), (uint32_t)(code))

/* Records `code` for the function `call` names, when `call` is `picket_<name>(...)` (a
 * stringified call) or `picket_<name> ...` (a helper's description of its call). */
static inline void check_record_call_(const char *call, uint32_t code) {
    size_t n = 0;
    while (call[n] == '_' || (call[n] >= 'a' && call[n] <= 'z') || (call[n] >= '0' && call[n] <= '9')) {
        n++;
    }
    if (n > 7 && strncmp(call, "picket_", 7) == 0 && (call[n] == '(' || call[n] == ' ')) {
        check_returned_(call, n, code);
    }
}

static inline bool check_rc_(uint32_t got, uint32_t want, const char *file, int line,
                             const char *call) {
    if (got == want) {
        if (want < sizeof check_seen_) {
            atomic_store(&check_seen_[want], 1);
        }
        check_record_call_(call, want);
        check_pass_();
        return true;
    }
    char message[512];
    check_fail_(file, line, call, "returned %" PRIu32 " (%s), want %" PRIu32 " (%s); last error: %s",
                got, check_code_name(got), want, check_code_name(want),
                check_last_error(message, sizeof message));
    return false;
}

#define CHECK_RC(call, code) check_rc_((uint32_t)(call), (uint32_t)(code), __FILE__, __LINE__, #call)

static inline bool check_eq_(uintmax_t a, uintmax_t b, const char *file, int line,
                             const char *what) {
    if (a == b) {
        check_pass_();
        return true;
    }
    check_fail_(file, line, what, "%ju != %ju", a, b);
    return false;
}

#define CHECK_EQ(a, b) check_eq_((uintmax_t)(a), (uintmax_t)(b), __FILE__, __LINE__, #a " == " #b)

static inline bool check_bytes_(const void *p, size_t n, const void *q, size_t m,
                                const char *file, int line, const char *what) {
    if (n == m && (n == 0 || memcmp(p, q, n) == 0)) {
        check_pass_();
        return true;
    }
    check_fail_(file, line, what, "got %zu bytes \"%.*s\", want %zu bytes \"%.*s\"", n,
                (int)(n > 200 ? 200 : n), (const char *)p, m, (int)(m > 200 ? 200 : m),
                (const char *)q);
    return false;
}

#define CHECK_BYTES(p, n, q, m) check_bytes_((p), (n), (q), (m), __FILE__, __LINE__, #p " == " #q)
#define CHECK_TEXT(p, n, lit)                                                                \
    check_bytes_((p), (n), (lit), sizeof(lit) - 1, __FILE__, __LINE__, #p " == " #lit)

/* Prints the codes seen returned and the final count line; returns the exit status. */
static inline int check_finish(const char *program) {
    printf("codes-returned:");
    for (size_t c = 0; c < sizeof check_seen_; c++) {
        if (atomic_load(&check_seen_[c])) {
            printf(" %zu", c);
        }
    }
    printf("\n");
    for (size_t i = 0; i < check_pair_count_; i++) {
        printf("returned: %s %" PRIu32 "\n", check_pairs_[i].function, check_pairs_[i].code);
    }
    unsigned long passed = atomic_load(&check_passed_);
    unsigned long failed = atomic_load(&check_failed_);
    printf("[%s] %lu passed, %lu failed\n", program, passed, failed);
    fflush(stdout);
    return failed == 0 ? 0 : 1;
}

#endif /* PICKET_TEST_CHECK_H */
