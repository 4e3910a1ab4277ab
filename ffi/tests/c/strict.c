/*
 * The strictness rules and leniencies of issue 25 through the exported
 * calls: folded framing fields read unfolded (both obs-fold flags, the
 * extended and the picohttpparser-style parse), IP-literal targets, the
 * Host rules and SB_FRAMING_REQUIRE_HOST, target forms against methods
 * and SB_PARSER_ALLOW_ASTERISK_FORM_ANY_METHOD, CONNECT without a body,
 * HTTP/1.2 and malformed versions, the response-only leniency flags, a
 * consumed trailer section held to the header-block rules, and the chunked
 * decoder's limits set through sb_chunked_config. Heads are also placed
 * flush against PROT_NONE pages.
 */
#include <stdint.h>

#include <springbok.h>

#include "check.h"

#define MAX_HEADERS 32

static sb_parser_config *strict, *fold_cont, *fold_span;
static struct guarded guard_buf;

static sb_parser_config *config_with(uint32_t flags)
{
    sb_parser_config *c = sb_parser_config_new();
    if (c == NULL || sb_parser_config_set_flags(c, flags) != SB_RESULT_OK) {
        fprintf(stderr, "config with flags %u failed\n", (unsigned)flags);
        exit(2);
    }
    return c;
}

/* A complete request head parsed with `config`, placed flush against the
 * guard page after it: SB_RESULT_OK, or the parse's error code. */
static sb_result parse_req(sb_parser_config *config, const char *s, sb_header *hs, sb_request *req, sb_error *err)
{
    size_t n = strlen(s);
    const char *p = guarded_at_end(&guard_buf, s, n);
    return sb_parser_config_parse_request(config, p, n, 0, hs, MAX_HEADERS, req, err);
}

static sb_result parse_resp(sb_parser_config *config, const char *s, sb_header *hs, sb_response *resp)
{
    size_t n = strlen(s);
    const char *p = guarded_at_end(&guard_buf, s, n);
    return sb_parser_config_parse_response(config, p, n, 0, hs, MAX_HEADERS, resp, NULL);
}

/* sb_framing_request_info (with `flags`) of `s` parsed with `config`; the
 * parse must succeed. */
static sb_result info_of(sb_parser_config *config, const char *s, uint32_t flags, sb_request_info *info, sb_error *err)
{
    sb_header hs[MAX_HEADERS];
    sb_request req;
    sb_result r = parse_req(config, s, hs, &req, NULL);
    CHECK_CASE(r == SB_RESULT_OK, s);
    if (r != SB_RESULT_OK)
        return r;
    if (flags == 0)
        return sb_framing_request_info(&req, hs, info, err);
    return sb_framing_request_info_with_flags(&req, hs, flags, info, err);
}

