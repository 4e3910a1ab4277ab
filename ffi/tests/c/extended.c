/*
 * The extended ABI: sb_result codes and messages, sb_parser_config flags
 * and limits, sb_parser_config_parse_* with sb_error detail, every head
 * error kind, every argument check, and "outputs written only on success"
 * (the header array excepted: on failure its first headers_len entries may
 * hold headers parsed before the failure, and nothing past them is written).
 */
#include <stdint.h>

#include <springbok.h>

#include "check.h"

static const char SENTINEL[] = "sentinel";

/* What a size_t output memset to 0xab holds until a call writes it. */
#define UNTOUCHED (SIZE_MAX / 0xff * 0xab)

static void fill_sentinel(sb_header *hs, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        hs[i].name = SENTINEL;
        hs[i].name_len = 99;
        hs[i].value = SENTINEL;
        hs[i].value_len = 99;
    }
}

static int untouched(const sb_header *hs, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (hs[i].name != SENTINEL || hs[i].name_len != 99 || hs[i].value != SENTINEL || hs[i].value_len != 99)
            return 0;
    return 1;
}

/* Whether a failed call kept to its header array's contract: entries from
 * `cap` to `n` untouched, and each of the first `cap` either untouched or a
 * header parsed from `input` (spans inside it; the name NULL only for a
 * continuation line). */
static int scribbled_within(const sb_header *hs, size_t cap, size_t n, const char *input, size_t len)
{
    size_t i;
    for (i = 0; i < n; i++) {
        const sb_header *h = &hs[i];
        int inside = (h->name == NULL ? h->name_len == 0
                                      : h->name >= input && h->name_len <= len && h->name <= input + len - h->name_len) &&
                     h->value >= input && h->value_len <= len && h->value <= input + len - h->value_len;
        if (!untouched(h, 1) && (i >= cap || !inside))
            return 0;
    }
    return 1;
}

static void test_results(void)
{
    static const uint32_t codes[] = {
        SB_RESULT_OK, SB_RESULT_PARTIAL, SB_RESULT_NULL_ARGUMENT, SB_RESULT_INVALID_ARGUMENT, SB_RESULT_PANIC,
        SB_RESULT_END,
        SB_RESULT_LEADING_EMPTY_LINE, SB_RESULT_METHOD, SB_RESULT_TARGET, SB_RESULT_START_LINE_SPACE,
        SB_RESULT_VERSION, SB_RESULT_UNSUPPORTED_VERSION, SB_RESULT_STATUS_CODE, SB_RESULT_REASON,
        SB_RESULT_HEADER_NAME, SB_RESULT_SPACE_BEFORE_COLON, SB_RESULT_HEADER_VALUE,
        SB_RESULT_WHITESPACE_BEFORE_FIRST_HEADER, SB_RESULT_OBS_FOLD, SB_RESULT_BARE_LF, SB_RESULT_BARE_CR,
        SB_RESULT_TOO_MANY_HEADERS, SB_RESULT_TARGET_TOO_LONG, SB_RESULT_HEADER_NAME_TOO_LONG,
        SB_RESULT_HEADER_VALUE_TOO_LONG, SB_RESULT_HEAD_TOO_LARGE, SB_RESULT_INVALID_HEAD,
        SB_RESULT_INVALID_CHUNK_SIZE, SB_RESULT_CHUNK_SIZE_OVERFLOW, SB_RESULT_INVALID_CHUNK_EXTENSION,
        SB_RESULT_CHUNK_EXTENSION_TOO_LONG, SB_RESULT_CHUNKED_LINE_ENDING, SB_RESULT_MISSING_CHUNK_DATA_CRLF,
        SB_RESULT_CHUNKED_BODY_TOO_LARGE, SB_RESULT_CHUNKED_OVERHEAD, SB_RESULT_TRAILERS_TOO_LARGE,
        SB_RESULT_INVALID_TRAILERS, SB_RESULT_CHUNKED_AFTER_ERROR, SB_RESULT_INVALID_CHUNKED,
        SB_RESULT_URLENCODED_INPUT_TOO_LONG, SB_RESULT_URLENCODED_TOO_MANY_PAIRS, SB_RESULT_INVALID_URLENCODED,
    };
    size_t i, j;
    const char *unknown = sb_result_message(12345);
    CHECK(unknown != NULL && strcmp(unknown, "unknown result code") == 0);
    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        const char *m = sb_result_message(codes[i]);
        CHECK(m != NULL && strlen(m) > 0 && strcmp(m, unknown) != 0);
        for (j = 0; j < i; j++)
            CHECK(strcmp(m, sb_result_message(codes[j])) != 0);
    }
    CHECK(strcmp(sb_result_message(SB_RESULT_BARE_CR), "CR not followed by LF") == 0);
    CHECK(sb_result_http_status(SB_RESULT_OK) == 0);
    CHECK(sb_result_http_status(SB_RESULT_NULL_ARGUMENT) == 0);
    CHECK(sb_result_http_status(SB_RESULT_METHOD) == 400);
    CHECK(sb_result_http_status(SB_RESULT_TARGET_TOO_LONG) == 414);
    CHECK(sb_result_http_status(SB_RESULT_TOO_MANY_HEADERS) == 431);
    CHECK(sb_result_http_status(SB_RESULT_HEAD_TOO_LARGE) == 431);
    CHECK(sb_result_http_status(SB_RESULT_UNSUPPORTED_VERSION) == 505);
    CHECK(sb_result_http_status(SB_RESULT_INVALID_HEAD) == 400);
    CHECK(sb_version() != NULL && sb_version()[0] != '\0');
}

