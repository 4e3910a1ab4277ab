/*
 * The C forms and multipart rows of `benches/suite`, on the form and
 * multipart files of the suite's corpus:
 *
 * - forms: `sb_urlencoded_pairs_new` + `_next_batch` (bytes mode,
 *   `SB_URLENCODED_WHATWG`, no limits) against uriparser's
 *   `uriDissectQueryMallocExA` (`+` as space, line breaks untouched), the C
 *   query-string splitter Debian packages. Both return every decoded pair
 *   as bytes, and neither checks UTF-8.
 * - multipart: `sb_multipart_parser_new` / `_feed` / `_finish`, the body fed
 *   in PIECE-byte pieces. No C multipart/form-data parser is packaged in
 *   Debian (GMime parses e-mail MIME into an object tree: not what an HTTP
 *   server links), so this row has no incumbent and reports throughput.
 *
 *   bodies REPEATS SECONDS BOUNDARY PIECE KIND:ITEMS:FILE...
 *
 * KIND is `form` or `multipart`, ITEMS the pairs or parts the manifest says
 * the file holds. Before timing a form, Springbok and uriparser must return
 * the same pairs, ITEMS of them; before timing a multipart body, the parts
 * Springbok reports (boundary lines, headers as sent, data) must rebuild
 * the file byte for byte, with ITEMS parts. Otherwise it exits 1. Timing as
 * in requests.c. Prints JSON in the format of the Rust entry; a row without
 * an incumbent has no peers and says why in `no_peer`.
 */
#include <stdint.h>
#include <uriparser/Uri.h>

#include "driver.h"
#include "springbok.h"

#define BATCH 64

/* One input and what the parsers need to read it. */
struct body {
    const char *buf;
    size_t len;
    const char *boundary;
    size_t boundary_len, piece;
};

/* A parse returns what it saw (pairs, or data and name bytes), or -1. */
typedef long (*work_fn)(const struct body *b);

static sb_multipart_config *config;

static long form_springbok(const struct body *b) {
    sb_urlencoded_pairs *it;
    if (sb_urlencoded_pairs_new(b->buf, b->len, SB_URLENCODED_WHATWG, SIZE_MAX, SIZE_MAX, &it, NULL) != SB_RESULT_OK)
        return -1;
    sb_urlencoded_pair pairs[BATCH];
    size_t n;
    long seen = 0;
    while (sb_urlencoded_pairs_next_batch(it, pairs, BATCH, &n) == SB_RESULT_OK)
        seen += (long)n;
    sb_urlencoded_pairs_free(it);
    return seen;
}

static long form_uriparser(const struct body *b) {
    UriQueryListA *list;
    int n;
    if (uriDissectQueryMallocExA(&list, &n, b->buf, b->buf + b->len, URI_TRUE, URI_BR_DONT_TOUCH) != URI_SUCCESS)
        return -1;
    uriFreeQueryListA(list);
    return n;
}

/* Feeds the body in pieces; `on` (if not NULL) sees every event. */
static long multipart_events(const struct body *b, void (*on)(const sb_multipart_event *, void *), void *ctx) {
    sb_multipart_parser *p;
    if (sb_multipart_parser_new(config, b->boundary, b->boundary_len, &p, NULL) != SB_RESULT_OK)
        return -1;
    long seen = 0;
    for (size_t off = 0; off < b->len; off += b->piece) {
        const char *q = b->buf + off;
        size_t left = b->len - off < b->piece ? b->len - off : b->piece;
        for (;;) {
            size_t used;
            sb_multipart_event ev;
            if (sb_multipart_parser_feed(p, q, left, &used, &ev, NULL) != SB_RESULT_OK) {
                sb_multipart_parser_free(p);
                return -1;
            }
            q += used;
            left -= used;
            if (ev.kind == SB_MULTIPART_EVENT_KIND_NEED_MORE)
                break;
            /* As the Rust entry: the data and the names are what is read. */
            if (ev.kind == SB_MULTIPART_EVENT_KIND_DATA)
                seen += (long)ev.data_len;
            else if (ev.kind == SB_MULTIPART_EVENT_KIND_PART_START)
                seen += (long)ev.name_len;
            if (on)
                on(&ev, ctx);
        }
    }
    long ok = sb_multipart_parser_finish(p, NULL) == SB_RESULT_OK;
    sb_multipart_parser_free(p);
    return ok ? seen : -1;
}

