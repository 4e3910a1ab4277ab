/*
 * Springbok::Puma::HttpParser: the interface of Puma 5.6's Puma::HttpParser
 * (puma_http11) over libspringbok. `require "springbok/puma"` installs it
 * as Puma::HttpParser.
 *
 * The env is the one puma_http11 fills: REQUEST_METHOD, REQUEST_URI
 * (fragment cut), REQUEST_PATH, QUERY_STRING (only when the target has a
 * "?"), FRAGMENT (only with "#"), HTTP_VERSION, CONTENT_TYPE,
 * CONTENT_LENGTH, HTTP_*; no SERVER_PROTOCOL, PATH_INFO or SCRIPT_NAME
 * (Puma's Binder and normalize_env add those). It comes from sb_env_flatten
 * with SB_ENV_RACK, minus the keys Puma's parser does not set.
 *
 * puma_http11 upper-cases header names inside the caller's String (even a
 * frozen one); this parser never writes to it. Puma's length limits are
 * checked here with Puma's messages, on the spans libspringbok returns.
 */
#include "sb_ruby.h"

static VALUE cHttpParser, eHttpParserError;
static sb_parser_config *puma_config;

/* puma_http11's limits, and its messages (which print the C expression). */
#define PUMA_MAX_FIELD_NAME 256
#define PUMA_MAX_FIELD_VALUE (80 * 1024)
#define PUMA_MAX_REQUEST_URI (1024 * 12)
#define PUMA_MAX_FRAGMENT 1024
#define PUMA_MAX_REQUEST_PATH 8192
#define PUMA_MAX_QUERY_STRING (1024 * 10)
#define PUMA_MAX_HEADER (1024 * (80 + 32))
#define PUMA_LIMIT_MESSAGE(element, expr) \
    "HTTP element " element " is longer than the " expr " allowed length (was %zu)"

static const char puma_invalid_message[] =
    "Invalid HTTP format, parsing fails. Are you trying to open an SSL connection to a "
    "non-SSL Puma?";

enum { PUMA_PARSING, PUMA_FINISHED, PUMA_ERROR };

typedef struct {
    int state;
    size_t nread;
    /* Length of the data at the last incomplete call: libspringbok's
     * last_len hint, valid when the next call continues from there. */
    size_t partial_len;
    VALUE body;
} puma_parser;

static void puma_parser_mark(void *p) { rb_gc_mark(((puma_parser *)p)->body); }
static size_t puma_parser_memsize(const void *p) { return sizeof(puma_parser); }

static const rb_data_type_t puma_parser_type = {
    "Springbok::Puma::HttpParser",
    {puma_parser_mark, RUBY_TYPED_DEFAULT_FREE, puma_parser_memsize},
    NULL,
    NULL,
    RUBY_TYPED_FREE_IMMEDIATELY,
};

static puma_parser *get_parser(VALUE self) { return rb_check_typeddata(self, &puma_parser_type); }

static VALUE puma_parser_alloc(VALUE klass) {
    puma_parser *pp;
    VALUE obj = TypedData_Make_Struct(klass, puma_parser, &puma_parser_type, pp);
    pp->body = Qnil;
    return obj;
}

static void reset(puma_parser *pp) {
    pp->state = PUMA_PARSING;
    pp->nread = 0;
    pp->partial_len = 0;
    pp->body = Qnil;
}

/* Parser#reset: ready for the next request. */
static VALUE puma_parser_reset(VALUE self) {
    reset(get_parser(self));
    return Qnil;
}

NORETURN(static void raise_invalid(puma_parser *pp, uint32_t code, const sb_error *err));
static void raise_invalid(puma_parser *pp, uint32_t code, const sb_error *err) {
    pp->state = PUMA_ERROR;
    VALUE msg = rb_str_new_cstr(puma_invalid_message);
    if (code >= 100 && err)
        rb_str_catf(msg, " (springbok: %s at byte %zu)", sb_result_message(code), err->offset);
    rb_exc_raise(rb_exc_new_str(eHttpParserError, msg));
}

