/*
 * test_redact.c: redaction: picket_key_redacted (a key's `sk_…9e24` form) and picket_redact
 * (every secret key in a text masked, bare or inside a Basic credential), with their buffer
 * contracts.
 */
#define _GNU_SOURCE

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "picket.h"
#include "support.h"

static const size_t HUGE_LEN = (size_t)PTRDIFF_MAX + 1;

static void test_redacted(void) {
    uint8_t buf[32];
    size_t len = 0;
    canary_fill(buf, sizeof buf);
    CHECK_RC(picket_key_redacted(S(SK1), buf, PICKET_REDACTED_LEN, &len), PICKET_RESULT_OK);
    CHECK_TEXT(buf, len, "sk_\xe2\x80\xa6" "9e24");
    CHECK(canary_intact(buf + 10, sizeof buf - 10));
    CHECK_RC(picket_key_redacted(S(PK1), buf, sizeof buf, &len), PICKET_RESULT_OK);
    CHECK_TEXT(buf, len, "pk_\xe2\x80\xa6" "8854");
    canary_fill(buf, sizeof buf);
    len = 0;
    CHECK_RC(picket_key_redacted(S(SK1), buf, PICKET_REDACTED_LEN - 1, &len),
             PICKET_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(len, PICKET_REDACTED_LEN);
    CHECK(canary_intact(buf, sizeof buf));
    len = 0;
    CHECK_RC(picket_key_redacted(S(SK1), NULL, 0, &len), PICKET_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(len, PICKET_REDACTED_LEN);
    CHECK_RC(picket_key_redacted(S(SK1 " "), buf, sizeof buf, &len),
             PICKET_RESULT_KEY_SURROUNDING_WHITESPACE);
    CHECK_MESSAGE("whitespace", SK1);
    CHECK_RC(picket_key_redacted(S("sk_e1f767d29fa6e533f2e5c62342fb9e2Z"), buf, sizeof buf, &len),
             PICKET_RESULT_KEY_NON_HEX);
    CHECK_MESSAGE("position 34", SK1);
    CHECK_RC(picket_key_redacted(NULL, 0, buf, sizeof buf, &len), PICKET_RESULT_KEY_EMPTY);
    CHECK(canary_intact(buf, sizeof buf));
    CHECK_RC(picket_key_redacted(NULL, 35, buf, sizeof buf, &len), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_key_redacted(S(SK1), NULL, 10, &len), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_key_redacted(S(SK1), buf, sizeof buf, NULL), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_key_redacted(S(SK1), buf, HUGE_LEN, &len), PICKET_RESULT_INVALID_PARAMETER);
    uint8_t area[64];
    memcpy(area, SK1, 35);
    CHECK_RC(picket_key_redacted(area, 35, area + 30, 10, &len), PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_key_redacted(area, 35, area + 35, 10, &len), PICKET_RESULT_OK);
    CHECK_TEXT(area + 35, len, "sk_\xe2\x80\xa6" "9e24");
}

/* Redacts `in` and checks the output, then the buffer contract at the exact size. */
static void check_redact(const char *in, size_t in_len, const char *want, size_t want_len) {
    uint8_t buf[512];
    canary_fill(buf, sizeof buf);
    size_t len = 0;
    CHECK_RC(picket_redact(B(in, in_len), buf, in_len, &len), PICKET_RESULT_OK);
    CHECK_BYTES(buf, len, want, want_len);
    CHECK(canary_intact(buf + in_len, sizeof buf - in_len));
    /* No 8-digit run of the secret survives. */
    bool leaked = false;
    for (size_t i = 3; i + 8 <= PICKET_KEY_LEN; i++) {
        if (len >= 8 && memmem(buf, len, SK1 + i, 8) != NULL) {
            leaked = true;
        }
    }
    CHECK_MSG(!leaked, "redacted output leaks the secret");
    /* Exactly the output's size. */
    canary_fill(buf, sizeof buf);
    len = 0;
    CHECK_RC(picket_redact(B(in, in_len), buf, want_len, &len), PICKET_RESULT_OK);
    CHECK_BYTES(buf, len, want, want_len);
    CHECK(canary_intact(buf + want_len, sizeof buf - want_len));
    if (want_len > 0) {
        /* One byte too small. */
        canary_fill(buf, sizeof buf);
        len = 0;
        CHECK_RC(picket_redact(B(in, in_len), buf, want_len - 1, &len),
                 PICKET_RESULT_BUFFER_TOO_SMALL);
        CHECK_EQ(len, want_len);
        CHECK(canary_intact(buf, sizeof buf));
        len = 0;
        CHECK_RC(picket_redact(B(in, in_len), NULL, 0, &len), PICKET_RESULT_BUFFER_TOO_SMALL);
        CHECK_EQ(len, want_len);
    }
    /* In place. */
    uint8_t same[512];
    memcpy(same, in, in_len);
    len = 0;
    CHECK_RC(picket_redact(same, in_len, same, in_len, &len), PICKET_RESULT_OK);
    CHECK_BYTES(same, len, want, want_len);
}

#define CHECK_REDACT(in, want) check_redact((in), sizeof(in) - 1, (want), sizeof(want) - 1)

static void test_redact(void) {
    char creds[64], b64[128];
    memcpy(creds, SK1 ":", 36);
    size_t n = b64_encode(creds, 36, b64);
    b64[n] = '\0';
    char line[256], want[256];
    snprintf(line, sizeof line, "Authorization: Basic %s", b64);
    snprintf(want, sizeof want, "Authorization: Basic [REDACTED sk_\xe2\x80\xa6" "9e24]");

    CHECK_REDACT("key=" SK1 "&x=1", "key=sk_\xe2\x80\xa6" "9e24&x=1");
    check_redact(line, strlen(line), want, strlen(want));
    CHECK_REDACT(PK1, PK1);
    CHECK_REDACT("no keys here", "no keys here");
    CHECK_REDACT(SK1 SK1, "sk_\xe2\x80\xa6" "9e24sk_\xe2\x80\xa6" "9e24");
    /* NUL bytes and non-UTF-8 bytes are data, copied as they are. */
    CHECK_REDACT("a\0" SK1 "\0b\xff", "a\0sk_\xe2\x80\xa6" "9e24\0b\xff");
    CHECK_REDACT("\0\0\0", "\0\0\0");
    CHECK_REDACT("x", "x");
    /* Issue 20: a fragment of 20 or more digits; Q-encoding, a zero-width space, a Go byte
     * dump, Node's Buffer (in place, below, too). 19 digits are left alone. */
    CHECK_REDACT("k=sk_e1f767d29fa6e533f2e5c6 .", "k=sk_\xe2\x80\xa6(partial) .");
    CHECK_REDACT("k=sk_0123456789abcdef012 .", "k=sk_0123456789abcdef012 .");
    CHECK_REDACT("k=sk=5Fe1f767d29fa6e533f2e5c62342fb9e24", "k=sk_\xe2\x80\xa6" "9e24");
    CHECK_REDACT("k=sk_e1f7\xe2\x80\x8b" "67d29fa6e533f2e5c62342fb9e24.", "k=sk_\xe2\x80\xa6" "9e24.");
    CHECK_REDACT("[115 107 95 101 49 102 55 54 55 100 50 57 102 97 54 101 53 51 51 102 50 101 53 "
                 "99 54 50 51 52 50 102 98 57 101 50 52]",
                 "[[REDACTED sk_\xe2\x80\xa6" "9e24]]");
    CHECK_REDACT("<Buffer 73 6b 5f 65 31 66 37 36 37 64 32 39 66 61 36 65 35 33 33 66 32 65 35 63 "
                 "36 32 33 34 32 66 62 39 65 32 34>",
                 "<Buffer [REDACTED sk_\xe2\x80\xa6" "9e24]>");

    /* The empty text, (NULL, 0) in and out. */
    size_t len = 7;
    CHECK_RC(picket_redact(NULL, 0, NULL, 0, &len), PICKET_RESULT_OK);
    CHECK_EQ(len, 0);
    uint8_t buf[128];
    len = 7;
    CHECK_RC(picket_redact(buf, 0, buf, 0, &len), PICKET_RESULT_OK);
    CHECK_EQ(len, 0);

    /* NULLs, lengths, partial overlap. */
    CHECK_RC(picket_redact(NULL, 5, buf, sizeof buf, &len), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_redact(S("abc"), NULL, 3, &len), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_redact(S("abc"), buf, sizeof buf, NULL), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_redact((const uint8_t *)"abc", HUGE_LEN, buf, sizeof buf, &len),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_redact(S("abc"), buf, HUGE_LEN, &len), PICKET_RESULT_INVALID_PARAMETER);
    uint8_t area[128];
    memcpy(area, "key=" SK1, 39);
    canary_fill(area + 39, sizeof area - 39);
    CHECK_RC(picket_redact(area, 39, area + 1, 39, &len), PICKET_RESULT_INVALID_PARAMETER);
    CHECK_MESSAGE("overlaps", SK1);
    CHECK(memcmp(area, "key=" SK1, 39) == 0);
    CHECK(canary_intact(area + 39, sizeof area - 39));
}

int main(void) {
    test_redacted();
    test_redact();
    return check_finish("test_redact");
}
