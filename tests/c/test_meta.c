/*
 * test_meta.c: the functions about picket itself: picket_version and the version macros,
 * picket_result_text and picket_result_name for every code of the header,
 * picket_last_error_message (its
 * conventions: per thread, kept by successes, never changed by reading it), and the HTTP
 * answer functions picket_auth_http_status and picket_www_authenticate.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "picket.h"
#include "support.h"

static void test_version(void) {
    const char *v = picket_version();
    if (!CHECK(v != NULL)) {
        return;
    }
    CHECK_MSG(strcmp(v, PICKET_VERSION) == 0, "library %s, header %s", v, PICKET_VERSION);
    char from_parts[64];
    snprintf(from_parts, sizeof from_parts, "%d.%d.%d", PICKET_VERSION_MAJOR,
             PICKET_VERSION_MINOR, PICKET_VERSION_PATCH);
    CHECK_MSG(strcmp(from_parts, PICKET_VERSION) == 0, "macros give %s, PICKET_VERSION is %s",
              from_parts, PICKET_VERSION);
    /* The same static string every time. */
    CHECK(picket_version() == v);
}

/* The static message of every code: non-empty, sized exactly, buffer contract, distinct. */
static void test_result_text(void) {
    static char texts[CHECK_CODE_COUNT][512];
    static size_t lens[CHECK_CODE_COUNT];
    for (size_t i = 0; i < CHECK_CODE_COUNT; i++) {
        uint32_t code = check_codes[i].value;
        size_t need = 12345;
        /* (NULL, 0) asks for the size. */
        CHECK_RC(picket_result_text(code, NULL, 0, &need), PICKET_RESULT_BUFFER_TOO_SMALL);
        CHECK_MSG(need > 0 && need < sizeof texts[i], "%s: needed %zu", check_codes[i].name,
                  need);
        if (need == 0 || need >= sizeof texts[i]) {
            continue;
        }
        /* One byte too small: refused, size reported, buffer untouched. */
        uint8_t small[512];
        canary_fill(small, sizeof small);
        size_t got = 0;
        CHECK_RC(picket_result_text(code, small, need - 1, &got), PICKET_RESULT_BUFFER_TOO_SMALL);
        CHECK_EQ(got, need);
        CHECK(canary_intact(small, sizeof small));
        /* Exactly the size: written, nothing past it. */
        canary_fill(texts[i], sizeof texts[i]);
        got = 0;
        CHECK_RC(picket_result_text(code, (uint8_t *)texts[i], need, &got), PICKET_RESULT_OK);
        CHECK_EQ(got, need);
        CHECK(canary_intact(texts[i] + need, sizeof texts[i] - need));
        texts[i][need] = '\0';
        lens[i] = need;
        /* Text: no NUL or control byte inside, starts lowercase. */
        bool clean = true;
        for (size_t j = 0; j < need; j++) {
            unsigned char c = (unsigned char)texts[i][j];
            if (c < 0x20 || c == 0x7f) {
                clean = false;
            }
        }
        CHECK_MSG(clean, "%s: text has a control byte", check_codes[i].name);
        CHECK_MSG(texts[i][0] >= 'a' && texts[i][0] <= 'z', "%s: \"%s\" does not start lowercase",
                  check_codes[i].name, texts[i]);
        /* A larger buffer gets the same bytes. */
        uint8_t big[1024];
        got = 0;
        CHECK_RC(picket_result_text(code, big, sizeof big, &got), PICKET_RESULT_OK);
        CHECK_BYTES(big, got, texts[i], need);
    }
    /* Distinct. */
    for (size_t i = 0; i < CHECK_CODE_COUNT; i++) {
        for (size_t j = i + 1; j < CHECK_CODE_COUNT; j++) {
            if (lens[i] == lens[j] && memcmp(texts[i], texts[j], lens[i]) == 0) {
                CHECK_MSG(false, "%s and %s share the text \"%s\"", check_codes[i].name,
                          check_codes[j].name, texts[i]);
            }
        }
    }
    CHECK_TEXT(texts[0], lens[0], "success");
    for (size_t i = 0; i < CHECK_CODE_COUNT; i++) {
        if (check_codes[i].value == PICKET_RESULT_KEY_EMPTY) { /* the header's example */
            CHECK_TEXT(texts[i], lens[i], "api key is empty");
        }
    }

    /* Exactly the header's codes have a text: every value from 0 to 999 is either listed
     * (OK) or refused (INVALID_PARAMETER). */
    size_t mismatches = 0;
    for (uint32_t v = 0; v < 1000; v++) {
        uint8_t buf[512];
        size_t got = 0;
        uint32_t rc = picket_result_text(v, buf, sizeof buf, &got);
        bool listed = strcmp(check_code_name(v), "?") != 0;
        if (rc != (listed ? PICKET_RESULT_OK : PICKET_RESULT_INVALID_PARAMETER)) {
            fprintf(stderr, "  value %u: picket_result_text returned %u\n", v, rc);
            mismatches++;
        }
    }
    CHECK_MSG(mismatches == 0, "%zu values of 0..999 disagree with the header's list",
              mismatches);

    /* Not a code: INVALID_PARAMETER, out_len untouched, and the message names the value.
     * The values: the first free one after each listed code (the gap after every area's
     * last code, wherever the table has grown), and two far beyond. */
    uint32_t not_codes[128];
    size_t n_not = 0;
    for (uint32_t v = 1; v < 1000 && n_not < 126; v++) {
        if (strcmp(check_code_name(v), "?") == 0 && strcmp(check_code_name(v - 1), "?") != 0) {
            not_codes[n_not++] = v;
        }
    }
    CHECK(n_not >= 8);
    not_codes[n_not++] = 65536;
    not_codes[n_not++] = UINT32_MAX;
    for (size_t i = 0; i < n_not; i++) {
        uint8_t buf[64];
        canary_fill(buf, sizeof buf);
        size_t got = 777;
        CHECK_RC(picket_result_text(not_codes[i], buf, sizeof buf, &got),
                 PICKET_RESULT_INVALID_PARAMETER);
        CHECK_EQ(got, 777);
        CHECK(canary_intact(buf, sizeof buf));
        char msg[512], want[64];
        snprintf(want, sizeof want, "%u", not_codes[i]);
        CHECK_MSG(strstr(check_last_error(msg, sizeof msg), want) != NULL,
                  "message \"%s\" does not name %s", msg, want);
    }

    /* Pointer and length conventions. */
    uint8_t buf[64];
    size_t got = 0;
    CHECK_RC(picket_result_text(PICKET_RESULT_OK, buf, sizeof buf, NULL),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_result_text(PICKET_RESULT_OK, NULL, 5, &got), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_result_text(PICKET_RESULT_OK, buf, (size_t)PTRDIFF_MAX + 1, &got),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_result_text(PICKET_RESULT_OK, buf, SIZE_MAX, &got),
             PICKET_RESULT_INVALID_PARAMETER);
}

