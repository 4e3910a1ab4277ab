/*
 * springbok_ext: entry point, error classes, the static-string cache and
 * option helpers shared by the other files.
 */
#include "sb_ruby.h"

VALUE sbr_mSpringbok;
VALUE sbr_eError;
VALUE sbr_eLimitError;

static ID id_code, id_status, id_offset, id_limit, id_value;

/* Keys and fixed values of an env point into Springbok's static memory, so
 * their address identifies them: an open-addressing table maps
 * (address, length) to a frozen interned String, marked forever. It only
 * ever holds the few dozen static strings of the C ABI. */
#define STATIC_CACHE_SIZE 512
static struct {
    const char *ptr;
    size_t len;
    VALUE str;
} static_cache[STATIC_CACHE_SIZE];
static size_t static_cache_used;

static VALUE empty_string;

VALUE sbr_static_string(const char *ptr, size_t len) {
    /* An empty span's pointer is only a placeholder (never read). */
    if (len == 0) return empty_string;
    uintptr_t h = ((uintptr_t)ptr ^ (uintptr_t)len) * (uintptr_t)0x9E3779B97F4A7C15ull;
    size_t i = (size_t)(h >> 40) & (STATIC_CACHE_SIZE - 1);
    for (;;) {
        if (static_cache[i].ptr == ptr && static_cache[i].len == len) return static_cache[i].str;
        if (static_cache[i].ptr == NULL) break;
        i = (i + 1) & (STATIC_CACHE_SIZE - 1);
    }
    VALUE str = rb_enc_interned_str(ptr, (long)len, rb_utf8_encoding());
    /* A full table (impossible with the ABI's fixed key set) stays correct:
     * the string is simply not cached. */
    if (static_cache_used < STATIC_CACHE_SIZE / 2) {
        rb_gc_register_mark_object(str);
        static_cache[i].ptr = ptr;
        static_cache[i].len = len;
        static_cache[i].str = str;
        static_cache_used++;
    }
    return str;
}

/* Generated keys (HTTP_ plus an uncommon header name) are interned too, so
 * a name costs no String once seen; a fixed table of the last ones seen,
 * keyed by content, skips the fstring table's lookup. It holds at most
 * DYNAMIC_CACHE_SIZE Strings: a client sending endless new names only
 * churns it. */
#define DYNAMIC_CACHE_SIZE 1024
static VALUE dynamic_cache;

VALUE sbr_dynamic_string(const char *ptr, size_t len) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)ptr[i]) * 0x100000001b3ull;
    long slot = (long)((h ^ (h >> 32)) & (DYNAMIC_CACHE_SIZE - 1));
    VALUE cur = RARRAY_AREF(dynamic_cache, slot);
    if (!NIL_P(cur) && (size_t)RSTRING_LEN(cur) == len && memcmp(RSTRING_PTR(cur), ptr, len) == 0)
        return cur;
    VALUE str = rb_enc_interned_str(ptr, (long)len, rb_utf8_encoding());
    rb_ary_store(dynamic_cache, slot, str);
    return str;
}

VALUE sbr_error_new(VALUE klass, uint32_t code, const sb_error *err, VALUE message) {
    if (NIL_P(message) || message == Qundef) message = rb_str_new_cstr(sb_result_message(code));
    VALUE exc = rb_exc_new_str(klass, message);
    rb_ivar_set(exc, id_code, UINT2NUM(code));
    unsigned status = err ? err->status : sb_result_http_status(code);
    rb_ivar_set(exc, id_status, status ? UINT2NUM(status) : Qnil);
    rb_ivar_set(exc, id_offset, err ? SIZET2NUM(err->offset) : Qnil);
    return exc;
}

void sbr_raise(VALUE klass, uint32_t code, const sb_error *err, VALUE message) {
    rb_exc_raise(sbr_error_new(klass, code, err, message));
}

