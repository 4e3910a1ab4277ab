/*
 * Over-read and under-read checks: every prefix of each input is placed
 * flush against an inaccessible (PROT_NONE) page, after its end and before
 * its start, and parsed by every call and several configs. Any read past
 * either end of the input (for instance by a SIMD kernel loading a whole
 * block) faults. Prefixes of a valid head must also parse as partial, never
 * as an error or a shorter head.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/wait.h>

#include <springbok.h>

#include "check.h"

enum kind { REQUEST, RESPONSE, HEADERS };

static sb_parser_config *configs[5];
static const size_t num_configs = sizeof(configs) / sizeof(configs[0]);

static void make_configs(void)
{
    static const uint32_t flags[5] = {
        0,
        SB_PARSER_PICOHTTPPARSER,
        SB_PARSER_PICOHTTPPARSER | SB_PARSER_ALLOW_LEADING_EMPTY_LINES | SB_PARSER_IGNORE_INVALID_HEADERS |
            SB_PARSER_ALLOW_WHITESPACE_BEFORE_FIRST_HEADER,
        SB_PARSER_OBS_FOLD_SPAN | SB_PARSER_ALLOW_BARE_LF,
        0,
    };
    size_t i;
    for (i = 0; i < num_configs; i++) {
        configs[i] = sb_parser_config_new();
        CHECK(sb_parser_config_set_flags(configs[i], flags[i]) == SB_RESULT_OK);
    }
    /* Small limits, to reach the limit paths near the end of the input. */
    CHECK(sb_parser_config_set_max_head_bytes(configs[4], 300) == SB_RESULT_OK);
    CHECK(sb_parser_config_set_max_value_len(configs[4], 70) == SB_RESULT_OK);
    CHECK(sb_parser_config_set_max_name_len(configs[4], 20) == SB_RESULT_OK);
    CHECK(sb_parser_config_set_max_target_len(configs[4], 40) == SB_RESULT_OK);
}

/*
 * Parses (p, n) with every call that applies to `kind`. Returns the strict
 * extended call's result; `head_len` gets its head length on success.
 */
static sb_result parse_all(enum kind kind, const char *p, size_t n, size_t last_len, size_t *head_len)
{
    sb_header hs[16];
    size_t nh, i, ml, pl;
    const char *m, *pa;
    int v, st, pico;
    sb_request req;
    sb_response resp;
    sb_header_block block;
    sb_error err;
    sb_result strict = SB_RESULT_PANIC, r;

    nh = 16;
    switch (kind) {
    case REQUEST:
        pico = sb_parse_request(p, n, &m, &ml, &pa, &pl, &v, hs, &nh, last_len);
        break;
    case RESPONSE:
        pico = sb_parse_response(p, n, &v, &st, &m, &ml, hs, &nh, last_len);
        break;
    default:
        pico = sb_parse_headers(p, n, hs, &nh, last_len);
        break;
    }
    for (i = 0; i < num_configs; i++) {
        switch (kind) {
        case REQUEST:
            r = sb_parser_config_parse_request(configs[i], p, n, last_len, hs, 16, &req, &err);
            *head_len = req.head_len;
            break;
        case RESPONSE:
            r = sb_parser_config_parse_response(configs[i], p, n, last_len, hs, 16, &resp, &err);
            *head_len = resp.head_len;
            break;
        default:
            r = sb_parser_config_parse_headers(configs[i], p, n, last_len, hs, 16, &block, &err);
            *head_len = block.len;
            break;
        }
        if (r >= 100)
            CHECK(err.offset <= n && err.kind == r);
        if (i == 0) {
            strict = r;
            /* The picohttpparser-shaped strict call agrees with the extended one. */
            CHECK(pico == (r == SB_RESULT_OK ? (int)*head_len : r == SB_RESULT_PARTIAL ? -2 : -1));
        }
    }
    /* Restore the strict call's head length (later configs overwrote it). */
    if (strict == SB_RESULT_OK) {
        switch (kind) {
        case REQUEST:
            sb_parser_config_parse_request(configs[0], p, n, last_len, hs, 16, &req, &err);
            *head_len = req.head_len;
            break;
        case RESPONSE:
            sb_parser_config_parse_response(configs[0], p, n, last_len, hs, 16, &resp, &err);
            *head_len = resp.head_len;
            break;
        default:
            sb_parser_config_parse_headers(configs[0], p, n, last_len, hs, 16, &block, &err);
            *head_len = block.len;
            break;
        }
    }
    return strict;
}

