/*
 * test_keys.c: the key functions: picket_key_parse, picket_key_format, picket_key_generate
 * (including PICKET_RESULT_RANDOM_UNAVAILABLE, provoked with a seccomp filter in a child
 * process), picket_key_digest, picket_key_digest_hex, picket_digest_from_hex,
 * picket_key_verify and picket_key_verify_any. Redaction is in test_redact.c.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "check.h"
#include "picket.h"
#include "support.h"

/* SHA-256 of PK1 and SK1, computed with sha256sum (independently of picket). */
#define PK1_DIGEST_HEX "ac8f7eaf19affd051e4d838c334056dac5df782d7d8caa8855ea1f87c6f665a3"
#define SK1_DIGEST_HEX "d3bf47e9f9efc5f4610127bd846667adfa97f6ae33802619d717b0d028b1b7a0"

static const size_t HUGE_LEN = (size_t)PTRDIFF_MAX + 1;

static void hex_to_bytes(const char *hex, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

static void test_key_parse(void) {
    uint32_t kind = 0;
    CHECK_RC(picket_key_parse(S(PK1), &kind), PICKET_RESULT_OK);
    CHECK_EQ(kind, PICKET_KEY_KIND_PUBLISHABLE);
    CHECK_RC(picket_key_parse(S(SK1), &kind), PICKET_RESULT_OK);
    CHECK_EQ(kind, PICKET_KEY_KIND_SECRET);

    struct {
        const char *key;
        size_t len;
        uint32_t code;
        const char *message;
    } bad[] = {
        {"", 0, PICKET_RESULT_KEY_EMPTY, "api key is empty"},
        {"xk_d9960d04426c1e9f3941bec7e39c8854", 35, PICKET_RESULT_KEY_UNKNOWN_PREFIX, "prefix"},
        {"PK_d9960d04426c1e9f3941bec7e39c8854", 35, PICKET_RESULT_KEY_UNKNOWN_PREFIX, "prefix"},
        {"pk", 2, PICKET_RESULT_KEY_UNKNOWN_PREFIX, "prefix"},
        {"pk_abc", 6, PICKET_RESULT_KEY_WRONG_LENGTH, "found 3 characters"},
        {"sk_e1f767d29fa6e533f2e5c62342fb9e240", 36, PICKET_RESULT_KEY_WRONG_LENGTH,
         "found 33 characters"},
        /* A key followed by a NUL and more bytes: the NUL is data, not a terminator. */
        {SK1 "\0xyz", 39, PICKET_RESULT_KEY_WRONG_LENGTH, "found 36 characters"},
        {SK1 "\0", 36, PICKET_RESULT_KEY_WRONG_LENGTH, "found 33 characters"},
        {"\0" SK1, 36, PICKET_RESULT_KEY_UNKNOWN_PREFIX, "prefix"},
        /* A NUL inside the body. */
        {"sk_e1f767d\0" "9fa6e533f2e5c62342fb9e24", 35, PICKET_RESULT_KEY_NON_HEX, "position 10"},
        {"sk_g1f767d29fa6e533f2e5c62342fb9e24", 35, PICKET_RESULT_KEY_NON_HEX, "position 3"},
        {"sk_E1f767d29fa6e533f2e5c62342fb9e24", 35, PICKET_RESULT_KEY_UPPERCASE, "position 3"},
        {"pk_d9960d04426c1e9f3941bec7e39c885A", 35, PICKET_RESULT_KEY_UPPERCASE, "position 34"},
        {SK1 "\n", 36, PICKET_RESULT_KEY_SURROUNDING_WHITESPACE, "whitespace"},
        {" " SK1, 36, PICKET_RESULT_KEY_SURROUNDING_WHITESPACE, "whitespace"},
        {SK1 "\r", 36, PICKET_RESULT_KEY_SURROUNDING_WHITESPACE, "whitespace"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kind = 0xdeadbeef;
        CHECK_RC(picket_key_parse(B(bad[i].key, bad[i].len), &kind), bad[i].code);
        CHECK_EQ(kind, 0xdeadbeef); /* outputs are written only on success */
        CHECK_MESSAGE(bad[i].message, SK1);
    }
    /* (NULL, 0) is the empty key. */
    CHECK_RC(picket_key_parse(NULL, 0, &kind), PICKET_RESULT_KEY_EMPTY);
    CHECK_RC(picket_key_parse(NULL, 35, &kind), PICKET_RESULT_NULL_PARAMETER);
    CHECK_MESSAGE("`key` is NULL", SK1);
    CHECK_RC(picket_key_parse(S(PK1), NULL), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_key_parse((const uint8_t *)PK1, HUGE_LEN, &kind),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_MESSAGE("PTRDIFF_MAX", SK1);
    CHECK_RC(picket_key_parse((const uint8_t *)PK1, SIZE_MAX, &kind),
             PICKET_RESULT_INVALID_PARAMETER);
}

static void test_key_format(void) {
    uint8_t random[16];
    for (int i = 0; i < 16; i++) {
        random[i] = (uint8_t)i;
    }
    uint8_t buf[64];
    size_t len = 0;
    canary_fill(buf, sizeof buf);
    CHECK_RC(picket_key_format(PICKET_KEY_KIND_SECRET, random, buf, PICKET_KEY_LEN, &len),
             PICKET_RESULT_OK);
    CHECK_TEXT(buf, len, "sk_000102030405060708090a0b0c0d0e0f");
    CHECK(canary_intact(buf + PICKET_KEY_LEN, sizeof buf - PICKET_KEY_LEN));
    CHECK_RC(picket_key_format(PICKET_KEY_KIND_PUBLISHABLE, random, buf, sizeof buf, &len),
             PICKET_RESULT_OK);
    CHECK_TEXT(buf, len, "pk_000102030405060708090a0b0c0d0e0f");

    /* One byte too small, and the size query. */
    canary_fill(buf, sizeof buf);
    len = 0;
    CHECK_RC(picket_key_format(PICKET_KEY_KIND_SECRET, random, buf, PICKET_KEY_LEN - 1, &len),
             PICKET_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(len, PICKET_KEY_LEN);
    CHECK(canary_intact(buf, sizeof buf));
    len = 0;
    CHECK_RC(picket_key_format(PICKET_KEY_KIND_SECRET, random, NULL, 0, &len),
             PICKET_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(len, PICKET_KEY_LEN);
    /* The message says how much room was needed, never the key. */
    char msg[512];
    check_last_error(msg, sizeof msg);
    CHECK_MSG(strstr(msg, "35") != NULL && strstr(msg, "0001020304") == NULL, "\"%s\"", msg);

    /* Enums, NULLs, lengths, overlap. */
    len = 777;
    CHECK_RC(picket_key_format(0, random, buf, sizeof buf, &len), PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_key_format(3, random, buf, sizeof buf, &len), PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_key_format(UINT32_MAX, random, buf, sizeof buf, &len),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_MESSAGE("`kind` is 4294967295", SK1);
    CHECK_EQ(len, 777);
    CHECK_RC(picket_key_format(PICKET_KEY_KIND_SECRET, NULL, buf, sizeof buf, &len),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_key_format(PICKET_KEY_KIND_SECRET, random, NULL, 35, &len),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_key_format(PICKET_KEY_KIND_SECRET, random, buf, sizeof buf, NULL),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_key_format(PICKET_KEY_KIND_SECRET, random, buf, HUGE_LEN, &len),
             PICKET_RESULT_INVALID_PARAMETER);
    uint8_t area[64];
    memset(area, 7, sizeof area);
    CHECK_RC(picket_key_format(PICKET_KEY_KIND_SECRET, area + 20, area, 40, &len),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_MESSAGE("overlaps", SK1);
    /* Adjacent but disjoint is fine. */
    CHECK_RC(picket_key_format(PICKET_KEY_KIND_SECRET, area + 35, area, 35, &len),
             PICKET_RESULT_OK);
}

static void test_key_generate(void) {
    uint8_t a[PICKET_KEY_LEN], b[PICKET_KEY_LEN];
    size_t len = 0;
    CHECK_RC(picket_key_generate(PICKET_KEY_KIND_SECRET, a, sizeof a, &len), PICKET_RESULT_OK);
    CHECK_EQ(len, PICKET_KEY_LEN);
    CHECK(memcmp(a, "sk_", 3) == 0);
    uint32_t kind = 0;
    CHECK_RC(picket_key_parse(a, len, &kind), PICKET_RESULT_OK);
    CHECK_EQ(kind, PICKET_KEY_KIND_SECRET);
    CHECK_RC(picket_key_generate(PICKET_KEY_KIND_SECRET, b, sizeof b, &len), PICKET_RESULT_OK);
    CHECK(memcmp(a, b, sizeof a) != 0);
    CHECK_RC(picket_key_generate(PICKET_KEY_KIND_PUBLISHABLE, b, sizeof b, &len), PICKET_RESULT_OK);
    CHECK_RC(picket_key_parse(b, len, &kind), PICKET_RESULT_OK);
    CHECK_EQ(kind, PICKET_KEY_KIND_PUBLISHABLE);

    uint8_t buf[64];
    canary_fill(buf, sizeof buf);
    len = 0;
    CHECK_RC(picket_key_generate(PICKET_KEY_KIND_SECRET, buf, PICKET_KEY_LEN - 1, &len),
             PICKET_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(len, PICKET_KEY_LEN);
    CHECK(canary_intact(buf, sizeof buf));
    len = 0;
    CHECK_RC(picket_key_generate(PICKET_KEY_KIND_SECRET, NULL, 0, &len),
             PICKET_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(len, PICKET_KEY_LEN);
    CHECK_RC(picket_key_generate(0, buf, sizeof buf, &len), PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_key_generate(7, buf, sizeof buf, &len), PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_key_generate(PICKET_KEY_KIND_SECRET, buf, sizeof buf, NULL),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_key_generate(PICKET_KEY_KIND_SECRET, NULL, 35, &len),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_key_generate(PICKET_KEY_KIND_SECRET, buf, HUGE_LEN, &len),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK(canary_intact(buf, sizeof buf));
}

/* What the child of test_random_unavailable reports through its pipe. */
struct random_report {
    int filtered;     /* 1 if the seccomp filter was installed */
    uint32_t rc;      /* picket_key_generate's result */
    int untouched;    /* 1 if the buffer still holds the canary */
    size_t out_len;   /* *out_len after the call (sentinel 4242 if not written) */
    char message[256];
};

#if defined(__x86_64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

/* Makes every getrandom(2) of this process fail with EIO (a broken RNG, not a missing
 * syscall: picket's RNG falls back to /dev/urandom only on ENOSYS or EPERM). */
static int deny_getrandom(void) {
#ifdef TEST_AUDIT_ARCH
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TEST_AUDIT_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getrandom, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EIO & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {(unsigned short)(sizeof filter / sizeof filter[0]), filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        return -1;
    }
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
#else
    return -1;
#endif
}

/* PICKET_RESULT_RANDOM_UNAVAILABLE: in a child whose getrandom(2) always fails. */
static void test_random_unavailable(void) {
    int fds[2];
    if (!CHECK(pipe(fds) == 0)) {
        return;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (!CHECK(pid >= 0)) {
        return;
    }
    if (pid == 0) {
        struct random_report r;
        memset(&r, 0, sizeof r);
        close(fds[0]);
        if (deny_getrandom() == 0) {
            uint8_t buf[64];
            canary_fill(buf, sizeof buf);
            r.filtered = 1;
            r.out_len = 4242;
            r.rc = picket_key_generate(PICKET_KEY_KIND_SECRET, buf, sizeof buf, &r.out_len);
            r.untouched = canary_intact(buf, sizeof buf);
            check_last_error(r.message, sizeof r.message);
        }
        ssize_t n = write(fds[1], &r, sizeof r);
        _exit(n == (ssize_t)sizeof r ? 0 : 1);
    }
    close(fds[1]);
    struct random_report r;
    memset(&r, 0, sizeof r);
    ssize_t n = read(fds[0], &r, sizeof r);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
    if (!CHECK(n == (ssize_t)sizeof r)) {
        return;
    }
    if (!r.filtered) {
        /* run.sh requires RANDOM_UNAVAILABLE among the codes returned in the normal run, so
         * this cannot pass silently everywhere. */
        printf("notice: seccomp filter unavailable here; RANDOM_UNAVAILABLE not provoked\n");
        return;
    }
    if (CHECK_RC(r.rc, PICKET_RESULT_RANDOM_UNAVAILABLE)) {
        CHECK_RETURNED("picket_key_generate", PICKET_RESULT_RANDOM_UNAVAILABLE);
    }
    CHECK(r.untouched);
    CHECK_EQ(r.out_len, 4242);
    CHECK_MSG(strstr(r.message, "random") != NULL, "message \"%s\"", r.message);
}

static void test_digests(void) {
    uint8_t want_pk[32], want_sk[32];
    hex_to_bytes(PK1_DIGEST_HEX, want_pk, 32);
    hex_to_bytes(SK1_DIGEST_HEX, want_sk, 32);

    /* picket_key_digest */
    uint8_t out[48];
    canary_fill(out, sizeof out);
    CHECK_RC(picket_key_digest(S(PK1), out), PICKET_RESULT_OK);
    CHECK_BYTES(out, 32, want_pk, 32);
    CHECK(canary_intact(out + 32, sizeof out - 32));
    CHECK_RC(picket_key_digest(S(SK1), out), PICKET_RESULT_OK);
    CHECK_BYTES(out, 32, want_sk, 32);
    canary_fill(out, sizeof out);
    CHECK_RC(picket_key_digest(S("sk_E1f767d29fa6e533f2e5c62342fb9e24"), out),
             PICKET_RESULT_KEY_UPPERCASE);
    CHECK_MESSAGE("position 3", SK1);
    CHECK_RC(picket_key_digest(S(SK1 "\0"), out), PICKET_RESULT_KEY_WRONG_LENGTH);
    CHECK_RC(picket_key_digest(NULL, 0, out), PICKET_RESULT_KEY_EMPTY);
    CHECK(canary_intact(out, sizeof out));
    CHECK_RC(picket_key_digest(NULL, 35, out), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_key_digest(S(PK1), NULL), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_key_digest((const uint8_t *)PK1, HUGE_LEN, out),
             PICKET_RESULT_INVALID_PARAMETER);
    uint8_t area[80];
    memcpy(area, PK1, 35);
    CHECK_RC(picket_key_digest(area, 35, area + 20), PICKET_RESULT_INVALID_PARAMETER);
    CHECK_MESSAGE("overlap", SK1);
    CHECK_RC(picket_key_digest(area, 35, area + 35), PICKET_RESULT_OK);
    CHECK_BYTES(area + 35, 32, want_pk, 32);

    /* picket_key_digest_hex */
    uint8_t hex[80];
    size_t len = 0;
    canary_fill(hex, sizeof hex);
    CHECK_RC(picket_key_digest_hex(S(PK1), hex, PICKET_DIGEST_HEX_LEN, &len), PICKET_RESULT_OK);
    CHECK_TEXT(hex, len, PK1_DIGEST_HEX);
    CHECK(canary_intact(hex + 64, sizeof hex - 64));
    canary_fill(hex, sizeof hex);
    len = 0;
    CHECK_RC(picket_key_digest_hex(S(PK1), hex, PICKET_DIGEST_HEX_LEN - 1, &len),
             PICKET_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(len, 64);
    CHECK(canary_intact(hex, sizeof hex));
    len = 0;
    CHECK_RC(picket_key_digest_hex(S(SK1), NULL, 0, &len), PICKET_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(len, 64);
    len = 9;
    CHECK_RC(picket_key_digest_hex(S("sk_"), hex, sizeof hex, &len),
             PICKET_RESULT_KEY_WRONG_LENGTH);
    CHECK_EQ(len, 9);
    CHECK(canary_intact(hex, sizeof hex));
    CHECK_RC(picket_key_digest_hex(NULL, 0, hex, sizeof hex, &len), PICKET_RESULT_KEY_EMPTY);
    CHECK_RC(picket_key_digest_hex(NULL, 1, hex, sizeof hex, &len), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_key_digest_hex(S(PK1), NULL, 64, &len), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_key_digest_hex(S(PK1), hex, sizeof hex, NULL), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_key_digest_hex(S(PK1), hex, HUGE_LEN, &len), PICKET_RESULT_INVALID_PARAMETER);
    uint8_t big[128];
    memcpy(big + 60, PK1, 35);
    CHECK_RC(picket_key_digest_hex(big + 60, 35, big, 64, &len), PICKET_RESULT_INVALID_PARAMETER);
    CHECK(canary_intact(hex, sizeof hex));

    /* picket_digest_from_hex */
    canary_fill(out, sizeof out);
    CHECK_RC(picket_digest_from_hex(S(PK1_DIGEST_HEX), out), PICKET_RESULT_OK);
    CHECK_BYTES(out, 32, want_pk, 32);
    CHECK(canary_intact(out + 32, sizeof out - 32));
    canary_fill(out, sizeof out);
    CHECK_RC(picket_digest_from_hex(
                 S("AC8F7EAF19AFFD051E4D838C334056DAC5DF782D7D8CAA8855EA1F87C6F665A3"), out),
             PICKET_RESULT_DIGEST_INVALID_CHARACTER);
    CHECK_MESSAGE("position 0", SK1);
    CHECK_RC(picket_digest_from_hex(
                 S("ac8f7eaf19affd051e4d838c334056dac5df782d7d8caa8855ea1f87c6f665a\0"), out),
             PICKET_RESULT_DIGEST_INVALID_CHARACTER);
    CHECK_MESSAGE("position 63", SK1);
    CHECK_RC(picket_digest_from_hex(S(PK1_DIGEST_HEX "\0"), out),
             PICKET_RESULT_DIGEST_WRONG_LENGTH);
    CHECK_MESSAGE("found 65", SK1);
    CHECK_RC(picket_digest_from_hex(B(PK1_DIGEST_HEX, 63), out), PICKET_RESULT_DIGEST_WRONG_LENGTH);
    CHECK_MESSAGE("found 63", SK1);
    CHECK_RC(picket_digest_from_hex(NULL, 0, out), PICKET_RESULT_DIGEST_WRONG_LENGTH);
    CHECK(canary_intact(out, sizeof out));
    CHECK_RC(picket_digest_from_hex(NULL, 64, out), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_digest_from_hex(S(PK1_DIGEST_HEX), NULL), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_digest_from_hex((const uint8_t *)PK1_DIGEST_HEX, HUGE_LEN, out),
             PICKET_RESULT_INVALID_PARAMETER);
    memcpy(big, PK1_DIGEST_HEX, 64);
    CHECK_RC(picket_digest_from_hex(big, 64, big + 32), PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_digest_from_hex(big, 64, big + 64), PICKET_RESULT_OK);
    CHECK_BYTES(big + 64, 32, want_pk, 32);
}

static void test_verify(void) {
    uint8_t pk[32], sk[32], other[32];
    hex_to_bytes(PK1_DIGEST_HEX, pk, 32);
    hex_to_bytes(SK1_DIGEST_HEX, sk, 32);
    CHECK(digest_of(PK2, other));

    CHECK_RC(picket_key_verify(S(PK1), pk), PICKET_RESULT_OK);
    CHECK_RC(picket_key_verify(S(SK1), sk), PICKET_RESULT_OK);
    CHECK_RC(picket_key_verify(S(SK1), pk), PICKET_RESULT_KEY_MISMATCH);
    CHECK_MESSAGE("does not match", SK1);
    CHECK_RC(picket_key_verify(S(SK1 "\0"), sk), PICKET_RESULT_KEY_WRONG_LENGTH);
    CHECK_RC(picket_key_verify(S("sk_e1f767d29fa6e533f2e5c62342fB9e24"), sk),
             PICKET_RESULT_KEY_UPPERCASE);
    CHECK_MESSAGE("position 30", SK1);
    CHECK_RC(picket_key_verify(NULL, 0, sk), PICKET_RESULT_KEY_EMPTY);
    CHECK_RC(picket_key_verify(NULL, 35, sk), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_key_verify(S(SK1), NULL), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_key_verify((const uint8_t *)SK1, HUGE_LEN, sk), PICKET_RESULT_INVALID_PARAMETER);

    /* verify_any: the index of the match, the last of equal ones. */
    uint8_t list[4 * 32];
    memcpy(list, other, 32);
    memcpy(list + 32, pk, 32);
    memcpy(list + 64, sk, 32);
    memcpy(list + 96, pk, 32);
    size_t index = 99;
    CHECK_RC(picket_key_verify_any(S(SK1), list, 4, &index), PICKET_RESULT_OK);
    CHECK_EQ(index, 2);
    CHECK_RC(picket_key_verify_any(S(PK1), list, 4, &index), PICKET_RESULT_OK);
    CHECK_EQ(index, 3);
    CHECK_RC(picket_key_verify_any(S(PK1), list, 3, &index), PICKET_RESULT_OK);
    CHECK_EQ(index, 1);
    CHECK_RC(picket_key_verify_any(S(PK2), list, 1, &index), PICKET_RESULT_OK);
    CHECK_EQ(index, 0);
    index = 99;
    CHECK_RC(picket_key_verify_any(S(SK2), list, 4, &index), PICKET_RESULT_KEY_MISMATCH);
    CHECK_MESSAGE("none of the 4", SK2);
    CHECK_EQ(index, 99);
    CHECK_RC(picket_key_verify_any(S(SK1), list, 2, &index), PICKET_RESULT_KEY_MISMATCH);
    /* (NULL, 0) is the empty list. */
    CHECK_RC(picket_key_verify_any(S(SK1), NULL, 0, &index), PICKET_RESULT_KEY_MISMATCH);
    CHECK_RC(picket_key_verify_any(S(SK1), list, 0, &index), PICKET_RESULT_KEY_MISMATCH);
    CHECK_EQ(index, 99);
    CHECK_RC(picket_key_verify_any(S("sk_"), list, 4, &index), PICKET_RESULT_KEY_WRONG_LENGTH);
    CHECK_RC(picket_key_verify_any(NULL, 0, list, 4, &index), PICKET_RESULT_KEY_EMPTY);
    CHECK_RC(picket_key_verify_any(NULL, 35, list, 4, &index), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_key_verify_any(S(SK1), NULL, 1, &index), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_key_verify_any(S(SK1), list, 4, NULL), PICKET_RESULT_NULL_PARAMETER);
    /* count * 32 overflowing size_t, and above PTRDIFF_MAX: refused before any read. */
    CHECK_RC(picket_key_verify_any(S(SK1), list, SIZE_MAX / 32 + 1, &index),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_key_verify_any(S(SK1), list, (size_t)PTRDIFF_MAX / 32 + 1, &index),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_EQ(index, 99);
}

/* Every function that parses a key returns the key's own code, for each rule: each of them
 * is held to the list of codes its comment in picket.h gives (run.sh). */
static void test_key_codes_everywhere(void) {
    static const struct {
        const char *key;
        size_t len;
        uint32_t code;
    } bad[] = {
        {"", 0, PICKET_RESULT_KEY_EMPTY},
        {"xk_d9960d04426c1e9f3941bec7e39c8854", 35, PICKET_RESULT_KEY_UNKNOWN_PREFIX},
        {"sk_abc", 6, PICKET_RESULT_KEY_WRONG_LENGTH},
        {"sk_g1f767d29fa6e533f2e5c62342fb9e24", 35, PICKET_RESULT_KEY_NON_HEX},
        {" " SK1, 36, PICKET_RESULT_KEY_SURROUNDING_WHITESPACE},
        {"sk_E1f767d29fa6e533f2e5c62342fb9e24", 35, PICKET_RESULT_KEY_UPPERCASE},
    };
    uint8_t digest[PICKET_DIGEST_LEN] = {0};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const uint8_t *k = (const uint8_t *)bad[i].key;
        size_t n = bad[i].len;
        uint8_t out[PICKET_DIGEST_LEN];
        uint8_t buf[80];
        size_t len = 0, index = 0;
        CHECK_RC(picket_key_digest(k, n, out), bad[i].code);
        CHECK_RC(picket_key_digest_hex(k, n, buf, sizeof buf, &len), bad[i].code);
        CHECK_RC(picket_key_redacted(k, n, buf, sizeof buf, &len), bad[i].code);
        CHECK_RC(picket_key_verify(k, n, digest), bad[i].code);
        CHECK_RC(picket_key_verify_any(k, n, digest, 1, &index), bad[i].code);
    }
}

int main(void) {
    test_key_parse();
    test_key_format();
    test_key_generate();
    test_random_unavailable();
    test_digests();
    test_verify();
    test_key_codes_everywhere();
    return check_finish("test_keys");
}
