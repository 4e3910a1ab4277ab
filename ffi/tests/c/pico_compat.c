/*
 * The picohttpparser-compatible layer, used through the phr_* names of
 * <springbok/picohttpparser.h> exactly as a picohttpparser program would.
 *
 * Each case records what picohttpparser returns for the input (its own
 * test suite's cases, in spirit) and what Springbok's strict default
 * returns. The strict phr_* calls must give the strict result; the
 * _with_config calls with SB_PARSER_PICOHTTPPARSER must give
 * picohttpparser's result.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <springbok/picohttpparser.h>

#include "check.h"

/* struct phr_header as picohttpparser declares it. */
struct phr_header_reference {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};

_Static_assert(sizeof(struct phr_header) == sizeof(struct phr_header_reference), "size");
_Static_assert(_Alignof(struct phr_header) == _Alignof(struct phr_header_reference), "alignment");
_Static_assert(offsetof(struct phr_header, name) == offsetof(struct phr_header_reference, name), "name");
_Static_assert(offsetof(struct phr_header, name_len) == offsetof(struct phr_header_reference, name_len), "name_len");
_Static_assert(offsetof(struct phr_header, value) == offsetof(struct phr_header_reference, value), "value");
_Static_assert(offsetof(struct phr_header, value_len) == offsetof(struct phr_header_reference, value_len), "value_len");

/* The function types are picohttpparser's. */
typedef int (*pico_request_fn)(const char *, size_t, const char **, size_t *, const char **, size_t *, int *,
                               struct phr_header *, size_t *, size_t);
typedef int (*pico_response_fn)(const char *, size_t, int *, int *, const char **, size_t *, struct phr_header *,
                                size_t *, size_t);
typedef int (*pico_headers_fn)(const char *, size_t, struct phr_header *, size_t *, size_t);
static const pico_request_fn request_fn = phr_parse_request;
static const pico_response_fn response_fn = phr_parse_response;
static const pico_headers_fn headers_fn = phr_parse_headers;

/* Expected results: FULL means "the whole input is the head". */
#define FULL 0
/* A case; sizeof keeps inputs with an embedded NUL whole. */
#define CASE(what, input, pico, strict) {what, input, sizeof(input) - 1, pico, strict}

static sb_parser_config *pico_config;

/* Written to outputs before a call, to see that a failed call leaves them alone. */
static const char SENTINEL[] = "sentinel";

struct parsed_request {
    int ret;
    const char *method, *path;
    size_t method_len, path_len, num_headers;
    int minor_version;
    /* Four for the parser, and one past them that no call may write. */
    struct phr_header headers[5];
};

static struct parsed_request parse_request_n(const char *s, size_t len, size_t last_len, int lenient)
{
    struct parsed_request r;
    memset(&r, 0, sizeof(r));
    r.method = r.path = SENTINEL;
    r.minor_version = -7;
    r.num_headers = 4;
    if (lenient) {
        r.ret = sb_parse_request_with_config(pico_config, s, len, &r.method, &r.method_len, &r.path,
                                             &r.path_len, &r.minor_version, r.headers, &r.num_headers, last_len);
    } else {
        r.ret = request_fn(s, len, &r.method, &r.method_len, &r.path, &r.path_len, &r.minor_version, r.headers,
                           &r.num_headers, last_len);
    }
    return r;
}

#define parse_request(s, last_len, lenient) parse_request_n(s, strlen(s), last_len, lenient)

/* Whether each of the n headers is unwritten (all zero) or spans of the
 * input (the name NULL only for a continuation line). */
static int headers_within(const struct phr_header *hs, size_t n, const char *input, size_t len)
{
    size_t i;
    for (i = 0; i < n; i++) {
        const struct phr_header *h = &hs[i];
        int zero = h->name == NULL && h->name_len == 0 && h->value == NULL && h->value_len == 0;
        int inside = (h->name == NULL ? h->name_len == 0
                                      : h->name >= input && h->name_len <= len && h->name <= input + len - h->name_len) &&
                     h->value >= input && h->value_len <= len && h->value <= input + len - h->value_len;
        if (!zero && !inside)
            return 0;
    }
    return 1;
}

struct request_case {
    const char *what, *input;
    size_t len;
    int pico;   /* picohttpparser's result, reproduced with SB_PARSER_PICOHTTPPARSER */
    int strict; /* Springbok's default */
};

