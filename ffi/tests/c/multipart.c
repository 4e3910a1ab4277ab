/*
 * The multipart event-poll API: boundary extraction, limits, events at once
 * and one byte per feed, escapes, every argument check, error detail.
 */
#include <stdint.h>

#include <springbok.h>

#include "check.h"

/* What a size_t output memset to 0xab holds until a call writes it. */
#define UNTOUCHED (SIZE_MAX / 0xff * 0xab)

static const char body[] = "preamble to ignore\r\n"
                           "--XyZ\r\n"
                           "Content-Disposition: form-data; name=\"greeting\"\r\n\r\n"
                           "hello\r\n"
                           "--XyZ  \r\n"
                           "Content-Disposition: form-data; name=\"up%22load\"; filename=\"C:\\dir\\a.txt\"\r\n"
                           "Content-Type: text/plain\r\n\r\n"
                           "file body\r\n--XyZ-not-a-delimiter\r\n"
                           "--XyZ--\r\n"
                           "epilogue";

/* A textual log of the events, one feed of `step` bytes at a time (0: all at once). */
struct log {
    char text[1024];
    size_t n;
    int ended;
};

static void append(struct log *l, const char *s, size_t n)
{
    if (l->n + n < sizeof(l->text)) {
        memcpy(l->text + l->n, s, n);
        l->n += n;
        l->text[l->n] = '\0';
    }
}

static sb_result feed(sb_multipart_parser *p, const char *buf, size_t len, struct log *l, sb_error *err)
{
    for (;;) {
        size_t consumed = UNTOUCHED;
        sb_multipart_event ev;
        char tmp[256];
        sb_result r = sb_multipart_parser_feed(p, buf, len, &consumed, &ev, err);
        if (r != SB_RESULT_OK) {
            CHECK(consumed == UNTOUCHED);
            return r;
        }
        CHECK(consumed <= len);
        buf += consumed;
        len -= consumed;
        switch (ev.kind) {
        case SB_MULTIPART_EVENT_KIND_NEED_MORE:
            CHECK(len == 0);
            return SB_RESULT_OK;
        case SB_MULTIPART_EVENT_KIND_PART_START:
            snprintf(tmp, sizeof(tmp), "[%zu name=%.*s file=%d", ev.part_index, (int)ev.name_len,
                     ev.name ? ev.name : "", ev.is_file);
            append(l, tmp, strlen(tmp));
            if (ev.filename) {
                snprintf(tmp, sizeof(tmp), " filename=%.*s", (int)ev.filename_len, ev.filename);
                append(l, tmp, strlen(tmp));
            }
            if (ev.content_type) {
                snprintf(tmp, sizeof(tmp), " type=%.*s", (int)ev.content_type_len, ev.content_type);
                append(l, tmp, strlen(tmp));
            }
            snprintf(tmp, sizeof(tmp), " headers=%zu:%.*s]", ev.num_headers, (int)ev.headers[0].name_len,
                     ev.headers[0].name);
            append(l, tmp, strlen(tmp));
            CHECK(ev.data == NULL && ev.data_len == 0);
            break;
        case SB_MULTIPART_EVENT_KIND_DATA:
            CHECK(ev.data != NULL && ev.headers == NULL);
            append(l, ev.data, ev.data_len);
            break;
        case SB_MULTIPART_EVENT_KIND_PART_END:
            append(l, "|", 1);
            break;
        case SB_MULTIPART_EVENT_KIND_END:
            if (!l->ended)
                append(l, "$", 1);
            l->ended = 1;
            if (consumed == 0 || len == 0)
                return SB_RESULT_OK;
            break;
        }
    }
}

static const char expected_log[] =
    "[0 name=greeting file=0 headers=1:Content-Disposition]hello|"
    "[1 name=up\"load file=1 filename=C:\\dir\\a.txt type=text/plain headers=2:Content-Disposition]"
    "file body\r\n--XyZ-not-a-delimiter|$";

static sb_multipart_parser *parser_for(const sb_multipart_config *config, const char *content_type)
{
    const char *b = NULL;
    size_t blen = 0;
    sb_multipart_parser *p = NULL;
    CHECK(sb_multipart_boundary(content_type, strlen(content_type), &b, &blen, NULL) == SB_RESULT_OK);
    CHECK(sb_multipart_parser_new(config, b, blen, &p, NULL) == SB_RESULT_OK && p != NULL);
    return p;
}

static void test_events(void)
{
    sb_multipart_config *config = sb_multipart_config_new();
    size_t step;
    /* At once, then in pieces of every size up to 16 bytes. */
    for (step = 0; step <= 16; step++) {
        sb_multipart_parser *p = parser_for(config, "multipart/form-data; boundary=XyZ");
        struct log l;
        sb_error err;
        size_t off = 0, n = sizeof(body) - 1;
        memset(&l, 0, sizeof(l));
        if (step == 0) {
            CHECK(feed(p, body, n, &l, &err) == SB_RESULT_OK);
        } else {
            for (off = 0; off < n; off += step) {
                /* Each piece in its own heap block, so ASan sees any read past it. */
                size_t k = n - off < step ? n - off : step;
                char *piece = malloc(k);
                memcpy(piece, body + off, k);
                CHECK(feed(p, piece, k, &l, &err) == SB_RESULT_OK);
                free(piece);
            }
        }
        CHECK_CASE(strcmp(l.text, expected_log) == 0, l.text);
        CHECK(sb_multipart_parser_finish(p, &err) == SB_RESULT_OK);
        sb_multipart_parser_free(p);
    }
    sb_multipart_config_free(config);
}

