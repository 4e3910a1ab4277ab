/*
 * The Ruby and Perl bindings' call sequences over libspringbok's C ABI,
 * without the interpreters, for the `glue` fuzz target
 * (fuzz_targets/glue.rs), which runs them and compares the results with
 * the Rust crates. Each function names the glue code it follows: the same
 * calls, the same buffer sizes (read from the bindings' sources by
 * build.rs), the same retry conditions. Only the interpreter's values are
 * replaced by callbacks.
 *
 * Buffers the glue keeps on the C stack are malloc'ed here at exactly the
 * glue's size: AddressSanitizer's allocator serves this file's malloc, so a
 * write past the end of one by libspringbok is caught (this file itself is
 * compiled by cc without instrumentation).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "glue_perl_keys.h"
#include "springbok.h"

/* A pair as the binding stores it: `key` is what the binding uses as the
 * hash key (for Perl, the name of a precomputed key it recognised by
 * address), `static_key` says the binding treated the key as static memory
 * (Ruby caches such keys by address, Perl recognises them by address). */
typedef void (*glue_pair_fn)(void *cx, const char *key, size_t key_len, const char *value, size_t value_len,
                             bool static_key);

static void *must_malloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) abort();
    return p;
}

/* --- env: bindings/ruby/ext/springbok/http.c sbr_env_parse ------------- */

uint32_t glue_ruby_env(const sb_parser_config *config, uint32_t env_flags, const char *buf, size_t len,
                       size_t last_len, size_t max_headers, glue_pair_fn emit, void *cx) {
    sb_header *hstack = must_malloc(GLUE_RUBY_STACK_HEADERS * sizeof(sb_header));
    sb_env_pair *pstack = must_malloc((SB_ENV_MAX_FIXED_PAIRS + GLUE_RUBY_STACK_HEADERS) * sizeof(sb_env_pair));
    char *astack = must_malloc(GLUE_RUBY_STACK_ARENA);
    sb_header *headers = hstack, *tmp_headers = NULL;
    sb_env_pair *pairs = pstack, *tmp_pairs = NULL;
    char *arena = astack, *tmp_arena = NULL;
    sb_request req;
    sb_error err;
    sb_env_sizes sizes;

    size_t cap = max_headers < GLUE_RUBY_STACK_HEADERS ? max_headers : GLUE_RUBY_STACK_HEADERS;
    uint32_t rc = sb_parser_config_parse_request(config, buf, len, last_len, headers, cap, &req, &err);
    if (rc == SB_RESULT_TOO_MANY_HEADERS && max_headers > cap) {
        size_t want = len / 3 + 1;
        if (want > max_headers) want = max_headers;
        if (want > cap) {
            headers = tmp_headers = must_malloc(want * sizeof(sb_header));
            rc = sb_parser_config_parse_request(config, buf, len, last_len, headers, want, &req, &err);
        }
    }
    if (rc == SB_RESULT_OK) {
        size_t npairs = SB_ENV_MAX_FIXED_PAIRS + req.num_headers;
        if (npairs > SB_ENV_MAX_FIXED_PAIRS + GLUE_RUBY_STACK_HEADERS)
            pairs = tmp_pairs = must_malloc(npairs * sizeof(sb_env_pair));
        rc = sb_env_flatten(env_flags, &req, headers, pairs, npairs, arena, GLUE_RUBY_STACK_ARENA, &sizes, &err);
        if (rc == SB_RESULT_BUFFER_TOO_SMALL) {
            size_t need = sizes.arena;
            arena = tmp_arena = must_malloc(need);
            rc = sb_env_flatten(env_flags, &req, headers, pairs, npairs, arena, need, &sizes, &err);
        }
        if (rc == SB_RESULT_OK) {
            /* sbr_env_key: a key inside the arena is generated, any other
             * is static memory, cached by address. */
            for (size_t i = 0; i < sizes.pairs; i++) {
                const sb_env_pair *p = &pairs[i];
                uintptr_t k = (uintptr_t)p->key, a = (uintptr_t)arena;
                bool in_arena = k >= a && k < a + sizes.arena;
                emit(cx, p->key, p->key_len, p->value, p->value_len, !in_arena);
            }
        }
    }
    free(tmp_headers);
    free(tmp_pairs);
    free(tmp_arena);
    free(hstack);
    free(pstack);
    free(astack);
    return rc;
}