/* The rule name of every code: the header's constant without PICKET_RESULT_, lowercase
 * (check.h's table has each constant's name as the header spells it); the buffer contract;
 * unknown values refused. */
static void test_result_name(void) {
    for (size_t i = 0; i < CHECK_CODE_COUNT; i++) {
        uint32_t code = check_codes[i].value;
        char want[80];
        size_t n = strlen(check_codes[i].name);
        if (!CHECK(n < sizeof want)) {
            continue;
        }
        for (size_t j = 0; j <= n; j++) {
            char c = check_codes[i].name[j];
            want[j] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        }
        size_t need = 0;
        CHECK_RC(picket_result_name(code, NULL, 0, &need), PICKET_RESULT_BUFFER_TOO_SMALL);
        CHECK_EQ(need, n);
        CHECK(need <= 64);
        uint8_t small[80];
        canary_fill(small, sizeof small);
        size_t got = 999;
        CHECK_RC(picket_result_name(code, small, need - 1, &got), PICKET_RESULT_BUFFER_TOO_SMALL);
        CHECK_EQ(got, n);
        CHECK(canary_intact(small, sizeof small));
        uint8_t buf[80];
        canary_fill(buf, sizeof buf);
        CHECK_RC(picket_result_name(code, buf, sizeof buf, &got), PICKET_RESULT_OK);
        CHECK_BYTES(buf, got, want, n);
        CHECK(canary_intact(buf + n, sizeof buf - n));
    }
    uint8_t buf[64];
    size_t got = 0;
    CHECK_RC(picket_result_name(PICKET_RESULT_AUTH_UNKNOWN_KEY, buf, sizeof buf, &got),
             PICKET_RESULT_OK);
    CHECK_TEXT(buf, got, "auth_unknown_key");
    got = 777;
    CHECK_RC(picket_result_name(99, buf, sizeof buf, &got), PICKET_RESULT_INVALID_PARAMETER);
    CHECK_EQ(got, 777);
    char msg[512];
    CHECK_MSG(strstr(check_last_error(msg, sizeof msg), "99") != NULL, "message \"%s\"", msg);
    CHECK_RC(picket_result_name(UINT32_MAX, buf, sizeof buf, &got),
             PICKET_RESULT_INVALID_PARAMETER);
    CHECK_RC(picket_result_name(PICKET_RESULT_OK, buf, sizeof buf, NULL),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_result_name(PICKET_RESULT_OK, NULL, 5, &got), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_result_name(PICKET_RESULT_OK, buf, (size_t)PTRDIFF_MAX + 1, &got),
             PICKET_RESULT_INVALID_PARAMETER);
}