static void test_boundary(void)
{
    const char *b = (const char *)&b;
    size_t blen = UNTOUCHED;
    sb_error err;
    const char *ct;

    ct = "Multipart/Form-Data;BOUNDARY=\"quoted boundary\";charset=utf-8";
    CHECK(sb_multipart_boundary(ct, strlen(ct), &b, &blen, &err) == SB_RESULT_OK);
    CHECK(span_is(b, blen, "quoted boundary"));
    b = (const char *)&b;
    blen = UNTOUCHED;
    memset(&err, 0xab, sizeof(err));
    ct = "text/plain; boundary=x";
    CHECK(sb_multipart_boundary(ct, strlen(ct), &b, &blen, &err) == SB_RESULT_NOT_MULTIPART);
    CHECK(err.kind == SB_RESULT_NOT_MULTIPART && err.status == 415 && blen == UNTOUCHED);
    CHECK(sb_result_http_status(SB_RESULT_NOT_MULTIPART) == 415);
    ct = "multipart/form-data";
    CHECK(sb_multipart_boundary(ct, strlen(ct), &b, &blen, &err) == SB_RESULT_MISSING_BOUNDARY && err.status == 400);
    ct = "multipart/form-data; boundary=a; boundary=b";
    CHECK(sb_multipart_boundary(ct, strlen(ct), &b, &blen, &err) == SB_RESULT_DUPLICATE_BOUNDARY);
    ct = "multipart form-data";
    CHECK(sb_multipart_boundary(ct, strlen(ct), &b, &blen, &err) == SB_RESULT_MALFORMED_CONTENT_TYPE);
    CHECK(sb_multipart_boundary(ct, strlen(ct), &b, &blen, NULL) == SB_RESULT_MALFORMED_CONTENT_TYPE);
    {
        char *long_ct = malloc(8192);
        memcpy(long_ct, "multipart/form-data; boundary=", 30);
        memset(long_ct + 30, 'a', 8192 - 30);
        CHECK(sb_multipart_boundary(long_ct, 8192, &b, &blen, &err) == SB_RESULT_CONTENT_TYPE_TOO_LONG);
        free(long_ct);
    }
    CHECK(sb_multipart_boundary(NULL, 3, &b, &blen, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_multipart_boundary("x", 1, NULL, &blen, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_multipart_boundary("x", 1, &b, NULL, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_multipart_boundary("x", SIZE_MAX, &b, &blen, &err) == SB_RESULT_INVALID_ARGUMENT);
}

static void test_limits_and_errors(void)
{
    sb_multipart_config *config = sb_multipart_config_new();
    sb_multipart_parser *p = NULL;
    sb_error err;
    struct log l;
    const char *two = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhello\r\n"
                      "--b\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\nx\r\n--b--\r\n";
    char long_boundary[80];

    CHECK(config != NULL);
    CHECK(sb_multipart_config_set_limit(config, 99, 1) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_multipart_config_set_limit(NULL, SB_MULTIPART_MAX_PARTS, 1) == SB_RESULT_NULL_ARGUMENT);

    /* Invalid boundaries. */
    memset(long_boundary, 'a', sizeof(long_boundary));
    memset(&err, 0xab, sizeof(err));
    CHECK(sb_multipart_parser_new(config, long_boundary, 71, &p, &err) == SB_RESULT_INVALID_BOUNDARY && p == NULL);
    CHECK(err.kind == SB_RESULT_INVALID_BOUNDARY && err.status == 400);
    CHECK(sb_multipart_parser_new(config, long_boundary, 70, &p, &err) == SB_RESULT_OK && p != NULL);
    sb_multipart_parser_free(p);
    p = NULL;
    CHECK(sb_multipart_parser_new(config, NULL, 0, &p, &err) == SB_RESULT_INVALID_BOUNDARY && p == NULL);
    CHECK(sb_multipart_parser_new(NULL, "b", 1, &p, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_multipart_parser_new(config, "b", 1, NULL, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_multipart_parser_new(config, NULL, 1, &p, &err) == SB_RESULT_NULL_ARGUMENT);

    /* A field over its limit: 413, and the parser stays failed. */
    CHECK(sb_multipart_config_set_limit(config, SB_MULTIPART_MAX_FIELD_BYTES, 3) == SB_RESULT_OK);
    CHECK(sb_multipart_parser_new(config, "b", 1, &p, &err) == SB_RESULT_OK);
    memset(&l, 0, sizeof(l));
    CHECK(feed(p, two, strlen(two), &l, &err) == SB_RESULT_FIELD_TOO_LARGE);
    /* The first byte past the limit: the 'l' after "hel" (every split: multipart_limits.c). */
    CHECK(err.kind == SB_RESULT_FIELD_TOO_LARGE && err.status == 413 &&
          err.offset == (size_t)(strstr(two, "hello") - two) + 3);
    /* The data before it came out first. */
    CHECK_CASE(strstr(l.text, "hel") != NULL && strstr(l.text, "hell") == NULL, l.text);
    CHECK(feed(p, "x", 1, &l, &err) == SB_RESULT_FIELD_TOO_LARGE);
    CHECK(sb_multipart_parser_finish(p, &err) == SB_RESULT_FIELD_TOO_LARGE);
    sb_multipart_parser_free(p);

    /* Too many parts. */
    CHECK(sb_multipart_config_set_limit(config, SB_MULTIPART_MAX_FIELD_BYTES, 1000) == SB_RESULT_OK);
    CHECK(sb_multipart_config_set_limit(config, SB_MULTIPART_MAX_PARTS, 1) == SB_RESULT_OK);
    CHECK(sb_multipart_parser_new(config, "b", 1, &p, &err) == SB_RESULT_OK);
    memset(&l, 0, sizeof(l));
    CHECK(feed(p, two, strlen(two), &l, &err) == SB_RESULT_TOO_MANY_PARTS && err.status == 400);
    sb_multipart_parser_free(p);

    /* A body over the total limit; the config is copied, so changing it later changes nothing. */
    CHECK(sb_multipart_config_set_limit(config, SB_MULTIPART_MAX_PARTS, 10) == SB_RESULT_OK);
    CHECK(sb_multipart_config_set_limit(config, SB_MULTIPART_MAX_TOTAL_BYTES, 20) == SB_RESULT_OK);
    CHECK(sb_multipart_parser_new(config, "b", 1, &p, &err) == SB_RESULT_OK);
    CHECK(sb_multipart_config_set_limit(config, SB_MULTIPART_MAX_TOTAL_BYTES, 1 << 20) == SB_RESULT_OK);
    memset(&l, 0, sizeof(l));
    CHECK(feed(p, two, strlen(two), &l, &err) == SB_RESULT_MULTIPART_BODY_TOO_LARGE && err.status == 413);
    sb_multipart_parser_free(p);

    /* A truncated body, and a malformed part header block. */
    CHECK(sb_multipart_parser_new(config, "b", 1, &p, &err) == SB_RESULT_OK);
    memset(&l, 0, sizeof(l));
    CHECK(feed(p, two, 30, &l, &err) == SB_RESULT_OK);
    memset(&err, 0xab, sizeof(err));
    CHECK(sb_multipart_parser_finish(p, &err) == SB_RESULT_MULTIPART_TRUNCATED && err.offset == 30);
    CHECK(sb_multipart_parser_finish(p, NULL) == SB_RESULT_MULTIPART_TRUNCATED);
    sb_multipart_parser_free(p);
    CHECK(sb_multipart_parser_new(config, "b", 1, &p, &err) == SB_RESULT_OK);
    memset(&l, 0, sizeof(l));
    CHECK(feed(p, "--b\r\nBad Header: x\r\n\r\n", 23, &l, &err) == SB_RESULT_INVALID_PART_HEADERS);
    sb_multipart_parser_free(p);

    /* Feed arguments. */
    CHECK(sb_multipart_parser_new(config, "b", 1, &p, &err) == SB_RESULT_OK);
    {
        size_t consumed = UNTOUCHED;
        sb_multipart_event ev;
        CHECK(sb_multipart_parser_feed(NULL, "x", 1, &consumed, &ev, &err) == SB_RESULT_NULL_ARGUMENT);
        CHECK(sb_multipart_parser_feed(p, NULL, 1, &consumed, &ev, &err) == SB_RESULT_NULL_ARGUMENT);
        CHECK(sb_multipart_parser_feed(p, "x", 1, NULL, &ev, &err) == SB_RESULT_NULL_ARGUMENT);
        CHECK(sb_multipart_parser_feed(p, "x", 1, &consumed, NULL, &err) == SB_RESULT_NULL_ARGUMENT);
        CHECK(sb_multipart_parser_feed(p, "x", SIZE_MAX, &consumed, &ev, &err) == SB_RESULT_INVALID_ARGUMENT);
        CHECK(consumed == UNTOUCHED);
        CHECK(sb_multipart_parser_feed(p, NULL, 0, &consumed, &ev, NULL) == SB_RESULT_OK && consumed == 0);
        CHECK(ev.kind == SB_MULTIPART_EVENT_KIND_NEED_MORE);
        CHECK(sb_multipart_parser_finish(NULL, &err) == SB_RESULT_NULL_ARGUMENT);
    }
    sb_multipart_parser_free(p);
    sb_multipart_parser_free(NULL);
    sb_multipart_config_free(config);
    sb_multipart_config_free(NULL);
}

int main(void)
{
    test_events();
    test_boundary();
    test_limits_and_errors();
    return finish("multipart");
}
