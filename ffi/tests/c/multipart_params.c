/*
 * The part names and header parameters through the C ABI:
 * sb_multipart_parser_filename_star (every split), sb_multipart_basename,
 * sb_header_params_* (RFC 9110 quoted-pairs, RFC 8187 extended values),
 * SB_MULTIPART_UNFOLD_HEADERS (every split), argument checks, outputs
 * untouched on failure, and every input flush against a PROT_NONE guard
 * page on either side.
 */
#include <stdint.h>

#include <springbok.h>

#include "check.h"

/* What a size_t output memset to 0xab holds until a call writes it. */
#define UNTOUCHED (SIZE_MAX / 0xff * 0xab)

/* ---- a textual log of a multipart body's events, at any split ---- */

struct log {
    char text[2048];
    size_t n;
};

static void add(struct log *l, const char *s, size_t n)
{
    if (l->n + n < sizeof(l->text)) {
        memcpy(l->text + l->n, s, n);
        l->n += n;
        l->text[l->n] = '\0';
    }
}

static void add_str(struct log *l, const char *s)
{
    add(l, s, strlen(s));
}

/* Logs a part start: name, filename, filename* (value, charset, language), headers. */
static void log_part(sb_multipart_parser *p, const sb_multipart_event *ev, struct log *l)
{
    const char *v = (const char *)&v, *cs = (const char *)&cs, *lang = (const char *)&lang;
    const char *v2 = NULL;
    size_t vl = UNTOUCHED, csl = UNTOUCHED, langl = UNTOUCHED, vl2 = 0, i;
    add_str(l, "[");
    if (ev->name)
        add(l, ev->name, ev->name_len);
    add_str(l, " f=");
    add(l, ev->filename ? ev->filename : "-", ev->filename ? ev->filename_len : 1);
    CHECK(sb_multipart_parser_filename_star(p, &v, &vl, &cs, &csl, &lang, &langl) == SB_RESULT_OK);
    add_str(l, " f*=");
    if (v == NULL) {
        CHECK(vl == 0 && cs == NULL && csl == 0 && lang == NULL && langl == 0);
        add_str(l, "-");
    } else {
        CHECK(cs != NULL && lang != NULL);
        add(l, v, vl);
        add_str(l, "/");
        add(l, cs, csl);
        add_str(l, "/");
        add(l, lang, langl);
        /* The same spans again, and the optional outputs may be NULL. */
        CHECK(sb_multipart_parser_filename_star(p, &v2, &vl2, NULL, NULL, NULL, NULL) == SB_RESULT_OK);
        CHECK(v2 == v && vl2 == vl);
    }
    for (i = 0; i < ev->num_headers; i++) {
        add_str(l, " ");
        add(l, ev->headers[i].name, ev->headers[i].name_len);
        add_str(l, "=");
        add(l, ev->headers[i].value, ev->headers[i].value_len);
    }
    add_str(l, "]");
}

/* Feeds (buf, len) completely, logging events; returns the first failure. */
static sb_result feed(sb_multipart_parser *p, const char *buf, size_t len, struct log *l)
{
    for (;;) {
        size_t consumed;
        sb_multipart_event ev;
        sb_result r = sb_multipart_parser_feed(p, buf, len, &consumed, &ev, NULL);
        if (r != SB_RESULT_OK)
            return r;
        buf += consumed;
        len -= consumed;
        switch (ev.kind) {
        case SB_MULTIPART_EVENT_KIND_NEED_MORE:
            return SB_RESULT_OK;
        case SB_MULTIPART_EVENT_KIND_PART_START:
            log_part(p, &ev, l);
            break;
        case SB_MULTIPART_EVENT_KIND_DATA: {
            const char *v;
            size_t vl;
            /* Only right after PART_START. */
            CHECK(sb_multipart_parser_filename_star(p, &v, &vl, NULL, NULL, NULL, NULL) ==
                  SB_RESULT_INVALID_ARGUMENT);
            add(l, ev.data, ev.data_len);
            break;
        }
        case SB_MULTIPART_EVENT_KIND_PART_END:
            add_str(l, "|");
            break;
        case SB_MULTIPART_EVENT_KIND_END:
            add_str(l, "$");
            if (len == 0)
                return SB_RESULT_OK;
            break;
        }
    }
}

