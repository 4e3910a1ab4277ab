/*
 * sb_parse_request against picohttpparser's phr_parse_request, both called
 * from C in one process, on the request workloads of the Rust benches
 * (files written by `cargo run -p springbok-benches --example workloads`).
 * benches/c/run builds and runs it; see benches/README.md.
 *
 *   bench time REPEATS FILE...      median ns per request of each parser over
 *                                   REPEATS runs, and the median ratio
 *   bench count PARSER ITERS FILE   ITERS calls of one parser (springbok or
 *                                   picohttpparser), for callgrind
 *
 * Both parsers get the same header storage (MAX_HEADERS entries) and
 * last_len 0; before anything is timed, their outputs are compared field by
 * field (same head length, spans, version and headers), so neither can be
 * faster by doing less.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "picohttpparser.h"
#include "springbok.h"

#define MAX_HEADERS 128

struct out {
    const char *method, *path;
    size_t method_len, path_len, num_headers;
    int minor;
};

static struct phr_header pico_headers[MAX_HEADERS];
static struct sb_header sb_headers[MAX_HEADERS];

static int pico(const char *buf, size_t len, struct out *o) {
    o->num_headers = MAX_HEADERS;
    return phr_parse_request(buf, len, &o->method, &o->method_len, &o->path, &o->path_len, &o->minor, pico_headers,
                             &o->num_headers, 0);
}

static int springbok(const char *buf, size_t len, struct out *o) {
    o->num_headers = MAX_HEADERS;
    return sb_parse_request(buf, len, &o->method, &o->method_len, &o->path, &o->path_len, &o->minor, sb_headers,
                            &o->num_headers, 0);
}

typedef int (*parser)(const char *, size_t, struct out *);

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "%s: read failed\n", path);
        exit(2);
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Both parsers accept the request and report the same head. */
static void check_same(const char *name, const char *buf, size_t len) {
    struct out a, b;
    int ra = pico(buf, len, &a), rb = springbok(buf, len, &b);
    int same = ra > 0 && ra == rb && a.method == b.method && a.method_len == b.method_len && a.path == b.path &&
               a.path_len == b.path_len && a.minor == b.minor && a.num_headers == b.num_headers;
    for (size_t i = 0; same && i < a.num_headers; i++) {
        same = pico_headers[i].name == sb_headers[i].name && pico_headers[i].name_len == sb_headers[i].name_len &&
               pico_headers[i].value == sb_headers[i].value && pico_headers[i].value_len == sb_headers[i].value_len;
    }
    if (!same) {
        fprintf(stderr, "%s: the parsers disagree (picohttpparser %d, springbok %d)\n", name, ra, rb);
        exit(1);
    }
}

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static volatile size_t sink;

/* ns per call of `p` over `iters` calls; the buffer pointer goes through a
 * volatile so the calls cannot be hoisted or merged. */
static double run(parser p, const char *buf, size_t len, long iters) {
    const char *volatile vbuf = buf;
    struct out o;
    size_t total = 0;
    double t0 = now_ns();
    for (long i = 0; i < iters; i++) {
        total += (size_t)p(vbuf, len, &o);
    }
    double t = now_ns() - t0;
    sink = total;
    return t / (double)iters;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const char *base(const char *path) {
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int time_all(int repeats, int nfiles, char **files) {
    printf("| request | bytes | picohttpparser ns | sb_parse_request ns | ratio (median) | ratio range |\n");
    printf("|---|---:|---:|---:|---:|---|\n");
    double *tp = calloc((size_t)repeats, sizeof *tp), *ts = calloc((size_t)repeats, sizeof *ts),
           *ratio = calloc((size_t)repeats, sizeof *ratio);
    for (int f = 0; f < nfiles; f++) {
        size_t len;
        char *buf = slurp(files[f], &len);
        check_same(files[f], buf, len);
        /* About 20 ms per measurement, calibrated on picohttpparser. */
        double guess = run(pico, buf, len, 2000);
        long iters = (long)(2e7 / (guess > 1 ? guess : 1));
        if (iters < 1000) {
            iters = 1000;
        }
        run(springbok, buf, len, iters / 10);
        for (int r = 0; r < repeats; r++) {
            /* Alternate the order so neither parser always runs first. */
            if (r % 2) {
                ts[r] = run(springbok, buf, len, iters);
                tp[r] = run(pico, buf, len, iters);
            } else {
                tp[r] = run(pico, buf, len, iters);
                ts[r] = run(springbok, buf, len, iters);
            }
            ratio[r] = tp[r] / ts[r];
        }
        double mp = median(tp, repeats), ms = median(ts, repeats), mr = median(ratio, repeats);
        printf("| %s | %zu | %.1f | %.1f | %.2fx | %.2f-%.2f |\n", base(files[f]), len, mp, ms, mr, ratio[0],
               ratio[repeats - 1]);
        fflush(stdout);
        free(buf);
    }
    free(tp);
    free(ts);
    free(ratio);
    return 0;
}

static int count(const char *which, long iters, const char *file) {
    size_t len;
    char *buf = slurp(file, &len);
    check_same(file, buf, len);
    parser p = strcmp(which, "springbok") == 0 ? springbok : strcmp(which, "picohttpparser") == 0 ? pico : NULL;
    if (!p) {
        fprintf(stderr, "unknown parser %s\n", which);
        return 2;
    }
    run(p, buf, len, iters);
    free(buf);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 4 && strcmp(argv[1], "time") == 0) {
        int repeats = atoi(argv[2]);
        return time_all(repeats > 0 ? repeats : 1, argc - 3, argv + 3);
    }
    if (argc == 5 && strcmp(argv[1], "count") == 0) {
        return count(argv[2], atol(argv[3]), argv[4]);
    }
    fprintf(stderr, "usage: bench time REPEATS FILE... | bench count PARSER ITERS FILE\n");
    return 2;
}
