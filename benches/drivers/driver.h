/*
 * What the C entries of `benches/suite` share (requests.c, bodies.c): the
 * clock (the thread's CPU time, CLOCK_THREAD_CPUTIME_ID), reading a corpus
 * file, an input's name and printing samples as JSON.
 */
#ifndef SUITE_DRIVER_H
#define SUITE_DRIVER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_REPEATS 64

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The whole file in a malloc'd buffer (length in *len), or NULL. */
static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc(n > 0 ? (size_t)n : 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* The input's name: the file name without directory and extension. */
static void input_name(const char *path, char *out, size_t cap) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(out, cap, "%s", base);
    char *dot = strrchr(out, '.');
    if (dot)
        *dot = '\0';
}

static void print_samples(const double *ns, int repeats) {
    printf("[");
    for (int r = 0; r < repeats; r++)
        printf("%s%.3f", r ? ", " : "", ns[r]);
    printf("]");
}

#endif
