/*
 * Springbok::HTTP: request heads into env Hashes, with the pico_http_parser
 * gem's contract (head length, -1 invalid, -2 incomplete).
 *
 * The head is parsed and flattened by libspringbok in one pass
 * (sb_parser_config_parse_request + sb_env_flatten, all on the stack for
 * ordinary requests); this file only turns the resulting spans into
 * Strings. Keys are frozen interned Strings (static ones cached by
 * address), so a request costs one String per value and nothing per key.
 */
#include "sb_ruby.h"

static VALUE cParser, eParseError;
static VALUE key_script_name, key_server_protocol;

/* --- shared with puma.c ------------------------------------------------ */

uint32_t sbr_env_parse(sbr_env *e, const sb_parser_config *config, uint32_t env_flags,
                       const char *buf, size_t len, size_t last_len, size_t max_headers) {
    e->tmp_headers = e->tmp_pairs = e->tmp_arena = 0;
    e->headers = e->hstack;
    e->pairs = e->pstack;
    e->arena = e->astack;
    size_t cap = max_headers < SBR_STACK_HEADERS ? max_headers : SBR_STACK_HEADERS;
    uint32_t rc = sb_parser_config_parse_request(config, buf, len, last_len, e->headers, cap,
                                                 &e->req, &e->err);
    if (rc == SB_RESULT_TOO_MANY_HEADERS && max_headers > cap) {
        /* A header line takes at least three bytes ("a:" LF), so this many
         * entries always suffice for this buffer. */
        size_t want = len / 3 + 1;
        if (want > max_headers) want = max_headers;
        if (want > cap) {
            e->headers = ALLOCV_N(sb_header, e->tmp_headers, want);
            rc = sb_parser_config_parse_request(config, buf, len, last_len, e->headers, want,
                                                &e->req, &e->err);
        }
    }
    if (rc != SB_RESULT_OK) return rc;

    size_t npairs = SB_ENV_MAX_FIXED_PAIRS + e->req.num_headers;
    if (npairs > sizeof(e->pstack) / sizeof(e->pstack[0]))
        e->pairs = ALLOCV_N(sb_env_pair, e->tmp_pairs, npairs);
    rc = sb_env_flatten(env_flags, &e->req, e->headers, e->pairs, npairs, e->arena,
                        sizeof(e->astack), &e->sizes, &e->err);
    if (rc == SB_RESULT_BUFFER_TOO_SMALL) {
        size_t need = e->sizes.arena;
        e->arena = ALLOCV(e->tmp_arena, need);
        rc = sb_env_flatten(env_flags, &e->req, e->headers, e->pairs, npairs, e->arena, need,
                            &e->sizes, &e->err);
    }
    return rc;
}

void sbr_env_release(sbr_env *e) {
    if (e->tmp_headers) ALLOCV_END(e->tmp_headers);
    if (e->tmp_pairs) ALLOCV_END(e->tmp_pairs);
    if (e->tmp_arena) ALLOCV_END(e->tmp_arena);
    e->tmp_headers = e->tmp_pairs = e->tmp_arena = 0;
}

static const struct {
    const char *name;
    uint32_t bit;
} parser_flag_names[] = {
    {"bare_lf", SB_PARSER_ALLOW_BARE_LF},
    {"obs_fold", SB_PARSER_OBS_FOLD_CONTINUATION},
    {"multiple_spaces", SB_PARSER_ALLOW_MULTIPLE_SPACES},
    {"leading_empty_lines", SB_PARSER_ALLOW_LEADING_EMPTY_LINES},
    {"whitespace_before_first_header", SB_PARSER_ALLOW_WHITESPACE_BEFORE_FIRST_HEADER},
    {"ignore_invalid_headers", SB_PARSER_IGNORE_INVALID_HEADERS},
    {"loose_target", SB_PARSER_ALLOW_LOOSE_TARGET},
    {"missing_reason_space", SB_PARSER_ALLOW_MISSING_REASON_SPACE},
    {"picohttpparser", SB_PARSER_PICOHTTPPARSER},
};

