/*
 * request_env.c: sb_parser_config_parse_request_env, parse and env in one
 * call, against the two calls it fuses (sb_parser_config_parse_request +
 * sb_env_flatten): the same pairs, the same results and error details, and
 * nothing written on failure.
 */
#include <stddef.h>
#include <stdint.h>

#include <springbok.h>

#include "check.h"

static sb_parser_config *strict, *folding, *span;

static int same_span(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

/* Both ways on one input: the fused call's result, request, sizes, pairs
 * and error equal the two calls'. */
static void check_same(const sb_parser_config *config, uint32_t flags, const char *buf, size_t max_headers,
                       const char *what)
{
    sb_header hs[256];
    sb_request req1, req2;
    sb_env_pair p1[300], p2[300];
    char a1[4096], a2[4096];
    sb_env_sizes s1, s2;
    sb_error e1, e2;
    sb_result r1, r2;
    size_t i, len = strlen(buf);

    memset(&e1, 0xab, sizeof(e1));
    memset(&e2, 0xab, sizeof(e2));
    memset(&s2, 0xab, sizeof(s2));
    memset(&req2, 0xab, sizeof(req2));
    r1 = sb_parser_config_parse_request(config, buf, len, 0, hs, max_headers, &req1, &e1);
    if (r1 == SB_RESULT_OK)
        r1 = sb_env_flatten(flags, &req1, hs, p1, 300, a1, sizeof(a1), &s1, &e1);
    r2 = sb_parser_config_parse_request_env(config, flags, buf, len, 0, max_headers, p2, 300, a2, sizeof(a2), &req2,
                                            &s2, &e2);
    CHECK_CASE(r1 == r2, what);
    if (r1 != r2)
        return;
    if (r1 != SB_RESULT_OK) {
        CHECK_CASE(all_bytes(&req2, sizeof(req2), 0xab) && all_bytes(&s2, sizeof(s2), 0xab), what);
        if (r1 != SB_RESULT_PARTIAL)
            CHECK_CASE(e1.kind == e2.kind && e1.offset == e2.offset && e1.status == e2.status &&
                           e1.header == e2.header,
                       what);
        return;
    }
    CHECK_CASE(req1.method == req2.method && req1.method_len == req2.method_len && req1.target == req2.target &&
                   req1.target_len == req2.target_len && req1.minor_version == req2.minor_version &&
                   req1.num_headers == req2.num_headers && req1.head_len == req2.head_len,
               what);
    CHECK_CASE(s1.pairs == s2.pairs && s1.arena == s2.arena, what);
    for (i = 0; i < s1.pairs && i < s2.pairs; i++)
        CHECK_CASE(same_span(p1[i].key, p1[i].key_len, p2[i].key, p2[i].key_len) &&
                       same_span(p1[i].value, p1[i].value_len, p2[i].value, p2[i].value_len),
                   what);
}

static void test_same_as_two_calls(void)
{
    static const char *const inputs[] = {
        "GET / HTTP/1.1\r\n\r\n",
        "GET /caf%C3%A9?x=1#f HTTP/1.1\r\nHost: example.com\r\nX-Custom: a\r\nContent-Type: text/plain\r\n"
        "x-custom: b\r\nContent-Length: 0\r\n\r\n",
        "POST /a HTTP/1.0\r\nHost: a\r\nUser-Agent: u\r\nAccept: */*\r\nX_Under: 1\r\nX-Under: 2\r\n\r\n",
        "GET / HTTP/1.1\r\nX-A: a\r\n  b\r\nX-B: c\r\n\r\n",   /* a fold: refused, kept or spanned */
        "GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n",              /* bad escape: PSGI refuses */
        "GET / HTTP/1.1\r\nHost: a\r\n",                     /* incomplete */
        "GET / HTTP/1.1\r\nHost a\r\n\r\n",                  /* bad header */
        "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n",
        "GET http://h/p?q HTTP/1.1\r\nVersion: 9\r\nHost: h\r\n\r\n",
    };
    static const uint32_t flags[] = {
        SB_ENV_PSGI, SB_ENV_RACK, SB_ENV_PSGI | SB_ENV_UNDERSCORES_ALLOW, SB_ENV_PSGI | SB_ENV_UNDERSCORES_REJECT,
        SB_ENV_RACK | SB_ENV_RACK_NO_HTTP_VERSION,
    };
    const sb_parser_config *configs[] = {strict, folding, span};
    char what[64];
    size_t i, f, c;
    for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
        for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
            for (c = 0; c < 3; c++) {
                snprintf(what, sizeof(what), "input %zu flags %zu config %zu", i, f, c);
                check_same(configs[c], flags[f], inputs[i], 128, what);
                /* A header limit below the count: too many headers, both ways. */
                check_same(configs[c], flags[f], inputs[i], 2, what);
            }
}

static void test_fold_kinds(void)
{
    static const char buf[] = "GET / HTTP/1.1\r\nX-A: a\r\n  b\r\n\r\n";
    sb_env_pair pairs[16];
    char arena[64];
    sb_request req;
    sb_env_sizes sizes;
    sb_error err;
    size_t i;
    int found;

    CHECK(sb_parser_config_parse_request_env(strict, SB_ENV_PSGI, buf, sizeof(buf) - 1, 0, 16, pairs, 16, arena,
                                             sizeof(arena), &req, &sizes, &err) == SB_RESULT_OBS_FOLD);
    /* Kept as a continuation line or spanned in the value, the fold is one SP. */
    CHECK(sb_parser_config_parse_request_env(folding, SB_ENV_PSGI, buf, sizeof(buf) - 1, 0, 16, pairs, 16, arena,
                                             sizeof(arena), &req, &sizes, &err) == SB_RESULT_OK);
    for (found = 0, i = 0; i < sizes.pairs; i++)
        found += same_span(pairs[i].key, pairs[i].key_len, "HTTP_X_A", 8) &&
                 same_span(pairs[i].value, pairs[i].value_len, "a b", 3);
    CHECK(found == 1 && req.num_headers == 2);
    CHECK(sb_parser_config_parse_request_env(span, SB_ENV_PSGI, buf, sizeof(buf) - 1, 0, 16, pairs, 16, arena,
                                             sizeof(arena), &req, &sizes, &err) == SB_RESULT_OK);
    for (found = 0, i = 0; i < sizes.pairs; i++)
        found += same_span(pairs[i].key, pairs[i].key_len, "HTTP_X_A", 8) &&
                 same_span(pairs[i].value, pairs[i].value_len, "a b", 3);
    CHECK(found == 1 && req.num_headers == 1);
}

static void test_storage_and_arguments(void)
{
    static const char buf[] = "GET /caf%C3%A9 HTTP/1.1\r\nX-Custom: a\r\nHost: h\r\n\r\n";
    sb_env_pair pairs[16];
    char arena[64];
    sb_request req;
    sb_env_sizes sizes;
    sb_error err;

    /* Too little storage: the sizes needed, nothing else written. */
    memset(&req, 0xab, sizeof(req));
    memset(pairs, 0xab, sizeof(pairs));
    memset(arena, 0xab, sizeof(arena));
    CHECK(sb_parser_config_parse_request_env(strict, SB_ENV_PSGI, buf, sizeof(buf) - 1, 0, 16, pairs, 16, arena, 4,
                                             &req, &sizes, &err) == SB_RESULT_BUFFER_TOO_SMALL);
    CHECK(sizes.pairs == 8 && sizes.arena == strlen("/café") + strlen("HTTP_X_CUSTOM"));
    CHECK(all_bytes(&req, sizeof(req), 0xab) && all_bytes(pairs, sizeof(pairs), 0xab) &&
          all_bytes(arena, sizeof(arena), 0xab));
    CHECK(sb_parser_config_parse_request_env(strict, SB_ENV_PSGI, buf, sizeof(buf) - 1, 0, 16, pairs, 7, arena,
                                             sizeof(arena), &req, &sizes, &err) == SB_RESULT_BUFFER_TOO_SMALL);
    CHECK(sizes.pairs == 8 && all_bytes(&req, sizeof(req), 0xab));
    CHECK(sb_parser_config_parse_request_env(strict, SB_ENV_PSGI, buf, sizeof(buf) - 1, 0, 16, pairs, 8, arena,
                                             sizes.arena, &req, &sizes, &err) == SB_RESULT_OK);
    CHECK(sizes.pairs == 8 && req.head_len == sizeof(buf) - 1 && req.num_headers == 2);

    /* Arguments. */
    CHECK(sb_parser_config_parse_request_env(NULL, SB_ENV_PSGI, buf, sizeof(buf) - 1, 0, 16, pairs, 16, arena,
                                             sizeof(arena), &req, &sizes, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_parse_request_env(strict, SB_ENV_PSGI, NULL, 1, 0, 16, pairs, 16, arena, sizeof(arena),
                                             &req, &sizes, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_parse_request_env(strict, SB_ENV_PSGI, buf, sizeof(buf) - 1, 0, 16, pairs, 16, arena,
                                             sizeof(arena), NULL, &sizes, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_parse_request_env(strict, SB_ENV_PSGI, buf, sizeof(buf) - 1, 0, 16, pairs, 16, arena,
                                             sizeof(arena), &req, NULL, &err) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_parser_config_parse_request_env(strict, 1u << 20, buf, sizeof(buf) - 1, 0, 16, pairs, 16, arena,
                                             sizeof(arena), &req, &sizes, &err) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_parser_config_parse_request_env(strict, SB_ENV_PSGI, buf, sizeof(buf) - 1, sizeof(buf), 16, pairs, 16,
                                             arena, sizeof(arena), &req, &sizes, &err) == SB_RESULT_INVALID_ARGUMENT);
    /* No error output is fine; a huge header limit is bounded by the input. */
    CHECK(sb_parser_config_parse_request_env(strict, SB_ENV_PSGI, buf, sizeof(buf) - 1, 0, SIZE_MAX, pairs, 16,
                                             arena, sizeof(arena), &req, &sizes, NULL) == SB_RESULT_OK);
    CHECK(sb_parser_config_parse_request_env(strict, SB_ENV_PSGI, buf, sizeof(buf) - 1, 0, 1, pairs, 16, arena,
                                             sizeof(arena), &req, &sizes, NULL) == SB_RESULT_TOO_MANY_HEADERS);
}

/* More headers than the stack storage (128): the heap path. */
static void test_many_headers(void)
{
    static char buf[16384];
    static sb_env_pair pairs[400];
    static char arena[16384];
    size_t len = 0, i;
    sb_request req;
    sb_env_sizes sizes;
    sb_error err;

    len += (size_t)snprintf(buf + len, sizeof(buf) - len, "GET / HTTP/1.1\r\n");
    for (i = 0; i < 300; i++)
        len += (size_t)snprintf(buf + len, sizeof(buf) - len, "X-H-%zu: v%zu\r\n", i, i);
    len += (size_t)snprintf(buf + len, sizeof(buf) - len, "\r\n");
    CHECK(sb_parser_config_parse_request_env(strict, SB_ENV_PSGI, buf, len, 0, 300, pairs, 400, arena, sizeof(arena),
                                             &req, &sizes, &err) == SB_RESULT_OK);
    CHECK(req.num_headers == 300 && sizes.pairs == 306 && req.head_len == len);
    CHECK(same_span(pairs[305].key, pairs[305].key_len, "HTTP_X_H_299", 12) &&
          same_span(pairs[305].value, pairs[305].value_len, "v299", 4));
    check_same(strict, SB_ENV_PSGI, buf, 256, "256 of 300 headers");
}

int main(void)
{
    strict = sb_parser_config_new();
    folding = sb_parser_config_new();
    span = sb_parser_config_new();
    CHECK(strict != NULL && folding != NULL && span != NULL);
    CHECK(sb_parser_config_set_flags(folding, SB_PARSER_OBS_FOLD_CONTINUATION) == SB_RESULT_OK);
    CHECK(sb_parser_config_set_flags(span, SB_PARSER_OBS_FOLD_SPAN) == SB_RESULT_OK);

    test_same_as_two_calls();
    test_fold_kinds();
    test_storage_and_arguments();
    test_many_headers();

    sb_parser_config_free(strict);
    sb_parser_config_free(folding);
    sb_parser_config_free(span);
    return finish("request_env");
}