static long multipart_springbok(const struct body *b) {
    return multipart_events(b, NULL, NULL);
}

/* The agreement check of a multipart body: the body rebuilt from the events. */
struct rebuild {
    const struct body *b;
    char *out;
    size_t len, cap;
    long parts;
    int overflow;
};

static void put(struct rebuild *r, const char *s, size_t n) {
    if (r->len + n > r->cap) {
        r->overflow = 1;
        return;
    }
    memcpy(r->out + r->len, s, n);
    r->len += n;
}

static void rebuild_event(const sb_multipart_event *ev, void *ctx) {
    struct rebuild *r = ctx;
    switch (ev->kind) {
    case SB_MULTIPART_EVENT_KIND_PART_START:
        r->parts++;
        put(r, "--", 2);
        put(r, r->b->boundary, r->b->boundary_len);
        put(r, "\r\n", 2);
        for (size_t i = 0; i < ev->num_headers; i++) {
            put(r, ev->headers[i].name, ev->headers[i].name_len);
            put(r, ": ", 2);
            put(r, ev->headers[i].value, ev->headers[i].value_len);
            put(r, "\r\n", 2);
        }
        put(r, "\r\n", 2);
        break;
    case SB_MULTIPART_EVENT_KIND_DATA:
        put(r, ev->data, ev->data_len);
        break;
    case SB_MULTIPART_EVENT_KIND_PART_END:
        put(r, "\r\n", 2);
        break;
    case SB_MULTIPART_EVENT_KIND_END:
        /* The corpus's bodies end with the close delimiter and one CRLF. */
        put(r, "--", 2);
        put(r, r->b->boundary, r->b->boundary_len);
        put(r, "--\r\n", 4);
        break;
    default:
        break;
    }
}

static int multipart_agrees(const struct body *b, long items, const char *name) {
    struct rebuild r = {.b = b, .cap = b->len, .out = malloc(b->len ? b->len : 1)};
    long seen = r.out ? multipart_events(b, rebuild_event, &r) : -1;
    int ok = seen >= 0 && !r.overflow && r.parts == items && r.len == b->len && memcmp(r.out, b->buf, b->len) == 0;
    if (!ok)
        fprintf(stderr, "sb_multipart_parser disagrees with the body: %s: %ld parts (expected %ld), rebuilt %zu of %zu bytes%s\n",
                name, r.parts, items, r.len, b->len, seen < 0 ? ", parse error" : "");
    free(r.out);
    return ok;
}