/*
 * Every prefix of `s`, at the end and at the start of the guarded region,
 * with last_len 0 and with the previous prefix's length. `valid` says the
 * whole input is a valid head of length `expect_len` (0: all of it).
 */
static void sweep(struct guarded *g, enum kind kind, const char *s, size_t n, int valid, size_t expect_len)
{
    size_t len, head = 0;
    sb_result r;
    if (expect_len == 0)
        expect_len = n;
    for (len = 0; len <= n; len++) {
        char *at_end = guarded_at_end(g, s, len);
        r = parse_all(kind, at_end, len, 0, &head);
        if (valid) {
            if (len < expect_len)
                CHECK(r == SB_RESULT_PARTIAL);
            else
                CHECK(r == SB_RESULT_OK && head == expect_len);
        }
        if (len > 0) {
            sb_result incremental = parse_all(kind, at_end, len, len - 1, &head);
            if (valid)
                CHECK(incremental == r);
        }
        parse_all(kind, guarded_at_start(g, s, len), len, 0, &head);
    }
}

/* A realistic browser request: 9 headers, some long values. */
static const char browser_request[] =
    "GET /images/2024/springbok-herd-crossing-the-kalahari-at-dawn.jpg?size=large&format=webp HTTP/1.1\r\n"
    "Host: photos.example.org\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
    "Accept: image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5\r\n"
    "Accept-Language: af-ZA,en-GB;q=0.8,en;q=0.6\r\n"
    "Accept-Encoding: gzip, deflate, br, zstd\r\n"
    "Referer: https://photos.example.org/galleries/wildlife/antelopes?page=3\r\n"
    "Connection: keep-alive\r\n"
    "Cache-Control: no-cache\r\n"
    "Cookie: session=4f0c2a9e8b7d6c5b4a39281706f5e4d3; theme=dark; consent=analytics%3Dno%26ads%3Dno; "
    "recently_viewed=1024,2048,4096,8192,16384\r\n"
    "\r\n";

static const char short_request[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";

static const char response[] =
    "HTTP/1.1 200 OK, and a reason phrase long enough to span several SIMD blocks of input\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Set-Cookie: session=0123456789abcdef0123456789abcdef0123456789abcdef; Path=/; HttpOnly\r\n"
    "Content-Length: 12\r\n"
    "\r\n";

static const char trailer_block[] = "X-Checksum: 0123456789abcdef0123456789abcdef0123456789abcdef0123\r\nX-A: b\r\n\r\n";

/* Heads that are invalid somewhere, to sweep the error paths too. */
static const char *const invalid_requests[] = {
    "GET /path HTTP/1.1\r\nX-Long: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\001\r\n\r\n",
    "GET /path HTTP/1.1\r\nX-Long-Name-That-Goes-On-And-On-For-A-While: v\r\nBad Name: v\r\n\r\n",
    "GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa%zz HTTP/1.1\r\n\r\n",
    "GET / HTTP/1.1\r\nA: b\r\n folded continuation line that is fairly long, too\r\nC: d\r\n\r\n",
    "GET / HTTP/1.1\nA: b\r\nC: d\n\r\n",
    "\r\n\r\nGET / HTTP/1.1\r\n   leading whitespace line\r\nA: b\r\n\r\n",
    "GET / HTTP/1.1\r\nA: b\rc\r\n\r\n",
    "GET   /   HTTP/1.1\r\nA: b\r\n\r\n",
};

/*
 * Every byte value at the last position of a long header value, at the end
 * of the readable region: the kernels classify it, and must not look past
 * it.
 */
static void byte_values(struct guarded *g)
{
    char buf[256];
    const char *prefix = "GET / HTTP/1.1\r\nX-Value: 0123456789012345678901234567890123456789012345678901234567890123";
    size_t n = strlen(prefix), head;
    int b;
    memcpy(buf, prefix, n);
    for (b = 0; b < 256; b++) {
        sb_result r;
        buf[n] = (char)b;
        r = parse_all(REQUEST, guarded_at_end(g, buf, n + 1), n + 1, 0, &head);
        /* HTAB, SP, VCHAR and obs-text continue the value; CR and LF may end it; the rest is an error. */
        if (b == '\t' || (b >= 0x20 && b != 0x7f) || b == '\r')
            CHECK(r == SB_RESULT_PARTIAL);
        else if (b == '\n')
            CHECK(r == SB_RESULT_BARE_LF);
        else
            CHECK(r == SB_RESULT_HEADER_VALUE);
    }
}

/* The harness itself: a read one byte past an input placed at the end does fault. */
static void guard_faults(struct guarded *g)
{
    volatile const char *p = guarded_at_end(g, "abc", 3);
    int status = 0;
    pid_t pid;
    if (getenv("SPRINGBOK_UNDER_VALGRIND") != NULL)
        return; /* valgrind would report the child's expected fault */
    pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 2); /* the sanitizer's SEGV report is expected noise */
        _exit(p[3] == 0x7f ? 3 : 0);
    }
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECK(!(WIFEXITED(status) && WEXITSTATUS(status) == 0) && !(WIFEXITED(status) && WEXITSTATUS(status) == 3));
    CHECK(p[2] == 'c');
}