/* Row 1: folded framing fields are read unfolded. */
static void test_folded_framing_fields(void)
{
    sb_parser_config *folds[2] = {fold_cont, fold_span};
    int i;
    for (i = 0; i < 2; i++) {
        sb_request_info info;
        sb_error err;
        sb_header hs[MAX_HEADERS];
        sb_response resp;
        sb_body body;
        sb_request req;
        bool keep = true;

        CHECK(info_of(folds[i], "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n 0\r\n\r\nhello", 0, &info, &err) ==
              SB_RESULT_INVALID_CONTENT_LENGTH);
        CHECK(err.kind == SB_RESULT_INVALID_CONTENT_LENGTH && err.header == 1 && err.status == 400);
        CHECK(info_of(folds[i], "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n abc\r\n\r\n", 0, &info,
                      NULL) == SB_RESULT_INVALID_TRANSFER_ENCODING);
        CHECK(info_of(folds[i], "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive,\r\n close\r\n\r\n", 0, &info,
                      NULL) == SB_RESULT_OK &&
              !info.keep_alive);
        CHECK(info_of(folds[i],
                      "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive,\r\n upgrade\r\nUpgrade: websocket\r\n\r\n", 0,
                      &info, NULL) == SB_RESULT_OK &&
              span_is(info.upgrade, info.upgrade_len, "websocket"));

        /* The header-only calls see the same. */
        CHECK(parse_req(folds[i], "GET / HTTP/1.0\r\nConnection: keep-alive,\r\n close\r\n\r\n", hs, &req, NULL) ==
              SB_RESULT_OK);
        CHECK(sb_framing_keep_alive(0, hs, req.num_headers, &keep) == SB_RESULT_OK && !keep);
        CHECK(parse_req(folds[i], "POST / HTTP/1.1\r\nContent-Length: 5\r\n 0\r\n\r\n", hs, &req, NULL) == SB_RESULT_OK);
        CHECK(sb_framing_request_body(1, hs, req.num_headers, &body, NULL) == SB_RESULT_INVALID_CONTENT_LENGTH);

        /* A response: read until close. */
        CHECK(parse_resp(folds[i], "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n ,gzip\r\n\r\n", hs, &resp) ==
              SB_RESULT_OK);
        CHECK(sb_framing_response_body(1, 200, hs, resp.num_headers, "GET", 3, &body, NULL) == SB_RESULT_OK &&
              body.kind == SB_BODY_KIND_UNTIL_CLOSE);
        CHECK(parse_resp(folds[i], "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n abc\r\n\r\n", hs, &resp) ==
              SB_RESULT_OK);
        CHECK(sb_framing_response_body(1, 200, hs, resp.num_headers, "GET", 3, &body, NULL) == SB_RESULT_OK &&
              body.kind == SB_BODY_KIND_UNTIL_CLOSE);
    }

    /* The env joins the folded value with SP: CONTENT_LENGTH is "5 0". */
    {
        sb_header hs[MAX_HEADERS];
        sb_request req;
        sb_env_pair pairs[SB_ENV_MAX_FIXED_PAIRS + MAX_HEADERS];
        char arena[512];
        sb_env_sizes sizes;
        size_t k;
        int found = 0;
        CHECK(parse_req(fold_cont, "POST / HTTP/1.1\r\nContent-Length: 5\r\n 0\r\n\r\n", hs, &req, NULL) == SB_RESULT_OK);
        CHECK(sb_env_flatten(SB_ENV_PSGI, &req, hs, pairs, SB_ENV_MAX_FIXED_PAIRS + MAX_HEADERS, arena, sizeof arena,
                             &sizes, NULL) == SB_RESULT_OK);
        for (k = 0; k < sizes.pairs; k++)
            if (span_is(pairs[k].key, pairs[k].key_len, "CONTENT_LENGTH"))
                found = span_is(pairs[k].value, pairs[k].value_len, "5 0");
        CHECK(found);
    }

    /* picohttpparser-style: NULL-named continuation headers. */
    {
        const char *s = "POST / HTTP/1.1\r\nContent-Length: 5\r\n 0\r\n\r\n";
        const char *method, *path;
        size_t method_len, path_len, num_headers = MAX_HEADERS;
        int minor;
        sb_header hs[MAX_HEADERS];
        sb_body body;
        sb_parser_config *pico = config_with(SB_PARSER_PICOHTTPPARSER);
        int r = sb_parse_request_with_config(pico, s, strlen(s), &method, &method_len, &path, &path_len, &minor, hs,
                                             &num_headers, 0);
        CHECK(r == (int)strlen(s) && num_headers == 2 && hs[1].name == NULL);
        CHECK(sb_framing_request_body(minor, hs, num_headers, &body, NULL) == SB_RESULT_INVALID_CONTENT_LENGTH);
        sb_parser_config_free(pico);
    }
}

