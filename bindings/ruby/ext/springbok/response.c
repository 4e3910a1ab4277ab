/*
 * Springbok::Rack.response_head: a Rack response's status and headers into
 * the bytes of an HTTP/1.1 response head, by sb_response_head_write.
 *
 * Rack 3 headers (lower-case names, Array values: one line per element) and
 * Rack 2 headers (String values, several lines joined with "\n", split as
 * Puma splits them) are both accepted. libspringbok validates every name
 * and value; an invalid one raises an ArgumentError subclass naming the
 * header, and nothing is written.
 */
#include "sb_ruby.h"

static VALUE eInvalidResponse, eInvalidHeader;
static ID id_header, id_code, id_offset;

typedef struct {
    sb_header *headers;
    VALUE *names; /* the Ruby name of each entry of `headers`, for errors */
    size_t count;
    size_t bytes;
} header_list;

static void check_string(VALUE v, const char *what, VALUE name) {
    if (!RB_TYPE_P(v, T_STRING))
        rb_raise(rb_eTypeError, "response header %s must be a String, not %" PRIsVALUE " (%+" PRIsVALUE ")",
                 what, rb_obj_class(v), name);
}

static int count_header(VALUE name, VALUE value, VALUE arg) {
    header_list *list = (header_list *)arg;
    if (!RB_TYPE_P(name, T_STRING))
        rb_raise(rb_eTypeError, "response header names must be Strings, not %" PRIsVALUE,
                 rb_obj_class(name));
    if (RB_TYPE_P(value, T_ARRAY)) {
        long n = RARRAY_LEN(value);
        for (long i = 0; i < n; i++) {
            VALUE v = RARRAY_AREF(value, i);
            check_string(v, "values", name);
            list->bytes += (size_t)RSTRING_LEN(name) + (size_t)RSTRING_LEN(v) + 4;
        }
        list->count += (size_t)n;
    } else {
        check_string(value, "values", name);
        list->bytes += (size_t)RSTRING_LEN(name) + (size_t)RSTRING_LEN(value) + 4;
        list->count++;
    }
    return ST_CONTINUE;
}

static void add(header_list *list, VALUE name, VALUE value) {
    sb_header *h = &list->headers[list->count];
    h->name = RSTRING_PTR(name);
    h->name_len = (size_t)RSTRING_LEN(name);
    h->value = RSTRING_PTR(value);
    h->value_len = (size_t)RSTRING_LEN(value);
    list->names[list->count++] = name;
}

static int fill_header(VALUE name, VALUE value, VALUE arg) {
    header_list *list = (header_list *)arg;
    if (RB_TYPE_P(value, T_ARRAY)) {
        for (long i = 0; i < RARRAY_LEN(value); i++) add(list, name, RARRAY_AREF(value, i));
    } else {
        add(list, name, value);
    }
    return ST_CONTINUE;
}

NORETURN(static void raise_invalid(uint32_t code, const sb_error *err, const header_list *list));
static void raise_invalid(uint32_t code, const sb_error *err, const header_list *list) {
    VALUE exc;
    if (code >= 700 && code < 800 && err->header < list->count) {
        VALUE name = list->names[err->header];
        VALUE msg = rb_sprintf("invalid response header %+" PRIsVALUE ": %s (byte %zu of its %s)",
                               name, sb_result_message(code), err->offset,
                               code == SB_RESULT_RESPONSE_HEADER_NAME ? "name" : "value");
        exc = rb_exc_new_str(eInvalidHeader, msg);
        rb_ivar_set(exc, id_header, name);
    } else {
        exc = rb_exc_new_str(eInvalidResponse,
                             rb_sprintf("invalid response head: %s", sb_result_message(code)));
    }
    rb_ivar_set(exc, id_code, UINT2NUM(code));
    rb_ivar_set(exc, id_offset, code >= 700 ? SIZET2NUM(err->offset) : Qnil);
    rb_exc_raise(exc);
}

static const char *const keywords[] = {"reason", "split_newlines", "http_1_0", "into", NULL};

/*
 * call-seq:
 *   Springbok::Rack.response_head(status, headers, reason: nil, split_newlines: true,
 *                                 http_1_0: false, into: nil) -> String
 *
 * "HTTP/1.1 200 OK\r\n" plus one "name: value\r\n" line per header value
 * and the final "\r\n". `headers` is a Hash of String names to a String
 * (split on "\n" into several lines unless split_newlines: false, when a
 * "\n" is an error as in Rack 3) or an Array of Strings. reason: nil uses
 * the standard phrase. Content-Length and Transfer-Encoding of a 1xx, 204
 * or 304 response are checked but not written. With into: the head is
 * appended to that String, which is returned.
 *
 * Raises Springbok::Rack::InvalidHeaderError (an ArgumentError, #header
 * names the header) for a name that is not a token or a value with CR, LF
 * or NUL (header injection) or another control byte, and
 * Springbok::Rack::InvalidResponseError for a bad status or reason; nothing
 * is written then.
 */