/* --- env: bindings/perl/src/keys.c (the table) and http.c -------------- */

/* keys.c fill_table: flattens one request holding every precomputed name
 * and records, by address, the static keys libspringbok returned. A linear
 * table here: the glue's hash is an implementation detail. */
static const char *perl_key_addr[GLUE_PERL_KEY_COUNT];
static bool perl_table_filled;

static size_t perl_header_name(const char *key, char *out) {
    size_t n = 0;
    if (strncmp(key, "HTTP_", 5) == 0) key += 5;
    for (; *key; key++) out[n++] = *key == '_' ? '-' : *key;
    return n;
}

static void perl_fill_table(void) {
    enum { HEADERS = GLUE_PERL_KEY_COUNT - GLUE_PERL_FIRST_HEADER };
    char *request = must_malloc(4096);
    sb_header *headers = must_malloc(HEADERS * sizeof(sb_header));
    sb_env_pair *pairs = must_malloc((SB_ENV_MAX_FIXED_PAIRS + HEADERS) * sizeof(sb_env_pair));
    char *arena = must_malloc(4096);
    size_t len = 16;
    sb_request req;
    sb_env_sizes sizes;

    perl_table_filled = true;
    memcpy(request, "GET / HTTP/1.1\r\n", 16);
    for (size_t i = GLUE_PERL_FIRST_HEADER; i < GLUE_PERL_KEY_COUNT; i++) {
        len += perl_header_name(glue_perl_key_names[i], request + len);
        memcpy(request + len, ": x\r\n", 5);
        len += 5;
    }
    memcpy(request + len, "\r\n", 2);
    len += 2;
    sb_parser_config *config = sb_parser_config_new();
    sb_result rc = sb_parser_config_parse_request(config, request, len, 0, headers, HEADERS, &req, NULL);
    sb_parser_config_free(config);
    if (rc == SB_RESULT_OK &&
        sb_env_flatten(SB_ENV_PSGI, &req, headers, pairs, SB_ENV_MAX_FIXED_PAIRS + HEADERS, arena, 4096, &sizes,
                       NULL) == SB_RESULT_OK) {
        for (size_t i = 0; i < sizes.pairs; i++) {
            const char *key = pairs[i].key;
            if (key >= arena && key < arena + 4096) continue;
            for (size_t k = 0; k < GLUE_PERL_KEY_COUNT; k++) {
                if (strlen(glue_perl_key_names[k]) == pairs[i].key_len &&
                    memcmp(glue_perl_key_names[k], key, pairs[i].key_len) == 0) {
                    if (!perl_key_addr[k]) perl_key_addr[k] = key;
                    break;
                }
            }
        }
    }
    free(request);
    free(headers);
    free(pairs);
    free(arena);
}

/* keys.c sbp_key_index. */
static int perl_key_index(const char *key) {
    for (int k = 0; k < GLUE_PERL_KEY_COUNT; k++)
        if (perl_key_addr[k] == key) return k;
    return -1;
}

/* http.c parse_http_request (the parse and flatten; `max_headers` is the
 * context's, SBP_DEFAULT_MAX_HEADERS unless set). */