/* Parses `body` cut at `cuts` (each piece in its own heap block) and returns the log. */
static sb_result parse_cut(const sb_multipart_config *config, const char *body, const size_t *cuts, size_t ncuts,
                           struct log *l)
{
    sb_multipart_parser *p = NULL;
    size_t len = strlen(body), start = 0, i;
    sb_result r = SB_RESULT_OK;
    memset(l, 0, sizeof(*l));
    CHECK(sb_multipart_parser_new(config, "b", 1, &p, NULL) == SB_RESULT_OK);
    for (i = 0; i <= ncuts && r == SB_RESULT_OK; i++) {
        size_t end = i < ncuts ? cuts[i] : len;
        char *piece = malloc(end - start + 1);
        memcpy(piece, body + start, end - start);
        r = feed(p, piece, end - start, l);
        free(piece);
        start = end;
    }
    if (r == SB_RESULT_OK)
        r = sb_multipart_parser_finish(p, NULL);
    sb_multipart_parser_free(p);
    return r;
}

/* `body` gives `code` and the log `expected` at once, in pieces of every size and cut in two anywhere. */
static void expect_log(const sb_multipart_config *config, const char *body, sb_result code, const char *expected)
{
    size_t len = strlen(body), k, at;
    struct log l;
    size_t *cuts = malloc((len + 1) * sizeof(size_t));
    for (k = 0; k <= len; k++) {
        size_t n = 0;
        char what[48];
        if (k > 0)
            for (at = k; at < len; at += k)
                cuts[n++] = at;
        snprintf(what, sizeof(what), "%zu-byte pieces", k);
        CHECK_CASE(parse_cut(config, body, cuts, n, &l) == code, what);
        CHECK_CASE(strcmp(l.text, expected) == 0, l.text);
        if (k > 0 && k < len) {
            snprintf(what, sizeof(what), "cut at %zu", k);
            CHECK_CASE(parse_cut(config, body, &k, 1, &l) == code, what);
            CHECK_CASE(strcmp(l.text, expected) == 0, l.text);
        }
    }
    free(cuts);
}

static const char names_body[] =
    "--b\r\nContent-Disposition: form-data; name=\"only\"; filename*=UTF-8''%E2%82%AC%20rates.txt\r\n\r\nx\r\n"
    "--b\r\nContent-Disposition: form-data; name=\"both\"; filename=\"C:\\dir\\p.txt\"; "
    "filename*=iso-8859-1'fr'%E9t%E9.txt\r\n\r\ny\r\n"
    "--b\r\nContent-Disposition: form-data; name=\"empty\"; filename*=UTF-8''\r\n\r\n\r\n"
    "--b\r\nContent-Disposition: attachment; filename*=UTF-8''no.txt\r\n\r\nz\r\n"
    "--b\r\nContent-Disposition: form-data; name=\"plain\"\r\n\r\nw\r\n"
    "--b--";

