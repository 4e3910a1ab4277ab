/*
 * The extended calls over the parser's framing, env and response-head
 * modules and the urlencoded builder: sb_framing_*, sb_env_*,
 * sb_response_head_*, sb_urlencoded_build / _encode. Every call, every
 * result code they add, every argument check, "outputs written only on
 * success" (with the size outputs of SB_RESULT_BUFFER_TOO_SMALL), the
 * struct iovec layout, and inputs placed flush against PROT_NONE pages.
 */
#include <stdint.h>
#include <sys/uio.h>

#include <springbok.h>

#include "check.h"

/* What a size_t output memset to 0xab holds until a call writes it. */
#define UNTOUCHED (SIZE_MAX / 0xff * 0xab)

_Static_assert(sizeof(sb_iovec) == sizeof(struct iovec), "sb_iovec is struct iovec");
_Static_assert(_Alignof(sb_iovec) == _Alignof(struct iovec), "sb_iovec is struct iovec");
_Static_assert(offsetof(sb_iovec, base) == offsetof(struct iovec, iov_base), "iov_base");
_Static_assert(offsetof(sb_iovec, len) == offsetof(struct iovec, iov_len), "iov_len");
_Static_assert(sizeof(((sb_iovec *)0)->base) == sizeof(((struct iovec *)0)->iov_base), "iov_base size");
_Static_assert(sizeof(((sb_iovec *)0)->len) == sizeof(((struct iovec *)0)->iov_len), "iov_len size");
_Static_assert(sizeof(sb_env_pair) == 4 * sizeof(void *), "sb_env_pair");

static sb_parser_config *strict, *folding;

static sb_header H(const char *name, const char *value)
{
    sb_header h;
    h.name = name;
    h.name_len = name != NULL ? strlen(name) : 0;
    h.value = value;
    h.value_len = strlen(value);
    return h;
}

/* Parses a complete request with `config` into `hs` (128 entries). */
static int parse(sb_parser_config *config, const char *s, sb_header *hs, sb_request *req)
{
    sb_result r = sb_parser_config_parse_request(config, s, strlen(s), 0, hs, 128, req, NULL);
    if (r != SB_RESULT_OK)
        fprintf(stderr, "parse failed (%s): %s\n", sb_result_message(r), s);
    return r == SB_RESULT_OK;
}

static void test_results(void)
{
    static const uint32_t codes[] = {
        SB_RESULT_BUFFER_TOO_SMALL,
        SB_RESULT_TRANSFER_ENCODING_WITH_CONTENT_LENGTH,
        SB_RESULT_CHUNKED_NOT_FINAL,
        SB_RESULT_CHUNKED_TWICE,
        SB_RESULT_CHUNKED_WITH_PARAMETERS,
        SB_RESULT_INVALID_TRANSFER_ENCODING,
        SB_RESULT_UNSUPPORTED_TRANSFER_CODING,
        SB_RESULT_TRANSFER_ENCODING_IN_HTTP10,
        SB_RESULT_INVALID_CONTENT_LENGTH,
        SB_RESULT_CONTENT_LENGTH_OVERFLOW,
        SB_RESULT_CONFLICTING_CONTENT_LENGTH,
        SB_RESULT_INVALID_FRAMING,
        SB_RESULT_ENV_BAD_PERCENT_ENCODING,
        SB_RESULT_ENV_UNDERSCORE_HEADER,
        SB_RESULT_INVALID_ENV,
        SB_RESULT_RESPONSE_STATUS,
        SB_RESULT_RESPONSE_REASON,
        SB_RESULT_RESPONSE_HEADER_NAME,
        SB_RESULT_RESPONSE_HEADER_INJECTION,
        SB_RESULT_RESPONSE_HEADER_VALUE,
        SB_RESULT_INVALID_RESPONSE_HEAD,
    };
    size_t i, j;
    const char *unknown = sb_result_message(12345);
    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        const char *m = sb_result_message(codes[i]);
        CHECK(m != NULL && strlen(m) > 0 && strcmp(m, unknown) != 0);
        CHECK(strcmp(m, sb_result_message(SB_RESULT_HEADER_NAME)) != 0);
        for (j = 0; j < i; j++)
            CHECK(strcmp(m, sb_result_message(codes[j])) != 0);
    }
    CHECK(SB_RESULT_BUFFER_TOO_SMALL == 6);
    CHECK(SB_RESULT_TRANSFER_ENCODING_WITH_CONTENT_LENGTH == 500 && SB_RESULT_INVALID_FRAMING == 599);
    CHECK(SB_RESULT_ENV_BAD_PERCENT_ENCODING == 600 && SB_RESULT_INVALID_ENV == 699);
    CHECK(SB_RESULT_RESPONSE_STATUS == 700 && SB_RESULT_INVALID_RESPONSE_HEAD == 799);
    CHECK(strcmp(sb_result_message(SB_RESULT_TRANSFER_ENCODING_WITH_CONTENT_LENGTH),
                 "Transfer-Encoding with Content-Length") == 0);
    CHECK(sb_result_http_status(SB_RESULT_BUFFER_TOO_SMALL) == 0);
    CHECK(sb_result_http_status(SB_RESULT_TRANSFER_ENCODING_WITH_CONTENT_LENGTH) == 400);
    CHECK(sb_result_http_status(SB_RESULT_UNSUPPORTED_TRANSFER_CODING) == 501);
    CHECK(sb_result_http_status(SB_RESULT_INVALID_FRAMING) == 400);
    CHECK(sb_result_http_status(SB_RESULT_ENV_BAD_PERCENT_ENCODING) == 400);
    CHECK(sb_result_http_status(SB_RESULT_ENV_UNDERSCORE_HEADER) == 400);
    CHECK(sb_result_http_status(SB_RESULT_INVALID_ENV) == 400);
    CHECK(sb_result_http_status(SB_RESULT_RESPONSE_STATUS) == 500);
    CHECK(sb_result_http_status(SB_RESULT_RESPONSE_HEADER_INJECTION) == 500);
    CHECK(sb_result_http_status(SB_RESULT_INVALID_RESPONSE_HEAD) == 500);
    CHECK(sb_result_http_status(800) == 0);
}

/* ---------------------------------------------------------------- framing */