uint32_t glue_perl_env(const sb_parser_config *config, uint32_t env_flags, const char *buf, size_t len,
                       size_t max_headers, glue_pair_fn emit, void *cx) {
    sb_header *stack_headers = must_malloc(GLUE_PERL_DEFAULT_MAX_HEADERS * sizeof(sb_header));
    sb_env_pair *stack_pairs =
        must_malloc((SB_ENV_MAX_FIXED_PAIRS + GLUE_PERL_DEFAULT_MAX_HEADERS) * sizeof(sb_env_pair));
    char *stack_arena = must_malloc(GLUE_PERL_STACK_ARENA);
    sb_header *headers = stack_headers, *new_headers = NULL;
    sb_env_pair *pairs = stack_pairs, *new_pairs = NULL;
    char *arena = stack_arena, *new_arena = NULL, *new_arena2 = NULL;
    size_t arena_len = GLUE_PERL_STACK_ARENA;
    sb_request req;
    sb_error error;
    sb_env_sizes sizes;

    if (!perl_table_filled) perl_fill_table();
    if (max_headers > GLUE_PERL_DEFAULT_MAX_HEADERS) {
        headers = new_headers = must_malloc(max_headers * sizeof(sb_header));
        pairs = new_pairs = must_malloc((SB_ENV_MAX_FIXED_PAIRS + max_headers) * sizeof(sb_env_pair));
    }
    uint32_t rc = sb_parser_config_parse_request(config, buf, len, 0, headers, max_headers, &req, &error);
    if (rc == SB_RESULT_OK) {
        if (req.head_len + 8 * req.num_headers > arena_len) {
            arena_len = req.head_len + 8 * req.num_headers;
            arena = new_arena = must_malloc(arena_len);
        }
        rc = sb_env_flatten(env_flags, &req, headers, pairs, SB_ENV_MAX_FIXED_PAIRS + max_headers, arena, arena_len,
                            &sizes, &error);
        if (rc == SB_RESULT_BUFFER_TOO_SMALL && sizes.arena > arena_len) {
            arena_len = sizes.arena;
            arena = new_arena2 = must_malloc(arena_len);
            rc = sb_env_flatten(env_flags, &req, headers, pairs, SB_ENV_MAX_FIXED_PAIRS + max_headers, arena,
                                arena_len, &sizes, &error);
        }
        if (rc == SB_RESULT_OK) {
            for (size_t i = 0; i < sizes.pairs; i++) {
                const sb_env_pair *p = &pairs[i];
                int k = perl_key_index(p->key);
                /* http.c store(): a recognised key is the shared key SV of
                 * that name, whatever bytes the pair's key has. */
                if (k >= 0)
                    emit(cx, glue_perl_key_names[k], strlen(glue_perl_key_names[k]), p->value, p->value_len, true);
                else
                    emit(cx, p->key, p->key_len, p->value, p->value_len, false);
            }
        }
    }
    free(new_headers);
    free(new_pairs);
    free(new_arena);
    free(new_arena2);
    free(stack_headers);
    free(stack_pairs);
    free(stack_arena);
    return rc;
}

/* --- urlencoded: ruby form.c walk, perl form.c --------------------------- */

/* ruby form.c: sb_urlencoded_pairs_new, then next until it stops. */
uint32_t glue_urlencoded_pairs(const char *p, size_t len, uint32_t mode, size_t max_pairs, size_t max_bytes,
                               glue_pair_fn emit, void *cx) {
    sb_urlencoded_pairs *pairs = NULL;
    sb_urlencoded_pair pair;
    sb_error err;
    uint32_t rc = sb_urlencoded_pairs_new(p, len, mode, max_pairs, max_bytes, &pairs, &err);
    if (rc != SB_RESULT_OK) return rc;
    while (sb_urlencoded_pairs_next(pairs, &pair) == SB_RESULT_OK)
        emit(cx, pair.key, pair.key_len, pair.value, pair.value_len, false);
    sb_urlencoded_pairs_free(pairs);
    return SB_RESULT_OK;
}

/* perl form.c sbp_parse_urlencoded: sb_urlencoded_cursor_init, then
 * sb_urlencoded_cursor_next_decoded batches of SBP_FORM_BATCH until
 * SB_RESULT_END, the decoded parts in an arena of arena_size bytes
 * (SIZE_MAX: the binding's SBP_FORM_ARENA, on its C stack) until a pair
 * does not fit, then in one as long as the input. */
uint32_t glue_perl_pairs(const char *p, size_t len, size_t max_pairs, size_t max_bytes, size_t arena_size,
                         glue_pair_fn emit, void *cx) {
    sb_urlencoded_cursor cursor;
    sb_urlencoded_pair batch[GLUE_PERL_FORM_BATCH];
    char *small;
    if (arena_size == SIZE_MAX) arena_size = GLUE_PERL_FORM_ARENA;
    small = must_malloc(arena_size ? arena_size : 1);
    char *arena = small;
    size_t n;
    uint32_t rc = sb_urlencoded_cursor_init(&cursor, p, len, SB_URLENCODED_PERL, max_pairs, max_bytes, NULL);
    if (rc != SB_RESULT_OK) {
        free(small);
        return rc;
    }
    do {
        rc = sb_urlencoded_cursor_next_decoded(&cursor, batch, GLUE_PERL_FORM_BATCH, arena,
                                               arena == small ? arena_size : len, &n);
        if (rc == SB_RESULT_BUFFER_TOO_SMALL && arena == small) {
            arena = must_malloc(len);
            rc = SB_RESULT_OK;
            continue;
        }
        if (rc != SB_RESULT_OK && rc != SB_RESULT_END)
            break;
        for (size_t i = 0; i < n; i++)
            emit(cx, batch[i].key, batch[i].key_len, batch[i].value, batch[i].value_len, false);
    } while (rc == SB_RESULT_OK);
    if (arena != small)
        free(arena);
    free(small);
    return rc == SB_RESULT_END ? SB_RESULT_OK : rc;
}

