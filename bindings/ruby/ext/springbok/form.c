/*
 * Springbok::Form: application/x-www-form-urlencoded bodies and query
 * strings, decoded by sb_urlencoded_pairs_* (springbok-form-urlencoded).
 */
#include "sb_ruby.h"

static VALUE eFormLimitError;
static ID id_max_pairs, id_max_bytes;

typedef struct {
    sb_urlencoded_pairs *pairs;
    VALUE out;
    int as_hash;
} form_walk;

static VALUE walk(VALUE arg) {
    form_walk *w = (form_walk *)arg;
    sb_urlencoded_pair pair;
    while (sb_urlencoded_pairs_next(w->pairs, &pair) == SB_RESULT_OK) {
        VALUE key = sbr_utf8(pair.key, pair.key_len);
        VALUE value = sbr_utf8(pair.value, pair.value_len);
        if (!w->as_hash) {
            rb_ary_push(w->out, rb_assoc_new(key, value));
            continue;
        }
        /* Rack's parse_query: a repeated key collects its values in an
         * Array, in order. Values are Strings, so an Array is ours. */
        VALUE cur = rb_hash_lookup2(w->out, key, Qundef);
        if (cur == Qundef) rb_hash_aset(w->out, key, value);
        else if (RB_TYPE_P(cur, T_ARRAY)) rb_ary_push(cur, value);
        else rb_hash_aset(w->out, key, rb_assoc_new(cur, value));
    }
    return w->out;
}

static VALUE release(VALUE arg) {
    sb_urlencoded_pairs_free(((form_walk *)arg)->pairs);
    return Qnil;
}

static const char *const keywords[] = {"mode", "max_pairs", "max_bytes", NULL};

static VALUE parse(int argc, VALUE *argv, int as_hash) {
    VALUE str, opts = Qnil;
    rb_scan_args(argc, argv, "1:", &str, &opts);
    sbr_check_keywords(opts, keywords);
    StringValue(str);
    uint32_t mode = SB_URLENCODED_WHATWG;
    VALUE m = sbr_opt(opts, "mode");
    if (m == ID2SYM(rb_intern("perl"))) mode = SB_URLENCODED_PERL;
    else if (m != Qundef && m != ID2SYM(rb_intern("whatwg")))
        rb_raise(rb_eArgError, "mode must be :whatwg or :perl");
    size_t max_pairs = sbr_opt_size(opts, "max_pairs", SB_URLENCODED_DEFAULT_MAX_PAIRS);
    size_t max_bytes = sbr_opt_size(opts, "max_bytes", SB_URLENCODED_DEFAULT_MAX_INPUT_BYTES);

    /* The iterator borrows the bytes: a frozen shared copy keeps them fixed
     * whatever the caller does with its String. */
    VALUE input = rb_str_new_frozen(str);
    form_walk w = {NULL, as_hash ? rb_hash_new() : rb_ary_new(), as_hash};
    sb_error err;
    uint32_t rc = sb_urlencoded_pairs_new(RSTRING_PTR(input), (size_t)RSTRING_LEN(input), mode,
                                          max_pairs, max_bytes, &w.pairs, &err);
    if (rc == SB_RESULT_URLENCODED_TOO_MANY_PAIRS)
        sbr_raise_limit(eFormLimitError, rc, &err, id_max_pairs, max_pairs);
    if (rc == SB_RESULT_URLENCODED_INPUT_TOO_LONG)
        sbr_raise_limit(eFormLimitError, rc, &err, id_max_bytes, max_bytes);
    if (rc != SB_RESULT_OK) sbr_raise(sbr_eError, rc, rc >= 100 ? &err : NULL, Qnil);
    VALUE out = rb_ensure(walk, (VALUE)&w, release, (VALUE)&w);
    RB_GC_GUARD(input);
    return out;
}

/*
 * call-seq:
 *   Springbok::Form.parse_urlencoded(str, mode: :whatwg, max_pairs: 4096,
 *                                    max_bytes: 4194304) -> [[key, value], ...]
 *
 * The decoded pairs, in order, as UTF-8 Strings ("+" is a space, %XX
 * decoded, an invalid escape kept as it is). mode :whatwg splits on "&" and
 * skips empty pieces; :perl (WWW::Form::UrlEncoded) splits on "&" and ";",
 * drops one space after a separator and keeps empty pairs. An input with
 * more pairs or bytes than the limits raises Springbok::Form::LimitError
 * (#limit is :max_pairs or :max_bytes): never a silent truncation.
 */
static VALUE form_parse_urlencoded(int argc, VALUE *argv, VALUE mod) { return parse(argc, argv, 0); }

/*
 * call-seq:
 *   Springbok::Form.parse_query(str, **options) -> Hash
 *
 * The pairs of #parse_urlencoded as a Hash with Rack's flat parse_query
 * rule for repeated keys: the first value is a String, a repeated key's
 * values are collected in an Array in order.
 */
static VALUE form_parse_query(int argc, VALUE *argv, VALUE mod) { return parse(argc, argv, 1); }

void sbr_init_form(void) {
    id_max_pairs = rb_intern("max_pairs");
    id_max_bytes = rb_intern("max_bytes");
    VALUE mForm = rb_define_module_under(sbr_mSpringbok, "Form");
    /* Document-class: Springbok::Form::LimitError
     * A form over max_pairs or max_bytes. */
    eFormLimitError = rb_define_class_under(mForm, "LimitError", sbr_eLimitError);
    rb_define_module_function(mForm, "parse_urlencoded", form_parse_urlencoded, -1);
    rb_define_module_function(mForm, "parse_query", form_parse_query, -1);
}