static const char chunked_body[] =
    "6;ext=\"quoted\"\r\nhello \r\n1f\r\n0123456789abcdef0123456789abcde\r\n0\r\nT: v\r\n\r\nnext";

/* Chunked decoding of every prefix, flush against the guard page, at once and then byte by byte. */
static void sweep_chunked(struct guarded *g, const char *s, int consume_trailer)
{
    size_t n = strlen(s), len, i;
    for (len = 0; len <= n; len++) {
        struct sb_chunked_decoder dec;
        size_t sz = len;
        char *p = guarded_at_end(g, s, len);
        ssize_t r;
        memset(&dec, 0, sizeof(dec));
        dec.consume_trailer = (char)consume_trailer;
        r = sb_decode_chunked(&dec, p, &sz);
        CHECK(r >= -2 && (r == -1 || sz <= len));
        /* Byte by byte: each single byte sits right before the guard page. */
        memset(&dec, 0, sizeof(dec));
        dec.consume_trailer = (char)consume_trailer;
        for (i = 0, r = -2; i < len && r == -2; i++) {
            char *one = guarded_at_end(g, s + i, 1);
            sz = 1;
            r = sb_decode_chunked(&dec, one, &sz);
        }
        CHECK(r >= -2);
    }
}


/* Urlencoded iteration over every prefix, flush against the guard page, in both modes. */
static void sweep_urlencoded(struct guarded *g, const char *s)
{
    size_t n = strlen(s), len;
    uint32_t mode;
    for (mode = SB_URLENCODED_WHATWG; mode <= SB_URLENCODED_PERL; mode++) {
        for (len = 0; len <= n; len++) {
            sb_urlencoded_pairs *it = NULL;
            sb_urlencoded_pair p;
            size_t pairs = 0;
            CHECK(sb_urlencoded_pairs_new(guarded_at_end(g, s, len), len, mode, 1000, 100000, &it, NULL) ==
                  SB_RESULT_OK);
            while (sb_urlencoded_pairs_next(it, &p) == SB_RESULT_OK)
                pairs++;
            CHECK(pairs <= len + 1);
            sb_urlencoded_pairs_free(it);
            it = NULL;
            CHECK(sb_urlencoded_pairs_new(guarded_at_start(g, s, len), len, mode, 1000, 100000, &it, NULL) ==
                  SB_RESULT_OK);
            while (sb_urlencoded_pairs_next(it, &p) == SB_RESULT_OK)
                pairs++;
            sb_urlencoded_pairs_free(it);
        }
    }
}


