/*
 * Every multipart limit id through the C ABI: at the limit the body parses,
 * one byte (or part) past it and far past it the call fails with the
 * limit's code, its HTTP status, and the offset of the first byte past the
 * limit (for a count limit: the start of the part one too many) — the same
 * for the body fed at once, in pieces of every size, and split in two at
 * every byte.
 */
#include <stdint.h>

#include <springbok.h>

#include "check.h"

/* Data bytes handed out by the current parse. */
static size_t delivered;

/* Feeds (buf, len) until it is consumed or the call fails. */
static sb_result feed(sb_multipart_parser *p, const char *buf, size_t len, sb_error *err)
{
    for (;;) {
        size_t consumed;
        sb_multipart_event ev;
        sb_result r = sb_multipart_parser_feed(p, buf, len, &consumed, &ev, err);
        if (r != SB_RESULT_OK)
            return r;
        buf += consumed;
        len -= consumed;
        if (ev.kind == SB_MULTIPART_EVENT_KIND_DATA)
            delivered += ev.data_len;
        if (ev.kind == SB_MULTIPART_EVENT_KIND_NEED_MORE || (ev.kind == SB_MULTIPART_EVENT_KIND_END && len == 0))
            return SB_RESULT_OK;
    }
}

/*
 * Parses `body` cut at the offsets in `cuts` (ascending, `ncuts` of them),
 * each piece in its own heap block so that ASan sees a read past it, then
 * finishes. Returns the first failure (with *err) or SB_RESULT_OK.
 */
static sb_result parse_cut(const sb_multipart_config *config, const char *body, size_t len, const size_t *cuts,
                           size_t ncuts, sb_error *err)
{
    sb_multipart_parser *p = NULL;
    sb_result r = SB_RESULT_OK;
    size_t start = 0, i;
    delivered = 0;
    CHECK(sb_multipart_parser_new(config, "B", 1, &p, NULL) == SB_RESULT_OK);
    for (i = 0; i <= ncuts && r == SB_RESULT_OK; i++) {
        size_t end = i < ncuts ? cuts[i] : len;
        char *piece = malloc(end - start + 1);
        memcpy(piece, body + start, end - start);
        r = feed(p, piece, end - start, err);
        free(piece);
        start = end;
    }
    if (r == SB_RESULT_OK)
        r = sb_multipart_parser_finish(p, err);
    sb_multipart_parser_free(p);
    return r;
}

/* Pieces of `step` bytes. */
static sb_result parse_steps(const sb_multipart_config *config, const char *body, size_t len, size_t step,
                             sb_error *err)
{
    size_t *cuts = malloc((len / step + 1) * sizeof(size_t));
    size_t n = 0, at;
    sb_result r;
    for (at = step; at < len; at += step)
        cuts[n++] = at;
    r = parse_cut(config, body, len, cuts, n, err);
    free(cuts);
    return r;
}

/*
 * `body` gives `code` (SB_RESULT_OK, or an error at `offset` with `status`)
 * at once, in pieces of every size and split in two at every byte, with the
 * same number of data bytes handed out before it.
 */
static void expect(const sb_multipart_config *config, const char *body, sb_result code, size_t offset,
                   uint16_t status)
{
    size_t len = strlen(body), k, at_once = 0;
    for (k = 0; k <= len; k++) {
        sb_error err;
        sb_result r;
        char what[128];
        memset(&err, 0xab, sizeof(err));
        /* k == 0: at once; then pieces of k bytes, then a cut at k. */
        r = k == 0 ? parse_cut(config, body, len, NULL, 0, &err) : parse_steps(config, body, len, k, &err);
        snprintf(what, sizeof(what), "%zu-byte pieces of a %zu-byte body: %u at %zu", k, len, (unsigned)r,
                 err.offset);
        CHECK_CASE(r == code, what);
        if (code != SB_RESULT_OK)
            CHECK_CASE(err.kind == code && err.offset == offset && err.status == status && err.header == SIZE_MAX,
                       what);
        if (k == 0)
            at_once = delivered;
        CHECK_CASE(delivered == at_once, what);
        if (k > 0 && k < len) {
            memset(&err, 0xab, sizeof(err));
            r = parse_cut(config, body, len, &k, 1, &err);
            snprintf(what, sizeof(what), "cut at %zu of %zu: %u at %zu", k, len, (unsigned)r, err.offset);
            CHECK_CASE(r == code, what);
            if (code != SB_RESULT_OK)
                CHECK_CASE(err.kind == code && err.offset == offset && err.status == status, what);
            CHECK_CASE(delivered == at_once, what);
        }
    }
}

