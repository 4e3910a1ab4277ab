/*
 * sb_urlencoded_cursor_init / sb_urlencoded_cursor_next_decoded through the
 * C ABI: the same pairs as the sb_urlencoded_pairs iterator at every batch
 * capacity and arena size, SB_RESULT_END with the last batch,
 * BUFFER_TOO_SMALL only when the first pair of a call cannot fit (cursor
 * unchanged, so a larger arena continues), the limits and argument checks,
 * and inputs flush against a PROT_NONE guard page on either side.
 */
#include <stdint.h>

#include <springbok.h>

#include "check.h"

/* The pairs of input as "key=value\n" lines, through the iterator. */
static void iterator_text(const char *input, size_t len, uint32_t mode, char *out, size_t size)
{
    sb_urlencoded_pairs *it = NULL;
    sb_urlencoded_pair p;
    size_t n = 0;
    out[0] = '\0';
    if (sb_urlencoded_pairs_new(input, len, mode, SB_URLENCODED_DEFAULT_MAX_PAIRS,
                                SB_URLENCODED_DEFAULT_MAX_INPUT_BYTES, &it, NULL) != SB_RESULT_OK)
        return;
    while (sb_urlencoded_pairs_next(it, &p) == SB_RESULT_OK && n + p.key_len + p.value_len + 3 < size) {
        memcpy(out + n, p.key, p.key_len);
        n += p.key_len;
        out[n++] = '=';
        memcpy(out + n, p.value, p.value_len);
        n += p.value_len;
        out[n++] = '\n';
        out[n] = '\0';
    }
    sb_urlencoded_pairs_free(it);
}

/*
 * The same through a cursor, capacity pairs a call, with an arena of
 * arena_len bytes (grown to the input's length on BUFFER_TOO_SMALL, as the
 * Perl binding does). Returns the number of calls made.
 */
static int cursor_text(const char *input, size_t len, uint32_t mode, size_t capacity, size_t arena_len, char *out,
                       size_t size)
{
    sb_urlencoded_cursor cursor;
    sb_urlencoded_pair pairs[8];
    char arena_bytes[512];
    char *arena = arena_bytes;
    size_t n = 0, count, i;
    int calls = 0;
    sb_result r;
    out[0] = '\0';
    CHECK(sb_urlencoded_cursor_init(&cursor, input, len, mode, SB_URLENCODED_DEFAULT_MAX_PAIRS,
                                    SB_URLENCODED_DEFAULT_MAX_INPUT_BYTES, NULL) == SB_RESULT_OK);
    do {
        count = SIZE_MAX;
        r = sb_urlencoded_cursor_next_decoded(&cursor, pairs, capacity, arena, arena_len, &count);
        calls++;
        if (r == SB_RESULT_BUFFER_TOO_SMALL) {
            CHECK(count == 0 && arena_len < len);
            arena_len = len;
            r = SB_RESULT_OK;
            continue;
        }
        CHECK(r == SB_RESULT_OK || r == SB_RESULT_END);
        CHECK(count <= capacity && (r == SB_RESULT_END || count >= 1));
        for (i = 0; i < count && i < capacity; i++) {
            if (n + pairs[i].key_len + pairs[i].value_len + 3 >= size)
                break;
            memcpy(out + n, pairs[i].key, pairs[i].key_len);
            n += pairs[i].key_len;
            out[n++] = '=';
            memcpy(out + n, pairs[i].value, pairs[i].value_len);
            n += pairs[i].value_len;
            out[n++] = '\n';
            out[n] = '\0';
        }
    } while (r == SB_RESULT_OK && calls < 1000);
    /* Ended, and it stays so. */
    count = SIZE_MAX;
    CHECK(sb_urlencoded_cursor_next_decoded(&cursor, pairs, capacity, arena, arena_len, &count) == SB_RESULT_END);
    CHECK(count == 0);
    return calls;
}