/* Row 2: IP-literal targets. */
static void test_ip_literal_targets(void)
{
    static const char *good[] = {
        "GET http://[2001:db8::1]/ HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n\r\n",
        "GET http://[::ffff:192.0.2.1]:8080/a?b HTTP/1.1\r\n\r\n",
    };
    static const char *bad[] = {
        "GET /[::1] HTTP/1.1\r\n\r\n",
        "GET http://[::g]/ HTTP/1.1\r\n\r\n",
        "GET http://a/[::1] HTTP/1.1\r\n\r\n",
    };
    size_t i;
    for (i = 0; i < sizeof good / sizeof *good; i++) {
        sb_header hs[MAX_HEADERS];
        sb_request req;
        sb_request_info info;
        const char *method, *path;
        size_t method_len, path_len, num_headers = MAX_HEADERS;
        int minor;
        size_t n = strlen(good[i]);
        const char *p = guarded_at_end(&guard_buf, good[i], n);
        CHECK_CASE(sb_parse_request(p, n, &method, &method_len, &path, &path_len, &minor, hs, &num_headers, 0) == (int)n,
                   good[i]);
        CHECK_CASE(path[0] == (method_len == 7 ? '[' : 'h'), good[i]);
        CHECK_CASE(info_of(strict, good[i], 0, &info, NULL) == SB_RESULT_OK, good[i]);
        CHECK_CASE(parse_req(fold_span, good[i], hs, &req, NULL) == SB_RESULT_OK, good[i]);
    }
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        sb_header hs[MAX_HEADERS];
        sb_request req;
        sb_error err;
        size_t n = strlen(bad[i]);
        const char *p = guarded_at_start(&guard_buf, bad[i], n);
        CHECK_CASE(sb_parser_config_parse_request(strict, p, n, 0, hs, MAX_HEADERS, &req, &err) == SB_RESULT_TARGET, bad[i]);
        CHECK_CASE(err.status == 400, bad[i]);
    }
    /* Every prefix of an IP-literal target is partial, never an over-read. */
    {
        const char *s = "GET http://[2001:db8::1]/ HTTP/1.1\r\n\r\n";
        size_t n;
        for (n = 0; n < strlen(s); n++) {
            sb_header hs[MAX_HEADERS];
            sb_request req;
            const char *p = guarded_at_end(&guard_buf, s, n);
            CHECK_CASE(sb_parser_config_parse_request(strict, p, n, 0, hs, MAX_HEADERS, &req, NULL) == SB_RESULT_PARTIAL,
                       "prefix");
        }
    }
}