static const struct request_case request_cases[] = {
    CASE("simple", "GET / HTTP/1.0\r\n\r\n", FULL, FULL),
    CASE("partial", "GET / HTTP/1.0\r\n\r", -2, -2),
    CASE("headers", "GET /hoge HTTP/1.1\r\nHost: example.com\r\nCookie: \r\n\r\n", FULL, FULL),
    CASE("multibyte value", "GET /hoge HTTP/1.1\r\nHost: example.com\r\nUser-Agent: \343\201\262\343/1.0\r\n\r\n", FULL, FULL),
    CASE("obs-fold", "GET / HTTP/1.0\r\nfoo: \r\nfoo: b\r\n  \tc\r\n\r\n", FULL, -1),
    CASE("space before colon", "GET / HTTP/1.0\r\nfoo : ab\r\n\r\n", -1, -1),
    CASE("incomplete 1", "GET", -2, -2),
    CASE("incomplete 2", "GET ", -2, -2),
    CASE("incomplete 3", "GET /", -2, -2),
    CASE("incomplete 4", "GET / ", -2, -2),
    CASE("incomplete 5", "GET / H", -2, -2),
    CASE("incomplete 6", "GET / HTTP/1.", -2, -2),
    CASE("incomplete 7", "GET / HTTP/1.0", -2, -2),
    CASE("incomplete 8", "GET / HTTP/1.0\r", -2, -2),
    CASE("empty header name", "GET / HTTP/1.0\r\n:a\r\n\r\n", -1, -1),
    CASE("header name space only", "GET / HTTP/1.0\r\n :a\r\n\r\n", -1, -1),
    CASE("NUL in method", "G\0T / HTTP/1.0\r\n\r\n", -1, -1),
    CASE("tab in method", "G\tT / HTTP/1.0\r\n\r\n", -1, -1),
    CASE("DEL in path", "GET /\x7fhello HTTP/1.0\r\n\r\n", -1, -1),
    CASE("NUL in header name", "GET / HTTP/1.0\r\na\0b: c\r\n\r\n", -1, -1),
    CASE("NUL in header value", "GET / HTTP/1.0\r\nab: c\0d\r\n\r\n", -1, -1),
    CASE("CTL in header name", "GET / HTTP/1.0\r\na\033b: c\r\n\r\n", -1, -1),
    CASE("CTL in header value", "GET / HTTP/1.0\r\nab: c\033\r\n\r\n", -1, -1),
    CASE("slash in header name", "GET / HTTP/1.0\r\n/: 1\r\n\r\n", -1, -1),
    CASE("MSB bytes in path and value", "GET /\xa0 HTTP/1.0\r\nh: c\xa2y\r\n\r\n", FULL, -1),
    CASE("|~ in header name", "GET / HTTP/1.0\r\n\x7c\x7e: 1\r\n\r\n", FULL, FULL),
    CASE("{ in header name", "GET / HTTP/1.0\r\n\x7b: 1\r\n\r\n", -1, -1),
    CASE("bare LF", "GET / HTTP/1.1\nHost: a\n\n", FULL, -1),
    CASE("two spaces after method", "GET  / HTTP/1.1\r\n\r\n", FULL, -1),
    CASE("raw quote in path", "GET /\"x\" HTTP/1.1\r\n\r\n", FULL, -1),
    CASE("bad percent escape", "GET /%zz HTTP/1.1\r\n\r\n", FULL, -1),
    CASE("HTTP/2.0", "GET / HTTP/2.0\r\n\r\n", -1, -1),
    CASE("bare CR", "GET / HTTP/1.1\rX\r\n\r\n", -1, -1),
    CASE("too many headers", "GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\ne: 5\r\n\r\n", -1, -1),
    CASE("four headers fit", "GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\n\r\n", FULL, FULL),
};