static int same(const char *a, size_t alen, const char *b) {
    size_t blen = b ? strlen(b) : 0;
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static int form_agrees(const struct body *b, long items, const char *name) {
    sb_urlencoded_pairs *it = NULL;
    UriQueryListA *list = NULL;
    int n = -1;
    long count = 0;
    int ok = sb_urlencoded_pairs_new(b->buf, b->len, SB_URLENCODED_WHATWG, SIZE_MAX, SIZE_MAX, &it, NULL) == SB_RESULT_OK &&
             uriDissectQueryMallocExA(&list, &n, b->buf, b->buf + b->len, URI_TRUE, URI_BR_DONT_TOUCH) == URI_SUCCESS;
    const UriQueryListA *q = list;
    sb_urlencoded_pair p;
    while (ok && sb_urlencoded_pairs_next(it, &p) == SB_RESULT_OK) {
        /* uriparser's value is NULL for a pair without `=`: empty. */
        ok = q && same(p.key, p.key_len, q->key) && same(p.value, p.value_len, q->value);
        q = q ? q->next : NULL;
        count++;
    }
    ok = ok && !q && count == items && n == items;
    if (!ok)
        fprintf(stderr, "the parsers disagree: %s: sb_urlencoded_pairs %ld pairs, uriparser %d (expected %ld), or a pair differs\n",
                name, count, n, items);
    sb_urlencoded_pairs_free(it);
    uriFreeQueryListA(list);
    return ok;
}

static volatile long sink;

static double batch(work_fn f, const struct body *b, long n) {
    long sum = 0;
    double t = now();
    for (long i = 0; i < n; i++)
        sum += f(b);
    double dt = now() - t;
    sink += sum;
    return dt;
}

static long calibrate(work_fn f, const struct body *b, double seconds) {
    for (long n = 1;; n *= 4) {
        double dt = batch(f, b, n);
        if (dt >= seconds / 8 || n >= (1L << 30)) {
            long k = (long)(n * seconds / (dt > 1e-9 ? dt : 1e-9));
            return k > 0 ? k : 1;
        }
    }
}

/* Times f (and g, when not NULL) on b: one batch each per repeat, the
 * order reversed every other repeat. */
static void measure(work_fn f, work_fn g, const struct body *b, int repeats, double seconds, double ns[2][MAX_REPEATS]) {
    work_fn fns[2] = {f, g};
    int k_max = g ? 2 : 1;
    long n[2];
    for (int k = 0; k < k_max; k++)
        n[k] = calibrate(fns[k], b, seconds);
    for (int r = 0; r < repeats; r++)
        for (int j = 0; j < k_max; j++) {
            int k = r % 2 && g ? 1 - j : j;
            ns[k][r] = batch(fns[k], b, n[k]) * 1e9 / n[k];
        }
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: bodies REPEATS SECONDS BOUNDARY PIECE KIND:ITEMS:FILE...\n");
        return 2;
    }
    int repeats = atoi(argv[1]);
    double seconds = atof(argv[2]);
    long piece = atol(argv[4]);
    if (repeats < 1 || repeats > MAX_REPEATS || !(seconds > 0) || piece < 1) {
        fprintf(stderr, "bodies: REPEATS must be 1..%d, SECONDS and PIECE positive\n", MAX_REPEATS);
        return 2;
    }
    config = sb_multipart_config_new();
    if (!config)
        return 1;
    printf("{\"language\": \"c\", \"versions\": \"uriparser %s\", \"repeats\": %d, \"rows\": [\n", URI_VER_ANSI,
           repeats);
    for (int i = 5; i < argc; i++) {
        const char *kind = argv[i], *colon = strchr(kind, ':');
        char *path;
        long items = colon ? strtol(colon + 1, &path, 10) : -1;
        int form = colon && colon - kind == 4 && strncmp(kind, "form", 4) == 0;
        int multipart = colon && colon - kind == 9 && strncmp(kind, "multipart", 9) == 0;
        if (!(form || multipart) || items < 0 || *path != ':') {
            fprintf(stderr, "bodies: %s: not KIND:ITEMS:FILE\n", argv[i]);
            return 2;
        }
        path++;
        size_t len;
        char *buf = slurp(path, &len);
        if (!buf) {
            fprintf(stderr, "bodies: cannot read %s\n", path);
            return 1;
        }
        char name[256];
        input_name(path, name, sizeof name);
        struct body b = {buf, len, argv[3], strlen(argv[3]), (size_t)piece};
        double ns[2][MAX_REPEATS];
        const char *sep = i > 5 ? ",\n" : "";
        if (form) {
            if (!form_agrees(&b, items, name))
                return 1;
            measure(form_springbok, form_uriparser, &b, repeats, seconds, ns);
            printf("%s{\"group\": \"forms\", \"input\": \"%s\", \"checked\": true, "
                   "\"springbok\": {\"name\": \"sb_urlencoded_pairs (bytes)\", \"ns\": ", sep, name);
            print_samples(ns[0], repeats);
            printf("}, \"peers\": [{\"name\": \"uriparser uriDissectQueryMallocExA\", \"ns\": ");
            print_samples(ns[1], repeats);
            printf("}]}");
        } else {
            if (!multipart_agrees(&b, items, name))
                return 1;
            measure(multipart_springbok, NULL, &b, repeats, seconds, ns);
            printf("%s{\"group\": \"multipart\", \"input\": \"%s\", \"checked\": true, \"bytes\": %zu, "
                   "\"springbok\": {\"name\": \"sb_multipart_parser\", \"ns\": ", sep, name, len);
            print_samples(ns[0], repeats);
            printf("}, \"peers\": [], \"no_peer\": \"no C multipart/form-data parser is packaged in Debian\"}");
        }
        fprintf(stderr, "c: %s timed\n", name);
        free(buf);
    }
    printf("\n]}\n");
    sb_multipart_config_free(config);
    return 0;
}