static void test_config(void)
{
    sb_parser_config *c = sb_parser_config_new();
    uint32_t flags = 12345;
    CHECK(c != NULL);
    CHECK(sb_parser_config_flags(c, &flags) == SB_RESULT_OK && flags == 0);
    CHECK(sb_parser_config_set_flags(c, SB_PARSER_PICOHTTPPARSER) == SB_RESULT_OK);
    CHECK(sb_parser_config_flags(c, &flags) == SB_RESULT_OK && flags == SB_PARSER_PICOHTTPPARSER);
    CHECK(sb_parser_config_set_flags(c, 1u << 31) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_parser_config_set_flags(c, SB_PARSER_OBS_FOLD_CONTINUATION | SB_PARSER_OBS_FOLD_SPAN) ==
          SB_RESULT_INVALID_ARGUMENT);
    /* A refused change changes nothing. */
    CHECK(sb_parser_config_flags(c, &flags) == SB_RESULT_OK && flags == SB_PARSER_PICOHTTPPARSER);
    CHECK(sb_parser_config_set_flags(NULL, 0) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_flags(NULL, &flags) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_flags(c, NULL) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_set_max_head_bytes(c, 0) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_parser_config_set_max_target_len(c, 0) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_parser_config_set_max_name_len(c, 0) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_parser_config_set_max_value_len(c, 0) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_parser_config_set_max_head_bytes(NULL, 1) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_set_max_target_len(NULL, 1) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_set_max_name_len(NULL, 1) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_set_max_value_len(NULL, 1) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_set_max_head_bytes(c, SIZE_MAX) == SB_RESULT_OK);
    sb_parser_config_free(c);
    sb_parser_config_free(NULL);
}

/* One head that must fail with `code` at `offset` under flags and limits. */
struct error_case {
    const char *what;
    int response; /* parse as a response head instead of a request head */
    const char *input;
    uint32_t flags;
    size_t max_head, max_target, max_name, max_value, headers_len;
    sb_result code;
    size_t offset;
};

#define DEF 0, 0, 0, 0, 4 /* default limits, 4 header slots */

static const struct error_case error_cases[] = {
    {"leading empty line", 0, "\r\nGET / HTTP/1.1\r\n\r\n", 0, DEF, SB_RESULT_LEADING_EMPTY_LINE, 0},
    {"method", 0, "G@T / HTTP/1.1\r\n\r\n", 0, DEF, SB_RESULT_METHOD, 1},
    {"target", 0, "GET /a\"b HTTP/1.1\r\n\r\n", 0, DEF, SB_RESULT_TARGET, 6},
    {"bad percent escape", 0, "GET /%4x HTTP/1.1\r\n\r\n", 0, DEF, SB_RESULT_TARGET, 7},
    {"start line space", 0, "GET  / HTTP/1.1\r\n\r\n", 0, DEF, SB_RESULT_START_LINE_SPACE, 4},
    {"version", 0, "GET / HTTX/1.1\r\n\r\n", 0, DEF, SB_RESULT_VERSION, 9},
    {"unsupported version", 0, "GET / HTTP/2.0\r\n\r\n", 0, DEF, SB_RESULT_UNSUPPORTED_VERSION, 6},
    {"status code", 1, "HTTP/1.1 2x0 OK\r\n\r\n", 0, DEF, SB_RESULT_STATUS_CODE, 10},
    {"reason", 1, "HTTP/1.1 200 O\001K\r\n\r\n", 0, DEF, SB_RESULT_REASON, 14},
    {"header name", 0, "GET / HTTP/1.1\r\nA@: b\r\n\r\n", 0, DEF, SB_RESULT_HEADER_NAME, 17},
    {"space before colon", 0, "GET / HTTP/1.1\r\nA : b\r\n\r\n", 0, DEF, SB_RESULT_SPACE_BEFORE_COLON, 17},
    {"header value", 0, "GET / HTTP/1.1\r\nA: b\001c\r\n\r\n", 0, DEF, SB_RESULT_HEADER_VALUE, 20},
    {"whitespace before first header", 0, "GET / HTTP/1.1\r\n A: b\r\n\r\n", 0, DEF,
     SB_RESULT_WHITESPACE_BEFORE_FIRST_HEADER, 16},
    {"obs-fold", 0, "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", 0, DEF, SB_RESULT_OBS_FOLD, 22},
    {"bare LF", 0, "GET / HTTP/1.1\n\r\n", 0, DEF, SB_RESULT_BARE_LF, 14},
    {"bare CR", 0, "GET / HTTP/1.1\rX\r\n\r\n", 0, DEF, SB_RESULT_BARE_CR, 14},
    {"bare CR even with bare LF allowed", 0, "GET / HTTP/1.1\rX\r\n\r\n", SB_PARSER_ALLOW_BARE_LF, DEF,
     SB_RESULT_BARE_CR, 14},
    {"too many headers", 0, "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n", 0, 0, 0, 0, 0, 1, SB_RESULT_TOO_MANY_HEADERS,
     22},
    {"no header storage", 0, "GET / HTTP/1.1\r\nA: 1\r\n\r\n", 0, 0, 0, 0, 0, 0, SB_RESULT_TOO_MANY_HEADERS, 16},
    {"target too long", 0, "GET /abcde HTTP/1.1\r\n\r\n", 0, 0, 4, 0, 0, 4, SB_RESULT_TARGET_TOO_LONG, 4},
    {"header name too long", 0, "GET / HTTP/1.1\r\nAbcd: x\r\n\r\n", 0, 0, 0, 3, 0, 4,
     SB_RESULT_HEADER_NAME_TOO_LONG, 16},
    {"header value too long", 0, "GET / HTTP/1.1\r\nA: abcd\r\n\r\n", 0, 0, 0, 0, 3, 4,
     SB_RESULT_HEADER_VALUE_TOO_LONG, 19},
    {"head too large", 0, "GET / HTTP/1.1\r\nA: abcdefghijkl\r\n\r\n", 0, 20, 0, 0, 0, 4, SB_RESULT_HEAD_TOO_LARGE,
     20},
};