static void test_request_cases(void)
{
    size_t i;
    for (i = 0; i < sizeof(request_cases) / sizeof(request_cases[0]); i++) {
        const struct request_case *c = &request_cases[i];
        int full = (int)c->len;
        struct parsed_request strict = parse_request_n(c->input, c->len, 0, 0);
        struct parsed_request lenient = parse_request_n(c->input, c->len, 0, 1);
        CHECK_CASE(strict.ret == (c->strict == FULL ? full : c->strict), c->what);
        CHECK_CASE(lenient.ret == (c->pico == FULL ? full : c->pico), c->what);
        if (strict.ret < 0) {
            /* On -1 or -2 no scalar output and not *num_headers is written;
             * the header array may hold headers parsed so far (as with
             * picohttpparser), each a span of the input, and nothing past
             * the capacity. */
            CHECK_CASE(strict.method == SENTINEL && strict.minor_version == -7, c->what);
            CHECK_CASE(strict.num_headers == 4, c->what);
            CHECK_CASE(headers_within(strict.headers, 4, c->input, c->len), c->what);
            CHECK_CASE(strict.headers[4].name == NULL && strict.headers[4].value == NULL, c->what);
        }
    }
}

static void test_request_fields(void)
{
    struct parsed_request r;

    r = parse_request("GET / HTTP/1.0\r\n\r\n", 0, 0);
    CHECK(r.num_headers == 0);
    CHECK(span_is(r.method, r.method_len, "GET"));
    CHECK(span_is(r.path, r.path_len, "/"));
    CHECK(r.minor_version == 0);

    r = parse_request("GET /hoge HTTP/1.1\r\nHost: example.com\r\nCookie: \r\n\r\n", 0, 0);
    CHECK(r.num_headers == 2);
    CHECK(span_is(r.path, r.path_len, "/hoge"));
    CHECK(r.minor_version == 1);
    CHECK(span_is(r.headers[0].name, r.headers[0].name_len, "Host"));
    CHECK(span_is(r.headers[0].value, r.headers[0].value_len, "example.com"));
    CHECK(span_is(r.headers[1].name, r.headers[1].name_len, "Cookie"));
    CHECK(r.headers[1].value != NULL && r.headers[1].value_len == 0);

    r = parse_request("GET /hoge HTTP/1.1\r\nUser-Agent: \343\201\262\343/1.0\r\n\r\n", 0, 0);
    CHECK(r.num_headers == 1);
    CHECK(span_is(r.headers[0].value, r.headers[0].value_len, "\343\201\262\343/1.0"));

    /* Values are trimmed of surrounding whitespace. */
    r = parse_request("GET / HTTP/1.1\r\nA: \t x y \t\r\n\r\n", 0, 0);
    CHECK(span_is(r.headers[0].value, r.headers[0].value_len, "x y"));

    /* obs-fold with picohttpparser's flags: a NULL-named continuation. */
    r = parse_request("GET / HTTP/1.0\r\nfoo: \r\nfoo: b\r\n  \tc\r\n\r\n", 0, 1);
    CHECK(r.num_headers == 3);
    CHECK(span_is(r.headers[0].name, r.headers[0].name_len, "foo"));
    CHECK(r.headers[0].value_len == 0);
    CHECK(span_is(r.headers[1].value, r.headers[1].value_len, "b"));
    CHECK(r.headers[2].name == NULL && r.headers[2].name_len == 0);
    /* Difference: picohttpparser keeps the fold's leading whitespace ("  \tc"); Springbok trims it. */
    CHECK(span_is(r.headers[2].value, r.headers[2].value_len, "c"));

    r = parse_request("GET /\xa0 HTTP/1.0\r\nh: c\xa2y\r\n\r\n", 0, 1);
    CHECK(span_is(r.path, r.path_len, "/\xa0"));
    CHECK(span_is(r.headers[0].value, r.headers[0].value_len, "c\xa2y"));

    r = parse_request("GET / HTTP/1.0\r\n\x7c\x7e: 1\r\n\r\n", 0, 0);
    CHECK(r.num_headers == 1 && span_is(r.headers[0].name, r.headers[0].name_len, "|~"));

    /* Partial results are not reported (picohttpparser fills method after "GET "). */
    r = parse_request("GET ", 0, 0);
    CHECK(r.ret == -2 && r.method == SENTINEL);
}