/* Row 3: Host. */
static void test_host(void)
{
    sb_request_info info;
    sb_error err;
    static const char *invalid[] = {"a b", "a/b", "a@b", "a:b", "\xff" "a\xff", "[::1"};
    size_t i;

    CHECK(info_of(strict, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 0, &info, &err) == SB_RESULT_MULTIPLE_HOST);
    CHECK(err.kind == SB_RESULT_MULTIPLE_HOST && err.header == 1 && err.status == 400);
    for (i = 0; i < sizeof invalid / sizeof *invalid; i++) {
        char buf[128];
        snprintf(buf, sizeof buf, "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", invalid[i]);
        CHECK_CASE(info_of(strict, buf, 0, &info, &err) == SB_RESULT_INVALID_HOST && err.header == 0, invalid[i]);
    }
    CHECK(info_of(strict, "GET / HTTP/1.1\r\nHost:\r\n\r\n", 0, &info, NULL) == SB_RESULT_OK);
    CHECK(info_of(strict, "GET / HTTP/1.1\r\nHost: a.example:8080\r\n\r\n", 0, &info, NULL) == SB_RESULT_OK);

    /* Missing Host: only with SB_FRAMING_REQUIRE_HOST, only in HTTP/1.1. */
    CHECK(info_of(strict, "GET / HTTP/1.1\r\n\r\n", 0, &info, NULL) == SB_RESULT_OK);
    memset(&err, 0xab, sizeof err);
    CHECK(info_of(strict, "GET / HTTP/1.1\r\n\r\n", SB_FRAMING_REQUIRE_HOST, &info, &err) == SB_RESULT_MISSING_HOST);
    CHECK(err.kind == SB_RESULT_MISSING_HOST && err.header == SIZE_MAX && err.status == 400);
    CHECK(info_of(strict, "GET / HTTP/1.0\r\n\r\n", SB_FRAMING_REQUIRE_HOST, &info, NULL) == SB_RESULT_OK);
    CHECK(info_of(strict, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", SB_FRAMING_REQUIRE_HOST, &info, NULL) == SB_RESULT_OK);
    CHECK(info_of(strict, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 1u << 1, &info, NULL) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_framing_request_info_with_flags(NULL, NULL, 0, &info, NULL) == SB_RESULT_NULL_ARGUMENT);
}

/* Row 4: the target's form fits the method. */
static void test_target_forms(void)
{
    static const char *bad[] = {
        "GET a/b HTTP/1.1\r\n\r\n",
        "DELETE * HTTP/1.1\r\n\r\n",
        "GET ! HTTP/1.1\r\n\r\n",
        "CONNECT / HTTP/1.1\r\n\r\n",
        "CONNECT http://a:1/ HTTP/1.1\r\n\r\n",
        "CONNECT [::1] HTTP/1.1\r\n\r\n",
        "CONNECT a.example HTTP/1.1\r\n\r\n",
        "M-SEARCH * HTTP/1.1\r\n\r\n",
    };
    size_t i;
    sb_parser_config *ssdp = config_with(SB_PARSER_ALLOW_ASTERISK_FORM_ANY_METHOD);
    uint32_t flags = 0;
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        sb_header hs[MAX_HEADERS];
        sb_request req;
        sb_error err;
        const char *method, *path;
        size_t method_len, path_len, num_headers = MAX_HEADERS;
        int minor;
        size_t n = strlen(bad[i]);
        const char *p = guarded_at_end(&guard_buf, bad[i], n);
        CHECK_CASE(parse_req(strict, bad[i], hs, &req, &err) == SB_RESULT_TARGET_FORM, bad[i]);
        CHECK_CASE(err.status == 400 && err.offset == (size_t)(strchr(bad[i], ' ') - bad[i]) + 1, bad[i]);
        CHECK_CASE(sb_parse_request(p, n, &method, &method_len, &path, &path_len, &minor, hs, &num_headers, 0) == -1,
                   bad[i]);
    }
    {
        sb_header hs[MAX_HEADERS];
        sb_request req;
        CHECK(parse_req(strict, "OPTIONS * HTTP/1.1\r\n\r\n", hs, &req, NULL) == SB_RESULT_OK);
        CHECK(parse_req(ssdp, "M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\n\r\n", hs, &req, NULL) == SB_RESULT_OK);
        CHECK(parse_req(ssdp, "CONNECT * HTTP/1.1\r\n\r\n", hs, &req, NULL) == SB_RESULT_TARGET_FORM);
        CHECK(parse_req(strict, "CONNECT a.example:443 HTTP/1.1\r\n\r\n", hs, &req, NULL) == SB_RESULT_OK);
    }
    CHECK(sb_parser_config_flags(ssdp, &flags) == SB_RESULT_OK && flags == SB_PARSER_ALLOW_ASTERISK_FORM_ANY_METHOD);
    sb_parser_config_free(ssdp);
}

/* Row 5: a CONNECT request has no content. */
static void test_connect_body(void)
{
    sb_request_info info;
    sb_error err;
    CHECK(info_of(strict, "CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\nContent-Length: 10\r\n\r\n", 0, &info,
                  &err) == SB_RESULT_CONNECT_WITH_BODY);
    CHECK(err.header == 1 && err.status == 400);
    CHECK(info_of(strict, "CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\nTransfer-Encoding: chunked\r\n\r\n", 0, &info, NULL) ==
          SB_RESULT_CONNECT_WITH_BODY);
    CHECK(info_of(strict, "CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\nContent-Length: 0\r\n\r\n", 0, &info, NULL) ==
              SB_RESULT_OK &&
          info.connect);
}

/* Row 6: HTTP/1.2 is processed as 1.1; malformed versions are 400. */
static void test_versions(void)
{
    sb_header hs[MAX_HEADERS];
    sb_request req;
    sb_response resp;
    sb_error err;
    const char *method, *path, *msg;
    size_t method_len, path_len, msg_len, num_headers = MAX_HEADERS;
    int minor = -1, status = 0;
    const char *s = "GET / HTTP/1.2\r\nHost: a\r\n\r\n";
    const char *r = "HTTP/1.2 200 OK\r\n\r\n";

    CHECK(sb_parse_request(s, strlen(s), &method, &method_len, &path, &path_len, &minor, hs, &num_headers, 0) ==
              (int)strlen(s) &&
          minor == 1);
    CHECK(parse_req(strict, s, hs, &req, NULL) == SB_RESULT_OK && req.minor_version == 1);
    num_headers = MAX_HEADERS;
    CHECK(sb_parse_response(r, strlen(r), &minor, &status, &msg, &msg_len, hs, &num_headers, 0) == (int)strlen(r) &&
          minor == 1 && status == 200);
    CHECK(parse_req(strict, "GET / HTTP/1.32\r\n\r\n", hs, &req, &err) == SB_RESULT_VERSION && err.status == 400);
    CHECK(parse_req(strict, "GET / HTTP/2.0\r\n\r\n", hs, &req, &err) == SB_RESULT_UNSUPPORTED_VERSION &&
          err.status == 505);
    CHECK(parse_req(strict, "GET / HTTP/2.01\r\n\r\n", hs, &req, &err) == SB_RESULT_VERSION);
    CHECK(parse_resp(strict, "HTTP/1.32 200 OK\r\n\r\n", hs, &resp) == SB_RESULT_VERSION);
}

/* The response-only leniencies. */
static void test_response_leniencies(void)
{
    sb_header hs[MAX_HEADERS];
    sb_response resp;
    sb_request req;
    sb_error err;
    sb_parser_config *empty = config_with(SB_PARSER_ALLOW_LEADING_EMPTY_LINES_IN_RESPONSES);
    sb_parser_config *colon = config_with(SB_PARSER_ALLOW_SPACE_BEFORE_COLON_IN_RESPONSES);
    sb_parser_config *all = sb_parser_config_new();
    uint32_t flags = 0;
    const char *stray = "\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    const char *spaced = "HTTP/1.1 200 OK\r\nContent-Length : 3\r\n\r\nabc";

    CHECK(parse_resp(strict, stray, hs, &resp) == SB_RESULT_LEADING_EMPTY_LINE);
    CHECK(parse_resp(empty, stray, hs, &resp) == SB_RESULT_OK && resp.status == 200 && resp.head_len == strlen(stray));
    CHECK(parse_resp(strict, spaced, hs, &resp) == SB_RESULT_SPACE_BEFORE_COLON);
    CHECK(parse_resp(colon, spaced, hs, &resp) == SB_RESULT_OK && span_is(hs[0].name, hs[0].name_len, "Content-Length"));
    {
        sb_body body;
        CHECK(sb_framing_response_body(1, 200, hs, resp.num_headers, "GET", 3, &body, NULL) == SB_RESULT_OK &&
              body.kind == SB_BODY_KIND_CONTENT_LENGTH && body.content_length == 3);
    }
    /* Never in a request. */
    CHECK(parse_req(colon, "POST / HTTP/1.1\r\nContent-Length : 3\r\n\r\n", hs, &req, &err) ==
          SB_RESULT_SPACE_BEFORE_COLON);
    CHECK(sb_parser_config_set_flags(all, 0xfffu & ~SB_PARSER_OBS_FOLD_SPAN) == SB_RESULT_OK);
    CHECK(sb_parser_config_flags(all, &flags) == SB_RESULT_OK && flags == (0xfffu & ~SB_PARSER_OBS_FOLD_SPAN));
    CHECK(sb_parser_config_set_flags(all, 1u << 12) == SB_RESULT_INVALID_ARGUMENT);
    sb_parser_config_free(empty);
    sb_parser_config_free(colon);
    sb_parser_config_free(all);
}

/* consume_trailer: the discarded section is checked; limits through
 * sb_chunked_config. */
static ssize_t decode(struct sb_chunked_decoder *d, const char *s, size_t *n, sb_error *err, char *out)
{
    *n = strlen(s);
    memcpy(out, s, *n);
    return sb_decode_chunked_with_error(d, out, n, err);
}

static void test_chunked(void)
{
    char buf[256];
    size_t n;
    sb_error err;
    struct sb_chunked_decoder d;
    sb_chunked_config *c = sb_chunked_config_new();

    memset(&d, 0, sizeof d);
    d.consume_trailer = 1;
    CHECK(decode(&d, "3\r\nabc\r\n0\r\nAny thing: x\r\n\r\n", &n, &err, buf) == -1);
    CHECK(err.kind == SB_RESULT_INVALID_TRAILERS && err.status == 400);
    memset(&d, 0, sizeof d);
    d.consume_trailer = 1;
    CHECK(decode(&d, "0\r\nA : x\r\n\r\n", &n, &err, buf) == -1 && err.kind == SB_RESULT_INVALID_TRAILERS);
    memset(&d, 0, sizeof d);
    d.consume_trailer = 1;
    CHECK(decode(&d, "3\r\nabc\r\n0\r\nA: x\r\n\r\nGET", &n, &err, buf) == 3 && n == 3 && memcmp(buf, "abc", 3) == 0);

    /* Limits: a decoder started with sb_chunked_decoder_init. */
    CHECK(c != NULL);
    CHECK(sb_chunked_config_set_max_body_bytes(c, 2) == SB_RESULT_OK);
    CHECK(sb_chunked_config_set_max_extension_len(c, 0) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_chunked_config_set_max_overhead(NULL, 1) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_chunked_decoder_init(&d, c) == SB_RESULT_OK);
    CHECK(decode(&d, "3\r\nabc\r\n0\r\n\r\n", &n, &err, buf) == -1 && err.kind == SB_RESULT_CHUNKED_BODY_TOO_LARGE &&
          err.status == 413);
    CHECK(sb_chunked_config_set_max_body_bytes(c, UINT64_MAX) == SB_RESULT_OK);
    CHECK(sb_chunked_config_set_max_extension_len(c, 3) == SB_RESULT_OK);
    CHECK(sb_chunked_decoder_init(&d, c) == SB_RESULT_OK);
    CHECK(decode(&d, "3;abc\r\nabc\r\n", &n, &err, buf) == -1 && err.kind == SB_RESULT_CHUNK_EXTENSION_TOO_LONG);
    CHECK(sb_chunked_config_set_max_trailer_bytes(c, 7) == SB_RESULT_OK);
    CHECK(sb_chunked_decoder_init(&d, c) == SB_RESULT_OK);
    d.consume_trailer = 1; /* after init, as picohttpparser users set it */
    CHECK(decode(&d, "0\r\nA: bc\r\n\r\n", &n, &err, buf) == -1 && err.kind == SB_RESULT_TRAILERS_TOO_LARGE &&
          err.status == 431);
    CHECK(sb_chunked_config_set_max_overhead(c, 1) == SB_RESULT_OK);
    CHECK(sb_chunked_decoder_init(&d, c) == SB_RESULT_OK);
    CHECK(decode(&d, "1\r\na\r\n1\r\nb\r\n", &n, &err, buf) == -1 && err.kind == SB_RESULT_CHUNKED_OVERHEAD);
    CHECK(sb_decode_chunked_is_in_data(&d) == 0);
    /* An initialised decoder not used yet reports no data state, and
     * decodes with the config's limits even after the config is freed. */
    CHECK(sb_chunked_config_set_max_overhead(c, 100) == SB_RESULT_OK);
    CHECK(sb_chunked_decoder_init(&d, c) == SB_RESULT_OK);
    CHECK(sb_decode_chunked_is_in_data(&d) == 0);
    sb_chunked_config_free(c);
    sb_chunked_config_free(NULL);
    CHECK(decode(&d, "3\r\nab", &n, &err, buf) == -2 && n == 2 && sb_decode_chunked_is_in_data(&d) == 1);
    CHECK(sb_chunked_decoder_init(NULL, NULL) == SB_RESULT_NULL_ARGUMENT);
}

static void test_messages(void)
{
    static const uint32_t codes[] = {
        SB_RESULT_TARGET_FORM,  SB_RESULT_MULTIPLE_HOST,       SB_RESULT_INVALID_HOST,
        SB_RESULT_MISSING_HOST, SB_RESULT_CONNECT_WITH_BODY,
    };
    size_t i;
    for (i = 0; i < sizeof codes / sizeof *codes; i++) {
        CHECK(strcmp(sb_result_message(codes[i]), "unknown result code") != 0);
        CHECK(sb_result_http_status(codes[i]) == 400);
    }
    CHECK(SB_RESULT_TARGET_FORM == 120 && SB_RESULT_MULTIPLE_HOST == 510 && SB_RESULT_CONNECT_WITH_BODY == 513);
    CHECK(SB_PARSER_ALLOW_LEADING_EMPTY_LINES_IN_RESPONSES == (1u << 9) &&
          SB_PARSER_ALLOW_SPACE_BEFORE_COLON_IN_RESPONSES == (1u << 10) &&
          SB_PARSER_ALLOW_ASTERISK_FORM_ANY_METHOD == (1u << 11));
}

int main(void)
{
    guard_buf = guarded_new(4096);
    strict = sb_parser_config_new();
    fold_cont = config_with(SB_PARSER_OBS_FOLD_CONTINUATION);
    fold_span = config_with(SB_PARSER_OBS_FOLD_SPAN);

    test_folded_framing_fields();
    test_ip_literal_targets();
    test_host();
    test_target_forms();
    test_connect_body();
    test_versions();
    test_response_leniencies();
    test_chunked();
    test_messages();

    sb_parser_config_free(strict);
    sb_parser_config_free(fold_cont);
    sb_parser_config_free(fold_span);
    guarded_free(&guard_buf);
    return finish("strict");
}