#define CHECK_LENGTH(len, max, element, expr)                                                \
    do {                                                                                     \
        if ((len) > (max))                                                                   \
            rb_raise(eHttpParserError, PUMA_LIMIT_MESSAGE(element, expr), (size_t)(len)); \
    } while (0)

static const sb_env_pair *find_pair(const sbr_env *e, const char *key) {
    size_t n = strlen(key);
    /* Fixed keys come first: at most SB_ENV_MAX_FIXED_PAIRS to look at. */
    for (size_t i = 0; i < e->sizes.pairs && i < SB_ENV_MAX_FIXED_PAIRS; i++)
        if (e->pairs[i].key_len == n && memcmp(e->pairs[i].key, key, n) == 0) return &e->pairs[i];
    return NULL;
}

/* puma_http11's per-element limits, in the order its parser meets them. */
static void check_puma_limits(const sbr_env *e) {
    const sb_env_pair *p;
    if ((p = find_pair(e, "REQUEST_PATH")))
        CHECK_LENGTH(p->value_len, PUMA_MAX_REQUEST_PATH, "REQUEST_PATH", "8192");
    if ((p = find_pair(e, "QUERY_STRING")))
        CHECK_LENGTH(p->value_len, PUMA_MAX_QUERY_STRING, "QUERY_STRING", "(1024 * 10)");
    if ((p = find_pair(e, "REQUEST_URI")))
        CHECK_LENGTH(p->value_len, PUMA_MAX_REQUEST_URI, "REQUEST_URI", "1024 * 12");
    if ((p = find_pair(e, "FRAGMENT")))
        CHECK_LENGTH(p->value_len, PUMA_MAX_FRAGMENT, "FRAGMENT", "1024");
    for (size_t i = 0; i < e->req.num_headers; i++) {
        CHECK_LENGTH(e->headers[i].name_len, PUMA_MAX_FIELD_NAME, "FIELD_NAME", "256");
        CHECK_LENGTH(e->headers[i].value_len, PUMA_MAX_FIELD_VALUE, "FIELD_VALUE", "80 * 1024");
    }
    CHECK_LENGTH(e->req.head_len, PUMA_MAX_HEADER, "HEADER", "(1024 * (80 + 32))");
}

/*
 * call-seq:
 *   parser.execute(env, data, start) -> Integer
 *
 * Parses the request head at the start of `data` (the whole buffer so far;
 * `start` is what the previous call returned). Returns the bytes read: the
 * head length once #finished?, else data.bytesize. Raises
 * Puma::HttpParserError for an invalid head or one over Puma's limits.
 */
static VALUE puma_parser_execute(VALUE self, VALUE env, VALUE data, VALUE start) {
    puma_parser *pp = get_parser(self);
    Check_Type(env, T_HASH);
    StringValue(data);
    long from = NUM2LONG(start);
    const char *buf = RSTRING_PTR(data);
    size_t len = (size_t)RSTRING_LEN(data);

    if (from >= (long)len)
        rb_raise(eHttpParserError, "%s", "Requested start is after data buffer end.");
    if (from < 0 || pp->state != PUMA_PARSING) raise_invalid(pp, SB_RESULT_OK, NULL);
    rb_check_frozen(env);

    size_t last_len = ((size_t)from == pp->partial_len && pp->partial_len <= len) ? (size_t)from : 0;
    sbr_env e;
    uint32_t rc = sbr_env_parse(&e, puma_config, SB_ENV_RACK, buf, len, last_len, SIZE_MAX);
    if (rc == SB_RESULT_PARTIAL) {
        sbr_env_release(&e);
        pp->nread = pp->partial_len = len;
        CHECK_LENGTH(len, PUMA_MAX_HEADER, "HEADER", "(1024 * (80 + 32))");
        return SIZET2NUM(len);
    }
    if (rc == SB_RESULT_HEAD_TOO_LARGE) {
        sbr_env_release(&e);
        pp->nread = len;
        CHECK_LENGTH(len, PUMA_MAX_HEADER, "HEADER", "(1024 * (80 + 32))");
    }
    if (rc != SB_RESULT_OK) {
        sb_error err = e.err;
        sbr_env_release(&e);
        pp->nread = rc >= 100 ? err.offset : 0;
        raise_invalid(pp, rc, &err);
    }
    check_puma_limits(&e);
    sbr_env_fill(&e, data, env, SBR_FILL_PUMA);
    size_t head_len = e.req.head_len;
    sbr_env_release(&e);
    pp->state = PUMA_FINISHED;
    pp->nread = head_len;
    pp->body = rb_str_subseq(data, (long)head_len, (long)(len - head_len));
    RB_GC_GUARD(data);
    return SIZET2NUM(head_len);
}