/* A fresh config with one limit set. */
static sb_multipart_config *with_limit(uint32_t id, uint64_t value)
{
    sb_multipart_config *c = sb_multipart_config_new();
    CHECK(c != NULL && sb_multipart_config_set_limit(c, id, value) == SB_RESULT_OK);
    return c;
}

#define FIELD "Content-Disposition: form-data; name=f\r\n"
#define FILE_ "Content-Disposition: form-data; name=f; filename=a.txt\r\n"
#define STAR "Content-Disposition: form-data; name=f; filename*=UTF-8''a.txt\r\n"

/* The cases of issue 26: boundary B, limit 5, offending bytes 52, 5 and 60. */
static void test_issue_cases(void)
{
    sb_multipart_config *c = with_limit(SB_MULTIPART_MAX_FIELD_BYTES, 5);
    expect(c, "--B\r\n" FIELD "\r\nabcdefghij\r\n--B--", SB_RESULT_FIELD_TOO_LARGE, 52, 413);
    sb_multipart_config_free(c);
    c = with_limit(SB_MULTIPART_MAX_PREAMBLE_BYTES, 5);
    expect(c, "abcdefghij\r\n--B\r\n" FIELD "\r\nx\r\n--B--", SB_RESULT_PREAMBLE_TOO_LARGE, 5, 400);
    sb_multipart_config_free(c);
    c = with_limit(SB_MULTIPART_MAX_EPILOGUE_BYTES, 5);
    expect(c, "--B\r\n" FIELD "\r\nx\r\n--B--abcdefghij", SB_RESULT_EPILOGUE_TOO_LARGE, 60, 400);
    sb_multipart_config_free(c);
}

static void test_size_limits(void)
{
    sb_multipart_config *c;

    c = with_limit(SB_MULTIPART_MAX_FIELD_BYTES, 6);
    expect(c, "--B\r\n\r\n012345\r\n--B--", SB_RESULT_OK, 0, 0);
    expect(c, "--B\r\n\r\n0123456\r\n--B--", SB_RESULT_FIELD_TOO_LARGE, 7 + 6, 413);
    expect(c, "--B\r\n\r\n\r\n--B-x\r\n--\r\n--B--", SB_RESULT_FIELD_TOO_LARGE, 7 + 6, 413);
    /* Files are not fields. */
    expect(c, "--B\r\n" FILE_ "\r\n0123456789\r\n--B--", SB_RESULT_OK, 0, 0);
    sb_multipart_config_free(c);

    c = with_limit(SB_MULTIPART_MAX_FILE_BYTES, 6);
    expect(c, "--B\r\n" FILE_ "\r\n012345\r\n--B\r\n" FIELD "\r\n0123456789\r\n--B--", SB_RESULT_OK, 0, 0);
    expect(c, "--B\r\n" FILE_ "\r\n0123456\r\n--B--", SB_RESULT_FILE_TOO_LARGE, 5 + 56 + 2 + 6, 413);
    expect(c, "--B\r\n" STAR "\r\n\r\n--B-x\r\n--\r\n--B--", SB_RESULT_FILE_TOO_LARGE, 5 + 64 + 2 + 6, 413);
    sb_multipart_config_free(c);

    c = with_limit(SB_MULTIPART_MAX_PREAMBLE_BYTES, 4);
    expect(c, "1234\r\n--B--", SB_RESULT_OK, 0, 0);
    expect(c, "12345\r\n--B--", SB_RESULT_PREAMBLE_TOO_LARGE, 4, 400);
    expect(c, "\r\n--Bx\r\n--B\r\n--Bz\r\n--B--", SB_RESULT_PREAMBLE_TOO_LARGE, 4, 400);
    sb_multipart_config_free(c);

    c = with_limit(SB_MULTIPART_MAX_EPILOGUE_BYTES, 4);
    expect(c, "--B--\r\nab", SB_RESULT_OK, 0, 0);
    expect(c, "--B--\r\nabc", SB_RESULT_EPILOGUE_TOO_LARGE, 5 + 4, 400);
    expect(c, "--B--\r\nabcdefghijklmnopqrstuvwxyz", SB_RESULT_EPILOGUE_TOO_LARGE, 5 + 4, 400);
    sb_multipart_config_free(c);

    /* The header block "X: 1\r\n\r\n" is 8 bytes, from offset 5; padding is bounded on its own. */
    c = with_limit(SB_MULTIPART_MAX_HEADER_BYTES, 8);
    expect(c, "--B        \r\nX: 1\r\n\r\n\r\n--B--", SB_RESULT_OK, 0, 0);
    expect(c, "--B\r\nX: 12\r\n\r\n\r\n--B--", SB_RESULT_PART_HEADER_TOO_LARGE, 5 + 8, 400);
    expect(c, "--B\r\nX: 1234567890abcdef\r\n\r\n\r\n--B--", SB_RESULT_PART_HEADER_TOO_LARGE, 5 + 8, 400);
    expect(c, "--B         \r\n\r\n\r\n--B--", SB_RESULT_PART_HEADER_TOO_LARGE, 3 + 8, 400);
    expect(c, "--B \t \t \t \t \t \t \t \t \t \r\n\r\n\r\n--B--", SB_RESULT_PART_HEADER_TOO_LARGE, 3 + 8, 400);
    sb_multipart_config_free(c);

    /* 24 bytes in all; the byte at 24 is the first past the limit. */
    c = with_limit(SB_MULTIPART_MAX_TOTAL_BYTES, 24);
    expect(c, "--B\r\n\r\n0123456789\r\n--B--", SB_RESULT_OK, 0, 0);
    expect(c, "--B\r\n\r\n0123456789\r\n--B--\r", SB_RESULT_MULTIPART_BODY_TOO_LARGE, 24, 413);
    expect(c, "--B\r\n\r\n0123456789abcdefghij\r\n--B--", SB_RESULT_MULTIPART_BODY_TOO_LARGE, 24, 413);
    /* An error before the limit wins, whatever the split. */
    expect(c, "--B x\r\n\r\n0123456789abcdefghij\r\n--B--", SB_RESULT_MALFORMED_DELIMITER, 4, 400);
    sb_multipart_config_free(c);
}