static void test_same_pairs_as_the_iterator(void)
{
    static const char *const inputs[] = {
        "",          "a",       "a=1&b=x+y%21&&c", "a=1; b=2&",  " =;;&", "k%zz=%4+&%%=%41%4a",
        "x=1;y=2;z", "q=HTTP%3A%3ARequest&ie=UTF-8; x=1",
    };
    static const uint32_t modes[2] = {SB_URLENCODED_WHATWG, SB_URLENCODED_PERL};
    char want[1024], got[1024];
    size_t i, m, capacity, arena_len;
    for (i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        size_t len = strlen(inputs[i]);
        for (m = 0; m < 2; m++) {
            iterator_text(inputs[i], len, modes[m], want, sizeof want);
            for (capacity = 1; capacity <= 8; capacity++)
                for (arena_len = 0; arena_len <= len; arena_len++) {
                    cursor_text(inputs[i], len, modes[m], capacity, arena_len, got, sizeof got);
                    CHECK_CASE(strcmp(want, got) == 0, inputs[i]);
                }
        }
    }
    /* A small form: one call after _init, its one batch ending with END. */
    CHECK(cursor_text("a=1&b=2", 7, SB_URLENCODED_PERL, 8, 512, got, sizeof got) == 1);
    CHECK(strcmp(got, "a=1\nb=2\n") == 0);
}

static void test_guarded_inputs(void)
{
    static const char *const inputs[] = {"a=%4", "%41=+", "k=v;", "x"};
    struct guarded g = guarded_new(64);
    char want[256], got[256];
    size_t i;
    for (i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        size_t len = strlen(inputs[i]);
        char *p;
        iterator_text(inputs[i], len, SB_URLENCODED_PERL, want, sizeof want);
        p = guarded_at_end(&g, inputs[i], len);
        cursor_text(p, len, SB_URLENCODED_PERL, 2, len, got, sizeof got);
        CHECK_CASE(strcmp(want, got) == 0, inputs[i]);
        p = guarded_at_start(&g, inputs[i], len);
        cursor_text(p, len, SB_URLENCODED_PERL, 2, len, got, sizeof got);
        CHECK_CASE(strcmp(want, got) == 0, inputs[i]);
    }
    guarded_free(&g);
}

static void test_limits_and_arguments(void)
{
    sb_urlencoded_cursor cursor, before;
    sb_urlencoded_pair pair;
    sb_error error;
    char arena[4];
    size_t count;

    memset(&error, 0, sizeof error);
    CHECK(sb_urlencoded_cursor_init(&cursor, "a&b&c", 5, SB_URLENCODED_PERL, 2, 100, &error) ==
          SB_RESULT_URLENCODED_TOO_MANY_PAIRS);
    CHECK(error.kind == SB_RESULT_URLENCODED_TOO_MANY_PAIRS && error.offset == 4);
    CHECK(sb_urlencoded_cursor_init(&cursor, "a=1", 3, SB_URLENCODED_PERL, 10, 2, &error) ==
          SB_RESULT_URLENCODED_INPUT_TOO_LONG);
    CHECK(sb_urlencoded_cursor_init(&cursor, "a", 1, SB_URLENCODED_PERL | SB_URLENCODED_UTF8, 10, 10, NULL) ==
          SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_urlencoded_cursor_init(NULL, "a", 1, SB_URLENCODED_PERL, 10, 10, NULL) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_urlencoded_cursor_init(&cursor, NULL, 1, SB_URLENCODED_PERL, 10, 10, NULL) == SB_RESULT_NULL_ARGUMENT);

    /* A pair too big for the arena at the start of a call: the cursor stays put. */
    CHECK(sb_urlencoded_cursor_init(&cursor, "k=%41%42%43", 11, SB_URLENCODED_PERL, 10, 100, NULL) == SB_RESULT_OK);
    before = cursor;
    count = SIZE_MAX;
    CHECK(sb_urlencoded_cursor_next_decoded(&cursor, &pair, 1, arena, sizeof arena, &count) ==
          SB_RESULT_BUFFER_TOO_SMALL);
    CHECK(count == 0 && memcmp(&before, &cursor, sizeof cursor) == 0);
    CHECK(sb_urlencoded_cursor_next_decoded(&cursor, &pair, 0, arena, sizeof arena, &count) ==
          SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_urlencoded_cursor_next_decoded(NULL, &pair, 1, arena, sizeof arena, &count) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_urlencoded_cursor_next_decoded(&cursor, &pair, 1, arena, sizeof arena, NULL) == SB_RESULT_NULL_ARGUMENT);
}

int main(void)
{
    test_same_pairs_as_the_iterator();
    test_guarded_inputs();
    test_limits_and_arguments();
    return finish("urlencoded_cursor");
}