static void test_request_info(void)
{
    static const char upgrade[] =
        "GET /chat HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n";
    sb_header hs[128];
    sb_request req;
    sb_request_info info;
    sb_error err;

    CHECK(parse(strict, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", hs, &req));
    CHECK(sb_framing_request_info(&req, hs, &info, NULL) == SB_RESULT_OK);
    CHECK(info.body.kind == SB_BODY_KIND_NONE && info.body.content_length == 0);
    CHECK(info.keep_alive && info.expect == SB_EXPECT_NONE && info.upgrade == NULL && info.upgrade_len == 0);
    CHECK(!info.connect);

    CHECK(parse(strict, "POST / HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n", hs, &req));
    CHECK(sb_framing_request_info(&req, hs, &info, &err) == SB_RESULT_OK);
    CHECK(info.body.kind == SB_BODY_KIND_CONTENT_LENGTH && info.body.content_length == 5);
    CHECK(info.expect == SB_EXPECT_CONTINUE);

    CHECK(parse(strict, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: x\r\nConnection: close\r\n\r\n",
                hs, &req));
    CHECK(sb_framing_request_info(&req, hs, &info, &err) == SB_RESULT_OK);
    CHECK(info.body.kind == SB_BODY_KIND_CHUNKED && info.body.content_length == 0);
    CHECK(info.expect == SB_EXPECT_OTHER && !info.keep_alive);

    CHECK(parse(strict, "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 18446744073709551615\r\n\r\n",
                hs, &req));
    CHECK(sb_framing_request_info(&req, hs, &info, &err) == SB_RESULT_OK);
    CHECK(info.expect == SB_EXPECT_NONE && !info.keep_alive);
    CHECK(info.body.kind == SB_BODY_KIND_CONTENT_LENGTH && info.body.content_length == UINT64_MAX);

    CHECK(parse(strict, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", hs, &req));
    CHECK(sb_framing_request_info(&req, hs, &info, &err) == SB_RESULT_OK && info.keep_alive);

    CHECK(parse(strict, upgrade, hs, &req));
    CHECK(sb_framing_request_info(&req, hs, &info, &err) == SB_RESULT_OK);
    CHECK(span_is(info.upgrade, info.upgrade_len, "websocket"));
    CHECK(info.upgrade == hs[2].value && info.keep_alive);

    CHECK(parse(strict, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", hs, &req));
    CHECK(sb_framing_request_info(&req, hs, &info, &err) == SB_RESULT_OK && info.connect);
}

struct framing_case {
    const char *request;
    sb_result code;
    size_t header;
};

static const struct framing_case framing_cases[] = {
    {"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
     SB_RESULT_TRANSFER_ENCODING_WITH_CONTENT_LENGTH, 1},
    {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", SB_RESULT_CHUNKED_NOT_FINAL, 0},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
     SB_RESULT_CHUNKED_TWICE, 2},
    {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked;a=b\r\n\r\n", SB_RESULT_CHUNKED_WITH_PARAMETERS, 0},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: @\r\n\r\n", SB_RESULT_INVALID_TRANSFER_ENCODING, 1},
    {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", SB_RESULT_UNSUPPORTED_TRANSFER_CODING, 0},
    {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", SB_RESULT_TRANSFER_ENCODING_IN_HTTP10, 0},
    {"POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n", SB_RESULT_INVALID_CONTENT_LENGTH, 0},
    {"POST / HTTP/1.1\r\nContent-Length: 18446744073709551616\r\n\r\n", SB_RESULT_CONTENT_LENGTH_OVERFLOW, 0},
    {"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", SB_RESULT_CONFLICTING_CONTENT_LENGTH, 1},
};

static void test_framing_errors(void)
{
    size_t i;
    for (i = 0; i < sizeof(framing_cases) / sizeof(framing_cases[0]); i++) {
        const struct framing_case *c = &framing_cases[i];
        const char *what = sb_result_message(c->code);
        sb_header hs[128];
        sb_request req;
        sb_request_info info;
        sb_body body;
        sb_error err;
        uint16_t status = c->code == SB_RESULT_UNSUPPORTED_TRANSFER_CODING ? 501 : 400;

        CHECK_CASE(parse(strict, c->request, hs, &req), what);
        memset(&info, 0xab, sizeof(info));
        memset(&err, 0xab, sizeof(err));
        CHECK_CASE(sb_framing_request_info(&req, hs, &info, &err) == c->code, what);
        CHECK_CASE(err.kind == c->code && err.header == c->header && err.offset == c->header, what);
        CHECK_CASE(err.status == status && sb_result_http_status(c->code) == status, what);
        CHECK_CASE(all_bytes(&info, sizeof(info), 0xab), what);
        CHECK_CASE(sb_framing_request_info(&req, hs, &info, NULL) == c->code, what);

        memset(&body, 0xab, sizeof(body));
        memset(&err, 0xab, sizeof(err));
        CHECK_CASE(sb_framing_request_body(req.minor_version, hs, req.num_headers, &body, &err) == c->code, what);
        CHECK_CASE(err.kind == c->code && err.header == c->header && err.status == status, what);
        CHECK_CASE(all_bytes(&body, sizeof(body), 0xab), what);
    }
}

static void test_request_and_response_body(void)
{
    sb_header hs[4];
    sb_body body;
    sb_error err;
    bool ka;

    hs[0] = H("Content-Length", "10");
    CHECK(sb_framing_request_body(1, hs, 1, &body, &err) == SB_RESULT_OK);
    CHECK(body.kind == SB_BODY_KIND_CONTENT_LENGTH && body.content_length == 10);
    CHECK(sb_framing_request_body(0, NULL, 0, &body, &err) == SB_RESULT_OK && body.kind == SB_BODY_KIND_NONE);

    CHECK(sb_framing_response_body(1, 200, hs, 1, "GET", 3, &body, &err) == SB_RESULT_OK);
    CHECK(body.kind == SB_BODY_KIND_CONTENT_LENGTH && body.content_length == 10);
    CHECK(sb_framing_response_body(1, 204, hs, 1, "GET", 3, &body, &err) == SB_RESULT_OK);
    CHECK(body.kind == SB_BODY_KIND_NONE);
    CHECK(sb_framing_response_body(1, 304, hs, 1, NULL, 0, &body, &err) == SB_RESULT_OK);
    CHECK(body.kind == SB_BODY_KIND_NONE);
    CHECK(sb_framing_response_body(1, 100, hs, 1, NULL, 0, &body, &err) == SB_RESULT_OK);
    CHECK(body.kind == SB_BODY_KIND_NONE);
    CHECK(sb_framing_response_body(1, 200, hs, 1, "HEAD", 4, &body, &err) == SB_RESULT_OK);
    CHECK(body.kind == SB_BODY_KIND_NONE);
    CHECK(sb_framing_response_body(1, 200, hs, 1, "CONNECT", 7, &body, &err) == SB_RESULT_OK);
    CHECK(body.kind == SB_BODY_KIND_NONE);
    CHECK(sb_framing_response_body(1, 200, NULL, 0, NULL, 0, &body, &err) == SB_RESULT_OK);
    CHECK(body.kind == SB_BODY_KIND_UNTIL_CLOSE && body.content_length == 0);
    hs[0] = H("Transfer-Encoding", "gzip");
    CHECK(sb_framing_response_body(1, 200, hs, 1, NULL, 0, &body, &err) == SB_RESULT_OK);
    CHECK(body.kind == SB_BODY_KIND_UNTIL_CLOSE);
    hs[0] = H("Transfer-Encoding", "gzip, chunked");
    CHECK(sb_framing_response_body(1, 200, hs, 1, NULL, 0, &body, &err) == SB_RESULT_OK);
    CHECK(body.kind == SB_BODY_KIND_CHUNKED);
    hs[1] = H("Content-Length", "3");
    memset(&body, 0xab, sizeof(body));
    CHECK(sb_framing_response_body(1, 200, hs, 2, NULL, 0, &body, &err) ==
          SB_RESULT_TRANSFER_ENCODING_WITH_CONTENT_LENGTH);
    CHECK(err.header == 1 && err.status == 400 && all_bytes(&body, sizeof(body), 0xab));
    CHECK(sb_framing_response_body(0, 200, hs, 1, NULL, 0, &body, &err) == SB_RESULT_TRANSFER_ENCODING_IN_HTTP10);

    /* Response arguments. */
    memset(&err, 0xab, sizeof(err));
    CHECK(sb_framing_response_body(1, 99, hs, 1, NULL, 0, &body, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_framing_response_body(1, 1000, hs, 1, NULL, 0, &body, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_framing_response_body(1, -200, hs, 1, NULL, 0, &body, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_framing_response_body(2, 200, hs, 1, NULL, 0, &body, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_framing_response_body(1, 200, hs, 1, NULL, 3, &body, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_framing_response_body(1, 200, NULL, 1, NULL, 0, &body, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_framing_response_body(1, 200, hs, 1, NULL, 0, NULL, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_framing_response_body(1, 200, hs, SIZE_MAX, NULL, 0, &body, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_framing_response_body(1, 200, hs, 1, "GET", SIZE_MAX, &body, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(err.offset == UNTOUCHED && err.header == UNTOUCHED);

    /* Request-body arguments. */
    CHECK(sb_framing_request_body(-1, hs, 1, &body, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_framing_request_body(1, NULL, 1, &body, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_framing_request_body(1, hs, 1, NULL, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_framing_request_body(1, (const sb_header *)((const char *)hs + 1), 1, &body, &err) ==
          SB_RESULT_INVALID_ARGUMENT);
    hs[0].value = NULL;
    CHECK(sb_framing_request_body(1, hs, 1, &body, &err) == SB_RESULT_NULL_ARGUMENT);
    hs[0].value_len = 0;
    CHECK(sb_framing_request_body(1, hs, 1, &body, &err) == SB_RESULT_INVALID_TRANSFER_ENCODING);

    /* Keep-alive. */
    hs[0] = H("Connection", "Keep-Alive");
    hs[1] = H("connection", "close");
    CHECK(sb_framing_keep_alive(0, hs, 1, &ka) == SB_RESULT_OK && ka);
    CHECK(sb_framing_keep_alive(0, hs, 0, &ka) == SB_RESULT_OK && !ka);
    CHECK(sb_framing_keep_alive(1, NULL, 0, &ka) == SB_RESULT_OK && ka);
    CHECK(sb_framing_keep_alive(1, hs, 2, &ka) == SB_RESULT_OK && !ka);
    CHECK(sb_framing_keep_alive(3, hs, 2, &ka) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_framing_keep_alive(1, NULL, 2, &ka) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_framing_keep_alive(1, hs, 2, NULL) == SB_RESULT_NULL_ARGUMENT);
}

static void test_framing_arguments(void)
{
    sb_header hs[128];
    sb_request req, bad;
    sb_request_info info;
    sb_error err;

    CHECK(parse(strict, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", hs, &req));
    memset(&info, 0xab, sizeof(info));
    memset(&err, 0xab, sizeof(err));
    CHECK(sb_framing_request_info(NULL, hs, &info, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_framing_request_info(&req, NULL, &info, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_framing_request_info(&req, hs, NULL, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_framing_request_info((const sb_request *)((const char *)&req + 1), hs, &info, &err) ==
          SB_RESULT_INVALID_ARGUMENT);
    bad = req;
    bad.minor_version = 2;
    CHECK(sb_framing_request_info(&bad, hs, &info, &err) == SB_RESULT_INVALID_ARGUMENT);
    bad = req;
    bad.method = NULL;
    CHECK(sb_framing_request_info(&bad, hs, &info, &err) == SB_RESULT_NULL_ARGUMENT);
    bad = req;
    bad.target_len = SIZE_MAX;
    CHECK(sb_framing_request_info(&bad, hs, &info, &err) == SB_RESULT_INVALID_ARGUMENT);
    bad = req;
    bad.num_headers = SIZE_MAX / 2;
    CHECK(sb_framing_request_info(&bad, hs, &info, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(all_bytes(&info, sizeof(info), 0xab) && all_bytes(&err, sizeof(err), 0xab));
    bad = req;
    bad.num_headers = 0;
    CHECK(sb_framing_request_info(&bad, NULL, &info, &err) == SB_RESULT_OK && info.keep_alive);
}

/* -------------------------------------------------------------------- env */

static const sb_env_pair *find(const sb_env_pair *pairs, size_t n, const char *key)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (span_is(pairs[i].key, pairs[i].key_len, key))
            return &pairs[i];
    return NULL;
}

static int has(const sb_env_pair *pairs, size_t n, const char *key, const char *value)
{
    const sb_env_pair *p = find(pairs, n, key);
    return p != NULL && span_is(p->value, p->value_len, value);
}

/* Every span is non-NULL, every key appears once, and every span is in the
 * input buffer, the used arena, or elsewhere (static) but never in the
 * unused arena. */
static int well_formed(const sb_env_pair *pairs, size_t n, const char *arena, size_t used, size_t arena_len)
{
    size_t i, j;
    for (i = 0; i < n; i++) {
        const char *spans[2];
        size_t lens[2], k;
        spans[0] = pairs[i].key;
        lens[0] = pairs[i].key_len;
        spans[1] = pairs[i].value;
        lens[1] = pairs[i].value_len;
        for (k = 0; k < 2; k++) {
            if (spans[k] == NULL)
                return 0;
            if (arena != NULL && (uintptr_t)spans[k] >= (uintptr_t)arena &&
                (uintptr_t)spans[k] < (uintptr_t)(arena + arena_len) &&
                (uintptr_t)(spans[k] + lens[k]) > (uintptr_t)(arena + used))
                return 0;
        }
        for (j = 0; j < i; j++)
            if (pairs[j].key_len == pairs[i].key_len && memcmp(pairs[j].key, pairs[i].key, pairs[i].key_len) == 0)
                return 0;
    }
    return 1;
}

static void test_env_psgi_and_rack(void)
{
    static const char buf[] = "GET /caf%C3%A9?x=1 HTTP/1.1\r\nHost: example.com\r\nX-Custom: a\r\n"
                              "Content-Type: text/plain\r\nx-custom: b\r\nContent-Length: 0\r\n\r\n";
    sb_header hs[128];
    sb_request req;
    sb_env_pair pairs[64];
    char arena[256];
    sb_env_sizes sizes, used;
    sb_error err;
    const sb_env_pair *p;

    CHECK(parse(strict, buf, hs, &req));
    CHECK(sb_env_size(SB_ENV_PSGI, &req, hs, &sizes, &err) == SB_RESULT_OK);
    CHECK(sizes.pairs == 10 && sizes.arena == (sizeof("/café") - 1) + (sizeof("a, b") - 1) + (sizeof("HTTP_X_CUSTOM") - 1));
    memset(arena, 0xab, sizeof(arena));
    CHECK(sb_env_flatten(SB_ENV_PSGI, &req, hs, pairs, 64, arena, sizeof(arena), &used, &err) == SB_RESULT_OK);
    CHECK(used.pairs == sizes.pairs && used.arena == sizes.arena);
    CHECK(all_bytes(arena + used.arena, sizeof(arena) - used.arena, 0xab));
    CHECK(well_formed(pairs, used.pairs, arena, used.arena, sizeof(arena)));
    CHECK(used.pairs > 0 && span_is(pairs[0].key, pairs[0].key_len, "REQUEST_METHOD") && span_is(pairs[0].value, 3, "GET"));
    CHECK(has(pairs, used.pairs, "REQUEST_URI", "/caf%C3%A9?x=1"));
    CHECK(has(pairs, used.pairs, "SCRIPT_NAME", ""));
    CHECK(has(pairs, used.pairs, "PATH_INFO", "/café"));
    CHECK(has(pairs, used.pairs, "QUERY_STRING", "x=1"));
    CHECK(has(pairs, used.pairs, "SERVER_PROTOCOL", "HTTP/1.1"));
    CHECK(has(pairs, used.pairs, "HTTP_HOST", "example.com"));
    CHECK(has(pairs, used.pairs, "HTTP_X_CUSTOM", "a, b"));
    CHECK(has(pairs, used.pairs, "CONTENT_TYPE", "text/plain"));
    CHECK(has(pairs, used.pairs, "CONTENT_LENGTH", "0"));
    CHECK(find(pairs, used.pairs, "FRAGMENT") == NULL && find(pairs, used.pairs, "HTTP_CONTENT_TYPE") == NULL);
    p = find(pairs, used.pairs, "HTTP_HOST");
    CHECK(p != NULL && p->value == hs[0].value);
    p = find(pairs, used.pairs, "PATH_INFO");
    CHECK(p != NULL && p->value >= arena && p->value < arena + used.arena);

    /* Rack: raw PATH_INFO, REQUEST_PATH, FRAGMENT, HTTP_VERSION. */
    CHECK(sb_env_size(SB_ENV_RACK, &req, hs, &sizes, NULL) == SB_RESULT_OK && sizes.pairs == 12);
    CHECK(sb_env_flatten(SB_ENV_RACK, &req, hs, pairs, 64, arena, sizeof(arena), &used, NULL) == SB_RESULT_OK);
    CHECK(used.pairs == 12 && used.arena == sizes.arena);
    CHECK(well_formed(pairs, used.pairs, arena, used.arena, sizeof(arena)));
    CHECK(has(pairs, used.pairs, "PATH_INFO", "/caf%C3%A9"));
    CHECK(has(pairs, used.pairs, "REQUEST_PATH", "/caf%C3%A9"));
    CHECK(has(pairs, used.pairs, "REQUEST_URI", "/caf%C3%A9?x=1"));
    CHECK(has(pairs, used.pairs, "HTTP_VERSION", "HTTP/1.1"));
    CHECK(sb_env_flatten(SB_ENV_RACK | SB_ENV_RACK_NO_HTTP_VERSION, &req, hs, pairs, 64, arena, sizeof(arena),
                         &used, NULL) == SB_RESULT_OK);
    CHECK(used.pairs == 11 && find(pairs, used.pairs, "HTTP_VERSION") == NULL);

    /* Only static keys and borrowed values: no arena needed at all. */
    CHECK(parse(strict, "GET / HTTP/1.0\r\nHost: a\r\nUser-Agent: u\r\n\r\n", hs, &req));
    CHECK(sb_env_flatten(SB_ENV_PSGI, &req, hs, pairs, 8, NULL, 0, &used, &err) == SB_RESULT_OK);
    CHECK(used.pairs == 8 && used.arena == 0 && well_formed(pairs, used.pairs, NULL, 0, 0));
    CHECK(has(pairs, used.pairs, "SERVER_PROTOCOL", "HTTP/1.0") && has(pairs, used.pairs, "QUERY_STRING", ""));
}

static void test_env_underscores_and_folds(void)
{
    sb_header hs[128];
    sb_request req;
    sb_env_pair pairs[32];
    char arena[128];
    sb_env_sizes sizes;
    sb_error err;

    CHECK(parse(strict, "GET / HTTP/1.1\r\nHost: a\r\nX_Foo: 1\r\nX-Foo: 2\r\n\r\n", hs, &req));
    CHECK(sb_env_flatten(SB_ENV_PSGI, &req, hs, pairs, 32, arena, sizeof(arena), &sizes, &err) == SB_RESULT_OK);
    CHECK(has(pairs, sizes.pairs, "HTTP_X_FOO", "2") && sizes.pairs == 8);
    CHECK(sb_env_flatten(SB_ENV_UNDERSCORES_ALLOW, &req, hs, pairs, 32, arena, sizeof(arena), &sizes, &err) ==
          SB_RESULT_OK);
    CHECK(has(pairs, sizes.pairs, "HTTP_X_FOO", "1, 2"));
    memset(&sizes, 0xab, sizeof(sizes));
    memset(&err, 0xab, sizeof(err));
    memset(pairs, 0xab, sizeof(pairs));
    memset(arena, 0xab, sizeof(arena));
    CHECK(sb_env_flatten(SB_ENV_RACK | SB_ENV_UNDERSCORES_REJECT, &req, hs, pairs, 32, arena, sizeof(arena), &sizes,
                         &err) == SB_RESULT_ENV_UNDERSCORE_HEADER);
    CHECK(err.kind == SB_RESULT_ENV_UNDERSCORE_HEADER && err.header == 1 && err.offset == 1 && err.status == 400);
    CHECK(all_bytes(&sizes, sizeof(sizes), 0xab) && all_bytes(pairs, sizeof(pairs), 0xab));
    CHECK(all_bytes(arena, sizeof(arena), 0xab));
    memset(&err, 0xab, sizeof(err));
    CHECK(sb_env_size(SB_ENV_UNDERSCORES_REJECT, &req, hs, &sizes, &err) == SB_RESULT_ENV_UNDERSCORE_HEADER);
    CHECK(err.header == 1 && all_bytes(&sizes, sizeof(sizes), 0xab));
    CHECK(sb_env_size(SB_ENV_UNDERSCORES_REJECT, &req, hs, &sizes, NULL) == SB_RESULT_ENV_UNDERSCORE_HEADER);

    /* An obs-fold continuation line (a NULL name) is joined with one SP. */
    CHECK(parse(folding, "GET / HTTP/1.1\r\nX-A: a\r\n  b\r\nX-B: c\r\n\r\n", hs, &req));
    CHECK(req.num_headers == 3 && hs[1].name == NULL);
    CHECK(sb_env_flatten(SB_ENV_PSGI, &req, hs, pairs, 32, arena, sizeof(arena), &sizes, &err) == SB_RESULT_OK);
    CHECK(has(pairs, sizes.pairs, "HTTP_X_A", "a b") && has(pairs, sizes.pairs, "HTTP_X_B", "c"));
}

static void test_env_percent_and_storage(void)
{
    sb_request req;
    sb_header hs[128];
    sb_env_pair pairs[16];
    char arena[64];
    sb_env_sizes sizes;
    sb_error err;

    /* A request filled in by the caller (no parse): a bad escape in the path. */
    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.method_len = 3;
    req.target = "/a%zz?b%zz";
    req.target_len = strlen(req.target);
    req.minor_version = 1;
    memset(&sizes, 0xab, sizeof(sizes));
    memset(&err, 0xab, sizeof(err));
    CHECK(sb_env_flatten(SB_ENV_PSGI, &req, NULL, pairs, 16, arena, sizeof(arena), &sizes, &err) ==
          SB_RESULT_ENV_BAD_PERCENT_ENCODING);
    CHECK(err.kind == SB_RESULT_ENV_BAD_PERCENT_ENCODING && err.offset == 2 && err.status == 400);
    CHECK(err.header == SIZE_MAX && all_bytes(&sizes, sizeof(sizes), 0xab));
    CHECK(sb_env_size(SB_ENV_PSGI, &req, NULL, &sizes, &err) == SB_RESULT_ENV_BAD_PERCENT_ENCODING);
    req.target = "/a%4";
    req.target_len = 4;
    CHECK(sb_env_size(SB_ENV_PSGI, &req, NULL, &sizes, &err) == SB_RESULT_ENV_BAD_PERCENT_ENCODING &&
          err.offset == 2);
    /* Rack keeps PATH_INFO raw: no error. */
    CHECK(sb_env_flatten(SB_ENV_RACK, &req, NULL, pairs, 16, arena, sizeof(arena), &sizes, &err) == SB_RESULT_OK);
    CHECK(has(pairs, sizes.pairs, "PATH_INFO", "/a%4"));
    /* A fragment (which the strict parser refuses, but a lenient one or the
     * caller may pass): stripped for PSGI, FRAGMENT for Rack. */
    req.target = "/p%41?q=1#frag";
    req.target_len = strlen(req.target);
    CHECK(sb_env_flatten(SB_ENV_PSGI, &req, NULL, pairs, 16, arena, sizeof(arena), &sizes, &err) == SB_RESULT_OK);
    CHECK(sizes.pairs == 6 && has(pairs, sizes.pairs, "PATH_INFO", "/pA") &&
          has(pairs, sizes.pairs, "REQUEST_URI", "/p%41?q=1#frag") && has(pairs, sizes.pairs, "QUERY_STRING", "q=1"));
    CHECK(sb_env_flatten(SB_ENV_RACK, &req, NULL, pairs, 16, arena, sizeof(arena), &sizes, &err) == SB_RESULT_OK);
    CHECK(sizes.pairs == 9 && has(pairs, sizes.pairs, "FRAGMENT", "frag") &&
          has(pairs, sizes.pairs, "REQUEST_URI", "/p%41?q=1") && has(pairs, sizes.pairs, "PATH_INFO", "/p%41"));

    /* Storage too small: the needed sizes, nothing else written. */
    CHECK(parse(strict, "GET /%41 HTTP/1.1\r\nX-Rare-Header: 1\r\nX-Other: 2\r\n\r\n", hs, &req));
    CHECK(sb_env_size(SB_ENV_PSGI, &req, hs, &sizes, &err) == SB_RESULT_OK);
    CHECK(sizes.pairs == 8 && sizes.arena == 2 + 18 + 12);
    memset(pairs, 0xab, sizeof(pairs));
    memset(arena, 0xab, sizeof(arena));
    memset(&sizes, 0, sizeof(sizes));
    memset(&err, 0xab, sizeof(err));
    CHECK(sb_env_flatten(SB_ENV_PSGI, &req, hs, pairs, 7, arena, sizeof(arena), &sizes, &err) ==
          SB_RESULT_BUFFER_TOO_SMALL);
    CHECK(sizes.pairs == 8 && sizes.arena == 32);
    CHECK(all_bytes(pairs, sizeof(pairs), 0xab) && all_bytes(arena, sizeof(arena), 0xab));
    CHECK(all_bytes(&err, sizeof(err), 0xab));
    memset(&sizes, 0, sizeof(sizes));
    CHECK(sb_env_flatten(SB_ENV_PSGI, &req, hs, pairs, 16, arena, 31, &sizes, &err) == SB_RESULT_BUFFER_TOO_SMALL);
    CHECK(sizes.pairs == 8 && sizes.arena == 32);
    CHECK(all_bytes(pairs, sizeof(pairs), 0xab) && all_bytes(arena, sizeof(arena), 0xab));
    memset(&sizes, 0, sizeof(sizes));
    CHECK(sb_env_flatten(SB_ENV_PSGI, &req, hs, NULL, 0, NULL, 0, &sizes, NULL) == SB_RESULT_BUFFER_TOO_SMALL);
    CHECK(sizes.pairs == 8 && sizes.arena == 32);
    CHECK(sb_env_flatten(SB_ENV_PSGI, &req, hs, pairs, 8, arena, 32, &sizes, &err) == SB_RESULT_OK);
    CHECK(sizes.pairs == 8 && sizes.arena == 32 && all_bytes(arena + 32, sizeof(arena) - 32, 0xab));
    CHECK(has(pairs, sizes.pairs, "PATH_INFO", "/A") && has(pairs, sizes.pairs, "HTTP_X_RARE_HEADER", "1"));
    CHECK(well_formed(pairs, sizes.pairs, arena, 32, sizeof(arena)));
}

static void test_env_many_headers(void)
{
    static char buf[8192];
    static sb_header hs[128];
    static sb_env_pair pairs[SB_ENV_MAX_FIXED_PAIRS + 128];
    static char arena[4096];
    size_t n = 0, i;
    sb_request req;
    sb_env_sizes sizes;
    sb_error err;

    n += (size_t)sprintf(buf + n, "GET / HTTP/1.1\r\n");
    for (i = 0; i < 120; i++)
        n += (size_t)sprintf(buf + n, "X-H%zu: v%zu\r\n", i, i);
    n += (size_t)sprintf(buf + n, "\r\n");
    CHECK(parse(strict, buf, hs, &req) && req.num_headers == 120);
    CHECK(sb_env_size(SB_ENV_RACK, &req, hs, &sizes, &err) == SB_RESULT_OK && sizes.pairs == 128);
    CHECK(sb_env_flatten(SB_ENV_RACK, &req, hs, pairs, SB_ENV_MAX_FIXED_PAIRS + req.num_headers, arena,
                         sizeof(arena), &sizes, &err) == SB_RESULT_OK);
    CHECK(sizes.pairs == 128 && has(pairs, sizes.pairs, "HTTP_X_H119", "v119"));
    CHECK(well_formed(pairs, sizes.pairs, arena, sizes.arena, sizeof(arena)));
}

static void test_env_arguments(void)
{
    sb_header hs[128];
    sb_request req, bad;
    sb_env_pair pairs[16];
    char arena[64];
    sb_env_sizes sizes;
    sb_error err;

    CHECK(parse(strict, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", hs, &req));
    memset(&sizes, 0xab, sizeof(sizes));
    memset(&err, 0xab, sizeof(err));
    CHECK(sb_env_size(1u << 4, &req, hs, &sizes, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_env_size(SB_ENV_UNDERSCORES_REJECT | SB_ENV_UNDERSCORES_ALLOW, &req, hs, &sizes, &err) ==
          SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_env_size(SB_ENV_RACK_NO_HTTP_VERSION, &req, hs, &sizes, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_env_size(SB_ENV_PSGI, NULL, hs, &sizes, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_env_size(SB_ENV_PSGI, &req, NULL, &sizes, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_env_size(SB_ENV_PSGI, &req, hs, NULL, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_env_flatten(1u << 31, &req, hs, pairs, 16, arena, 64, &sizes, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_env_flatten(SB_ENV_PSGI, NULL, hs, pairs, 16, arena, 64, &sizes, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_env_flatten(SB_ENV_PSGI, &req, hs, NULL, 16, arena, 64, &sizes, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_env_flatten(SB_ENV_PSGI, &req, hs, pairs, 16, NULL, 64, &sizes, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_env_flatten(SB_ENV_PSGI, &req, hs, pairs, 16, arena, 64, NULL, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_env_flatten(SB_ENV_PSGI, &req, hs, pairs, SIZE_MAX, arena, 64, &sizes, &err) ==
          SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_env_flatten(SB_ENV_PSGI, &req, hs, pairs, 16, arena, SIZE_MAX, &sizes, &err) ==
          SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_env_flatten(SB_ENV_PSGI, &req, hs, (sb_env_pair *)((char *)pairs + 1), 15, arena, 64, &sizes, &err) ==
          SB_RESULT_INVALID_ARGUMENT);
    bad = req;
    bad.minor_version = 5;
    CHECK(sb_env_flatten(SB_ENV_PSGI, &bad, hs, pairs, 16, arena, 64, &sizes, &err) == SB_RESULT_INVALID_ARGUMENT);
    bad = req;
    bad.target = NULL;
    CHECK(sb_env_size(SB_ENV_PSGI, &bad, hs, &sizes, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(all_bytes(&sizes, sizeof(sizes), 0xab) && all_bytes(&err, sizeof(err), 0xab));
}

/* ---------------------------------------------------------- response head */

/* Writes the head with all three calls, checks they agree, and returns the
 * buffer form's result; (out, *out_len) gets the bytes. */
static sb_result head3(int status, const char *reason, size_t reason_len, const sb_header *hs, size_t n,
                       uint32_t flags, char *out, size_t *out_len, sb_response_head_info *info_out)
{
    sb_response_head_info info;
    sb_iovec iov[512];
    char joined[4096];
    size_t len, count, i, pos = 0;
    sb_error e1, e2, e3;
    sb_result r1, r2, r3;

    r1 = sb_response_head_size(status, reason, reason_len, hs, n, flags, &info, &e1);
    r2 = sb_response_head_write(status, reason, reason_len, hs, n, flags, out, 4096, &len, &e2);
    r3 = sb_response_head_iovecs(status, reason, reason_len, hs, n, flags, iov, 512, &count, &e3);
    CHECK(r1 == r2 && r2 == r3);
    if (r1 != SB_RESULT_OK) {
        CHECK(e1.kind == e2.kind && e1.offset == e2.offset && e1.status == e2.status && e1.header == e2.header);
        CHECK(e1.kind == e3.kind && e1.offset == e3.offset && e1.status == e3.status && e1.header == e3.header);
        CHECK(e1.kind == r1 && e1.status == 500);
        *out_len = 0;
        return r1;
    }
    CHECK(info.len == len && info.iovec_count == count);
    for (i = 0; i < count; i++) {
        CHECK(iov[i].base != NULL && iov[i].len > 0);
        memcpy(joined + pos, iov[i].base, iov[i].len);
        pos += iov[i].len;
    }
    CHECK(pos == len && memcmp(joined, out, len) == 0);
    *out_len = len;
    if (info_out != NULL)
        *info_out = info;
    return r1;
}

static void test_response_head_ok(void)
{
    char out[4096];
    size_t len;
    sb_header hs[4];
    sb_response_head_info info;

    hs[0] = H("Content-Type", "text/plain");
    hs[1] = H("Content-Length", "5");
    CHECK(head3(200, NULL, 0, hs, 2, 0, out, &len, &info) == SB_RESULT_OK);
    CHECK(span_is(out, len, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n"));
    CHECK(info.dropped == 0);
    CHECK(head3(200, "Okey Dokey", 10, hs, 1, SB_RESPONSE_HTTP_1_0, out, &len, NULL) == SB_RESULT_OK);
    CHECK(span_is(out, len, "HTTP/1.0 200 Okey Dokey\r\nContent-Type: text/plain\r\n\r\n"));
    CHECK(head3(200, "", 0, NULL, 0, 0, out, &len, NULL) == SB_RESULT_OK);
    CHECK(span_is(out, len, "HTTP/1.1 200 \r\n\r\n"));
    CHECK(head3(599, NULL, 0, NULL, 0, 0, out, &len, NULL) == SB_RESULT_OK);
    CHECK(span_is(out, len, "HTTP/1.1 599 \r\n\r\n"));
    CHECK(head3(999, "x\t\x80y", 4, NULL, 0, 0, out, &len, NULL) == SB_RESULT_OK);
    CHECK(span_is(out, len, "HTTP/1.1 999 x\t\x80y\r\n\r\n"));
    CHECK(head3(413, NULL, 0, NULL, 0, 0, out, &len, NULL) == SB_RESULT_OK);
    CHECK(span_is(out, len, "HTTP/1.1 413 Content Too Large\r\n\r\n"));

    /* 1xx, 204 and 304 drop Content-Length and Transfer-Encoding. */
    hs[2] = H("ETag", "\"1\"");
    hs[3] = H("transfer-encoding", "chunked");
    CHECK(head3(304, NULL, 0, hs, 4, 0, out, &len, &info) == SB_RESULT_OK);
    CHECK(span_is(out, len, "HTTP/1.1 304 Not Modified\r\nContent-Type: text/plain\r\nETag: \"1\"\r\n\r\n"));
    CHECK(info.dropped == 2);

    /* Rack 2 newline-joined values. */
    hs[0] = H("Set-Cookie", "a=1\n\nb=2\n");
    hs[1] = H("X-Empty", "\n\n");
    hs[2] = H("X-None", "");
    CHECK(head3(200, NULL, 0, hs, 3, SB_RESPONSE_SPLIT_NEWLINES, out, &len, NULL) == SB_RESULT_OK);
    CHECK(span_is(out, len, "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: \r\nSet-Cookie: b=2\r\nX-None: \r\n\r\n"));
    CHECK(head3(200, NULL, 0, hs, 1, 0, out, &len, NULL) == SB_RESULT_RESPONSE_HEADER_INJECTION);
}

static void test_response_head_writev(void)
{
    sb_header hs[2];
    sb_iovec iov[16];
    size_t count, len;
    char want[256], got[256];
    int fds[2];
    ssize_t w, r;

    hs[0] = H("Server", "springbok");
    hs[1] = H("Content-Length", "0");
    CHECK(sb_response_head_write(404, NULL, 0, hs, 2, 0, want, sizeof(want), &len, NULL) == SB_RESULT_OK);
    CHECK(sb_response_head_iovecs(404, NULL, 0, hs, 2, 0, iov, 16, &count, NULL) == SB_RESULT_OK);
    CHECK(pipe(fds) == 0);
    w = writev(fds[1], (const struct iovec *)(const void *)iov, (int)count);
    CHECK(w == (ssize_t)len);
    r = read(fds[0], got, sizeof(got));
    CHECK(r == (ssize_t)len && memcmp(got, want, len) == 0);
    CHECK(span_is(got, len, "HTTP/1.1 404 Not Found\r\nServer: springbok\r\nContent-Length: 0\r\n\r\n"));
    close(fds[0]);
    close(fds[1]);
}

struct head_error_case {
    int status;
    const char *reason; /* NULL: default */
    size_t reason_len;
    const char *name;
    const char *value;
    size_t value_len;
    sb_result code;
    size_t header;
    size_t offset;
};

static const struct head_error_case head_errors[] = {
    {99, NULL, 0, "A", "b", 1, SB_RESULT_RESPONSE_STATUS, SIZE_MAX, 0},
    {1000, NULL, 0, "A", "b", 1, SB_RESULT_RESPONSE_STATUS, SIZE_MAX, 0},
    {-1, NULL, 0, "A", "b", 1, SB_RESULT_RESPONSE_STATUS, SIZE_MAX, 0},
    {65736, NULL, 0, "A", "b", 1, SB_RESULT_RESPONSE_STATUS, SIZE_MAX, 0},
    {200, "OK\r", 3, "A", "b", 1, SB_RESULT_RESPONSE_REASON, SIZE_MAX, 2},
    {200, "O\nK", 3, "A", "b", 1, SB_RESULT_RESPONSE_REASON, SIZE_MAX, 1},
    {200, NULL, 0, "Bad Name", "b", 1, SB_RESULT_RESPONSE_HEADER_NAME, 1, 3},
    {200, NULL, 0, "", "b", 1, SB_RESULT_RESPONSE_HEADER_NAME, 1, 0},
    {200, NULL, 0, NULL, "b", 1, SB_RESULT_RESPONSE_HEADER_NAME, 1, 0},
    {200, NULL, 0, "Name:", "b", 1, SB_RESULT_RESPONSE_HEADER_NAME, 1, 4},
    {200, NULL, 0, "Location", "/x\r\nSet-Cookie: a=b", 19, SB_RESULT_RESPONSE_HEADER_INJECTION, 1, 2},
    {200, NULL, 0, "Location", "/x\nSet-Cookie: a=b", 18, SB_RESULT_RESPONSE_HEADER_INJECTION, 1, 2},
    {200, NULL, 0, "A", "ab\0c", 4, SB_RESULT_RESPONSE_HEADER_INJECTION, 1, 2},
    {200, NULL, 0, "A", "a\x01", 2, SB_RESULT_RESPONSE_HEADER_VALUE, 1, 1},
    {200, NULL, 0, "A", "a\x7f", 2, SB_RESULT_RESPONSE_HEADER_VALUE, 1, 1},
};

static void test_response_head_errors(void)
{
    size_t i;
    for (i = 0; i < sizeof(head_errors) / sizeof(head_errors[0]); i++) {
        const struct head_error_case *c = &head_errors[i];
        const char *what = sb_result_message(c->code);
        sb_header hs[3];
        sb_response_head_info info;
        sb_iovec iov[32];
        char buf[256];
        size_t len, count;
        sb_error err;

        hs[0] = H("Good", "fine");
        hs[1].name = c->name;
        hs[1].name_len = c->name != NULL ? strlen(c->name) : 0;
        hs[1].value = c->value;
        hs[1].value_len = c->value_len;
        hs[2] = H("Also-Good", "x");
        memset(&info, 0xab, sizeof(info));
        memset(buf, 0xab, sizeof(buf));
        memset(iov, 0xab, sizeof(iov));
        memset(&len, 0xab, sizeof(len));
        memset(&count, 0xab, sizeof(count));
        memset(&err, 0xab, sizeof(err));
        CHECK_CASE(sb_response_head_size(c->status, c->reason, c->reason_len, hs, 3, 0, &info, &err) == c->code,
                   what);
        CHECK_CASE(err.kind == c->code && err.header == c->header && err.offset == c->offset, what);
        CHECK_CASE(err.status == 500 && all_bytes(&info, sizeof(info), 0xab), what);
        memset(&err, 0xab, sizeof(err));
        CHECK_CASE(sb_response_head_write(c->status, c->reason, c->reason_len, hs, 3, 0, buf, sizeof(buf), &len,
                                          &err) == c->code,
                   what);
        CHECK_CASE(err.kind == c->code && err.header == c->header && err.offset == c->offset, what);
        CHECK_CASE(len == UNTOUCHED && all_bytes(buf, sizeof(buf), 0xab), what);
        memset(&err, 0xab, sizeof(err));
        CHECK_CASE(sb_response_head_iovecs(c->status, c->reason, c->reason_len, hs, 3, 0, iov, 32, &count, &err) ==
                       c->code,
                   what);
        CHECK_CASE(err.kind == c->code && err.header == c->header && err.offset == c->offset, what);
        CHECK_CASE(count == UNTOUCHED && all_bytes(iov, sizeof(iov), 0xab), what);
        CHECK_CASE(sb_response_head_write(c->status, c->reason, c->reason_len, hs, 3, 0, buf, sizeof(buf), &len,
                                          NULL) == c->code,
                   what);
    }
}

static void test_response_head_storage(void)
{
    char buf[256];
    sb_iovec iov[32];
    size_t len, count, want_len, want_count;
    sb_header hs[2];
    sb_error err;

    hs[0] = H("Content-Type", "text/html");
    hs[1] = H("X-A", "b");
    CHECK(sb_response_head_write(200, NULL, 0, hs, 2, 0, buf, sizeof(buf), &want_len, NULL) == SB_RESULT_OK);
    CHECK(sb_response_head_iovecs(200, NULL, 0, hs, 2, 0, iov, 32, &want_count, NULL) == SB_RESULT_OK);
    CHECK(want_len == strlen("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-A: b\r\n\r\n"));
    CHECK(want_count == 4 + 4 + 4 + 1);

    memset(buf, 0xab, sizeof(buf));
    memset(&err, 0xab, sizeof(err));
    CHECK(sb_response_head_write(200, NULL, 0, hs, 2, 0, buf, want_len - 1, &len, &err) ==
          SB_RESULT_BUFFER_TOO_SMALL);
    CHECK(len == want_len && all_bytes(buf, sizeof(buf), 0xab) && all_bytes(&err, sizeof(err), 0xab));
    CHECK(sb_response_head_write(200, NULL, 0, hs, 2, 0, NULL, 0, &len, &err) == SB_RESULT_BUFFER_TOO_SMALL);
    CHECK(len == want_len);
    CHECK(sb_response_head_write(200, NULL, 0, hs, 2, 0, buf, want_len, &len, &err) == SB_RESULT_OK);
    CHECK(len == want_len && all_bytes(buf + want_len, sizeof(buf) - want_len, 0xab));

    memset(iov, 0xab, sizeof(iov));
    CHECK(sb_response_head_iovecs(200, NULL, 0, hs, 2, 0, iov, want_count - 1, &count, &err) ==
          SB_RESULT_BUFFER_TOO_SMALL);
    CHECK(count == want_count && all_bytes(iov, sizeof(iov), 0xab));
    CHECK(sb_response_head_iovecs(200, NULL, 0, hs, 2, 0, NULL, 0, &count, &err) == SB_RESULT_BUFFER_TOO_SMALL);
    CHECK(count == want_count);
    CHECK(sb_response_head_iovecs(200, NULL, 0, hs, 2, 0, iov, want_count, &count, &err) == SB_RESULT_OK);
    CHECK(count == want_count && all_bytes(iov + want_count, sizeof(iov) - want_count * sizeof(iov[0]), 0xab));
}

static void test_response_head_many(void)
{
    static sb_header hs[200];
    static char names[200][8];
    static char out[8192];
    size_t i, len;
    sb_response_head_info info;

    for (i = 0; i < 200; i++) {
        sprintf(names[i], "X-%zu", i);
        hs[i] = H(names[i], "v");
    }
    CHECK(sb_response_head_size(200, NULL, 0, hs, 200, 0, &info, NULL) == SB_RESULT_OK);
    CHECK(info.iovec_count == 4 + 200 * 4 + 1);
    CHECK(sb_response_head_write(200, NULL, 0, hs, 200, 0, out, sizeof(out), &len, NULL) == SB_RESULT_OK);
    CHECK(len == info.len && memcmp(out + len - 12, "X-199: v\r\n\r\n", 12) == 0);
    {
        static sb_iovec iov[1024];
        size_t count;
        CHECK(sb_response_head_iovecs(200, NULL, 0, hs, 200, 0, iov, 1024, &count, NULL) == SB_RESULT_OK);
        CHECK(count == info.iovec_count && span_is(iov[count - 2].base, 2, "\r\n"));
    }
}

static void test_response_head_arguments(void)
{
    sb_header hs[2];
    sb_response_head_info info;
    sb_iovec iov[8];
    char buf[64];
    size_t len;
    sb_error err;

    hs[0] = H("A", "b");
    memset(&err, 0xab, sizeof(err));
    CHECK(sb_response_head_size(200, NULL, 0, hs, 1, 1u << 2, &info, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_response_head_size(200, NULL, 3, hs, 1, 0, &info, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_response_head_size(200, "OK", SIZE_MAX, hs, 1, 0, &info, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_response_head_size(200, NULL, 0, NULL, 1, 0, &info, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_response_head_size(200, NULL, 0, hs, SIZE_MAX, 0, &info, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_response_head_size(200, NULL, 0, hs, 1, 0, NULL, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_response_head_write(200, NULL, 0, hs, 1, 0, NULL, 64, &len, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_response_head_write(200, NULL, 0, hs, 1, 0, buf, 64, NULL, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_response_head_write(200, NULL, 0, hs, 1, 1u << 5, buf, 64, &len, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_response_head_iovecs(200, NULL, 0, hs, 1, 0, (sb_iovec *)((char *)iov + 1), 7, &len, &err) ==
          SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_response_head_iovecs(200, NULL, 0, hs, 1, 0, NULL, 8, &len, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_response_head_iovecs(200, NULL, 0, hs, 1, 0, iov, 8, NULL, &err) == SB_RESULT_NULL_ARGUMENT);
    hs[0].value = NULL;
    CHECK(sb_response_head_iovecs(200, NULL, 0, hs, 1, 0, iov, 8, &len, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(all_bytes(&err, sizeof(err), 0xab));
    /* A (NULL, 0) value is an empty value. */
    hs[0].value_len = 0;
    CHECK(sb_response_head_write(200, NULL, 0, hs, 1, 0, buf, 64, &len, &err) == SB_RESULT_OK);
    CHECK(span_is(buf, len, "HTTP/1.1 200 OK\r\nA: \r\n\r\n"));
}

/* ------------------------------------------------------ urlencoded build */

static sb_urlencoded_pair P(const char *k, size_t kl, const char *v, size_t vl)
{
    sb_urlencoded_pair p;
    p.key = k;
    p.key_len = kl;
    p.value = v;
    p.value_len = vl;
    return p;
}

static void test_urlencoded_build(void)
{
    static const uint32_t styles[3] = {SB_URLENCODED_STYLE_WHATWG, SB_URLENCODED_STYLE_PERL,
                                       SB_URLENCODED_STYLE_PERL_XS};
    static const char *const want[3] = {
        "a=b+c&=&k=x*%7E%21%27%28%29&%C3%A9=%00",
        "a=b+c&=&k=x%2A~%21%27%28%29&%C3%A9=%00",
        "a=b+c&=&k=x*~!'()&%C3%A9=%00",
    };
    sb_urlencoded_pair pairs[4];
    char buf[128];
    size_t len, i;

    pairs[0] = P("a", 1, "b c", 3);
    pairs[1] = P(NULL, 0, "", 0);
    pairs[2] = P("k", 1, "x*~!'()", 7);
    pairs[3] = P("\xc3\xa9", 2, "\0", 1);
    for (i = 0; i < 3; i++) {
        memset(buf, 0xab, sizeof(buf));
        CHECK_CASE(sb_urlencoded_build(pairs, 4, styles[i], buf, sizeof(buf), &len) == SB_RESULT_OK, want[i]);
        CHECK_CASE(span_is(buf, len, want[i]) && all_bytes(buf + len, sizeof(buf) - len, 0xab), want[i]);
        memset(buf, 0xab, sizeof(buf));
        len = 0;
        CHECK_CASE(sb_urlencoded_build(pairs, 4, styles[i], buf, strlen(want[i]) - 1, &len) ==
                       SB_RESULT_BUFFER_TOO_SMALL,
                   want[i]);
        CHECK_CASE(len == strlen(want[i]) && all_bytes(buf, sizeof(buf), 0xab), want[i]);
        len = 0;
        CHECK_CASE(sb_urlencoded_build(pairs, 4, styles[i], NULL, 0, &len) == SB_RESULT_BUFFER_TOO_SMALL, want[i]);
        CHECK_CASE(len == strlen(want[i]), want[i]);
    }
    CHECK(sb_urlencoded_build(NULL, 0, SB_URLENCODED_STYLE_WHATWG, NULL, 0, &len) == SB_RESULT_OK && len == 0);
    CHECK(sb_urlencoded_build(pairs, 1, SB_URLENCODED_STYLE_WHATWG, buf, sizeof(buf), &len) == SB_RESULT_OK);
    CHECK(span_is(buf, len, "a=b+c"));

    /* encode */
    CHECK(sb_urlencoded_encode("a b&c~", 6, SB_URLENCODED_STYLE_WHATWG, buf, sizeof(buf), &len) == SB_RESULT_OK);
    CHECK(span_is(buf, len, "a+b%26c%7E"));
    CHECK(sb_urlencoded_encode("a b&c~", 6, SB_URLENCODED_STYLE_PERL, buf, sizeof(buf), &len) == SB_RESULT_OK);
    CHECK(span_is(buf, len, "a+b%26c~"));
    memset(buf, 0xab, sizeof(buf));
    CHECK(sb_urlencoded_encode("a b&c~", 6, SB_URLENCODED_STYLE_PERL_XS, buf, 7, &len) == SB_RESULT_BUFFER_TOO_SMALL);
    CHECK(len == 8 && all_bytes(buf, sizeof(buf), 0xab));
    CHECK(sb_urlencoded_encode(NULL, 0, SB_URLENCODED_STYLE_WHATWG, NULL, 0, &len) == SB_RESULT_OK && len == 0);
    CHECK(sb_urlencoded_encode("abc", 3, SB_URLENCODED_STYLE_WHATWG, NULL, 0, &len) == SB_RESULT_BUFFER_TOO_SMALL);
    CHECK(len == 3);

    /* Arguments. */
    len = 77;
    CHECK(sb_urlencoded_build(pairs, 4, 3, buf, sizeof(buf), &len) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_urlencoded_build(NULL, 1, SB_URLENCODED_STYLE_WHATWG, buf, sizeof(buf), &len) ==
          SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_urlencoded_build(pairs, 4, SB_URLENCODED_STYLE_WHATWG, buf, sizeof(buf), NULL) ==
          SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_urlencoded_build(pairs, 4, SB_URLENCODED_STYLE_WHATWG, NULL, 1, &len) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_urlencoded_build(pairs, SIZE_MAX, SB_URLENCODED_STYLE_WHATWG, buf, 1, &len) ==
          SB_RESULT_INVALID_ARGUMENT);
    pairs[1] = P(NULL, 1, "", 0);
    CHECK(sb_urlencoded_build(pairs, 4, SB_URLENCODED_STYLE_WHATWG, buf, sizeof(buf), &len) ==
          SB_RESULT_NULL_ARGUMENT);
    pairs[1] = P("a", SIZE_MAX, "", 0);
    CHECK(sb_urlencoded_build(pairs, 4, SB_URLENCODED_STYLE_WHATWG, buf, sizeof(buf), &len) ==
          SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_urlencoded_encode("a", 1, 9, buf, sizeof(buf), &len) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_urlencoded_encode(NULL, 1, SB_URLENCODED_STYLE_WHATWG, buf, sizeof(buf), &len) ==
          SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_urlencoded_encode("a", 1, SB_URLENCODED_STYLE_WHATWG, buf, sizeof(buf), NULL) ==
          SB_RESULT_NULL_ARGUMENT);
    CHECK(len == 77);
}

/* Every byte value as key and value, in every style, decodes back. */
static void test_urlencoded_round_trip(void)
{
    static const uint32_t styles[3] = {SB_URLENCODED_STYLE_WHATWG, SB_URLENCODED_STYLE_PERL,
                                       SB_URLENCODED_STYLE_PERL_XS};
    char bytes[256], buf[2048];
    sb_urlencoded_pair pairs[2], p;
    sb_urlencoded_pairs *it;
    size_t len, i, s;

    for (i = 0; i < 256; i++)
        bytes[i] = (char)i;
    pairs[0] = P(bytes, 256, bytes + 100, 156);
    pairs[1] = P(bytes + 38, 1, bytes + 61, 1); /* "&" and "=" */
    for (s = 0; s < 3; s++) {
        CHECK(sb_urlencoded_build(pairs, 2, styles[s], buf, sizeof(buf), &len) == SB_RESULT_OK);
        CHECK(sb_urlencoded_pairs_new(buf, len, SB_URLENCODED_WHATWG, 10, 10000, &it, NULL) == SB_RESULT_OK);
        CHECK(sb_urlencoded_pairs_next(it, &p) == SB_RESULT_OK);
        CHECK(p.key_len == 256 && memcmp(p.key, bytes, 256) == 0);
        CHECK(p.value_len == 156 && memcmp(p.value, bytes + 100, 156) == 0);
        CHECK(sb_urlencoded_pairs_next(it, &p) == SB_RESULT_OK);
        CHECK(span_is(p.key, p.key_len, "&") && span_is(p.value, p.value_len, "="));
        CHECK(sb_urlencoded_pairs_next(it, &p) == SB_RESULT_END);
        sb_urlencoded_pairs_free(it);
    }
}

/* ------------------------------------------------------------ guard pages */

/*
 * Every prefix of each span is placed flush against a PROT_NONE page (after
 * its end, and before its start) and given to the new calls; a read past
 * either end faults. One guarded region per span, so several spans of one
 * call are guarded at once. Outputs (env arena, response buffer, form
 * buffer) are also given exactly the size needed, ending at a guard page.
 */
static struct guarded g_name, g_value, g_other, g_out;

/* Output storage of exactly n bytes ending at a PROT_NONE page: a write past
 * its end faults. */
static void *out_at_end(size_t n)
{
    return g_out.data + g_out.size - n;
}

static void guarded_framing(const char *name, const char *value)
{
    size_t n = strlen(value), len, end;
    for (len = 0; len <= n; len++) {
        for (end = 0; end < 2; end++) {
            sb_header hs[2];
            sb_body body;
            sb_error err;
            bool ka;
            size_t nl = strlen(name);
            hs[0].name = end ? guarded_at_end(&g_name, name, nl) : guarded_at_start(&g_name, name, nl);
            hs[0].name_len = nl;
            hs[0].value = end ? guarded_at_end(&g_value, value, len) : guarded_at_start(&g_value, value, len);
            hs[0].value_len = len;
            hs[1] = H("Connection", "close");
            (void)sb_framing_request_body(1, hs, 1, &body, &err);
            (void)sb_framing_request_body(0, hs, 1, &body, &err);
            (void)sb_framing_response_body(1, 200, hs, 1, end ? guarded_at_end(&g_other, "GET", 3) : "GET", 3,
                                           &body, &err);
            CHECK(sb_framing_keep_alive(1, hs, 2, &ka) == SB_RESULT_OK && !ka);
            CHECK(sb_framing_keep_alive(1, hs, 1, &ka) == SB_RESULT_OK);
        }
    }
}

static void guarded_request(const char *method, const char *target, const char *name, const char *value)
{
    size_t tn = strlen(target), len, end, f;
    static const uint32_t flags[4] = {SB_ENV_PSGI, SB_ENV_RACK, SB_ENV_UNDERSCORES_ALLOW,
                                      SB_ENV_RACK | SB_ENV_UNDERSCORES_REJECT};
    for (len = 0; len <= tn; len++) {
        for (end = 0; end < 2; end++) {
            sb_request req;
            sb_header hs[3];
            sb_request_info info;
            sb_env_pair pairs[16];
            char arena[256];
            sb_env_sizes sizes;
            sb_error err;
            sb_result r;
            size_t nl = strlen(name), vl = strlen(value);
            req.method = method;
            req.method_len = strlen(method);
            req.target = end ? guarded_at_end(&g_other, target, len) : guarded_at_start(&g_other, target, len);
            req.target_len = len;
            req.minor_version = 1;
            req.num_headers = 2;
            req.head_len = 0;
            hs[0].name = end ? guarded_at_end(&g_name, name, nl) : guarded_at_start(&g_name, name, nl);
            hs[0].name_len = nl;
            hs[0].value = end ? guarded_at_end(&g_value, value, vl) : guarded_at_start(&g_value, value, vl);
            hs[0].value_len = vl;
            hs[1] = H("Host", "a");
            (void)sb_framing_request_info(&req, hs, &info, &err);
            for (f = 0; f < 4; f++) {
                r = sb_env_flatten(flags[f], &req, hs, pairs, 16, arena, sizeof(arena), &sizes, &err);
                CHECK(r == SB_RESULT_OK || r == SB_RESULT_ENV_BAD_PERCENT_ENCODING ||
                      r == SB_RESULT_ENV_UNDERSCORE_HEADER);
                if (r == SB_RESULT_OK) {
                    size_t need = sizes.arena;
                    char *tight = out_at_end(need);
                    CHECK(well_formed(pairs, sizes.pairs, arena, sizes.arena, sizeof(arena)));
                    CHECK(sb_env_flatten(flags[f], &req, hs, pairs, 16, tight, need, &sizes, &err) == SB_RESULT_OK);
                    CHECK(sizes.arena == need && well_formed(pairs, sizes.pairs, tight, need, need));
                }
            }
        }
    }
}

static void guarded_response(const char *reason, const char *name, const char *value)
{
    size_t n = strlen(value), len, end, flags;
    for (len = 0; len <= n; len++) {
        for (end = 0; end < 2; end++) {
            for (flags = 0; flags < 4; flags++) {
                sb_header hs[1];
                sb_response_head_info info;
                char buf[512];
                sb_iovec iov[16];
                size_t out, nl = strlen(name), rl = strlen(reason);
                sb_error err;
                const char *rp = end ? guarded_at_end(&g_other, reason, rl) : guarded_at_start(&g_other, reason, rl);
                hs[0].name = end ? guarded_at_end(&g_name, name, nl) : guarded_at_start(&g_name, name, nl);
                hs[0].name_len = nl;
                hs[0].value = end ? guarded_at_end(&g_value, value, len) : guarded_at_start(&g_value, value, len);
                hs[0].value_len = len;
                (void)sb_response_head_size(200, rp, rl, hs, 1, (uint32_t)flags, &info, &err);
                if (sb_response_head_write(200, rp, rl, hs, 1, (uint32_t)flags, buf, sizeof(buf), &out, &err) ==
                    SB_RESULT_OK) {
                    size_t need = out;
                    char *tight = out_at_end(need);
                    CHECK(sb_response_head_write(200, rp, rl, hs, 1, (uint32_t)flags, tight, need, &out, &err) ==
                          SB_RESULT_OK);
                    CHECK(out == need && memcmp(tight, buf, need) == 0);
                }
                (void)sb_response_head_iovecs(204, rp, rl, hs, 1, (uint32_t)flags, iov, 16, &out, &err);
            }
        }
    }
}

static void guarded_urlencoded(const char *s)
{
    size_t n = strlen(s), len, end, style;
    for (len = 0; len <= n; len++) {
        for (end = 0; end < 2; end++) {
            for (style = 0; style < 3; style++) {
                sb_urlencoded_pair p;
                char buf[512];
                size_t out;
                p.key = end ? guarded_at_end(&g_name, s, len) : guarded_at_start(&g_name, s, len);
                p.key_len = len;
                p.value = end ? guarded_at_end(&g_value, s, len) : guarded_at_start(&g_value, s, len);
                p.value_len = len;
                CHECK(sb_urlencoded_build(&p, 1, (uint32_t)style, buf, sizeof(buf), &out) == SB_RESULT_OK);
                {
                    size_t need = out;
                    char *tight = out_at_end(need);
                    CHECK(sb_urlencoded_build(&p, 1, (uint32_t)style, tight, need, &out) == SB_RESULT_OK);
                    CHECK(out == need && memcmp(tight, buf, need) == 0);
                }
                CHECK(sb_urlencoded_encode(p.key, len, (uint32_t)style, buf, sizeof(buf), &out) == SB_RESULT_OK);
            }
        }
    }
}

static void test_guard_pages(void)
{
    g_name = guarded_new(4096);
    g_value = guarded_new(4096);
    g_other = guarded_new(4096);
    g_out = guarded_new(4096);

    guarded_framing("Content-Length", "12345678901234567890");
    guarded_framing("Transfer-Encoding", "gzip, chunked ; q=1,  chunked");
    guarded_framing("Connection", "keep-alive, Upgrade, close");
    guarded_framing("transfer-encodinG", "chunked");

    guarded_request("GET", "/a/b%2Fc%C3%A9?x=1&y=%zz#frag%", "X_Forwarded_For", "1.2.3.4");
    guarded_request("OPTIONS", "*", "Content-Type", "text/plain");
    guarded_request("GET", "http://example.com:80/p%41th?q#f", "X-Some-Rare-Header", "v, w");
    guarded_request("CONNECT", "example.com:443", "Upgrade", "websocket");

    guarded_response("Very Fine", "Set-Cookie", "a=1\n\nb=2\nc\r\n");
    guarded_response("", "Content-Length", "123\x01");
    guarded_response("OK\x7f", "X", "y");

    guarded_urlencoded("a b&c=d~*!'()\xc3\xa9\x01\x7f%+");

    guarded_free(&g_name);
    guarded_free(&g_value);
    guarded_free(&g_other);
    guarded_free(&g_out);
}

int main(void)
{
    strict = sb_parser_config_new();
    folding = sb_parser_config_new();
    CHECK(strict != NULL && folding != NULL);
    CHECK(sb_parser_config_set_flags(folding, SB_PARSER_OBS_FOLD_CONTINUATION) == SB_RESULT_OK);

    test_results();
    test_request_info();
    test_framing_errors();
    test_request_and_response_body();
    test_framing_arguments();
    test_env_psgi_and_rack();
    test_env_underscores_and_folds();
    test_env_percent_and_storage();
    test_env_many_headers();
    test_env_arguments();
    test_response_head_ok();
    test_response_head_writev();
    test_response_head_errors();
    test_response_head_storage();
    test_response_head_many();
    test_response_head_arguments();
    test_urlencoded_build();
    test_urlencoded_round_trip();
    test_guard_pages();

    sb_parser_config_free(strict);
    sb_parser_config_free(folding);
    return finish("extended2");
}