/* Feeds (p, n) to a multipart parser until it needs more, ends or fails. */
static sb_result multipart_feed(sb_multipart_parser *parser, const char *p, size_t n)
{
    for (;;) {
        size_t consumed;
        sb_multipart_event ev;
        sb_result r = sb_multipart_parser_feed(parser, p, n, &consumed, &ev, NULL);
        if (r != SB_RESULT_OK)
            return r;
        CHECK(consumed <= n);
        p += consumed;
        n -= consumed;
        if (ev.kind == SB_MULTIPART_EVENT_KIND_NEED_MORE || (ev.kind == SB_MULTIPART_EVENT_KIND_END && consumed == 0))
            return SB_RESULT_OK;
        if (ev.kind == SB_MULTIPART_EVENT_KIND_PART_START && ev.num_headers > 0)
            CHECK(ev.headers[ev.num_headers - 1].value != NULL);
    }
}

/* Every prefix of a multipart body at once, then every byte on its own, each flush against the guard page. */
static void sweep_multipart(struct guarded *g, const char *s)
{
    size_t n = strlen(s), len, i;
    sb_multipart_config *config = sb_multipart_config_new();
    for (len = 0; len <= n; len++) {
        sb_multipart_parser *parser = NULL;
        sb_result r;
        CHECK(sb_multipart_parser_new(config, "XyZ", 3, &parser, NULL) == SB_RESULT_OK);
        r = multipart_feed(parser, guarded_at_end(g, s, len), len);
        CHECK(r == SB_RESULT_OK);
        if (len == n)
            CHECK(sb_multipart_parser_finish(parser, NULL) == SB_RESULT_OK);
        sb_multipart_parser_free(parser);
    }
    {
        sb_multipart_parser *parser = NULL;
        sb_result r = SB_RESULT_OK;
        CHECK(sb_multipart_parser_new(config, "XyZ", 3, &parser, NULL) == SB_RESULT_OK);
        for (i = 0; i < n && r == SB_RESULT_OK; i++)
            r = multipart_feed(parser, guarded_at_end(g, s + i, 1), 1);
        CHECK(r == SB_RESULT_OK && sb_multipart_parser_finish(parser, NULL) == SB_RESULT_OK);
        sb_multipart_parser_free(parser);
    }
    sb_multipart_config_free(config);
}

static const char multipart_body[] =
    "junk preamble\r\n--XyZ \t\r\n"
    "Content-Disposition: form-data; name=\"field%22one\"\r\n\r\n"
    "value with \r\n--Xy lookalike\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"f\"; filename=\"x.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    "\r\n\r\n\r\n--\r\n--X\r\n--Xy\r\n"
    "--XyZ--\r\nepilogue";

int main(void)
{
    struct guarded g = guarded_new(4096);
    size_t i;

    guard_faults(&g);
    make_configs();
    sweep(&g, REQUEST, browser_request, sizeof(browser_request) - 1, 1, 0);
    sweep(&g, REQUEST, short_request, sizeof(short_request) - 1, 1, 0);
    sweep(&g, RESPONSE, response, sizeof(response) - 1, 1, 0);
    sweep(&g, HEADERS, trailer_block, sizeof(trailer_block) - 1, 1, 0);
    sweep(&g, HEADERS, "\r\n", 2, 1, 0);
    for (i = 0; i < sizeof(invalid_requests) / sizeof(invalid_requests[0]); i++) {
        sweep(&g, REQUEST, invalid_requests[i], strlen(invalid_requests[i]), 0, 0);
        sweep(&g, HEADERS, invalid_requests[i], strlen(invalid_requests[i]), 0, 0);
        sweep(&g, RESPONSE, invalid_requests[i], strlen(invalid_requests[i]), 0, 0);
    }
    byte_values(&g);
    sweep_chunked(&g, chunked_body, 1);
    sweep_chunked(&g, chunked_body, 0);
    sweep_chunked(&g, "5\r\nhello\n0\r\n\r\n", 1);
    sweep_multipart(&g, multipart_body);
    sweep_urlencoded(&g, "name=Springbok+antelope&q=%E2%9C%93+ok%2&;x=1; y=%41%4&empty=&=v&%%&last");

    for (i = 0; i < num_configs; i++)
        sb_parser_config_free(configs[i]);
    guarded_free(&g);
    return finish("guard_page");
}