static void test_count_limits(void)
{
    sb_multipart_config *c;

    c = with_limit(SB_MULTIPART_MAX_PARTS, 2);
    expect(c, "--B\r\n\r\na\r\n--B\r\n\r\nb\r\n--B--", SB_RESULT_OK, 0, 0);
    expect(c, "--B\r\n\r\na\r\n--B\r\n\r\nb\r\n--B\r\n\r\nc\r\n--B--", SB_RESULT_TOO_MANY_PARTS, 2 * 10 + 5, 400);
    expect(c, "--B\r\n\r\na\r\n--B\r\n\r\nb\r\n--B\r\n\r\nc\r\n--B\r\n\r\nd\r\n--B--", SB_RESULT_TOO_MANY_PARTS,
           2 * 10 + 5, 400);
    sb_multipart_config_free(c);

    /* Header lines: the third line of the part starts at 5 + 6 + 6. */
    c = with_limit(SB_MULTIPART_MAX_HEADERS, 2);
    expect(c, "--B\r\nA: 1\r\nB: 2\r\n\r\n\r\n--B--", SB_RESULT_OK, 0, 0);
    expect(c, "--B\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n\r\n--B--", SB_RESULT_TOO_MANY_PART_HEADERS, 17, 400);
    expect(c, "--B\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n\r\n--B--", SB_RESULT_TOO_MANY_PART_HEADERS, 17, 400);
    sb_multipart_config_free(c);

    /* Files: fields in between do not count; the error is at the third file's header block. */
    c = with_limit(SB_MULTIPART_MAX_FILES, 2);
    expect(c, "--B\r\n" FILE_ "\r\na\r\n--B\r\n" FIELD "\r\nb\r\n--B\r\n" STAR "\r\nc\r\n--B--", SB_RESULT_OK, 0, 0);
    expect(c, "--B\r\n" FILE_ "\r\na\r\n--B\r\n" STAR "\r\nb\r\n--B\r\n" FILE_ "\r\nc\r\n--B--",
           SB_RESULT_TOO_MANY_FILES, (5 + 56 + 5) + (5 + 64 + 5) + 5, 400);
    expect(c,
           "--B\r\n" FILE_ "\r\na\r\n--B\r\n" STAR "\r\nb\r\n--B\r\n" FILE_ "\r\nc\r\n--B\r\n" FILE_ "\r\nd\r\n--B--",
           SB_RESULT_TOO_MANY_FILES, (5 + 56 + 5) + (5 + 64 + 5) + 5, 400);
    sb_multipart_config_free(c);

    /* Fields: files in between do not count, a part without Content-Disposition is a field. */
    c = with_limit(SB_MULTIPART_MAX_FIELDS, 2);
    expect(c, "--B\r\n" FIELD "\r\na\r\n--B\r\n" FILE_ "\r\nb\r\n--B\r\n\r\nc\r\n--B--", SB_RESULT_OK, 0, 0);
    expect(c, "--B\r\n" FIELD "\r\na\r\n--B\r\n\r\nb\r\n--B\r\n" FIELD "\r\nc\r\n--B--", SB_RESULT_TOO_MANY_FIELDS,
           (5 + 40 + 5) + (5 + 5) + 5, 400);
    expect(c, "--B\r\n\r\na\r\n--B\r\n\r\nb\r\n--B\r\n\r\nc\r\n--B\r\n\r\nd\r\n--B--", SB_RESULT_TOO_MANY_FIELDS,
           2 * 10 + 5, 400);
    sb_multipart_config_free(c);

    /* The default file limit is 128, and 0 is allowed (no files at all). */
    {
        const char part[] = "--B\r\n" FILE_ "\r\nx\r\n";
        size_t n = strlen(part), i;
        char *body = malloc(129 * n + 6);
        sb_error err;
        c = sb_multipart_config_new();
        for (i = 0; i < 129; i++)
            memcpy(body + i * n, part, n);
        memcpy(body + 128 * n, "--B--", 6);
        CHECK(parse_cut(c, body, strlen(body), NULL, 0, &err) == SB_RESULT_OK);
        memcpy(body + 128 * n, part, n);
        memcpy(body + 129 * n, "--B--", 6);
        CHECK(parse_cut(c, body, strlen(body), NULL, 0, &err) == SB_RESULT_TOO_MANY_FILES);
        CHECK(err.offset == 128 * n + 5 && err.status == 400);
        CHECK(sb_multipart_config_set_limit(c, SB_MULTIPART_MAX_FILES, 0) == SB_RESULT_OK);
        CHECK(parse_cut(c, body, strlen(body), NULL, 0, &err) == SB_RESULT_TOO_MANY_FILES && err.offset == 5);
        sb_multipart_config_free(c);
        free(body);
    }
}