static void test_error_kinds(void)
{
    size_t i;
    for (i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
        const struct error_case *c = &error_cases[i];
        sb_parser_config *config = sb_parser_config_new();
        sb_header hs[4];
        sb_request req;
        sb_response resp;
        sb_error err;
        sb_result r;
        memset(&req, 0xab, sizeof(req));
        memset(&resp, 0xab, sizeof(resp));
        fill_sentinel(hs, 4);
        CHECK(sb_parser_config_set_flags(config, c->flags) == SB_RESULT_OK);
        if (c->max_head)
            CHECK(sb_parser_config_set_max_head_bytes(config, c->max_head) == SB_RESULT_OK);
        if (c->max_target)
            CHECK(sb_parser_config_set_max_target_len(config, c->max_target) == SB_RESULT_OK);
        if (c->max_name)
            CHECK(sb_parser_config_set_max_name_len(config, c->max_name) == SB_RESULT_OK);
        if (c->max_value)
            CHECK(sb_parser_config_set_max_value_len(config, c->max_value) == SB_RESULT_OK);
        if (c->response)
            r = sb_parser_config_parse_response(config, c->input, strlen(c->input), 0, hs, c->headers_len, &resp,
                                                &err);
        else
            r = sb_parser_config_parse_request(config, c->input, strlen(c->input), 0, hs, c->headers_len, &req, &err);
        CHECK_CASE(r == c->code, c->what);
        CHECK_CASE(err.kind == c->code, c->what);
        CHECK_CASE(err.offset == c->offset, c->what);
        if (err.offset != c->offset)
            fprintf(stderr, "  offset %zu, expected %zu\n", err.offset, c->offset);
        CHECK_CASE(err.status == sb_result_http_status(r), c->what);
        CHECK_CASE(strcmp(sb_result_message(r), "unknown result code") != 0, c->what);
        /* Outputs other than the error (and the header array's first
         * headers_len entries) are left alone. */
        CHECK_CASE(scribbled_within(hs, c->headers_len, 4, c->input, strlen(c->input)), c->what);
        CHECK_CASE(req.method_len == UNTOUCHED && req.head_len == UNTOUCHED, c->what);
        CHECK_CASE(resp.reason_len == UNTOUCHED && resp.head_len == UNTOUCHED, c->what);
        /* The error detail is optional. */
        if (c->response)
            CHECK_CASE(sb_parser_config_parse_response(config, c->input, strlen(c->input), 0, hs, c->headers_len,
                                                       &resp, NULL) == c->code,
                       c->what);
        else
            CHECK_CASE(sb_parser_config_parse_request(config, c->input, strlen(c->input), 0, hs, c->headers_len, &req,
                                                      NULL) == c->code,
                       c->what);
        sb_parser_config_free(config);
    }
}

static void test_request_ok(void)
{
    sb_parser_config *c = sb_parser_config_new();
    const char *s = "POST /form?x=1 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n\r\n";
    size_t n = strlen(s);
    sb_header hs[8];
    sb_request req;
    sb_error err;
    size_t head;

    memset(&err, 0xab, sizeof(err));
    CHECK(sb_parser_config_parse_request(c, s, n, 0, hs, 8, &req, &err) == SB_RESULT_OK);
    CHECK(span_is(req.method, req.method_len, "POST"));
    CHECK(span_is(req.target, req.target_len, "/form?x=1"));
    CHECK(req.minor_version == 1 && req.num_headers == 2);
    CHECK(span_is(hs[1].name, hs[1].name_len, "Content-Length") && span_is(hs[1].value, hs[1].value_len, "3"));
    head = req.head_len;
    CHECK(head == strlen(s) - 3 - 18);
    CHECK(memcmp(s + head, "abc", 3) == 0);
    CHECK(err.offset == UNTOUCHED); /* not written on success */
    /* The pipelined next request. */
    CHECK(sb_parser_config_parse_request(c, s + head + 3, n - head - 3, 0, hs, 8, &req, &err) == SB_RESULT_OK);
    CHECK(req.num_headers == 0 && req.head_len == 18 && req.minor_version == 1);

    /* Partial, then complete with last_len; nothing written on partial but
     * (maybe) the headers seen so far. */
    memset(&req, 0xab, sizeof(req));
    fill_sentinel(hs, 8);
    CHECK(sb_parser_config_parse_request(c, s, 30, 0, hs, 6, &req, &err) == SB_RESULT_PARTIAL);
    CHECK(req.method_len == UNTOUCHED && scribbled_within(hs, 6, 8, s, 30));
    CHECK(sb_parser_config_parse_request(c, s, 50, 30, hs, 8, &req, &err) == SB_RESULT_PARTIAL);
    CHECK(sb_parser_config_parse_request(c, s, head, 50, hs, 8, &req, &err) == SB_RESULT_OK);
    CHECK(req.head_len == head && req.num_headers == 2);

    /* Byte at a time. */
    {
        size_t len, last = 0;
        sb_result r = SB_RESULT_PARTIAL;
        for (len = 0; len <= head && r == SB_RESULT_PARTIAL; len++) {
            r = sb_parser_config_parse_request(c, s, len, last, hs, 8, &req, &err);
            last = len;
        }
        CHECK(r == SB_RESULT_OK && len == head + 1 && req.head_len == head);
    }
    sb_parser_config_free(c);
}

