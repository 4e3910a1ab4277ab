/*
 * Shared declarations of the springbok_ext glue: the C ABI (springbok.h)
 * turned into Ruby objects. Every parse and validation happens in
 * libspringbok; these files convert values, build hashes and raise.
 */
#ifndef SB_RUBY_H
#define SB_RUBY_H

#include <ruby.h>
#include <ruby/encoding.h>
#include <ruby/thread.h>
#include <stdint.h>

#include "springbok.h"

extern VALUE sbr_mSpringbok;
/* Springbok::Error < StandardError: code, status, offset readers. */
extern VALUE sbr_eError;
/* Springbok::LimitError < Springbok::Error: adds limit and value. */
extern VALUE sbr_eLimitError;

/* The frozen, deduplicated UTF-8 String for `ptr`/`len` whose bytes live in
 * memory that never changes (Springbok's static keys): cached by address,
 * so a repeated key costs one probe. */
VALUE sbr_static_string(const char *ptr, size_t len);

/* The frozen interned UTF-8 String for a generated key (bytes that change
 * from call to call), through a small content-keyed cache. */
VALUE sbr_dynamic_string(const char *ptr, size_t len);

/* A new exception of `klass` (a Springbok::Error subclass) for `code`,
 * with `message` (NULL: sb_result_message(code)) and the readers set from
 * `err` (NULL: no offset, status from sb_result_http_status). */
VALUE sbr_error_new(VALUE klass, uint32_t code, const sb_error *err, VALUE message);

/* Raises the exception above. */
NORETURN(void sbr_raise(VALUE klass, uint32_t code, const sb_error *err, VALUE message));

/* Raises a LimitError subclass `klass` for `limit` (its name, a Symbol
 * id) breached with `code`; `value` is the configured limit. */
NORETURN(void sbr_raise_limit(VALUE klass, uint32_t code, const sb_error *err, ID limit,
                              unsigned long long value));

/* The value of keyword `name` in `opts` (a Hash or Qnil), or Qundef. */
VALUE sbr_opt(VALUE opts, const char *name);

/* A non-negative Integer option as size_t; `fallback` when absent. */
size_t sbr_opt_size(VALUE opts, const char *name, size_t fallback);

/* Raises ArgumentError for keywords of `opts` not in the NULL-terminated
 * `known` list. */
void sbr_check_keywords(VALUE opts, const char *const *known);

/* A Ruby copy of the span, ASCII-8BIT or UTF-8. */
static inline VALUE sbr_bytes(const char *ptr, size_t len) { return rb_str_new(ptr, (long)len); }
static inline VALUE sbr_utf8(const char *ptr, size_t len) {
    return rb_utf8_str_new(ptr, (long)len);
}

/* One request head parsed and flattened into env pairs (http.c), on the
 * stack for up to SBR_STACK_HEADERS headers and SBR_STACK_ARENA bytes of
 * generated names; larger requests use ALLOCV buffers, which the GC
 * reclaims even when a Ruby exception unwinds past sbr_env_release. */
#define SBR_STACK_HEADERS 128
#define SBR_STACK_ARENA 16384
typedef struct {
    sb_request req;
    sb_header *headers;
    sb_env_pair *pairs;
    sb_env_sizes sizes;
    char *arena;
    sb_error err;
    VALUE tmp_headers, tmp_pairs, tmp_arena;
    sb_header hstack[SBR_STACK_HEADERS];
    sb_env_pair pstack[SB_ENV_MAX_FIXED_PAIRS + SBR_STACK_HEADERS];
    char astack[SBR_STACK_ARENA];
} sbr_env;

/* Parses `buf` with `config` into at most `max_headers` headers and
 * flattens it with `env_flags`. Returns SB_RESULT_OK (e->pairs[0,
 * e->sizes.pairs) are set), SB_RESULT_PARTIAL, or an error code with
 * e->err set for input errors. Call sbr_env_release afterwards. */
uint32_t sbr_env_parse(sbr_env *e, const sb_parser_config *config, uint32_t env_flags,
                       const char *buf, size_t len, size_t last_len, size_t max_headers);
void sbr_env_release(sbr_env *e);

/* The env key of a pair as a frozen interned UTF-8 String. */
static inline VALUE sbr_env_key(const sbr_env *e, const sb_env_pair *p) {
    uintptr_t k = (uintptr_t)p->key, a = (uintptr_t)e->arena;
    if (k >= a && k < a + e->sizes.arena) return sbr_dynamic_string(p->key, p->key_len);
    return sbr_static_string(p->key, p->key_len);
}

/* Fills `env` from a flattened request of `str`, in one bulk insert:
 * SBR_FILL_PICO keeps pico_http_parser's frozen shared SCRIPT_NAME and
 * SERVER_PROTOCOL values; SBR_FILL_PUMA keeps only the keys puma_http11
 * sets. Nothing here fails on input. */
enum { SBR_FILL_PICO = 1, SBR_FILL_RACK = 2, SBR_FILL_PUMA = 3 };
void sbr_env_fill(const sbr_env *e, VALUE str, VALUE env, int mode);

/* SB_PARSER_* bits from an Array of Symbols (see Springbok::HTTP::Parser). */
uint32_t sbr_parser_flags(VALUE list);

void sbr_init_http(void);
void sbr_init_puma(void);
void sbr_init_response(void);
void sbr_init_form(void);
void sbr_init_multipart(void);

#endif