uint32_t sbr_parser_flags(VALUE list) {
    if (NIL_P(list) || list == Qundef) return 0;
    list = rb_Array(list);
    uint32_t flags = 0;
    for (long i = 0; i < RARRAY_LEN(list); i++) {
        VALUE sym = RARRAY_AREF(list, i);
        if (!SYMBOL_P(sym)) rb_raise(rb_eTypeError, "leniencies are Symbols");
        const char *name = rb_id2name(SYM2ID(sym));
        size_t j, n = sizeof(parser_flag_names) / sizeof(parser_flag_names[0]);
        for (j = 0; j < n; j++)
            if (name && strcmp(name, parser_flag_names[j].name) == 0) break;
        if (j == n) rb_raise(rb_eArgError, "unknown leniency: %" PRIsVALUE, sym);
        flags |= parser_flag_names[j].bit;
    }
    return flags;
}

/* --- Springbok::HTTP::Parser -------------------------------------------- */

typedef struct {
    sb_parser_config *config;
    uint32_t env_flags;
    size_t max_headers;
    /* pico_http_parser's frozen shared SCRIPT_NAME and SERVER_PROTOCOL. */
    int frozen_fixed_values;
} http_parser;

static void http_parser_free(void *p) {
    http_parser *hp = p;
    sb_parser_config_free(hp->config);
    xfree(hp);
}

static size_t http_parser_memsize(const void *p) { return sizeof(http_parser); }

static const rb_data_type_t http_parser_type = {
    "Springbok::HTTP::Parser",
    {NULL, http_parser_free, http_parser_memsize},
    NULL,
    NULL,
    RUBY_TYPED_FREE_IMMEDIATELY,
};

static VALUE http_parser_alloc(VALUE klass) {
    http_parser *hp;
    VALUE obj = TypedData_Make_Struct(klass, http_parser, &http_parser_type, hp);
    hp->config = sb_parser_config_new();
    if (!hp->config) rb_raise(rb_eNoMemError, "sb_parser_config_new failed");
    hp->env_flags = SB_ENV_PSGI;
    hp->max_headers = SBR_STACK_HEADERS;
    hp->frozen_fixed_values = 1;
    return obj;
}

static void check_config(uint32_t rc, const char *what) {
    if (rc != SB_RESULT_OK) rb_raise(rb_eArgError, "%s: %s", what, sb_result_message(rc));
}

static const char *const parser_keywords[] = {
    "flavor", "underscores", "http_version", "max_headers", "max_head_bytes", "max_target_len",
    "max_name_len", "max_value_len", "lenient", NULL};

/*
 * call-seq:
 *   Springbok::HTTP::Parser.new(flavor: :pico, underscores: :drop, http_version: true,
 *                               max_headers: 128, max_head_bytes: 114688,
 *                               max_target_len: 12288, max_name_len: 256,
 *                               max_value_len: 81920, lenient: [])
 *
 * flavor :pico is pico_http_parser's env (PATH_INFO percent-decoded,
 * fragment stripped, REQUEST_URI raw); :rack is Puma's (PATH_INFO raw, plus
 * REQUEST_PATH, FRAGMENT and, unless http_version: false, HTTP_VERSION).
 * underscores: what to do with a header name containing "_" (:drop,
 * :reject, :allow). lenient: leniency Symbols (:bare_lf, :obs_fold,
 * :multiple_spaces, :leading_empty_lines, :whitespace_before_first_header,
 * :ignore_invalid_headers, :loose_target, or :picohttpparser for
 * picohttpparser's set); the default is strict RFC 9112.
 */
