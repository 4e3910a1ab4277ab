/*
 * sb_multipart_parser_feed_batch: the same events as sb_multipart_parser_feed
 * in a loop, at every split and capacity; where a batch must end; an error
 * after some events comes with the next call; argument checks.
 */
#include <stdint.h>

#include <springbok.h>

#include "check.h"

/* What a size_t output memset to 0xab holds until a call writes it. */
#define UNTOUCHED (SIZE_MAX / 0xff * 0xab)

/* Delimiter look-alikes, CRs and a held-back tail in the data, an empty part,
 * a file part with filename*. */
static const char body[] = "preamble\r\n--XyZ\r\n"
                           "Content-Disposition: form-data; name=\"a\"\r\n\r\n"
                           "one\r\r\n--Xy\r\n--XyZ-\r\n--XyZz\r\n"
                           "--XyZ\r\n"
                           "Content-Disposition: form-data; name=\"empty\"\r\n\r\n"
                           "\r\n--XyZ\t\r\n"
                           "Content-Disposition: form-data; name=\"f\"; filename=\"a.txt\"; "
                           "filename*=UTF-8''%E2%82%AC.txt\r\nContent-Type: text/plain\r\n\r\n"
                           "file\r\n--XyZ--\r\nepilogue";

struct log {
    char text[4096];
    size_t n;
};

static void append(struct log *l, const char *s, size_t n)
{
    if (l->n + n < sizeof(l->text)) {
        memcpy(l->text + l->n, s, n);
        l->n += n;
        l->text[l->n] = '\0';
    }
}

/* One event as text; PART_START with its filename* (valid until the next feed). */
static void log_event(struct log *l, sb_multipart_parser *p, const sb_multipart_event *ev)
{
    char tmp[256];
    switch (ev->kind) {
    case SB_MULTIPART_EVENT_KIND_NEED_MORE:
        break;
    case SB_MULTIPART_EVENT_KIND_PART_START: {
        const char *star = NULL;
        size_t star_len = 0;
        CHECK(sb_multipart_parser_filename_star(p, &star, &star_len, NULL, NULL, NULL, NULL) == SB_RESULT_OK);
        snprintf(tmp, sizeof(tmp), "[%zu %.*s %zu:%.*s=%.*s star=%.*s]", ev->part_index, (int)ev->name_len,
                 ev->name ? ev->name : "", ev->num_headers, (int)ev->headers[0].name_len, ev->headers[0].name,
                 (int)ev->headers[0].value_len, ev->headers[0].value, (int)star_len, star ? star : "");
        append(l, tmp, strlen(tmp));
        break;
    }
    case SB_MULTIPART_EVENT_KIND_DATA:
        CHECK(ev->data != NULL && ev->data_len > 0);
        append(l, "<", 1);
        append(l, ev->data, ev->data_len);
        append(l, ">", 1);
        break;
    case SB_MULTIPART_EVENT_KIND_PART_END:
        append(l, "|", 1);
        break;
    case SB_MULTIPART_EVENT_KIND_END:
        append(l, "$", 1);
        break;
    }
}

/* All of buf, one event per call. */
static sb_result by_one(sb_multipart_parser *p, const char *buf, size_t len, struct log *l)
{
    for (;;) {
        size_t consumed;
        sb_multipart_event ev;
        sb_result r = sb_multipart_parser_feed(p, buf, len, &consumed, &ev, NULL);
        if (r != SB_RESULT_OK)
            return r;
        log_event(l, p, &ev);
        buf += consumed;
        len -= consumed;
        if (ev.kind == SB_MULTIPART_EVENT_KIND_NEED_MORE)
            return SB_RESULT_OK;
    }
}

/* All of buf in batches of at most `cap` events, checking where each ends. */
static sb_result by_batch(sb_multipart_parser *p, const char *buf, size_t len, size_t cap, struct log *l)
{
    for (;;) {
        sb_multipart_event ev[8];
        size_t consumed = UNTOUCHED, count = UNTOUCHED, i;
        sb_result r = sb_multipart_parser_feed_batch(p, buf, len, &consumed, ev, cap, &count, NULL);
        if (r != SB_RESULT_OK) {
            CHECK(consumed == UNTOUCHED && count == UNTOUCHED);
            return r;
        }
        CHECK(count >= 1 && count <= cap && consumed <= len);
        for (i = 0; i < count; i++) {
            int in_buf = ev[i].data >= buf && ev[i].data + ev[i].data_len <= buf + len;
            int ends = ev[i].kind == SB_MULTIPART_EVENT_KIND_NEED_MORE ||
                       ev[i].kind == SB_MULTIPART_EVENT_KIND_PART_START ||
                       (ev[i].kind == SB_MULTIPART_EVENT_KIND_DATA && !in_buf);
            /* Only the last event may be one that ends a batch, and such an event always does. */
            CHECK_CASE(ends == (i + 1 == count) || (!ends && count == cap), "batch end");
            /* filename_star answers for the batch's last PART_START only. */
            if (ev[i].kind == SB_MULTIPART_EVENT_KIND_PART_START)
                CHECK(i + 1 == count);
            log_event(l, p, &ev[i]);
        }
        buf += consumed;
        len -= consumed;
        if (ev[count - 1].kind == SB_MULTIPART_EVENT_KIND_NEED_MORE) {
            CHECK(len == 0);
            return SB_RESULT_OK;
        }
    }
}

static sb_multipart_parser *parser(const sb_multipart_config *config, const char *boundary)
{
    sb_multipart_parser *p = NULL;
    CHECK(sb_multipart_parser_new(config, boundary, strlen(boundary), &p, NULL) == SB_RESULT_OK && p != NULL);
    return p;
}