static void test_response_and_headers_ok(void)
{
    sb_parser_config *c = sb_parser_config_new();
    const char *s = "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\n";
    sb_header hs[4];
    sb_response resp;
    sb_header_block block;
    sb_error err;

    CHECK(sb_parser_config_parse_response(c, s, strlen(s), 0, hs, 4, &resp, &err) == SB_RESULT_OK);
    CHECK(resp.minor_version == 1 && resp.status == 404 && span_is(resp.reason, resp.reason_len, "Not Found"));
    CHECK(resp.num_headers == 1 && resp.head_len == strlen(s));
    CHECK(span_is(hs[0].value, hs[0].value_len, "text/plain"));
    CHECK(sb_parser_config_parse_response(c, s, 10, 0, hs, 4, &resp, &err) == SB_RESULT_PARTIAL);

    s = "Content-Disposition: form-data; name=\"a\"\r\n\r\ndata";
    CHECK(sb_parser_config_parse_headers(c, s, strlen(s), 0, hs, 4, &block, &err) == SB_RESULT_OK);
    CHECK(block.num_headers == 1 && block.len == strlen(s) - 4);
    CHECK(span_is(hs[0].value, hs[0].value_len, "form-data; name=\"a\""));
    CHECK(sb_parser_config_parse_headers(c, "\r\n", 2, 0, NULL, 0, &block, &err) == SB_RESULT_OK);
    CHECK(block.num_headers == 0 && block.len == 2);
    CHECK(sb_parser_config_parse_headers(c, "A: 1\r\n", 6, 0, hs, 4, &block, &err) == SB_RESULT_PARTIAL);
    CHECK(sb_parser_config_parse_headers(c, "A: 1\r\n\r\n", 8, 6, hs, 4, &block, &err) == SB_RESULT_OK);
    CHECK(sb_parser_config_parse_headers(c, "A: 1\n\n", 6, 0, hs, 4, &block, &err) == SB_RESULT_BARE_LF);
    CHECK(err.kind == SB_RESULT_BARE_LF && err.offset == 4 && err.status == 400);
    sb_parser_config_free(c);
}

static void test_flags(void)
{
    sb_parser_config *c = sb_parser_config_new();
    sb_header hs[4];
    sb_request req;
    sb_response resp;
    sb_error err;
    const char *s;

#define REQ(str) sb_parser_config_parse_request(c, str, strlen(str), 0, hs, 4, &req, &err)
#define RESP(str) sb_parser_config_parse_response(c, str, strlen(str), 0, hs, 4, &resp, &err)
#define FLAGS(f) CHECK(sb_parser_config_set_flags(c, f) == SB_RESULT_OK)

    s = "GET / HTTP/1.1\nA: b\n\n";
    CHECK(REQ(s) == SB_RESULT_BARE_LF);
    FLAGS(SB_PARSER_ALLOW_BARE_LF);
    CHECK(REQ(s) == SB_RESULT_OK && req.num_headers == 1 && span_is(hs[0].value, hs[0].value_len, "b"));

    s = "GET / HTTP/1.1\r\nA: b\r\n  c\r\n\r\n";
    FLAGS(0);
    CHECK(REQ(s) == SB_RESULT_OBS_FOLD);
    FLAGS(SB_PARSER_OBS_FOLD_CONTINUATION);
    CHECK(REQ(s) == SB_RESULT_OK && req.num_headers == 2 && hs[1].name == NULL && hs[1].name_len == 0);
    CHECK(span_is(hs[1].value, hs[1].value_len, "c"));
    FLAGS(SB_PARSER_OBS_FOLD_SPAN);
    CHECK(REQ(s) == SB_RESULT_OK && req.num_headers == 1 && span_is(hs[0].value, hs[0].value_len, "b\r\n  c"));

    s = "GET   /   HTTP/1.1\r\n\r\n";
    FLAGS(0);
    CHECK(REQ(s) == SB_RESULT_START_LINE_SPACE);
    FLAGS(SB_PARSER_ALLOW_MULTIPLE_SPACES);
    CHECK(REQ(s) == SB_RESULT_OK && span_is(req.target, req.target_len, "/"));

    s = "\r\n\r\nGET / HTTP/1.1\r\n\r\n";
    FLAGS(SB_PARSER_ALLOW_LEADING_EMPTY_LINES);
    CHECK(REQ(s) == SB_RESULT_OK && span_is(req.method, req.method_len, "GET") && req.head_len == strlen(s));

    s = "GET / HTTP/1.1\r\n junk\r\nA: b\r\n\r\n";
    FLAGS(SB_PARSER_ALLOW_WHITESPACE_BEFORE_FIRST_HEADER);
    CHECK(REQ(s) == SB_RESULT_OK && req.num_headers == 1 && span_is(hs[0].name, hs[0].name_len, "A"));

    s = "GET / HTTP/1.1\r\nB@d: x\r\nA: b\r\n\r\n";
    FLAGS(SB_PARSER_IGNORE_INVALID_HEADERS);
    CHECK(REQ(s) == SB_RESULT_OK && req.num_headers == 1 && span_is(hs[0].name, hs[0].name_len, "A"));

    s = "GET /{\"x\"}|\xff HTTP/1.1\r\n\r\n";
    FLAGS(0);
    CHECK(REQ(s) == SB_RESULT_TARGET);
    FLAGS(SB_PARSER_ALLOW_LOOSE_TARGET);
    CHECK(REQ(s) == SB_RESULT_OK && span_is(req.target, req.target_len, "/{\"x\"}|\xff"));

    s = "HTTP/1.1 204\r\n\r\n";
    FLAGS(0);
    CHECK(RESP(s) == SB_RESULT_STATUS_CODE);
    FLAGS(SB_PARSER_ALLOW_MISSING_REASON_SPACE);
    CHECK(RESP(s) == SB_RESULT_OK && resp.status == 204 && resp.reason_len == 0 && resp.reason != NULL);

#undef REQ
#undef RESP
#undef FLAGS
    sb_parser_config_free(c);
}