static void test_request_incremental(void)
{
    const char *head = "GET /hoge HTTP/1.0\r\n\r\n";
    char buf[64];
    size_t n = strlen(head);
    struct parsed_request r;

    /* picohttpparser's slowloris cases: last_len one short. */
    memcpy(buf, head, n);
    buf[n - 1] = '\0';
    r = parse_request(buf, n - 2, 0);
    CHECK(r.ret == -2);
    r = parse_request(head, n - 1, 0);
    CHECK(r.ret == (int)n);

    /* Byte at a time, with last_len. */
    {
        size_t len, last_len = 0;
        int ret = -2;
        for (len = 1; len <= n && ret == -2; len++) {
            memcpy(buf, head, len);
            buf[len] = '\0';
            r = parse_request(buf, last_len, 0);
            ret = r.ret;
            if (ret == -2)
                last_len = len;
        }
        CHECK(ret == (int)n && len == n + 1);
        CHECK(span_is(r.path, r.path_len, "/hoge"));
    }
}

static void test_request_leading_empty_line(void)
{
    /* picohttpparser skips one empty line before the request line; its flag set here does not (documented). */
    const char *s = "\r\nGET / HTTP/1.1\r\n\r\n";
    sb_parser_config *c = sb_parser_config_new();
    const char *m, *p;
    size_t ml, pl, nh = 4;
    int v;
    struct phr_header hs[4];
    CHECK(parse_request(s, 0, 0).ret == -1);
    CHECK(parse_request(s, 0, 1).ret == -1);
    CHECK(sb_parser_config_set_flags(c, SB_PARSER_PICOHTTPPARSER | SB_PARSER_ALLOW_LEADING_EMPTY_LINES) ==
          SB_RESULT_OK);
    CHECK(sb_parse_request_with_config(c, s, strlen(s), &m, &ml, &p, &pl, &v, hs, &nh, 0) == (int)strlen(s));
    CHECK(span_is(m, ml, "GET") && nh == 0);
    sb_parser_config_free(c);
}

struct parsed_response {
    int ret, minor_version, status;
    const char *msg;
    size_t msg_len, num_headers;
    struct phr_header headers[4];
};

static struct parsed_response parse_response_n(const char *s, size_t len, size_t last_len, int lenient)
{
    struct parsed_response r;
    memset(&r, 0, sizeof(r));
    r.minor_version = r.status = -7;
    r.msg = SENTINEL;
    r.num_headers = 4;
    if (lenient)
        r.ret = sb_parse_response_with_config(pico_config, s, len, &r.minor_version, &r.status, &r.msg,
                                              &r.msg_len, r.headers, &r.num_headers, last_len);
    else
        r.ret = response_fn(s, len, &r.minor_version, &r.status, &r.msg, &r.msg_len, r.headers, &r.num_headers,
                            last_len);
    return r;
}

#define parse_response(s, last_len, lenient) parse_response_n(s, strlen(s), last_len, lenient)

static const struct request_case response_cases[] = {
    CASE("simple", "HTTP/1.0 200 OK\r\n\r\n", FULL, FULL),
    CASE("partial", "HTTP/1.0 200 OK\r\n\r", -2, -2),
    CASE("headers", "HTTP/1.1 200 OK\r\nHost: example.com\r\nCookie: \r\n\r\n", FULL, FULL),
    CASE("obs-fold", "HTTP/1.0 200 OK\r\nfoo: \r\nfoo: b\r\n  \tc\r\n\r\n", FULL, -1),
    CASE("internal server error", "HTTP/1.0 500 Internal Server Error\r\n\r\n", FULL, FULL),
    CASE("incomplete 1", "H", -2, -2),
    CASE("incomplete 2", "HTTP/1.", -2, -2),
    CASE("incomplete 3", "HTTP/1.1", -2, -2),
    CASE("incomplete 4", "HTTP/1.1 ", -2, -2),
    CASE("incomplete 5", "HTTP/1.1 2", -2, -2),
    CASE("incomplete 6", "HTTP/1.1 200", -2, -2),
    CASE("incomplete 7", "HTTP/1.1 200 ", -2, -2),
    CASE("incomplete 8", "HTTP/1.1 200 O", -2, -2),
    CASE("incomplete 9", "HTTP/1.1 200 OK\r", -2, -2),
    CASE("incomplete 10", "HTTP/1.1 200 OK\r\n", -2, -2),
    CASE("incomplete 11 (bare LF)", "HTTP/1.1 200 OK\n", -2, -1),
    CASE("incomplete 12", "HTTP/1.1 200 OK\r\nA: 1\r", -2, -2),
    CASE("incomplete 13", "HTTP/1.1 200 OK\r\nA: 1\r\n", -2, -2),
    CASE("invalid version", "HTTP/1. 200 OK\r\n\r\n", -1, -1),
    CASE("invalid version 2", "HTTP/1.2z 200 OK\r\n\r\n", -1, -1),
    CASE("no status code", "HTTP/1.1  OK\r\n\r\n", -1, -1),
    CASE("missing reason space", "HTTP/1.1 200\r\n\r\n", FULL, -1),
    CASE("two-digit status", "HTTP/1.1 20 OK\r\n\r\n", -1, -1),
};