/* perl form.c sbp_build_urlencoded with the "&" delimiter: one build into
 * 3 * bytes + 2 * pairs, again with the size it asks for. The result is
 * malloc'ed (free it with glue_free). */
uint32_t glue_perl_build(const sb_urlencoded_pair *pairs, size_t n, char **out, size_t *out_len) {
    size_t bytes = 0, needed = 0;
    for (size_t i = 0; i < n; i++) bytes += pairs[i].key_len + pairs[i].value_len;
    size_t cap = 3 * bytes + 2 * n;
    char *buf = must_malloc(cap);
    uint32_t rc = sb_urlencoded_build(pairs, n, SB_URLENCODED_STYLE_PERL_XS, buf, cap, &needed);
    if (rc == SB_RESULT_BUFFER_TOO_SMALL) {
        free(buf);
        cap = needed;
        buf = must_malloc(cap);
        rc = sb_urlencoded_build(pairs, n, SB_URLENCODED_STYLE_PERL_XS, buf, cap, &needed);
    }
    *out = buf;
    *out_len = needed;
    return rc;
}

/* perl form.c append_encoded: room for 3 bytes per input byte, no retry
 * (anything but SB_RESULT_OK croaks). */
uint32_t glue_perl_encode(const char *p, size_t len, char **out, size_t *out_len) {
    char *buf = must_malloc(3 * len);
    *out_len = 0;
    uint32_t rc = sb_urlencoded_encode(p, len, SB_URLENCODED_STYLE_PERL_XS, buf, 3 * len, out_len);
    *out = buf;
    return rc;
}

void glue_free(void *p) { free(p); }

/* --- multipart: ruby multipart.c, perl multipart.c ----------------------- */

typedef void (*glue_event_fn)(void *cx, const sb_multipart_parser *parser, const sb_multipart_event *ev);

/* The boundary from the Content-Type (sb_multipart_boundary), a parser
 * with the ten limits and the flags as both glues set them, then each piece
 * fed as ruby's stream_feed_loop does (feed, advance by what was consumed,
 * stop at NEED_MORE), with feed_file_nogvl's inner loop for the data of a
 * file part; finish. Returns the first failing result, with `err` set. */
uint32_t glue_multipart(const char *content_type, size_t ct_len, const char *body, const size_t *ends,
                        size_t pieces, const uint64_t *limits, uint32_t flags, glue_event_fn emit, void *cx,
                        sb_error *err) {
    const char *boundary;
    size_t boundary_len;
    uint32_t rc = sb_multipart_boundary(content_type, ct_len, &boundary, &boundary_len, err);
    if (rc != SB_RESULT_OK) return rc;
    sb_multipart_config *config = sb_multipart_config_new();
    for (uint32_t id = 0; id < 10; id++) {
        rc = sb_multipart_config_set_limit(config, id, limits[id]);
        if (rc != SB_RESULT_OK) abort(); /* the ids are the C ABI's */
    }
    sb_multipart_config_set_flags(config, flags);
    sb_multipart_parser *parser = NULL;
    rc = sb_multipart_parser_new(config, boundary, boundary_len, &parser, err);
    sb_multipart_config_free(config);
    if (rc != SB_RESULT_OK) return rc;
    size_t start = 0;
    for (size_t i = 0; i < pieces && rc == SB_RESULT_OK; i++) {
        const char *buf = body + start;
        size_t len = ends[i] - start, pos = 0;
        start = ends[i];
        for (;;) {
            sb_multipart_event ev;
            size_t consumed = 0;
            rc = sb_multipart_parser_feed(parser, buf + pos, len - pos, &consumed, &ev, err);
            if (rc != SB_RESULT_OK) break;
            pos += consumed;
            if (ev.kind == SB_MULTIPART_EVENT_KIND_NEED_MORE) break;
            emit(cx, parser, &ev);
            /* feed_file_nogvl: a file part's data, event after event. */
            while (ev.kind == SB_MULTIPART_EVENT_KIND_DATA && pos < len) {
                rc = sb_multipart_parser_feed(parser, buf + pos, len - pos, &consumed, &ev, err);
                if (rc != SB_RESULT_OK) break;
                pos += consumed;
                if (ev.kind != SB_MULTIPART_EVENT_KIND_NEED_MORE) emit(cx, parser, &ev);
            }
            if (rc != SB_RESULT_OK || ev.kind == SB_MULTIPART_EVENT_KIND_NEED_MORE) break;
        }
    }
    if (rc == SB_RESULT_OK) rc = sb_multipart_parser_finish(parser, err);
    sb_multipart_parser_free(parser);
    return rc;
}