static void test_same_events(void)
{
    sb_multipart_config *config = sb_multipart_config_new();
    size_t n = sizeof(body) - 1, step, cap;
    for (step = 1; step <= n; step += step < 24 ? 1 : 37) {
        struct log a;
        sb_multipart_parser *pa = parser(config, "XyZ");
        size_t off;
        memset(&a, 0, sizeof(a));
        for (off = 0; off < n; off += step) {
            size_t k = n - off < step ? n - off : step;
            char *piece = malloc(k);
            memcpy(piece, body + off, k);
            CHECK(by_one(pa, piece, k, &a) == SB_RESULT_OK);
            free(piece);
        }
        CHECK(sb_multipart_parser_finish(pa, NULL) == SB_RESULT_OK);
        sb_multipart_parser_free(pa);
        CHECK_CASE(strstr(a.text, "[0 a 1:Content-Disposition=form-data; name=\"a\" star=]<o") == a.text, a.text);
        CHECK_CASE(strstr(a.text, "star=\xe2\x82\xac.txt]<f") != NULL && strcmp(a.text + a.n - 4, "e>|$") == 0, a.text);
        for (cap = 1; cap <= 8; cap++) {
            struct log b;
            sb_multipart_parser *pb = parser(config, "XyZ");
            memset(&b, 0, sizeof(b));
            for (off = 0; off < n; off += step) {
                /* Each piece in its own heap block, so ASan sees any read past it. */
                size_t k = n - off < step ? n - off : step;
                char *piece = malloc(k);
                memcpy(piece, body + off, k);
                CHECK(by_batch(pb, piece, k, cap, &b) == SB_RESULT_OK);
                free(piece);
            }
            CHECK(sb_multipart_parser_finish(pb, NULL) == SB_RESULT_OK);
            CHECK_CASE(strcmp(a.text, b.text) == 0, b.text);
            sb_multipart_parser_free(pb);
        }
    }
    sb_multipart_config_free(config);
}

static void test_error_after_events(void)
{
    sb_multipart_config *config = sb_multipart_config_new();
    const char *const whole = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhello\r\n"
                              "--b\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\nx\r\n--b--\r\n";
    const char *two = whole;
    sb_multipart_event ev[4];
    size_t consumed, count;
    sb_error err;
    sb_multipart_parser *p;
    CHECK(sb_multipart_config_set_limit(config, SB_MULTIPART_MAX_FIELD_BYTES, 3) == SB_RESULT_OK);
    p = parser(config, "b");
    CHECK(sb_multipart_parser_feed_batch(p, two, strlen(two), &consumed, ev, 4, &count, &err) == SB_RESULT_OK);
    CHECK(count == 1 && ev[0].kind == SB_MULTIPART_EVENT_KIND_PART_START);
    two += consumed;
    /* The 3 bytes within the limit come with OK ... */
    memset(&err, 0xab, sizeof(err));
    CHECK(sb_multipart_parser_feed_batch(p, two, strlen(two), &consumed, ev, 4, &count, &err) == SB_RESULT_OK);
    CHECK(count == 1 && ev[0].kind == SB_MULTIPART_EVENT_KIND_DATA && span_is(ev[0].data, ev[0].data_len, "hel"));
    CHECK(err.offset == UNTOUCHED);
    two += consumed;
    /* ... and the error with the next call, and every call after it. */
    consumed = count = UNTOUCHED;
    CHECK(sb_multipart_parser_feed_batch(p, two, strlen(two), &consumed, ev, 4, &count, &err) ==
          SB_RESULT_FIELD_TOO_LARGE);
    CHECK(err.kind == SB_RESULT_FIELD_TOO_LARGE && err.status == 413 && err.offset == (size_t)(strstr(whole, "hello") - whole) + 3);
    CHECK(consumed == UNTOUCHED && count == UNTOUCHED);
    CHECK(sb_multipart_parser_feed_batch(p, "x", 1, &consumed, ev, 4, &count, NULL) == SB_RESULT_FIELD_TOO_LARGE);
    sb_multipart_parser_free(p);
    sb_multipart_config_free(config);
}

static void test_arguments(void)
{
    sb_multipart_config *config = sb_multipart_config_new();
    sb_multipart_parser *p = parser(config, "b");
    sb_multipart_event ev[2];
    size_t consumed = UNTOUCHED, count = UNTOUCHED;
    sb_error err;
    CHECK(sb_multipart_parser_feed_batch(NULL, "x", 1, &consumed, ev, 2, &count, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_multipart_parser_feed_batch(p, NULL, 1, &consumed, ev, 2, &count, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_multipart_parser_feed_batch(p, "x", 1, NULL, ev, 2, &count, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_multipart_parser_feed_batch(p, "x", 1, &consumed, NULL, 2, &count, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_multipart_parser_feed_batch(p, "x", 1, &consumed, ev, 2, NULL, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_multipart_parser_feed_batch(p, "x", 1, &consumed, ev, 0, &count, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_multipart_parser_feed_batch(p, "x", 1, &consumed, NULL, 0, &count, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_multipart_parser_feed_batch(p, "x", SIZE_MAX, &consumed, ev, 2, &count, &err) ==
          SB_RESULT_INVALID_ARGUMENT);
    CHECK(consumed == UNTOUCHED && count == UNTOUCHED);
    /* An empty buffer: one NEED_MORE. */
    CHECK(sb_multipart_parser_feed_batch(p, NULL, 0, &consumed, ev, 2, &count, NULL) == SB_RESULT_OK);
    CHECK(consumed == 0 && count == 1 && ev[0].kind == SB_MULTIPART_EVENT_KIND_NEED_MORE);
    sb_multipart_parser_free(p);
    sb_multipart_config_free(config);
}

int main(void)
{
    test_same_events();
    test_error_after_events();
    test_arguments();
    return finish("multipart_batch");
}