static void test_codes(void)
{
    sb_multipart_config *c = sb_multipart_config_new();
    /* The ids are ABI: old values unchanged, new ones after them. */
    CHECK(SB_MULTIPART_MAX_PARTS == 0 && SB_MULTIPART_MAX_TOTAL_BYTES == 6);
    CHECK(SB_MULTIPART_MAX_FILE_BYTES == 7 && SB_MULTIPART_MAX_FILES == 8 && SB_MULTIPART_MAX_FIELDS == 9);
    CHECK(sb_multipart_config_set_limit(c, 10, 1) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_multipart_config_set_limit(c, SB_MULTIPART_MAX_FILE_BYTES, UINT64_MAX) == SB_RESULT_OK);
    CHECK(sb_multipart_config_set_limit(NULL, SB_MULTIPART_MAX_FIELDS, 1) == SB_RESULT_NULL_ARGUMENT);
    CHECK(SB_RESULT_FILE_TOO_LARGE == 418 && SB_RESULT_TOO_MANY_FILES == 419 && SB_RESULT_TOO_MANY_FIELDS == 420);
    CHECK(sb_result_http_status(SB_RESULT_FILE_TOO_LARGE) == 413);
    CHECK(sb_result_http_status(SB_RESULT_TOO_MANY_FILES) == 400);
    CHECK(sb_result_http_status(SB_RESULT_TOO_MANY_FIELDS) == 400);
    CHECK(strcmp(sb_result_message(SB_RESULT_FILE_TOO_LARGE), "file too large") == 0);
    CHECK(strcmp(sb_result_message(SB_RESULT_TOO_MANY_FILES), "too many files") == 0);
    CHECK(strcmp(sb_result_message(SB_RESULT_TOO_MANY_FIELDS), "too many fields") == 0);
    sb_multipart_config_free(c);
}

int main(void)
{
    test_codes();
    test_issue_cases();
    test_size_limits();
    test_count_limits();
    return finish("multipart_limits");
}