void sbr_raise_limit(VALUE klass, uint32_t code, const sb_error *err, ID limit,
                     unsigned long long value) {
    VALUE message = rb_sprintf("limit %s (%llu) exceeded: %s", rb_id2name(limit), value,
                               sb_result_message(code));
    VALUE exc = sbr_error_new(klass, code, err, message);
    rb_ivar_set(exc, id_limit, ID2SYM(limit));
    rb_ivar_set(exc, id_value, ULL2NUM(value));
    rb_exc_raise(exc);
}

VALUE sbr_opt(VALUE opts, const char *name) {
    if (NIL_P(opts)) return Qundef;
    return rb_hash_lookup2(opts, ID2SYM(rb_intern(name)), Qundef);
}

size_t sbr_opt_size(VALUE opts, const char *name, size_t fallback) {
    VALUE v = sbr_opt(opts, name);
    if (v == Qundef || NIL_P(v)) return fallback;
    if (!RB_INTEGER_TYPE_P(v)) rb_raise(rb_eTypeError, "%s must be an Integer", name);
    int negative = FIXNUM_P(v) ? FIX2LONG(v) < 0 : RTEST(rb_funcall(v, rb_intern("negative?"), 0));
    if (negative) rb_raise(rb_eArgError, "%s must not be negative", name);
    /* Anything above SIZE_MAX is "no limit" anyway. */
    if (RB_TYPE_P(v, T_BIGNUM) && rb_absint_size(v, NULL) > sizeof(size_t)) return SIZE_MAX;
    return NUM2SIZET(v);
}

static int check_keyword(VALUE key, VALUE value, VALUE known_ptr) {
    const char *const *known = (const char *const *)known_ptr;
    if (SYMBOL_P(key)) {
        const char *name = rb_id2name(SYM2ID(key));
        for (size_t i = 0; known[i]; i++)
            if (name && strcmp(name, known[i]) == 0) return ST_CONTINUE;
    }
    rb_raise(rb_eArgError, "unknown keyword: %+" PRIsVALUE, key);
    return ST_STOP;
}

void sbr_check_keywords(VALUE opts, const char *const *known) {
    if (NIL_P(opts)) return;
    Check_Type(opts, T_HASH);
    rb_hash_foreach(opts, check_keyword, (VALUE)known);
}

static VALUE springbok_abi_version(VALUE self) { return rb_str_new_cstr(sb_version()); }

void Init_springbok_ext(void) {
    id_code = rb_intern("@code");
    id_status = rb_intern("@status");
    id_offset = rb_intern("@offset");
    id_limit = rb_intern("@limit");
    id_value = rb_intern("@value");

    dynamic_cache = rb_ary_new_capa(DYNAMIC_CACHE_SIZE);
    for (long i = 0; i < DYNAMIC_CACHE_SIZE; i++) rb_ary_push(dynamic_cache, Qnil);
    rb_gc_register_mark_object(dynamic_cache);
    empty_string = rb_enc_interned_str("", 0, rb_utf8_encoding());
    rb_gc_register_mark_object(empty_string);
    sbr_mSpringbok = rb_define_module("Springbok");
    rb_define_singleton_method(sbr_mSpringbok, "abi_version", springbok_abi_version, 0);

    /* Document-class: Springbok::Error
     * Every error Springbok raises: #code is the C ABI's sb_result value,
     * #status the HTTP status to answer with (or nil), #offset the byte the
     * error is about (or nil). */
    sbr_eError = rb_define_class_under(sbr_mSpringbok, "Error", rb_eStandardError);
    rb_define_attr(sbr_eError, "code", 1, 0);
    rb_define_attr(sbr_eError, "status", 1, 0);
    rb_define_attr(sbr_eError, "offset", 1, 0);
    /* Document-class: Springbok::LimitError
     * A configured limit was exceeded: #limit names it (the keyword that
     * sets it), #value is its setting. */
    sbr_eLimitError = rb_define_class_under(sbr_mSpringbok, "LimitError", sbr_eError);
    rb_define_attr(sbr_eLimitError, "limit", 1, 0);
    rb_define_attr(sbr_eLimitError, "value", 1, 0);

    sbr_init_http();
    sbr_init_puma();
    sbr_init_response();
    sbr_init_form();
    sbr_init_multipart();
}