static void test_response(void)
{
    size_t i;
    struct parsed_response r;
    for (i = 0; i < sizeof(response_cases) / sizeof(response_cases[0]); i++) {
        const struct request_case *c = &response_cases[i];
        int full = (int)c->len;
        struct parsed_response strict = parse_response_n(c->input, c->len, 0, 0);
        struct parsed_response lenient = parse_response_n(c->input, c->len, 0, 1);
        CHECK_CASE(strict.ret == (c->strict == FULL ? full : c->strict), c->what);
        CHECK_CASE(lenient.ret == (c->pico == FULL ? full : c->pico), c->what);
        if (strict.ret < 0)
            CHECK_CASE(strict.status == -7 && strict.msg == SENTINEL && strict.num_headers == 4, c->what);
    }

    r = parse_response("HTTP/1.0 200 OK\r\n\r\n", 0, 0);
    CHECK(r.num_headers == 0 && r.status == 200 && r.minor_version == 0 && span_is(r.msg, r.msg_len, "OK"));
    r = parse_response("HTTP/1.1 200 OK\r\nHost: example.com\r\nCookie: \r\n\r\n", 0, 0);
    CHECK(r.num_headers == 2 && r.minor_version == 1);
    CHECK(span_is(r.headers[0].name, r.headers[0].name_len, "Host"));
    CHECK(span_is(r.headers[0].value, r.headers[0].value_len, "example.com"));
    r = parse_response("HTTP/1.0 500 Internal Server Error\r\n\r\n", 0, 0);
    CHECK(r.status == 500 && span_is(r.msg, r.msg_len, "Internal Server Error"));
    r = parse_response("HTTP/1.0 200 OK\r\nfoo: \r\nfoo: b\r\n  \tc\r\n\r\n", 0, 1);
    CHECK(r.num_headers == 3 && r.headers[2].name == NULL && span_is(r.headers[2].value, r.headers[2].value_len, "c"));
    r = parse_response("HTTP/1.1 200\r\n\r\n", 0, 1);
    CHECK(r.status == 200 && r.msg != NULL && r.msg_len == 0);
    r = parse_response("HTTP/1.1 404 \r\n\r\n", 0, 0);
    CHECK(r.status == 404 && r.msg_len == 0);

    /* slowloris */
    {
        char buf[64];
        const char *head = "HTTP/1.0 200 OK\r\n\r\n";
        size_t n = strlen(head);
        memcpy(buf, head, n - 1);
        buf[n - 1] = '\0';
        CHECK(parse_response(buf, n - 2, 0).ret == -2);
        CHECK(parse_response(head, n - 1, 0).ret == (int)n);
    }
}

static void test_headers(void)
{
    struct phr_header hs[4];
    size_t nh;
    const char *s;

#define HEADERS(s, last_len) (nh = 4, headers_fn(s, strlen(s), hs, &nh, last_len))
    s = "Host: example.com\r\nCookie: \r\n\r\n";
    CHECK(HEADERS(s, 0) == (int)strlen(s));
    CHECK(nh == 2 && span_is(hs[0].name, hs[0].name_len, "Host"));
    CHECK(span_is(hs[0].value, hs[0].value_len, "example.com"));
    CHECK(span_is(hs[1].name, hs[1].name_len, "Cookie") && hs[1].value_len == 0);
    CHECK(HEADERS(s, 1) == (int)strlen(s) && nh == 2);
    CHECK(HEADERS("Host: example.com\r\nCookie: \r\n\r", 0) == -2 && nh == 4);
    CHECK(HEADERS("Host: e\x7f" "ample.com\r\nCookie: \r\n\r", 0) == -1 && nh == 4);
    CHECK(HEADERS("\r\n", 0) == 2 && nh == 0);
    CHECK(HEADERS("", 0) == -2);
    CHECK(HEADERS("a: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\ne: 5\r\n\r\n", 0) == -1);
    /* picohttpparser accepts bare LF; with its flags so does Springbok. */
    nh = 4;
    CHECK(sb_parse_headers_with_config(pico_config, "a: 1\n\n", 6, hs, &nh, 0) == 6 && nh == 1);
    CHECK(HEADERS("a: 1\n\n", 0) == -1);
#undef HEADERS
}