static void *fresh_thread_message(void *arg) {
    size_t *len = arg;
    *len = 999;
    if (picket_last_error_message(NULL, 0, len) != PICKET_RESULT_OK) {
        *len = 1000;
    }
    return NULL;
}

static void test_last_error_message(void) {
    /* A thread on which nothing failed has an empty message. */
    pthread_t t;
    size_t fresh = 0;
    if (CHECK(pthread_create(&t, NULL, fresh_thread_message, &fresh) == 0)) {
        pthread_join(t, NULL);
        CHECK_EQ(fresh, 0);
    }

    /* A failure records a specific message. */
    uint32_t kind = 0;
    CHECK_RC(picket_key_parse(S("pk_D9960d04426c1e9f3941bec7e39c8854"), &kind),
             PICKET_RESULT_KEY_UPPERCASE);
    const char want[] = "api key has an uppercase hex digit at position 3: keys are lowercase";
    const size_t want_len = sizeof want - 1;

    /* (NULL, 0) asks for the size, and does not change the message. */
    size_t need = 0;
    CHECK_RC(picket_last_error_message(NULL, 0, &need), PICKET_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(need, want_len);
    /* One byte too small: refused, untouched, message kept. */
    uint8_t buf[256];
    canary_fill(buf, sizeof buf);
    size_t got = 0;
    CHECK_RC(picket_last_error_message(buf, want_len - 1, &got), PICKET_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(got, want_len);
    CHECK(canary_intact(buf, sizeof buf));
    /* The reading functions' own failures do not replace it either. */
    CHECK_RC(picket_last_error_message(buf, sizeof buf, NULL), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_last_error_message(NULL, 3, &got), PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_last_error_message(buf, SIZE_MAX, &got), PICKET_RESULT_INVALID_PARAMETER);
    /* Exactly the size. */
    got = 0;
    CHECK_RC(picket_last_error_message(buf, want_len, &got), PICKET_RESULT_OK);
    CHECK_BYTES(buf, got, want, want_len);
    CHECK(canary_intact(buf + want_len, sizeof buf - want_len));
    /* Reading again gives the same. */
    got = 0;
    CHECK_RC(picket_last_error_message(buf, sizeof buf, &got), PICKET_RESULT_OK);
    CHECK_BYTES(buf, got, want, want_len);

    /* A successful call leaves it alone. */
    CHECK_RC(picket_key_parse(S(PK1), &kind), PICKET_RESULT_OK);
    char msg[512];
    CHECK(strcmp(check_last_error(msg, sizeof msg), want) == 0);

    /* The next failure replaces it; failures of the C layer name the function. */
    CHECK_RC(picket_key_parse(S(PK1), NULL), PICKET_RESULT_NULL_PARAMETER);
    check_last_error(msg, sizeof msg);
    CHECK_MSG(strstr(msg, "picket_key_parse") != NULL && strstr(msg, "out_kind") != NULL,
              "\"%s\"", msg);

    /* The message of another thread's failure is not visible here. */
    CHECK_RC(picket_key_parse(S("sk_e1f767d29fa6e533f2e5c62342fb9e2"), &kind),
             PICKET_RESULT_KEY_WRONG_LENGTH);
    check_last_error(msg, sizeof msg);
    CHECK_MSG(strstr(msg, "found 31 characters") != NULL, "\"%s\"", msg);
    if (CHECK(pthread_create(&t, NULL, fresh_thread_message, &fresh) == 0)) {
        pthread_join(t, NULL);
        CHECK_EQ(fresh, 0);
    }
    CHECK(strstr(check_last_error(msg, sizeof msg), "found 31 characters") != NULL);
}

static void test_http_answers(void) {
    /* Status: 200 for OK, 403 for a valid key of the wrong kind, 401 for everything else,
     * including values that are not codes. */
    CHECK_EQ(picket_auth_http_status(PICKET_RESULT_OK), 200);
    CHECK_EQ(picket_auth_http_status(PICKET_RESULT_AUTH_WRONG_KIND), 403);
    size_t wrong = 0;
    for (size_t i = 0; i < CHECK_CODE_COUNT; i++) {
        uint32_t code = check_codes[i].value;
        uint16_t want = code == PICKET_RESULT_OK              ? 200
                        : code == PICKET_RESULT_AUTH_WRONG_KIND ? 403
                                                                : 401;
        uint16_t got = picket_auth_http_status(code);
        if (got != want) {
            fprintf(stderr, "  %s: status %u, want %u\n", check_codes[i].name, got, want);
            wrong++;
        }
    }
    CHECK_MSG(wrong == 0, "%zu codes have the wrong status", wrong);
    CHECK_EQ(picket_auth_http_status(99999), 401);
    CHECK_EQ(picket_auth_http_status(UINT32_MAX), 401);

    /* WWW-Authenticate: the challenge for every 401, nothing for 200 and 403. */
    const char challenge[] = "Basic realm=\"picket\"";
    const size_t challenge_len = sizeof challenge - 1;
    CHECK_EQ(challenge_len, 20);
    for (size_t i = 0; i < CHECK_CODE_COUNT; i++) {
        uint32_t code = check_codes[i].value;
        uint8_t buf[64];
        canary_fill(buf, sizeof buf);
        size_t got = 999;
        if (code == PICKET_RESULT_OK || code == PICKET_RESULT_AUTH_WRONG_KIND) {
            CHECK_RC(picket_www_authenticate(code, NULL, 0, &got), PICKET_RESULT_OK);
            CHECK_EQ(got, 0);
            continue;
        }
        CHECK_RC(picket_www_authenticate(code, buf, challenge_len, &got), PICKET_RESULT_OK);
        CHECK_BYTES(buf, got, challenge, challenge_len);
        CHECK(canary_intact(buf + challenge_len, sizeof buf - challenge_len));
    }
    uint8_t buf[64];
    size_t got = 0;
    canary_fill(buf, sizeof buf);
    CHECK_RC(picket_www_authenticate(PICKET_RESULT_AUTH_UNKNOWN_KEY, buf, challenge_len - 1, &got),
             PICKET_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(got, challenge_len);
    CHECK(canary_intact(buf, sizeof buf));
    got = 0;
    CHECK_RC(picket_www_authenticate(PICKET_RESULT_HEADER_MISSING, NULL, 0, &got),
             PICKET_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(got, challenge_len);
    got = 0;
    CHECK_RC(picket_www_authenticate(424242, buf, sizeof buf, &got), PICKET_RESULT_OK);
    CHECK_BYTES(buf, got, challenge, challenge_len);
    CHECK_RC(picket_www_authenticate(PICKET_RESULT_AUTH_UNKNOWN_KEY, buf, sizeof buf, NULL),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_www_authenticate(PICKET_RESULT_AUTH_UNKNOWN_KEY, NULL, 4, &got),
             PICKET_RESULT_NULL_PARAMETER);
    CHECK_RC(picket_www_authenticate(PICKET_RESULT_AUTH_UNKNOWN_KEY, buf, SIZE_MAX, &got),
             PICKET_RESULT_INVALID_PARAMETER);
}

int main(void) {
    /* Before anything fails, this thread's message is empty. */
    size_t len = 1;
    CHECK_RC(picket_last_error_message(NULL, 0, &len), PICKET_RESULT_OK);
    CHECK_EQ(len, 0);

    test_version();
    test_result_text();
    test_result_name();
    test_last_error_message();
    test_http_answers();
    return check_finish("test_meta");
}