static VALUE http_parser_initialize(int argc, VALUE *argv, VALUE self) {
    VALUE opts = Qnil;
    rb_scan_args(argc, argv, ":", &opts);
    sbr_check_keywords(opts, parser_keywords);
    rb_check_frozen(self);
    http_parser *hp = rb_check_typeddata(self, &http_parser_type);

    VALUE flavor = sbr_opt(opts, "flavor");
    if (flavor == Qundef || flavor == ID2SYM(rb_intern("pico"))) {
        hp->env_flags = SB_ENV_PSGI;
        hp->frozen_fixed_values = 1;
    } else if (flavor == ID2SYM(rb_intern("rack"))) {
        hp->env_flags = SB_ENV_RACK;
        hp->frozen_fixed_values = 0;
        VALUE v = sbr_opt(opts, "http_version");
        if (v != Qundef && !RTEST(v)) hp->env_flags |= SB_ENV_RACK_NO_HTTP_VERSION;
    } else {
        rb_raise(rb_eArgError, "flavor must be :pico or :rack");
    }
    VALUE u = sbr_opt(opts, "underscores");
    if (u == ID2SYM(rb_intern("reject"))) hp->env_flags |= SB_ENV_UNDERSCORES_REJECT;
    else if (u == ID2SYM(rb_intern("allow"))) hp->env_flags |= SB_ENV_UNDERSCORES_ALLOW;
    else if (u != Qundef && u != ID2SYM(rb_intern("drop")))
        rb_raise(rb_eArgError, "underscores must be :drop, :reject or :allow");

    hp->max_headers = sbr_opt_size(opts, "max_headers", SBR_STACK_HEADERS);
    check_config(sb_parser_config_set_flags(hp->config, sbr_parser_flags(sbr_opt(opts, "lenient"))),
                 "lenient");
    if (sbr_opt(opts, "max_head_bytes") != Qundef)
        check_config(sb_parser_config_set_max_head_bytes(
                         hp->config, sbr_opt_size(opts, "max_head_bytes", 0)),
                     "max_head_bytes");
    if (sbr_opt(opts, "max_target_len") != Qundef)
        check_config(sb_parser_config_set_max_target_len(
                         hp->config, sbr_opt_size(opts, "max_target_len", 0)),
                     "max_target_len");
    if (sbr_opt(opts, "max_name_len") != Qundef)
        check_config(
            sb_parser_config_set_max_name_len(hp->config, sbr_opt_size(opts, "max_name_len", 0)),
            "max_name_len");
    if (sbr_opt(opts, "max_value_len") != Qundef)
        check_config(sb_parser_config_set_max_value_len(hp->config,
                                                        sbr_opt_size(opts, "max_value_len", 0)),
                     "max_value_len");
    return self;
}

static VALUE key_path_info, key_query_string, key_request_uri;

void sbr_env_fill(const sbr_env *e, VALUE str, VALUE env, int mode) {
    const char *buf = RSTRING_PTR(str);
    uintptr_t b = (uintptr_t)buf, len = (uintptr_t)RSTRING_LEN(str);
    VALUE tmp = 0;
    VALUE *kv = ALLOCV_N(VALUE, tmp, 2 * e->sizes.pairs);
    long n = 0;
    int has_query = 0;
    for (size_t i = 0; i < e->sizes.pairs; i++) {
        const sb_env_pair *p = &e->pairs[i];
        VALUE key = sbr_env_key(e, p);
        uintptr_t v = (uintptr_t)p->value;
        int in_buf = v >= b && v < b + len;
        if (mode == SBR_FILL_PUMA) {
            if (key == key_script_name || key == key_path_info || key == key_server_protocol) continue;
            if (key == key_request_uri) has_query = memchr(p->value, '?', p->value_len) != NULL;
            /* REQUEST_URI precedes QUERY_STRING among the fixed keys. */
            if (key == key_query_string && !has_query) continue;
        }
        VALUE value;
        if (mode == SBR_FILL_PICO && !in_buf && (key == key_script_name || key == key_server_protocol)) {
            value = sbr_static_string(p->value, p->value_len);
        } else {
            value = sbr_bytes(p->value, p->value_len);
        }
        kv[n++] = key;
        kv[n++] = value;
    }
    rb_hash_bulk_insert(n, kv, env);
    ALLOCV_END(tmp);
    RB_GC_GUARD(str);
}

/* Parses `str` into `env`; returns the head length, or a negative sb_result
 * for PARTIAL and errors (err set). */
static long parse_into(const http_parser *hp, VALUE str, VALUE env, uint32_t *code,
                       sb_error *err) {
    StringValue(str);
    Check_Type(env, T_HASH);
    rb_check_frozen(env);
    const char *buf = RSTRING_PTR(str);
    size_t len = (size_t)RSTRING_LEN(str);
    sbr_env e;
    uint32_t rc = sbr_env_parse(&e, hp->config, hp->env_flags, buf, len, 0, hp->max_headers);
    *code = rc;
    if (rc != SB_RESULT_OK) {
        *err = e.err;
        sbr_env_release(&e);
        return -1;
    }
    if (e.req.head_len > INT_MAX) {
        *code = SB_RESULT_HEAD_TOO_LARGE;
        sbr_env_release(&e);
        return -1;
    }
    sbr_env_fill(&e, str, env, hp->frozen_fixed_values ? SBR_FILL_PICO : SBR_FILL_RACK);
    sbr_env_release(&e);
    RB_GC_GUARD(str);
    return (long)e.req.head_len;
}