static void test_bad_arguments(void)
{
    const char *s = "GET / HTTP/1.1\r\nA: b\r\n\r\n";
    size_t n = strlen(s), ml, pl, nh = 4, zero = 0;
    const char *m, *p;
    int v, st;
    struct phr_header hs[4];
    struct phr_header *misaligned = (struct phr_header *)(void *)((char *)hs + 1);

    CHECK(phr_parse_request(NULL, n, &m, &ml, &p, &pl, &v, hs, &nh, 0) == -1);
    CHECK(phr_parse_request(NULL, 0, &m, &ml, &p, &pl, &v, hs, &nh, 0) == -2); /* (NULL, 0) is empty */
    CHECK(phr_parse_request(s, n, NULL, &ml, &p, &pl, &v, hs, &nh, 0) == -1);
    CHECK(phr_parse_request(s, n, &m, NULL, &p, &pl, &v, hs, &nh, 0) == -1);
    CHECK(phr_parse_request(s, n, &m, &ml, NULL, &pl, &v, hs, &nh, 0) == -1);
    CHECK(phr_parse_request(s, n, &m, &ml, &p, NULL, &v, hs, &nh, 0) == -1);
    CHECK(phr_parse_request(s, n, &m, &ml, &p, &pl, NULL, hs, &nh, 0) == -1);
    CHECK(phr_parse_request(s, n, &m, &ml, &p, &pl, &v, NULL, &nh, 0) == -1);
    CHECK(phr_parse_request(s, n, &m, &ml, &p, &pl, &v, hs, NULL, 0) == -1);
    CHECK(phr_parse_request(s, n, &m, &ml, &p, &pl, &v, misaligned, &nh, 0) == -1);
    CHECK(phr_parse_request(s, n, &m, &ml, &p, &pl, &v, hs, &nh, n + 1) == -1); /* last_len > len */
    CHECK(phr_parse_request(s, SIZE_MAX, &m, &ml, &p, &pl, &v, hs, &nh, 0) == -1);
    nh = SIZE_MAX / 2;
    CHECK(phr_parse_request(s, n, &m, &ml, &p, &pl, &v, hs, &nh, 0) == -1);
    CHECK(nh == SIZE_MAX / 2);
    /* No header storage at all: fine for a head without headers. */
    CHECK(phr_parse_request("GET / HTTP/1.1\r\n\r\n", 18, &m, &ml, &p, &pl, &v, NULL, &zero, 0) == 18);
    CHECK(phr_parse_request(s, n, &m, &ml, &p, &pl, &v, NULL, &zero, 0) == -1);
    nh = 4;
    CHECK(phr_parse_request(s, n, &m, &ml, &p, &pl, &v, hs, &nh, 0) == (int)n);

    nh = 4;
    CHECK(sb_parse_request_with_config(NULL, s, n, &m, &ml, &p, &pl, &v, hs, &nh, 0) == -1);
    CHECK(sb_parse_response_with_config(NULL, "HTTP/1.1 200 OK\r\n\r\n", 19, &v, &st, &m, &ml, hs, &nh, 0) == -1);
    CHECK(sb_parse_headers_with_config(NULL, "\r\n", 2, hs, &nh, 0) == -1);

    CHECK(phr_parse_response("HTTP/1.1 200 OK\r\n\r\n", 19, NULL, &st, &m, &ml, hs, &nh, 0) == -1);
    CHECK(phr_parse_response("HTTP/1.1 200 OK\r\n\r\n", 19, &v, NULL, &m, &ml, hs, &nh, 0) == -1);
    CHECK(phr_parse_response("HTTP/1.1 200 OK\r\n\r\n", 19, &v, &st, NULL, &ml, hs, &nh, 0) == -1);
    CHECK(phr_parse_response("HTTP/1.1 200 OK\r\n\r\n", 19, &v, &st, &m, NULL, hs, &nh, 0) == -1);
    CHECK(phr_parse_response("HTTP/1.1 200 OK\r\n\r\n", 19, &v, &st, &m, &ml, hs, NULL, 0) == -1);
    CHECK(phr_parse_response("HTTP/1.1 200 OK\r\n\r\n", 19, &v, &st, &m, &ml, hs, &nh, 20) == -1);
    CHECK(phr_parse_response(NULL, 19, &v, &st, &m, &ml, hs, &nh, 0) == -1);
    CHECK(phr_parse_response("HTTP/1.1 200 OK\r\n\r\n", 19, &v, &st, &m, &ml, hs, &nh, 0) == 19);
    CHECK(phr_parse_headers(NULL, 2, hs, &nh, 0) == -1);
    CHECK(phr_parse_headers("\r\n", 2, hs, NULL, 0) == -1);
    nh = 1;
    CHECK(phr_parse_headers("\r\n", 2, NULL, &nh, 0) == -1);
    CHECK(phr_parse_headers("\r\n", 2, hs, &nh, 3) == -1);
    CHECK(phr_parse_headers("\r\n", SIZE_MAX, hs, &nh, 0) == -1);
    CHECK(phr_parse_headers("\r\n", 2, hs, &nh, 0) == 2);
}