/* Parser#finish: whether the head is complete. */
static VALUE puma_parser_finish(VALUE self) {
    return get_parser(self)->state == PUMA_FINISHED ? Qtrue : Qfalse;
}

/* Parser#error?: whether the last #execute found an invalid head. */
static VALUE puma_parser_has_error(VALUE self) {
    return get_parser(self)->state == PUMA_ERROR ? Qtrue : Qfalse;
}

/* Parser#finished?: whether the head is complete. */
static VALUE puma_parser_is_finished(VALUE self) {
    return get_parser(self)->state == PUMA_FINISHED ? Qtrue : Qfalse;
}

/* Parser#nread: bytes read so far (the head length once finished). */
static VALUE puma_parser_nread(VALUE self) { return SIZET2NUM(get_parser(self)->nread); }

/* Parser#body: the bytes after the head in the data of the finishing
 * #execute call, or nil. */
static VALUE puma_parser_body(VALUE self) { return get_parser(self)->body; }

/* Springbok::Puma.error_class = klass: the class #execute raises
 * (Puma::HttpParserError once springbok/puma is loaded). */
static VALUE puma_set_error_class(VALUE mod, VALUE klass) {
    if (!RB_TYPE_P(klass, T_CLASS) || !RTEST(rb_class_inherited_p(klass, rb_eException)))
        rb_raise(rb_eTypeError, "an Exception subclass is needed");
    eHttpParserError = klass;
    return klass;
}

static VALUE puma_error_class(VALUE mod) { return eHttpParserError; }

void sbr_init_puma(void) {
    puma_config = sb_parser_config_new();
    if (!puma_config) rb_raise(rb_eNoMemError, "sb_parser_config_new failed");
    /* Puma's own checks (above) apply to the spans; libspringbok's limits
     * are only there to bound the work: the head at Puma's size. */
    sb_parser_config_set_max_head_bytes(puma_config, PUMA_MAX_HEADER);
    sb_parser_config_set_max_target_len(puma_config, PUMA_MAX_HEADER);
    sb_parser_config_set_max_name_len(puma_config, PUMA_MAX_HEADER);
    sb_parser_config_set_max_value_len(puma_config, PUMA_MAX_HEADER);


    VALUE mPuma = rb_define_module_under(sbr_mSpringbok, "Puma");
    /* Document-class: Springbok::Puma::HttpParserError
     * Raised when Puma itself is not loaded (then also ::Puma::HttpParserError). */
    eHttpParserError = rb_define_class_under(mPuma, "HttpParserError", rb_eIOError);
    rb_gc_register_address(&eHttpParserError);
    rb_define_singleton_method(mPuma, "error_class=", puma_set_error_class, 1);
    rb_define_singleton_method(mPuma, "error_class", puma_error_class, 0);

    cHttpParser = rb_define_class_under(mPuma, "HttpParser", rb_cObject);
    rb_define_alloc_func(cHttpParser, puma_parser_alloc);
    rb_define_method(cHttpParser, "reset", puma_parser_reset, 0);
    rb_define_method(cHttpParser, "finish", puma_parser_finish, 0);
    rb_define_method(cHttpParser, "execute", puma_parser_execute, 3);
    rb_define_method(cHttpParser, "error?", puma_parser_has_error, 0);
    rb_define_method(cHttpParser, "has_error?", puma_parser_has_error, 0);
    rb_define_method(cHttpParser, "finished?", puma_parser_is_finished, 0);
    rb_define_method(cHttpParser, "nread", puma_parser_nread, 0);
    rb_define_method(cHttpParser, "body", puma_parser_body, 0);
}