static void test_bad_arguments(void)
{
    sb_parser_config *c = sb_parser_config_new();
    const char *s = "GET / HTTP/1.1\r\nA: b\r\n\r\n";
    size_t n = strlen(s);
    sb_header hs[4];
    sb_request req;
    sb_response resp;
    sb_header_block block;
    sb_error err;
    sb_header *misaligned = (sb_header *)(void *)((char *)hs + 4);

    memset(&err, 0xab, sizeof(err));
    CHECK(sb_parser_config_parse_request(NULL, s, n, 0, hs, 4, &req, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_parse_request(c, NULL, n, 0, hs, 4, &req, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_parse_request(c, NULL, 0, 0, hs, 4, &req, &err) == SB_RESULT_PARTIAL);
    CHECK(sb_parser_config_parse_request(c, s, n, 0, NULL, 4, &req, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_parse_request(c, s, n, 0, hs, 4, NULL, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_parse_request(c, s, SIZE_MAX, 0, hs, 4, &req, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_parser_config_parse_request(c, s, (size_t)PTRDIFF_MAX + 1, 0, hs, 4, &req, &err) ==
          SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_parser_config_parse_request(c, s, n, n + 1, hs, 4, &req, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_parser_config_parse_request(c, s, n, 0, hs, SIZE_MAX / 16, &req, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_parser_config_parse_request(c, s, n, 0, misaligned, 3, &req, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_parser_config_parse_request(c, s, n, 0, hs, 4, (sb_request *)(void *)((char *)&req + 1), &err) ==
          SB_RESULT_INVALID_ARGUMENT);
    CHECK(err.offset == UNTOUCHED); /* argument errors carry no head error detail */

    CHECK(sb_parser_config_parse_response(NULL, "HTTP/1.1 200 OK\r\n\r\n", 19, 0, hs, 4, &resp, &err) ==
          SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_parse_response(c, NULL, 19, 0, hs, 4, &resp, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_parse_response(c, "HTTP/1.1 200 OK\r\n\r\n", 19, 0, NULL, 1, &resp, &err) ==
          SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_parse_response(c, "HTTP/1.1 200 OK\r\n\r\n", 19, 0, hs, 4, NULL, &err) ==
          SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_parse_response(c, "HTTP/1.1 200 OK\r\n\r\n", 19, 20, hs, 4, &resp, &err) ==
          SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_parser_config_parse_response(c, "HTTP/1.1 200 OK\r\n\r\n", SIZE_MAX, 0, hs, 4, &resp, &err) ==
          SB_RESULT_INVALID_ARGUMENT);

    CHECK(sb_parser_config_parse_headers(NULL, "\r\n", 2, 0, hs, 4, &block, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_parse_headers(c, NULL, 2, 0, hs, 4, &block, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_parse_headers(c, "\r\n", 2, 0, NULL, 4, &block, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_parse_headers(c, "\r\n", 2, 0, hs, 4, NULL, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_parse_headers(c, "\r\n", 2, 3, hs, 4, &block, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_parser_config_parse_headers(c, "\r\n", SIZE_MAX, 0, hs, 4, &block, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_parser_config_parse_headers(c, "\r\n", 2, 0, misaligned, 1, &block, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_parser_config_parse_headers(c, "\r\n", 2, 0, hs, 4, &block, &err) == SB_RESULT_OK);
    sb_parser_config_free(c);
}


/* sb_decode_chunked_with_error: each error kind with its offset and status. */
static void chunked_error(int consume_trailer, const char *input, size_t len, sb_result code, size_t offset,
                          unsigned status)
{
    struct sb_chunked_decoder dec;
    char *buf = malloc(len + 8);
    size_t n = len;
    sb_error err;
    memset(&dec, 0, sizeof(dec));
    memset(&err, 0xab, sizeof(err));
    dec.consume_trailer = (char)consume_trailer;
    memcpy(buf, input, len);
    CHECK_CASE(sb_decode_chunked_with_error(&dec, buf, &n, &err) == -1, sb_result_message(code));
    CHECK_CASE(err.kind == code && n == len, sb_result_message(code));
    CHECK_CASE(err.offset == offset && err.status == status, sb_result_message(code));
    if (err.offset != offset)
        fprintf(stderr, "  offset %zu, expected %zu\n", err.offset, offset);
    CHECK(sb_result_http_status(code) == status);
    /* Called again: the decoder stays failed. */
    memcpy(buf, "0\r\n\r\n", 5);
    n = 5;
    CHECK(sb_decode_chunked_with_error(&dec, buf, &n, &err) == -1 && err.kind == SB_RESULT_CHUNKED_AFTER_ERROR);
    free(buf);
}

static void test_chunked(void)
{
    char *big;
    size_t i, n;
    struct sb_chunked_decoder dec;
    sb_error err;
    char ok[] = "3\r\nabc\r\n0\r\n\r\n";

#define S(str) str, sizeof(str) - 1
    chunked_error(0, S("z\r\n"), SB_RESULT_INVALID_CHUNK_SIZE, 0, 400);
    chunked_error(0, S("5\n"), SB_RESULT_INVALID_CHUNK_SIZE, 1, 400);
    chunked_error(0, S("fffffffffffffffff\r\n"), SB_RESULT_CHUNK_SIZE_OVERFLOW, 16, 400);
    chunked_error(0, S("5;a b\r\n"), SB_RESULT_INVALID_CHUNK_EXTENSION, 4, 400);
    chunked_error(0, S("5\rX"), SB_RESULT_CHUNKED_LINE_ENDING, 2, 400);
    chunked_error(0, S("5\r\nhelloXX"), SB_RESULT_MISSING_CHUNK_DATA_CRLF, 8, 400);
    chunked_error(0, S("40000001\r\n"), SB_RESULT_CHUNKED_BODY_TOO_LARGE, 9, 413);
    chunked_error(1, S("0\r\nA: b\n"), SB_RESULT_CHUNKED_LINE_ENDING, 7, 400);
#undef S

    /* A chunk extension longer than 1 KiB. */
    big = malloc(8 * 1024 * 1024);
    memcpy(big, "5;", 2);
    memset(big + 2, 'a', 1100);
    chunked_error(0, big, 1102, SB_RESULT_CHUNK_EXTENSION_TOO_LONG, 1026, 400);

    /* A flood of 1-byte chunks: framing outweighs data. */
    for (i = 0, n = 0; i < 8192; i++) {
        memcpy(big + n, "1\r\nx\r\n", 6);
        n += 6;
    }
    memset(&dec, 0, sizeof(dec));
    CHECK(sb_decode_chunked_with_error(&dec, big, &n, &err) == -1);
    CHECK(err.kind == SB_RESULT_CHUNKED_OVERHEAD && err.status == 400);

    /* A trailer section over 8 KiB, consumed. */
    memcpy(big, "0\r\nX: ", 6);
    memset(big + 6, 'v', 9000);
    memcpy(big + 9006, "\r\n\r\n", 4);
    chunked_error(1, big, 9010, SB_RESULT_TRAILERS_TOO_LARGE, 3 + 8192, 431);
    free(big);

    /* Success writes no error; NULL arguments return -1 and write nothing. */
    memset(&dec, 0, sizeof(dec));
    dec.consume_trailer = 1;
    memset(&err, 0xab, sizeof(err));
    n = sizeof(ok) - 1;
    CHECK(sb_decode_chunked_with_error(&dec, ok, &n, &err) == 0 && n == 3 && memcmp(ok, "abc", 3) == 0);
    CHECK(err.offset == UNTOUCHED);
    /* After the end of the body, everything passed is left undecoded. */
    CHECK(sb_decode_chunked_with_error(&dec, ok, &n, NULL) == 3 && n == 0);
    n = 3;
    CHECK(sb_decode_chunked_with_error(NULL, ok, &n, &err) == -1 && err.offset == UNTOUCHED);
    CHECK(sb_decode_chunked_with_error(&dec, NULL, &n, &err) == -1 && err.offset == UNTOUCHED);
    CHECK(sb_decode_chunked_with_error(&dec, ok, NULL, &err) == -1 && err.offset == UNTOUCHED);
    CHECK(sb_decode_chunked_with_error(&dec, ok, &n, (sb_error *)(void *)((char *)&err + 1)) == -1);
    CHECK(sizeof(struct sb_chunked_decoder) >= SB_CHUNKED_DECODER_PRIVATE_WORDS * 8);
}


/* Collects the pairs of `input` as "k=v;" into out; returns the result that ended the iteration. */
static sb_result urlencoded(const char *input, size_t len, uint32_t mode, char *out, size_t out_size)
{
    sb_urlencoded_pairs *it = NULL;
    sb_urlencoded_pair p;
    sb_result r = sb_urlencoded_pairs_new(input, len, mode, SB_URLENCODED_DEFAULT_MAX_PAIRS,
                                          SB_URLENCODED_DEFAULT_MAX_INPUT_BYTES, &it, NULL);
    size_t n = 0;
    out[0] = '\0';
    if (r != SB_RESULT_OK)
        return r;
    while ((r = sb_urlencoded_pairs_next(it, &p)) == SB_RESULT_OK) {
        CHECK(p.key != NULL && p.value != NULL);
        n += (size_t)snprintf(out + n, out_size - n, "%.*s=%.*s;", (int)p.key_len, p.key, (int)p.value_len, p.value);
    }
    /* Exhausted stays exhausted. */
    CHECK(sb_urlencoded_pairs_next(it, &p) == SB_RESULT_END);
    sb_urlencoded_pairs_free(it);
    return r;
}

static void test_urlencoded(void)
{
    char out[256];
    sb_urlencoded_pairs *it = (sb_urlencoded_pairs *)(void *)&it;
    sb_urlencoded_pair p;
    sb_error err;
    const char *nul = "a=x%00y&b";

    CHECK(urlencoded("q=a+b%21&&flag&x=%zz", 20, SB_URLENCODED_WHATWG, out, sizeof(out)) == SB_RESULT_END);
    CHECK(strcmp(out, "q=a b!;flag=;x=%zz;") == 0);
    CHECK(urlencoded("a=1;b=2& c=3&", 13, SB_URLENCODED_PERL, out, sizeof(out)) == SB_RESULT_END);
    CHECK(strcmp(out, "a=1;b=2;c=3;=;") == 0);
    CHECK(urlencoded("a=1;b=2", 7, SB_URLENCODED_WHATWG, out, sizeof(out)) == SB_RESULT_END);
    CHECK(strcmp(out, "a=1;b=2;") == 0);
    CHECK(urlencoded(NULL, 0, SB_URLENCODED_WHATWG, out, sizeof(out)) == SB_RESULT_END && out[0] == '\0');

    /* Bytes, not strings: a decoded NUL is kept. */
    CHECK(sb_urlencoded_pairs_new(nul, strlen(nul), SB_URLENCODED_WHATWG, 10, 100, &it, NULL) == SB_RESULT_OK);
    CHECK(sb_urlencoded_pairs_next(it, &p) == SB_RESULT_OK && p.value_len == 3 && memcmp(p.value, "x\0y", 3) == 0);
    CHECK(sb_urlencoded_pairs_next(it, &p) == SB_RESULT_OK && p.key_len == 1 && p.value_len == 0);
    CHECK(sb_urlencoded_pairs_next(it, &p) == SB_RESULT_END);
    sb_urlencoded_pairs_free(it);

    /* Batches: the same pairs as one at a time, in pieces of every size, with every span (the
     * decoded ones in the iterator's memory) still valid after the last call. */
    {
        const char *form = "a=1&b=x+y%21&&c&%41%42=%43&long=" "0123456789012345678901234567890123456789%2F&z";
        char one[256], joined[256];
        size_t cap;
        CHECK(urlencoded(form, strlen(form), SB_URLENCODED_WHATWG, one, sizeof(one)) == SB_RESULT_END);
        for (cap = 1; cap <= 8; cap++) {
            sb_urlencoded_pair batch[8], all[16];
            size_t got = 0, n, j, w = 0;
            CHECK(sb_urlencoded_pairs_new(form, strlen(form), SB_URLENCODED_WHATWG, 10, 100, &it, NULL) ==
                  SB_RESULT_OK);
            for (;;) {
                sb_result r;
                n = 99;
                r = sb_urlencoded_pairs_next_batch(it, batch, cap, &n);
                if (r == SB_RESULT_END) {
                    CHECK(n == 0);
                    break;
                }
                CHECK(r == SB_RESULT_OK && n >= 1 && n <= cap && got + n <= 16);
                memcpy(all + got, batch, n * sizeof(batch[0]));
                got += n;
            }
            CHECK(sb_urlencoded_pairs_next_batch(it, batch, cap, &n) == SB_RESULT_END && n == 0);
            joined[0] = '\0';
            for (j = 0; j < got; j++)
                w += (size_t)snprintf(joined + w, sizeof(joined) - w, "%.*s=%.*s;", (int)all[j].key_len, all[j].key,
                                      (int)all[j].value_len, all[j].value);
            CHECK(got == 6 && strcmp(joined, one) == 0);
            sb_urlencoded_pairs_free(it);
        }
        CHECK(strcmp(one, "a=1;b=x y!;c=;AB=C;long=0123456789012345678901234567890123456789/;z=;") == 0);
        /* Arguments. */
        CHECK(sb_urlencoded_pairs_new(form, strlen(form), SB_URLENCODED_WHATWG, 10, 100, &it, NULL) == SB_RESULT_OK);
        {
            sb_urlencoded_pair batch[2];
            size_t n = 7;
            CHECK(sb_urlencoded_pairs_next_batch(it, batch, 0, &n) == SB_RESULT_INVALID_ARGUMENT && n == 7);
            CHECK(sb_urlencoded_pairs_next_batch(it, NULL, 0, &n) == SB_RESULT_INVALID_ARGUMENT && n == 7);
            CHECK(sb_urlencoded_pairs_next_batch(it, NULL, 2, &n) == SB_RESULT_NULL_ARGUMENT && n == 7);
            CHECK(sb_urlencoded_pairs_next_batch(it, batch, 2, NULL) == SB_RESULT_NULL_ARGUMENT);
            CHECK(sb_urlencoded_pairs_next_batch(NULL, batch, 2, &n) == SB_RESULT_NULL_ARGUMENT && n == 7);
            CHECK(sb_urlencoded_pairs_next_batch(it, (sb_urlencoded_pair *)(void *)((char *)batch + 1), 1, &n) ==
                  SB_RESULT_INVALID_ARGUMENT);
            CHECK(sb_urlencoded_pairs_next_batch(it, batch, 2, &n) == SB_RESULT_OK && n == 2);
            CHECK(span_is(batch[0].key, batch[0].key_len, "a") && span_is(batch[1].value, batch[1].value_len, "x y!"));
        }
        sb_urlencoded_pairs_free(it);
    }

    /* SB_URLENCODED_UTF8: valid text as it is, each invalid sequence (raw or decoded) replaced by
     * U+FFFD; without the flag, bytes as they are. Unknown mode bits are refused. */
    {
        const char form[] = "k=caf%C3%A9&bad=%FF%FE&raw=a\xff+b&\xc3\xa9=%E2%82";
        const char *expect[] = {"k", "caf\xc3\xa9", "bad", "\xef\xbf\xbd\xef\xbf\xbd", "raw",
                                "a\xef\xbf\xbd b", "\xc3\xa9", "\xef\xbf\xbd"};
        const char *bytes[] = {"k", "caf\xc3\xa9", "bad", "\xff\xfe", "raw", "a\xff b", "\xc3\xa9", "\xe2\x82"};
        int utf8;
        for (utf8 = 0; utf8 <= 1; utf8++) {
            const char **want = utf8 ? expect : bytes;
            size_t j = 0;
            CHECK(sb_urlencoded_pairs_new(form, sizeof(form) - 1, SB_URLENCODED_WHATWG | (utf8 ? SB_URLENCODED_UTF8 : 0),
                                          10, 100, &it, NULL) == SB_RESULT_OK);
            while (sb_urlencoded_pairs_next(it, &p) == SB_RESULT_OK && j < 8) {
                CHECK(span_is(p.key, p.key_len, want[j]) && span_is(p.value, p.value_len, want[j + 1]));
                j += 2;
            }
            CHECK(j == 8);
            sb_urlencoded_pairs_free(it);
        }
        CHECK(sb_urlencoded_pairs_new("a", 1, SB_URLENCODED_PERL | SB_URLENCODED_UTF8, 10, 10, &it, NULL) ==
              SB_RESULT_OK);
        CHECK(sb_urlencoded_pairs_next(it, &p) == SB_RESULT_OK && span_is(p.key, p.key_len, "a"));
        sb_urlencoded_pairs_free(it);
        it = NULL;
        CHECK(sb_urlencoded_pairs_new("a", 1, 0x200, 10, 10, &it, NULL) == SB_RESULT_INVALID_ARGUMENT && it == NULL);
    }

    /* Limits fail the whole input, with detail. */
    it = NULL;
    memset(&err, 0xab, sizeof(err));
    CHECK(sb_urlencoded_pairs_new("a=1&b=2&c=3", 11, SB_URLENCODED_WHATWG, 2, 100, &it, &err) ==
          SB_RESULT_URLENCODED_TOO_MANY_PAIRS);
    CHECK(it == NULL && err.kind == SB_RESULT_URLENCODED_TOO_MANY_PAIRS && err.offset == 8 && err.status == 413);
    CHECK(sb_urlencoded_pairs_new("a=1&b=2&c=3", 11, SB_URLENCODED_WHATWG, 10, 10, &it, &err) ==
          SB_RESULT_URLENCODED_INPUT_TOO_LONG);
    CHECK(it == NULL && err.kind == SB_RESULT_URLENCODED_INPUT_TOO_LONG && err.offset == 10 && err.status == 413);
    CHECK(sb_urlencoded_pairs_new("a=1&b=2&c=3", 11, SB_URLENCODED_WHATWG, 10, 10, &it, NULL) ==
          SB_RESULT_URLENCODED_INPUT_TOO_LONG);

    /* Arguments. */
    memset(&err, 0xab, sizeof(err));
    CHECK(sb_urlencoded_pairs_new("a", 1, 7, 10, 10, &it, &err) == SB_RESULT_INVALID_ARGUMENT && it == NULL);
    CHECK(sb_urlencoded_pairs_new(NULL, 1, SB_URLENCODED_WHATWG, 10, 10, &it, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_urlencoded_pairs_new("a", SIZE_MAX, SB_URLENCODED_WHATWG, 10, 10, &it, &err) ==
          SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_urlencoded_pairs_new("a", 1, SB_URLENCODED_WHATWG, 10, 10, NULL, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(err.offset == UNTOUCHED && it == NULL);
    CHECK(sb_urlencoded_pairs_next(NULL, &p) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_urlencoded_pairs_new("a", 1, SB_URLENCODED_WHATWG, 10, 10, &it, &err) == SB_RESULT_OK && it != NULL);
    CHECK(sb_urlencoded_pairs_next(it, NULL) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_urlencoded_pairs_next(it, &p) == SB_RESULT_OK && p.key_len == 1);
    sb_urlencoded_pairs_free(it);
    sb_urlencoded_pairs_free(NULL);
}

int main(void)
{
    test_results();
    test_config();
    test_error_kinds();
    test_request_ok();
    test_response_and_headers_ok();
    test_flags();
    test_bad_arguments();
    test_chunked();
    test_urlencoded();
    return finish("extended");
}