/*
 * Chunked decoding, through phr_decode_chunked: each case is decoded at
 * once and one byte per call, and must give the same data and return value.
 */
struct chunked_case {
    int consume_trailer;
    const char *encoded, *decoded;
    long expected; /* return value; -1 and -2 as picohttpparser */
};

static void chunked_at_once(const struct chunked_case *c)
{
    struct phr_chunked_decoder dec;
    size_t n = strlen(c->encoded), bufsz = n;
    char *buf = malloc(n + 1);
    ssize_t ret;
    memset(&dec, 0, sizeof(dec));
    dec.consume_trailer = (char)c->consume_trailer;
    memcpy(buf, c->encoded, n + 1);
    ret = phr_decode_chunked(&dec, buf, &bufsz);
    CHECK_CASE(ret == c->expected, c->encoded);
    if (ret != -1) {
        CHECK_CASE(span_is(buf, bufsz, c->decoded), c->encoded);
        if (ret >= 0)
            CHECK_CASE(memcmp(buf + bufsz, c->encoded + n - ret, (size_t)ret) == 0, c->encoded);
    }
    free(buf);
}

static void chunked_per_byte(const struct chunked_case *c)
{
    struct phr_chunked_decoder dec;
    size_t n = strlen(c->encoded), i, ready = 0, bufsz;
    char *buf = malloc(n + 1);
    ssize_t ret = -2;
    memset(&dec, 0, sizeof(dec));
    dec.consume_trailer = (char)c->consume_trailer;
    for (i = 0; i < n && ret == -2; i++) {
        buf[ready] = c->encoded[i];
        bufsz = 1;
        ret = phr_decode_chunked(&dec, buf + ready, &bufsz);
        if (ret != -1)
            ready += bufsz;
    }
    if (c->expected >= 0) {
        /* The call that ends the body returns 0 undecoded bytes; the rest was never passed. */
        CHECK_CASE(ret == 0 && n - i == (size_t)c->expected, c->encoded);
    } else {
        CHECK_CASE(ret == c->expected, c->encoded);
    }
    if (c->expected != -1)
        CHECK_CASE(span_is(buf, ready, c->decoded), c->encoded);
    free(buf);
}

