/*
 * The C entry of `benches/suite`: `sb_parse_request` (libspringbok.a)
 * against picohttpparser's `phr_parse_request` (its SSE4.2 build), on the
 * request files of the suite's corpus, in one process.
 *
 *   requests REPEATS SECONDS FILE...
 *
 * Before timing a file, both parsers must return the same head length and
 * read the same method, path, version and headers; otherwise it exits 1.
 * Each repeat times one batch of each parser (the order reversed every
 * other repeat); a batch takes about SECONDS of the thread's CPU time
 * (CLOCK_THREAD_CPUTIME_ID), which is what is measured. Prints, as JSON, every
 * parser's ns per call in each repeat, in the format of the Rust entry
 * (benches/src/bin/suite.rs).
 */
#include "driver.h"
#include "picohttpparser.h"
#include "springbok.h"

#define MAX_HEADERS 256

/* One parse's results, for the agreement check. */
struct head {
    int ret, minor;
    const char *method, *path;
    size_t method_len, path_len, num_headers;
    struct phr_header headers[MAX_HEADERS];
};

typedef int (*parse_fn)(const char *buf, size_t len, struct head *out);

static int parse_springbok(const char *buf, size_t len, struct head *h) {
    h->num_headers = MAX_HEADERS;
    /* sb_header is laid out like phr_header (springbok.h says so; the
     * agreement check below would catch a difference). */
    h->ret = sb_parse_request(buf, len, &h->method, &h->method_len, &h->path, &h->path_len, &h->minor,
                              (struct sb_header *)h->headers, &h->num_headers, 0);
    return h->ret;
}

static int parse_pico(const char *buf, size_t len, struct head *h) {
    h->num_headers = MAX_HEADERS;
    h->ret = phr_parse_request(buf, len, &h->method, &h->method_len, &h->path, &h->path_len, &h->minor, h->headers,
                               &h->num_headers, 0);
    return h->ret;
}

static int same_span(const char *a, size_t alen, const char *b, size_t blen) {
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static int agree(const struct head *a, const struct head *b) {
    if (a->ret <= 0 || a->ret != b->ret || a->minor != b->minor || a->num_headers != b->num_headers)
        return 0;
    if (!same_span(a->method, a->method_len, b->method, b->method_len) ||
        !same_span(a->path, a->path_len, b->path, b->path_len))
        return 0;
    for (size_t i = 0; i < a->num_headers; i++) {
        const struct phr_header *x = &a->headers[i], *y = &b->headers[i];
        if (!same_span(x->name, x->name_len, y->name, y->name_len) ||
            !same_span(x->value, x->value_len, y->value, y->value_len))
            return 0;
    }
    return 1;
}

/* The sum of head lengths keeps the calls from being optimised away. */
static volatile long sink;

static double batch(parse_fn f, const char *buf, size_t len, long n) {
    struct head h;
    long sum = 0;
    double t = now();
    for (long i = 0; i < n; i++)
        sum += f(buf, len, &h);
    double dt = now() - t;
    sink += sum;
    return dt;
}

static long calibrate(parse_fn f, const char *buf, size_t len, double seconds) {
    for (long n = 1;; n *= 4) {
        double dt = batch(f, buf, len, n);
        if (dt >= seconds / 8 || n >= (1L << 30)) {
            long k = (long)(n * seconds / (dt > 1e-9 ? dt : 1e-9));
            return k > 0 ? k : 1;
        }
    }
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: requests REPEATS SECONDS FILE...\n");
        return 2;
    }
    int repeats = atoi(argv[1]);
    double seconds = atof(argv[2]);
    if (repeats < 1 || repeats > MAX_REPEATS || !(seconds > 0)) {
        fprintf(stderr, "requests: REPEATS must be 1..%d and SECONDS positive\n", MAX_REPEATS);
        return 2;
    }
    printf("{\"language\": \"c\", \"versions\": \"libspringbok %s; picohttpparser (picohttpparser-sys 1.0 sources, "
           "-O2 -msse4.2)\", \"repeats\": %d, \"rows\": [\n",
           sb_version(), repeats);
    for (int i = 3; i < argc; i++) {
        size_t len;
        char *buf = slurp(argv[i], &len);
        if (!buf) {
            fprintf(stderr, "requests: cannot read %s\n", argv[i]);
            return 1;
        }
        char name[256];
        input_name(argv[i], name, sizeof name);
        static struct head a, b;
        parse_springbok(buf, len, &a);
        parse_pico(buf, len, &b);
        if (!agree(&a, &b)) {
            fprintf(stderr, "the parsers disagree: %s: sb_parse_request %d (%zu headers), phr_parse_request %d (%zu headers)\n",
                    name, a.ret, a.num_headers, b.ret, b.num_headers);
            return 1;
        }
        parse_fn fns[2] = {parse_springbok, parse_pico};
        long n[2];
        double ns[2][MAX_REPEATS];
        for (int k = 0; k < 2; k++)
            n[k] = calibrate(fns[k], buf, len, seconds);
        for (int r = 0; r < repeats; r++)
            for (int j = 0; j < 2; j++) {
                int k = r % 2 ? 1 - j : j;
                ns[k][r] = batch(fns[k], buf, len, n[k]) * 1e9 / n[k];
            }
        printf("%s{\"group\": \"requests\", \"input\": \"%s\", \"checked\": true, "
               "\"springbok\": {\"name\": \"sb_parse_request\", \"ns\": ",
               i > 3 ? ",\n" : "", name);
        print_samples(ns[0], repeats);
        printf("}, \"peers\": [{\"name\": \"picohttpparser (SSE4.2)\", \"ns\": ");
        print_samples(ns[1], repeats);
        printf("}]}");
        fprintf(stderr, "c: %s timed\n", name);
        free(buf);
    }
    printf("\n]}\n");
    return 0;
}
