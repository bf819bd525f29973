/*
 * support.h: fixtures shared by the C tests and the benchmark: byte-string helpers,
 * canaries, base64, deterministic keys and `Authorization` headers. Header-only.
 */
#ifndef PICKET_TEST_SUPPORT_H
#define PICKET_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "picket.h"

/* A string literal as a (const uint8_t *, size_t) pair, without its NUL terminator. */
#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)
/* A char array or pointer with an explicit length, as the same pair. */
#define B(p, n) (const uint8_t *)(p), (size_t)(n)

/* Two well-formed keys of each kind (the core's documentation examples). */
#define PK1 "pk_d9960d04426c1e9f3941bec7e39c8854"
#define SK1 "sk_e1f767d29fa6e533f2e5c62342fb9e24"
#define PK2 "pk_3a24fe5dd91283a1bf18510dc83565c5"
#define SK2 "sk_c655cd8e9f2329ea6f2778acbce6c369"

/* The byte canary output buffers are filled with before a call that must not write them. */
#define CANARY 0xA5

static inline void canary_fill(void *buf, size_t n) {
    memset(buf, CANARY, n);
}

/* Whether all n bytes still hold the canary. */
static inline bool canary_intact(const void *buf, size_t n) {
    const unsigned char *p = buf;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != CANARY) {
            return false;
        }
    }
    return true;
}

/* Standard padded base64 of (in, n) into out (which needs 4 * ceil(n / 3) bytes);
 * returns the number of characters written (no NUL). */
static inline size_t b64_encode(const void *in, size_t n, char *out) {
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = in;
    size_t o = 0;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = alphabet[v >> 6 & 63];
        out[o++] = alphabet[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)p[i] << 16;
        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = '=';
        out[o++] = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = alphabet[v >> 6 & 63];
        out[o++] = '=';
    }
    return o;
}

/* `<scheme>` + `spaces` spaces + base64(credentials) into out (NUL-terminated; cap must
 * suffice); returns its length. */
static inline size_t header_with(const char *scheme, int spaces, const void *creds, size_t n,
                                 char *out) {
    size_t o = strlen(scheme);
    memcpy(out, scheme, o);
    for (int i = 0; i < spaces; i++) {
        out[o++] = ' ';
    }
    o += b64_encode(creds, n, out + o);
    out[o] = '\0';
    return o;
}

/* `Basic base64(KEY:)`, as curl -u KEY: sends it: 54 bytes for a 35-byte key. */
static inline size_t basic_header(const char *key, char *out) {
    char creds[300];
    size_t n = strlen(key);
    memcpy(creds, key, n);
    creds[n] = ':';
    return header_with("Basic", 1, creds, n + 1, out);
}

/* SplitMix64, the same sequence as picket-core/benches/common (so key i is the same key in
 * the Rust and C benchmarks). */
static inline uint64_t splitmix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

static inline void store_le64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

/* The kind of fixture key i: alternately secret and publishable (as the Rust benchmarks). */
static inline uint32_t fixture_kind(uint64_t i) {
    return i % 2 == 0 ? PICKET_KEY_KIND_SECRET : PICKET_KEY_KIND_PUBLISHABLE;
}

/* Fixture key number i of family `salt` (35 bytes + NUL into out), formatted by picket
 * from deterministic bytes; returns false if picket refused. */
static inline bool fixture_key(uint64_t i, uint64_t salt, uint32_t kind, char out[36]) {
    uint8_t random[PICKET_KEY_RANDOM_LEN];
    uint64_t rot = salt << 32 | salt >> 32;
    store_le64(random, splitmix64(i ^ rot));
    store_le64(random + 8, splitmix64(~i ^ salt));
    size_t len = 0;
    if (picket_key_format(kind, random, (uint8_t *)out, PICKET_KEY_LEN, &len) !=
            PICKET_RESULT_OK ||
        len != PICKET_KEY_LEN) {
        return false;
    }
    out[PICKET_KEY_LEN] = '\0';
    return true;
}

/* The digest of a 35-byte key (aborts the calling test's logic by returning false). */
static inline bool digest_of(const char *key, uint8_t out[PICKET_DIGEST_LEN]) {
    return picket_key_digest((const uint8_t *)key, strlen(key), out) == PICKET_RESULT_OK;
}

/* Whether `text` contains any 8-character run of the 32-digit body of `key` (so a message
 * that leaks even a quarter of a secret is caught). */
static inline bool leaks_key_body(const char *text, const char *key) {
    char window[9];
    for (size_t i = 3; i + 8 <= PICKET_KEY_LEN; i++) {
        memcpy(window, key + i, 8);
        window[8] = '\0';
        if (strstr(text, window) != NULL) {
            return true;
        }
    }
    return false;
}

/* Checks that the last error message contains `want` and not the body of `key` (a CHECK:
 * include check.h first). Shared by test_keys.c and test_redact.c. */
#define CHECK_MESSAGE(want, key)                                                             \
    do {                                                                                     \
        char msg_[512];                                                                      \
        check_last_error(msg_, sizeof msg_);                                                 \
        CHECK_MSG(strstr(msg_, (want)) != NULL, "message \"%s\" lacks \"%s\"", msg_, (want)); \
        CHECK_MSG(!leaks_key_body(msg_, (key)), "message \"%s\" leaks the key", msg_);       \
    } while (0)

#endif /* PICKET_TEST_SUPPORT_H */