/*
 * call-seq:
 *   parser.parse_http_request(str, env) -> Integer
 *
 * pico_http_parser's contract: the head length when `str` starts with a
 * complete valid head (env filled), -2 when it is incomplete, -1 when it is
 * invalid or breaks a limit. On -1 and -2 env is not touched. TypeError for
 * a non-String or non-Hash, FrozenError for a frozen env.
 */
static VALUE http_parser_parse_http_request(VALUE self, VALUE str, VALUE env) {
    const http_parser *hp = rb_check_typeddata(self, &http_parser_type);
    uint32_t code;
    sb_error err;
    long n = parse_into(hp, str, env, &code, &err);
    if (n >= 0) return LONG2FIX(n);
    return INT2FIX(code == SB_RESULT_PARTIAL ? -2 : -1);
}

/*
 * call-seq:
 *   parser.parse_request(str, env) -> Integer or nil
 *
 * Like #parse_http_request, but nil when the head is incomplete and
 * Springbok::HTTP::ParseError (code, status — 400, 414, 431, 505 — and
 * offset) when it is invalid.
 */
static VALUE http_parser_parse_request(VALUE self, VALUE str, VALUE env) {
    const http_parser *hp = rb_check_typeddata(self, &http_parser_type);
    uint32_t code;
    sb_error err;
    long n = parse_into(hp, str, env, &code, &err);
    if (n >= 0) return LONG2FIX(n);
    if (code == SB_RESULT_PARTIAL) return Qnil;
    int from_input = code >= 100;
    sbr_raise(eParseError, code, from_input ? &err : NULL, Qnil);
    return Qnil;
}

static VALUE default_parser;

/*
 * call-seq:
 *   Springbok::HTTP.parse_http_request(str, env) -> Integer
 *
 * The pico_http_parser contract with the default (strict, :pico) parser.
 */
static VALUE http_parse_http_request(VALUE mod, VALUE str, VALUE env) {
    return http_parser_parse_http_request(default_parser, str, env);
}

/*
 * call-seq:
 *   Springbok::HTTP.define_parse_http_request(mod) -> mod
 *
 * Defines mod.parse_http_request as Springbok::HTTP.parse_http_request
 * (used by springbok/pico_http_parser for PicoHTTPParser).
 */
static VALUE http_define_parse_http_request(VALUE self, VALUE mod) {
    if (!RB_TYPE_P(mod, T_MODULE) && !RB_TYPE_P(mod, T_CLASS))
        rb_raise(rb_eTypeError, "a Module is needed");
    rb_define_module_function(mod, "parse_http_request", http_parse_http_request, 2);
    return mod;
}

void sbr_init_http(void) {
    key_script_name = sbr_static_string("SCRIPT_NAME", 11);
    key_server_protocol = sbr_static_string("SERVER_PROTOCOL", 15);
    key_path_info = sbr_static_string("PATH_INFO", 9);
    key_query_string = sbr_static_string("QUERY_STRING", 12);
    key_request_uri = sbr_static_string("REQUEST_URI", 11);

    VALUE mHTTP = rb_define_module_under(sbr_mSpringbok, "HTTP");
    /* Document-class: Springbok::HTTP::ParseError
     * An invalid request head (#status says what to answer). */
    eParseError = rb_define_class_under(mHTTP, "ParseError", sbr_eError);

    cParser = rb_define_class_under(mHTTP, "Parser", rb_cObject);
    rb_define_alloc_func(cParser, http_parser_alloc);
    rb_define_method(cParser, "initialize", http_parser_initialize, -1);
    rb_define_method(cParser, "parse_http_request", http_parser_parse_http_request, 2);
    rb_define_method(cParser, "parse_request", http_parser_parse_request, 2);

    default_parser = rb_class_new_instance(0, NULL, cParser);
    rb_obj_freeze(default_parser);
    rb_gc_register_mark_object(default_parser);
    rb_define_const(mHTTP, "DEFAULT_PARSER", default_parser);
    rb_define_module_function(mHTTP, "parse_http_request", http_parse_http_request, 2);
    rb_define_singleton_method(mHTTP, "define_parse_http_request", http_define_parse_http_request, 1);
}