static const struct chunked_case chunked_cases[] = {
    /* picohttpparser's results, which the strict decoder shares. */
    {0, "b\r\nhello world\r\n0\r\n", "hello world", 0},
    {0, "6\r\nhello \r\n5\r\nworld\r\n0\r\n", "hello world", 0},
    {0, "6;comment=hi\r\nhello \r\n5\r\nworld\r\n0\r\n", "hello world", 0},
    {0, "6\r\nhello \r\n5\r\nworld\r\n0\r\na: b\r\nc: d\r\n\r\n", "hello world", 14},
    {0, "b\r\nhello world\r\n0\r\nGET / HTTP/1.1\r\n\r\n", "hello world", 18},
    {0, "B\r\nhello world\r\n0\r\n", "hello world", 0},
    {1, "b\r\nhello world\r\n0\r\n", "hello world", -2},
    {1, "6\r\nhello \r\n5\r\nworld\r\n0\r\n", "hello world", -2},
    {1, "6;comment=hi\r\nhello \r\n5\r\nworld\r\n0\r\n", "hello world", -2},
    {1, "b\r\nhello world\r\n0\r\n\r\n", "hello world", 0},
    {1, "6\r\nhello \r\n5\r\nworld\r\n0\r\na: b\r\nc: d\r\n\r\n", "hello world", 0},
    {1, "b\r\nhello world\r\n0\r\n\r\nnext", "hello world", 4},
    {0, "6;a=\"quoted; value\";b\r\nhello \r\n0\r\n", "hello ", 0},
    {0, "z\r\nabcdefg", "", -1},
    {0, "6\r\nhello \r\nfffffffffffffffff\r\nabcdefg", "hello ", -1},
    /* Strict where picohttpparser is lenient: */
    /* bare LF (picohttpparser: 0) */
    {1, "b\nhello world\n0\n\n", "", -1},
    /* a chunk size of 2^64-1 (picohttpparser: -2, waiting for the data) breaks the 1 GiB body limit */
    {0, "6\r\nhello \r\nffffffffffffffff\r\nabcdefg", "hello ", -1},
    /* data not followed by CRLF (picohttpparser skips to the next LF) */
    {0, "5\r\nhelloXX\r\n0\r\n", "hello", -1},
    /* an extension outside the RFC grammar (picohttpparser skips to the LF) */
    {0, "5;a b\r\nhello\r\n0\r\n", "", -1},
};

static void test_chunked(void)
{
    size_t i;
    for (i = 0; i < sizeof(chunked_cases) / sizeof(chunked_cases[0]); i++) {
        chunked_at_once(&chunked_cases[i]);
        chunked_per_byte(&chunked_cases[i]);
    }
}

static void test_chunked_state(void)
{
    struct phr_chunked_decoder dec;
    char buf[32];
    size_t n;
    memset(&dec, 0, sizeof(dec));
    CHECK(phr_decode_chunked_is_in_data(&dec) == 0);
    memcpy(buf, "a\r\nhel", 6);
    n = 6;
    CHECK(phr_decode_chunked(&dec, buf, &n) == -2 && n == 3 && memcmp(buf, "hel", 3) == 0);
    CHECK(phr_decode_chunked_is_in_data(&dec) == 1);
    memcpy(buf, "lo worl\r\n", 9);
    n = 9;
    CHECK(phr_decode_chunked(&dec, buf, &n) == -2 && n == 7);
    CHECK(phr_decode_chunked_is_in_data(&dec) == 0);
    /* After an error, the decoder stays failed. */
    memcpy(buf, "x\r\n", 3);
    n = 3;
    CHECK(phr_decode_chunked(&dec, buf, &n) == -1 && n == 3);
    memcpy(buf, "0\r\n", 3);
    CHECK(phr_decode_chunked(&dec, buf, &n) == -1);
    /* Bad arguments. */
    memset(&dec, 0, sizeof(dec));
    n = 3;
    CHECK(phr_decode_chunked(NULL, buf, &n) == -1);
    CHECK(phr_decode_chunked(&dec, buf, NULL) == -1);
    CHECK(phr_decode_chunked(&dec, NULL, &n) == -1);
    n = 0;
    CHECK(phr_decode_chunked(&dec, NULL, &n) == -2 && n == 0);
    n = SIZE_MAX;
    CHECK(phr_decode_chunked(&dec, buf, &n) == -1 && n == SIZE_MAX);
    CHECK(phr_decode_chunked_is_in_data(NULL) == 0);
}

int main(void)
{
    pico_config = sb_parser_config_new();
    CHECK(pico_config != NULL);
    CHECK(sb_parser_config_set_flags(pico_config, SB_PARSER_PICOHTTPPARSER) == SB_RESULT_OK);

    test_request_cases();
    test_request_fields();
    test_request_incremental();
    test_request_leading_empty_line();
    test_response();
    test_headers();
    test_bad_arguments();
    test_chunked();
    test_chunked_state();

    sb_parser_config_free(pico_config);
    return finish("pico_compat");
}