static void test_filename_star(void)
{
    sb_multipart_config *c = sb_multipart_config_new();
    sb_multipart_parser *p = NULL;
    const char *v = (const char *)&v;
    size_t vl = UNTOUCHED;
    expect_log(c, names_body, SB_RESULT_OK,
               "[only f=- f*=\xe2\x82\xac rates.txt/UTF-8/ Content-Disposition=form-data; name=\"only\"; "
               "filename*=UTF-8''%E2%82%AC%20rates.txt]x|"
               "[both f=C:\\dir\\p.txt f*=\xc3\xa9t\xc3\xa9.txt/iso-8859-1/fr Content-Disposition=form-data; "
               "name=\"both\"; filename=\"C:\\dir\\p.txt\"; filename*=iso-8859-1'fr'%E9t%E9.txt]y|"
               "[empty f=- f*=/UTF-8/ Content-Disposition=form-data; name=\"empty\"; filename*=UTF-8'']|"
               "[ f=- f*=- Content-Disposition=attachment; filename*=UTF-8''no.txt]z|"
               "[plain f=- f*=- Content-Disposition=form-data; name=\"plain\"]w|$");

    /* Before any event, after a failed feed, and argument checks: nothing written. */
    CHECK(sb_multipart_parser_new(c, "b", 1, &p, NULL) == SB_RESULT_OK);
    CHECK(sb_multipart_parser_filename_star(p, &v, &vl, NULL, NULL, NULL, NULL) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(v == (const char *)&v && vl == UNTOUCHED);
    {
        const char *head = "--b\r\nContent-Disposition: form-data; name=a; filename*=UTF-8''x\r\n\r\n";
        size_t consumed;
        sb_multipart_event ev;
        const char *cs = NULL;
        size_t csl = 0;
        CHECK(sb_multipart_parser_feed(p, head, strlen(head), &consumed, &ev, NULL) == SB_RESULT_OK);
        CHECK(ev.kind == SB_MULTIPART_EVENT_KIND_PART_START && ev.filename == NULL && ev.is_file);
        CHECK(sb_multipart_parser_filename_star(NULL, &v, &vl, NULL, NULL, NULL, NULL) == SB_RESULT_NULL_ARGUMENT);
        CHECK(sb_multipart_parser_filename_star(p, NULL, &vl, NULL, NULL, NULL, NULL) == SB_RESULT_NULL_ARGUMENT);
        CHECK(sb_multipart_parser_filename_star(p, &v, NULL, NULL, NULL, NULL, NULL) == SB_RESULT_NULL_ARGUMENT);
        CHECK(v == (const char *)&v && vl == UNTOUCHED);
        /* Any subset of the optional outputs. */
        CHECK(sb_multipart_parser_filename_star(p, &v, &vl, &cs, NULL, NULL, &csl) == SB_RESULT_OK);
        CHECK(span_is(v, vl, "x") && span_is(cs, 5, "UTF-8") && csl == 0);
        /* An invalid argument to feed keeps the part current; a failed parse ends it. */
        CHECK(sb_multipart_parser_feed(p, NULL, 1, &consumed, &ev, NULL) == SB_RESULT_NULL_ARGUMENT);
        CHECK(sb_multipart_parser_filename_star(p, &v, &vl, NULL, NULL, NULL, NULL) == SB_RESULT_OK);
        CHECK(sb_multipart_parser_feed(p, "\r\n--b x", 7, &consumed, &ev, NULL) == SB_RESULT_OK);
        CHECK(ev.kind == SB_MULTIPART_EVENT_KIND_PART_END);
        CHECK(sb_multipart_parser_feed(p, " x", 2, &consumed, &ev, NULL) == SB_RESULT_MALFORMED_DELIMITER);
        vl = UNTOUCHED;
        CHECK(sb_multipart_parser_filename_star(p, &v, &vl, NULL, NULL, NULL, NULL) == SB_RESULT_INVALID_ARGUMENT);
        CHECK(vl == UNTOUCHED);
    }
    sb_multipart_parser_free(p);
    sb_multipart_config_free(c);
}

/* ---- unfolding ---- */

static void test_unfold(void)
{
    sb_multipart_config *c = sb_multipart_config_new();
    uint32_t flags = 7;
    const char *folded = "--b\r\nContent-Disposition: form-data;\r\n name=\"a\";\r\n\t filename*=UTF-8''%C3%A9\r\n"
                         "X: one\r\n  two\r\n\r\nv\r\n--b--";
    struct log l;

    CHECK(sb_multipart_config_flags(c, &flags) == SB_RESULT_OK && flags == 0);
    /* Off by default: a fold is an invalid header block, at every split. */
    expect_log(c, folded, SB_RESULT_INVALID_PART_HEADERS, "");
    CHECK(SB_MULTIPART_UNFOLD_HEADERS == 1);
    CHECK(sb_multipart_config_set_flags(c, SB_MULTIPART_UNFOLD_HEADERS) == SB_RESULT_OK);
    CHECK(sb_multipart_config_flags(c, &flags) == SB_RESULT_OK && flags == SB_MULTIPART_UNFOLD_HEADERS);
    expect_log(c, folded, SB_RESULT_OK,
               "[a f=- f*=\xc3\xa9/UTF-8/ Content-Disposition=form-data; name=\"a\"; filename*=UTF-8''%C3%A9 "
               "X=one two]v|$");
    /* Unknown bits change nothing. */
    CHECK(sb_multipart_config_set_flags(c, 2) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_multipart_config_set_flags(c, UINT32_MAX) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(sb_multipart_config_flags(c, &flags) == SB_RESULT_OK && flags == SB_MULTIPART_UNFOLD_HEADERS);
    CHECK(sb_multipart_config_set_flags(NULL, 0) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_multipart_config_flags(NULL, &flags) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_multipart_config_flags(c, NULL) == SB_RESULT_NULL_ARGUMENT);
    /* A parser keeps the flags it was made with. */
    {
        sb_multipart_parser *p = NULL;
        size_t consumed;
        sb_multipart_event ev;
        CHECK(sb_multipart_parser_new(c, "b", 1, &p, NULL) == SB_RESULT_OK);
        CHECK(sb_multipart_config_set_flags(c, 0) == SB_RESULT_OK);
        CHECK(sb_multipart_parser_feed(p, folded, strlen(folded), &consumed, &ev, NULL) == SB_RESULT_OK);
        CHECK(ev.kind == SB_MULTIPART_EVENT_KIND_PART_START && span_is(ev.name, ev.name_len, "a"));
        sb_multipart_parser_free(p);
    }
    CHECK(parse_cut(c, folded, NULL, 0, &l) == SB_RESULT_INVALID_PART_HEADERS);
    sb_multipart_config_free(c);
}

/* ---- basename ---- */

static void test_basename(void)
{
    static const char *const cases[][2] = {
        {"C:\\Users\\me\\report.pdf", "report.pdf"}, {"../../etc/passwd", "passwd"}, {"a/b\\c.txt", "c.txt"},
        {"plain.txt", "plain.txt"}, {"dir/", ""}, {"\\\\server\\share\\x", "x"}, {"..", ".."}, {"C:name", "C:name"},
        {"", ""},
    };
    size_t i;
    const char *b = (const char *)&b;
    size_t bl = UNTOUCHED;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *in = cases[i][0];
        CHECK_CASE(sb_multipart_basename(in, strlen(in), &b, &bl) == SB_RESULT_OK, in);
        CHECK_CASE(bl == strlen(cases[i][1]) && b == in + strlen(in) - bl && memcmp(b, cases[i][1], bl) == 0, in);
    }
    CHECK(sb_multipart_basename(NULL, 0, &b, &bl) == SB_RESULT_OK && b == NULL && bl == 0);
    b = (const char *)&b;
    bl = UNTOUCHED;
    CHECK(sb_multipart_basename(NULL, 1, &b, &bl) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_multipart_basename("a", 1, NULL, &bl) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_multipart_basename("a", 1, &b, NULL) == SB_RESULT_NULL_ARGUMENT);
    CHECK(sb_multipart_basename("a", SIZE_MAX, &b, &bl) == SB_RESULT_INVALID_ARGUMENT);
    CHECK(b == (const char *)&b && bl == UNTOUCHED);
}

/* ---- header parameters ---- */

/* "type|name=value|name*=value/charset/lang|..." for a value, or "!CODE@OFFSET". */
static void params_text(const char *value, size_t len, uint32_t kind, char *out, size_t cap)
{
    sb_header_params *it = (sb_header_params *)&it;
    const char *ty = (const char *)&ty;
    size_t tyl = UNTOUCHED, n = 0;
    sb_error err;
    sb_header_param p;
    sb_result r;
    memset(&err, 0xab, sizeof(err));
    r = sb_header_params_new(value, len, kind, &it, &ty, &tyl, &err);
    if (r != SB_RESULT_OK) {
        /* Nothing but the error was written. */
        CHECK(it == (sb_header_params *)&it && ty == (const char *)&ty && tyl == UNTOUCHED);
        CHECK(err.kind == r && err.status == sb_result_http_status(r) && err.offset <= len && err.header == SIZE_MAX);
        snprintf(out, cap, "!%u@%zu", (unsigned)r, err.offset);
        return;
    }
    CHECK(ty >= value && ty + tyl <= value + len);
    n += (size_t)snprintf(out + n, cap - n, "%.*s", (int)tyl, ty);
    while ((r = sb_header_params_next(it, &p)) == SB_RESULT_OK) {
        CHECK(p.name != NULL && p.value != NULL && p.name >= value && p.name + p.name_len <= value + len);
        n += (size_t)snprintf(out + n, cap - n, "|%.*s=%.*s", (int)p.name_len, p.name, (int)p.value_len, p.value);
        CHECK((p.charset == NULL) == (p.language == NULL));
        if (p.charset != NULL)
            n += (size_t)snprintf(out + n, cap - n, "/%.*s/%.*s", (int)p.charset_len, p.charset,
                                  (int)p.language_len, p.language);
        else
            CHECK(p.charset_len == 0 && p.language_len == 0);
        if (n >= cap)
            n = cap - 1;
    }
    CHECK(r == SB_RESULT_END);
    CHECK(sb_header_params_next(it, &p) == SB_RESULT_END);
    sb_header_params_free(it);
}

static void expect_params(const char *value, uint32_t kind, const char *expected)
{
    char got[512];
    params_text(value, strlen(value), kind, got, sizeof(got));
    CHECK_CASE(strcmp(got, expected) == 0, got);
}

static void test_params(void)
{
    const uint32_t CT = SB_HEADER_PARAMS_CONTENT_TYPE, CD = SB_HEADER_PARAMS_CONTENT_DISPOSITION;
    char buf[32];

    CHECK(CT == 0 && CD == 1);
    expect_params("text/plain", CT, "text/plain");
    expect_params("text/plain; charset=UTF-8", CT, "text/plain|charset=UTF-8");
    expect_params(" Multipart/Form-Data ;boundary=\"a b\"; x=\"q\\\"\\\\\\z\";;", CT,
                  "Multipart/Form-Data|boundary=a b|x=q\"\\z");
    expect_params("a/b; t=\"\"; t*=UTF-8'en'%E2%82%AC; t=2", CT, "a/b|t=|t*=\xe2\x82\xac/UTF-8/en|t=2");
    expect_params("attachment; filename=\"C:\\dir\\a.txt\"; filename*=ISO-8859-1''%E9", CD,
                  "attachment|filename=C:dira.txt|filename*=\xc3\xa9/ISO-8859-1/");
    expect_params("form-data ; name = \"a\"", CD, "form-data|name=a");
    /* Errors: code and offset in the value. */
    snprintf(buf, sizeof(buf), "!%u@19", (unsigned)SB_RESULT_MALFORMED_CONTENT_TYPE);
    expect_params("text/plain; charset = x", CT, buf);
    snprintf(buf, sizeof(buf), "!%u@4", (unsigned)SB_RESULT_MALFORMED_CONTENT_TYPE);
    expect_params("text", CT, buf);
    snprintf(buf, sizeof(buf), "!%u@8", (unsigned)SB_RESULT_MALFORMED_CONTENT_TYPE);
    expect_params("a/b; t*=KOI8-R''x", CT, buf);
    snprintf(buf, sizeof(buf), "!%u@15", (unsigned)SB_RESULT_MALFORMED_CONTENT_DISPOSITION);
    expect_params("inline; name=\"a", CD, buf);
    snprintf(buf, sizeof(buf), "!%u@0", (unsigned)SB_RESULT_MALFORMED_CONTENT_DISPOSITION);
    expect_params("", CD, buf);
    {
        char *long_ct = malloc(5000);
        memcpy(long_ct, "a/b; x=", 7);
        memset(long_ct + 7, 'y', 5000 - 8);
        long_ct[4999] = '\0';
        snprintf(buf, sizeof(buf), "!%u@4096", (unsigned)SB_RESULT_CONTENT_TYPE_TOO_LONG);
        expect_params(long_ct, CT, buf);
        CHECK(sb_result_http_status(SB_RESULT_CONTENT_TYPE_TOO_LONG) == 400);
        free(long_ct);
    }
    /* Arguments. */
    {
        sb_header_params *it = NULL;
        const char *ty;
        size_t tyl;
        sb_header_param p;
        CHECK(sb_header_params_new("a/b", 3, 2, &it, &ty, &tyl, NULL) == SB_RESULT_INVALID_ARGUMENT && it == NULL);
        CHECK(sb_header_params_new(NULL, 3, CT, &it, &ty, &tyl, NULL) == SB_RESULT_NULL_ARGUMENT);
        CHECK(sb_header_params_new("a/b", 3, CT, NULL, &ty, &tyl, NULL) == SB_RESULT_NULL_ARGUMENT);
        CHECK(sb_header_params_new("a/b", 3, CT, &it, NULL, &tyl, NULL) == SB_RESULT_NULL_ARGUMENT);
        CHECK(sb_header_params_new("a/b", 3, CT, &it, &ty, NULL, NULL) == SB_RESULT_NULL_ARGUMENT);
        CHECK(sb_header_params_new("a/b", SIZE_MAX, CT, &it, &ty, &tyl, NULL) == SB_RESULT_INVALID_ARGUMENT);
        CHECK(sb_header_params_new(NULL, 0, CD, &it, &ty, &tyl, NULL) == SB_RESULT_MALFORMED_CONTENT_DISPOSITION);
        CHECK(it == NULL);
        CHECK(sb_header_params_new("x; a=b", 6, CD, &it, &ty, &tyl, NULL) == SB_RESULT_OK && it != NULL);
        CHECK(sb_header_params_next(NULL, &p) == SB_RESULT_NULL_ARGUMENT);
        CHECK(sb_header_params_next(it, NULL) == SB_RESULT_NULL_ARGUMENT);
        CHECK(sb_header_params_next(it, &p) == SB_RESULT_OK && span_is(p.value, p.value_len, "b"));
        sb_header_params_free(it);
        sb_header_params_free(NULL);
    }
}

/* ---- guard pages: every prefix of each input flush against either end ---- */

static const char *const param_values[] = {
    "multipart/form-data; boundary=\"----WebKitFormBoundary7MA4YWxkTrZu0gW\"; charset=utf-8",
    "text/plain; a=\"quoted \\\"pair\\\\\"; b*=UTF-8'en'%E2%82%AC%20x; c=tok",
    "form-data; name=\"field\"; filename=\"C:\\\\dir\\\\a.txt\"; filename*=ISO-8859-1''%E9t%E9",
    "attachment ; filename = \"x\" ; t*=utf-8''%e2%82",
};

static const char *const file_names[] = {
    "C:\\Users\\someone\\Documents\\quarterly report.pdf", "../../etc/passwd", "no-separator-at-all.bin", "dir/",
};

static void sweep(struct guarded *g)
{
    size_t i, len;
    char out[512];
    for (i = 0; i < sizeof(param_values) / sizeof(param_values[0]); i++) {
        size_t n = strlen(param_values[i]);
        for (len = 0; len <= n; len++) {
            uint32_t kind;
            for (kind = 0; kind <= 1; kind++) {
                params_text(guarded_at_end(g, param_values[i], len), len, kind, out, sizeof(out));
                params_text(guarded_at_start(g, param_values[i], len), len, kind, out, sizeof(out));
            }
        }
    }
    for (i = 0; i < sizeof(file_names) / sizeof(file_names[0]); i++) {
        size_t n = strlen(file_names[i]);
        for (len = 0; len <= n; len++) {
            const char *b, *p = guarded_at_end(g, file_names[i], len);
            size_t bl;
            CHECK(sb_multipart_basename(p, len, &b, &bl) == SB_RESULT_OK && b + bl == p + len);
            p = guarded_at_start(g, file_names[i], len);
            CHECK(sb_multipart_basename(p, len, &b, &bl) == SB_RESULT_OK && b + bl == p + len);
        }
    }
}

/* Every prefix of a body with filename* and folds, at the guard page, at once and byte by byte. */
static void sweep_multipart(struct guarded *g)
{
    static const char body[] =
        "--b\r\nContent-Disposition: form-data; name=\"f\";\r\n filename*=UTF-8'en'%E2%82%AC.txt\r\n\r\ndata\r\n"
        "--b\r\nContent-Disposition: form-data; name=\"g\"; filename*=ISO-8859-1''%E9\r\n\r\n\r\n--b--";
    size_t n = strlen(body), len, i;
    sb_multipart_config *c = sb_multipart_config_new();
    struct log l;
    CHECK(sb_multipart_config_set_flags(c, SB_MULTIPART_UNFOLD_HEADERS) == SB_RESULT_OK);
    for (len = 0; len <= n; len++) {
        sb_multipart_parser *p = NULL;
        memset(&l, 0, sizeof(l));
        CHECK(sb_multipart_parser_new(c, "b", 1, &p, NULL) == SB_RESULT_OK);
        CHECK(feed(p, guarded_at_end(g, body, len), len, &l) == SB_RESULT_OK);
        if (len == n)
            CHECK(sb_multipart_parser_finish(p, NULL) == SB_RESULT_OK);
        sb_multipart_parser_free(p);
    }
    {
        sb_multipart_parser *p = NULL;
        sb_result r = SB_RESULT_OK;
        memset(&l, 0, sizeof(l));
        CHECK(sb_multipart_parser_new(c, "b", 1, &p, NULL) == SB_RESULT_OK);
        for (i = 0; i < n && r == SB_RESULT_OK; i++)
            r = feed(p, guarded_at_end(g, body + i, 1), 1, &l);
        CHECK(r == SB_RESULT_OK && sb_multipart_parser_finish(p, NULL) == SB_RESULT_OK);
        CHECK_CASE(strstr(l.text, "f*=\xe2\x82\xac.txt/UTF-8/en") != NULL, l.text);
        CHECK_CASE(strstr(l.text, "f*=\xc3\xa9/ISO-8859-1/") != NULL, l.text);
        sb_multipart_parser_free(p);
    }
    sb_multipart_config_free(c);
}

int main(void)
{
    struct guarded g = guarded_new(4096);
    test_filename_star();
    test_unfold();
    test_basename();
    test_params();
    sweep(&g);
    sweep_multipart(&g);
    guarded_free(&g);
    return finish("multipart_params");
}