/* --- response heads: perl response.c, ruby response.c ------------------- */

/* perl sbp_response_head: a 256-byte string, then the size it asks for. */
uint32_t glue_perl_head(int status, const char *reason, size_t reason_len, const sb_header *headers, size_t n,
                        uint32_t flags, char **out, size_t *out_len, sb_error *err) {
    size_t cap = 256;
    char *buf = must_malloc(cap);
    *out_len = 0;
    uint32_t rc = sb_response_head_write(status, reason, reason_len, headers, n, flags, buf, cap, out_len, err);
    if (rc == SB_RESULT_BUFFER_TOO_SMALL) {
        free(buf);
        cap = *out_len;
        buf = must_malloc(cap);
        rc = sb_response_head_write(status, reason, reason_len, headers, n, flags, buf, cap, out_len, err);
    }
    *out = buf;
    return rc;
}

/* perl sbp_write_response: STACK_IOVECS iovecs, or (when they are too few,
 * counting `parts` body pieces) count + parts; the head's bytes are
 * gathered into a malloc'ed buffer. */
uint32_t glue_perl_iovecs(int status, const char *reason, size_t reason_len, const sb_header *headers, size_t n,
                          uint32_t flags, size_t parts, char **out, size_t *out_len, sb_error *err) {
    size_t capacity = GLUE_PERL_STACK_IOVECS, count = 0;
    sb_iovec *iov = must_malloc(capacity * sizeof(sb_iovec));
    uint32_t rc =
        sb_response_head_iovecs(status, reason, reason_len, headers, n, flags, iov, capacity, &count, err);
    if (rc == SB_RESULT_BUFFER_TOO_SMALL || (rc == SB_RESULT_OK && count + parts > capacity)) {
        free(iov);
        capacity = count + parts;
        iov = must_malloc(capacity * sizeof(sb_iovec));
        rc = sb_response_head_iovecs(status, reason, reason_len, headers, n, flags, iov, capacity, &count, err);
    }
    *out = NULL;
    *out_len = 0;
    if (rc == SB_RESULT_OK) {
        size_t total = 0;
        for (size_t i = 0; i < count; i++) total += iov[i].len;
        char *buf = must_malloc(total);
        size_t at = 0;
        for (size_t i = 0; i < count; i++) {
            memcpy(buf + at, iov[i].base, iov[i].len);
            at += iov[i].len;
        }
        *out = buf;
        *out_len = total;
    }
    free(iov);
    return rc;
}

/* ruby rack_response_head: a String of 64 + reason + (name + value + 4)
 * per header bytes, then one more attempt with the size asked for. */
uint32_t glue_ruby_head(int status, const char *reason, size_t reason_len, const sb_header *headers, size_t n,
                        uint32_t flags, char **out, size_t *out_len, sb_error *err) {
    size_t bytes = 64 + reason_len, need = 0;
    for (size_t i = 0; i < n; i++) bytes += headers[i].name_len + headers[i].value_len + 4;
    char *buf = NULL;
    uint32_t rc = SB_RESULT_BUFFER_TOO_SMALL;
    for (int attempt = 0; rc == SB_RESULT_BUFFER_TOO_SMALL && attempt < 2; attempt++) {
        size_t room = attempt == 1 ? need : bytes;
        free(buf);
        buf = must_malloc(room);
        rc = sb_response_head_write(status, reason, reason_len, headers, n, flags, buf, room, &need, err);
    }
    *out = buf;
    *out_len = need;
    return rc;
}