static VALUE rack_response_head(int argc, VALUE *argv, VALUE mod) {
    VALUE status_v, headers_v, opts = Qnil;
    rb_scan_args(argc, argv, "2:", &status_v, &headers_v, &opts);
    sbr_check_keywords(opts, keywords);
    int status = NUM2INT(status_v);
    Check_Type(headers_v, T_HASH);

    VALUE reason_v = sbr_opt(opts, "reason");
    const char *reason = NULL;
    size_t reason_len = 0;
    if (reason_v != Qundef && !NIL_P(reason_v)) {
        StringValue(reason_v);
        reason = RSTRING_PTR(reason_v);
        reason_len = (size_t)RSTRING_LEN(reason_v);
    }
    uint32_t flags = 0;
    VALUE split = sbr_opt(opts, "split_newlines");
    if (split == Qundef || RTEST(split)) flags |= SB_RESPONSE_SPLIT_NEWLINES;
    VALUE http10 = sbr_opt(opts, "http_1_0");
    if (http10 != Qundef && RTEST(http10)) flags |= SB_RESPONSE_HTTP_1_0;
    VALUE into = sbr_opt(opts, "into");
    if (into == Qundef) into = Qnil;
    if (!NIL_P(into)) {
        StringValue(into);
        rb_str_modify(into);
    }

    /* Two walks over the Hash: types and sizes first, then spans, so that no
     * Ruby code runs while spans into the Strings are held. */
    header_list list = {NULL, NULL, 0, 64 + reason_len};
    rb_hash_foreach(headers_v, count_header, (VALUE)&list);
    VALUE tmp_headers = 0, tmp_names = 0;
    size_t capacity = list.count;
    list.headers = ALLOCV_N(sb_header, tmp_headers, capacity ? capacity : 1);
    list.names = ALLOCV_N(VALUE, tmp_names, capacity ? capacity : 1);
    list.count = 0;
    rb_hash_foreach(headers_v, fill_header, (VALUE)&list);
    if (list.count != capacity) rb_raise(rb_eRuntimeError, "headers changed while being read");

    VALUE out = NIL_P(into) ? rb_str_buf_new((long)list.bytes) : into;
    long start = NIL_P(into) ? 0 : RSTRING_LEN(into);
    size_t need = 0;
    sb_error err;
    uint32_t rc = SB_RESULT_BUFFER_TOO_SMALL;
    for (int attempt = 0; rc == SB_RESULT_BUFFER_TOO_SMALL && attempt < 2; attempt++) {
        size_t room = (size_t)(rb_str_capacity(out) - (size_t)start);
        if (attempt == 1) {
            rb_str_modify_expand(out, (long)need);
            room = need;
        }
        rc = sb_response_head_write(status, reason, reason_len, list.headers, list.count, flags,
                                    RSTRING_PTR(out) + start, room, &need, &err);
    }
    if (rc != SB_RESULT_OK) {
        if (rc >= 700 && rc < 800) raise_invalid(rc, &err, &list);
        rb_raise(rb_eArgError, "response head: %s", sb_result_message(rc));
    }
    rb_str_set_len(out, start + (long)need);
    ALLOCV_END(tmp_headers);
    ALLOCV_END(tmp_names);
    RB_GC_GUARD(headers_v);
    RB_GC_GUARD(reason_v);
    return out;
}

void sbr_init_response(void) {
    id_header = rb_intern("@header");
    id_code = rb_intern("@code");
    id_offset = rb_intern("@offset");
    VALUE mRack = rb_define_module_under(sbr_mSpringbok, "Rack");
    /* Document-class: Springbok::Rack::InvalidResponseError
     * A status or reason phrase that cannot be written (#code, #offset). */
    eInvalidResponse = rb_define_class_under(mRack, "InvalidResponseError", rb_eArgError);
    rb_define_attr(eInvalidResponse, "code", 1, 0);
    rb_define_attr(eInvalidResponse, "offset", 1, 0);
    /* Document-class: Springbok::Rack::InvalidHeaderError
     * A header that cannot be written: #header is its name. */
    eInvalidHeader = rb_define_class_under(mRack, "InvalidHeaderError", eInvalidResponse);
    rb_define_attr(eInvalidHeader, "header", 1, 0);
    rb_define_singleton_method(mRack, "response_head", rack_response_head, -1);
}
