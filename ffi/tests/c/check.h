/*
 * A tiny test harness for the C ABI tests: CHECK counts passes and
 * failures, finish() prints "NAME: N passed, N failed" and returns the exit
 * status. Also the guard-page buffers used to catch over- and under-reads.
 */
#ifndef SPRINGBOK_TEST_CHECK_H
#define SPRINGBOK_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) {                                                                  \
            check_passed++;                                                          \
        } else {                                                                     \
            check_failed++;                                                          \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);          \
        }                                                                            \
    } while (0)

/* Whether all n bytes at p are b (outputs left untouched on failure). */
static inline int all_bytes(const void *p, size_t n, unsigned char b)
{
    const unsigned char *q = p;
    size_t i;
    for (i = 0; i < n; i++)
        if (q[i] != b)
            return 0;
    return 1;
}

/* CHECK with a note of which case failed. */
#define CHECK_CASE(cond, what)                                                       \
    do {                                                                             \
        if (cond) {                                                                  \
            check_passed++;                                                          \
        } else {                                                                     \
            check_failed++;                                                          \
            fprintf(stderr, "FAIL %s:%d: %s [%s]\n", __FILE__, __LINE__, #cond, what); \
        }                                                                            \
    } while (0)

static inline int finish(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
    return check_failed == 0 ? 0 : 1;
}

/* Whether the span (p, n) holds exactly the NUL-terminated string s. */
static inline int span_is(const char *p, size_t n, const char *s)
{
    return p != NULL && strlen(s) == n && memcmp(p, s, n) == 0;
}

/*
 * A read-write region with an inaccessible (PROT_NONE) page on each side:
 * data placed flush against either end faults on any read past that end.
 */
struct guarded {
    char *base; /* the mapping, leading guard page included */
    char *data; /* first usable byte */
    size_t size; /* usable bytes */
    size_t page;
};

static inline struct guarded guarded_new(size_t min_size)
{
    struct guarded g;
    g.page = (size_t)sysconf(_SC_PAGESIZE);
    g.size = (min_size + g.page - 1) / g.page * g.page;
    g.base = mmap(NULL, g.size + 2 * g.page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g.base == MAP_FAILED) {
        perror("mmap");
        exit(2);
    }
    if (mprotect(g.base, g.page, PROT_NONE) != 0 || mprotect(g.base + g.page + g.size, g.page, PROT_NONE) != 0) {
        perror("mprotect");
        exit(2);
    }
    g.data = g.base + g.page;
    return g;
}

static inline void guarded_free(struct guarded *g)
{
    munmap(g->base, g->size + 2 * g->page);
}

/* Copies (s, n) so that its last byte is the last readable byte. */
static inline char *guarded_at_end(struct guarded *g, const char *s, size_t n)
{
    char *p = g->data + g->size - n;
    if (n > g->size) {
        fprintf(stderr, "guarded buffer too small\n");
        exit(2);
    }
    memcpy(p, s, n);
    return p;
}

/* Copies (s, n) so that its first byte is the first readable byte. */
static inline char *guarded_at_start(struct guarded *g, const char *s, size_t n)
{
    if (n > g->size) {
        fprintf(stderr, "guarded buffer too small\n");
        exit(2);
    }
    memcpy(g->data, s, n);
    return g->data;
}

#endif
