/*
 * Springbok::Multipart: multipart/form-data over sb_multipart_parser's
 * event poll.
 *
 * - Springbok::Multipart::Parser: the streaming event API (feed chunks,
 *   get part-start / data / part-end / end events).
 * - Springbok::Multipart.__parse (wrapped by Multipart.parse in lib/): the
 *   Rack shape, fields in memory and files streamed to IOs from a factory.
 *   Upload data is written to the file descriptor directly, without the
 *   GVL when a chunk has at least NOGVL_MIN bytes left for a file part;
 *   every Ruby object is touched with the GVL held.
 */
#include "sb_ruby.h"

#include <errno.h>
#include <ruby/io.h>
#include <unistd.h>

#define NOGVL_MIN (64 * 1024)
#define DEFAULT_BUFSIZE (1024 * 1024)

static VALUE cParser, cPart, eParseError, eLimitError;
static ID id_call, id_write, id_rewind, id_to_io, id_read, id_binmode;
static VALUE sym_part_start, sym_data, sym_part_end, sym_end;
static VALUE sym_filename, sym_type, sym_name, sym_tempfile, sym_head;

/* The C ABI's limits, the keyword that sets each, the result code that
 * reports it and its default (as documented in springbok.h: the config
 * has no getter). */
static const struct {
    const char *keyword;
    uint32_t id;
    uint32_t code;
    unsigned long long fallback;
} limit_table[] = {
    {"max_parts", SB_MULTIPART_MAX_PARTS, SB_RESULT_TOO_MANY_PARTS, 4096},
    {"max_header_bytes", SB_MULTIPART_MAX_HEADER_BYTES, SB_RESULT_PART_HEADER_TOO_LARGE, 16384},
    {"max_headers", SB_MULTIPART_MAX_HEADERS, SB_RESULT_TOO_MANY_PART_HEADERS, 16},
    {"max_preamble_bytes", SB_MULTIPART_MAX_PREAMBLE_BYTES, SB_RESULT_PREAMBLE_TOO_LARGE, 32768},
    {"max_epilogue_bytes", SB_MULTIPART_MAX_EPILOGUE_BYTES, SB_RESULT_EPILOGUE_TOO_LARGE, 32768},
    {"max_field_bytes", SB_MULTIPART_MAX_FIELD_BYTES, SB_RESULT_FIELD_TOO_LARGE, 1048576},
    {"max_total_bytes", SB_MULTIPART_MAX_TOTAL_BYTES, SB_RESULT_MULTIPART_BODY_TOO_LARGE,
     67108864},
    {"max_file_bytes", SB_MULTIPART_MAX_FILE_BYTES, SB_RESULT_FILE_TOO_LARGE, UINT64_MAX},
    {"max_files", SB_MULTIPART_MAX_FILES, SB_RESULT_TOO_MANY_FILES, 128},
    {"max_fields", SB_MULTIPART_MAX_FIELDS, SB_RESULT_TOO_MANY_FIELDS, 4096},
};
#define NLIMITS (sizeof(limit_table) / sizeof(limit_table[0]))

typedef struct {
    unsigned long long value[NLIMITS];
} limit_values;

NORETURN(static void raise_multipart(uint32_t code, const sb_error *err, const limit_values *lv));
static void raise_multipart(uint32_t code, const sb_error *err, const limit_values *lv) {
    for (size_t i = 0; i < NLIMITS; i++)
        if (limit_table[i].code == code)
            sbr_raise_limit(eLimitError, code, err, rb_intern(limit_table[i].keyword),
                            lv->value[i]);
    sbr_raise(eParseError, code, code >= 100 ? err : NULL, Qnil);
}

/* A parser for `boundary` (a String) or the boundary of `content_type`,
 * with the limits in `opts`. */
static sb_multipart_parser *new_parser(VALUE content_type, VALUE boundary, VALUE opts,
                                       limit_values *lv) {
    int set[NLIMITS];
    for (size_t i = 0; i < NLIMITS; i++) {
        VALUE v = sbr_opt(opts, limit_table[i].keyword);
        set[i] = v != Qundef && !NIL_P(v);
        lv->value[i] = set[i] ? sbr_opt_size(opts, limit_table[i].keyword, 0)
                              : limit_table[i].fallback;
    }
    const char *b;
    size_t blen;
    sb_error err;
    if (!NIL_P(boundary)) {
        StringValue(boundary);
        b = RSTRING_PTR(boundary);
        blen = (size_t)RSTRING_LEN(boundary);
    } else {
        StringValue(content_type);
        uint32_t rc = sb_multipart_boundary(RSTRING_PTR(content_type),
                                            (size_t)RSTRING_LEN(content_type), &b, &blen, &err);
        if (rc != SB_RESULT_OK) raise_multipart(rc, &err, lv);
    }
    VALUE unfold = sbr_opt(opts, "unfold_headers");
    sb_multipart_config *config = sb_multipart_config_new();
    if (!config) rb_raise(rb_eNoMemError, "sb_multipart_config_new failed");
    for (size_t i = 0; i < NLIMITS; i++)
        if (set[i]) sb_multipart_config_set_limit(config, limit_table[i].id, lv->value[i]);
    if (unfold != Qundef && RTEST(unfold))
        sb_multipart_config_set_flags(config, SB_MULTIPART_UNFOLD_HEADERS);
    sb_multipart_parser *parser = NULL;
    uint32_t rc = sb_multipart_parser_new(config, b, blen, &parser, &err);
    sb_multipart_config_free(config);
    if (rc != SB_RESULT_OK) raise_multipart(rc, &err, lv);
    RB_GC_GUARD(content_type);
    RB_GC_GUARD(boundary);
    return parser;
}

static VALUE headers_array(const sb_multipart_event *ev) {
    VALUE list = rb_ary_new_capa((long)ev->num_headers);
    for (size_t i = 0; i < ev->num_headers; i++) {
        const sb_header *h = &ev->headers[i];
        rb_ary_push(list, rb_assoc_new(sbr_bytes(h->name, h->name_len),
                                       sbr_bytes(h->value, h->value_len)));
    }
    return list;
}

/* The decoded filename* of the part whose PART_START the last feed
 * returned (UTF-8), or nil. */
static VALUE filename_star(const sb_multipart_parser *parser) {
    const char *v = NULL;
    size_t n = 0;
    if (sb_multipart_parser_filename_star(parser, &v, &n, NULL, NULL, NULL, NULL) != SB_RESULT_OK || !v)
        return Qnil;
    return sbr_utf8(v, n);
}

/* --- Springbok::Multipart::Parser: the event stream --------------------- */

typedef struct {
    sb_multipart_parser *parser;
    limit_values lv;
    int busy;
} stream_parser;

static void stream_free(void *p) {
    stream_parser *sp = p;
    sb_multipart_parser_free(sp->parser);
    xfree(sp);
}

static size_t stream_memsize(const void *p) { return sizeof(stream_parser); }

static const rb_data_type_t stream_type = {
    "Springbok::Multipart::Parser",
    {NULL, stream_free, stream_memsize},
    NULL,
    NULL,
    RUBY_TYPED_FREE_IMMEDIATELY,
};

static VALUE stream_alloc(VALUE klass) {
    stream_parser *sp;
    return TypedData_Make_Struct(klass, stream_parser, &stream_type, sp);
}

static stream_parser *get_stream(VALUE self) {
    stream_parser *sp = rb_check_typeddata(self, &stream_type);
    if (!sp->parser) rb_raise(rb_eArgError, "uninitialized Springbok::Multipart::Parser");
    return sp;
}

static const char *const stream_keywords[] = {
    "boundary",        "max_parts",       "max_header_bytes", "max_headers",
    "max_preamble_bytes", "max_epilogue_bytes", "max_field_bytes", "max_total_bytes",
    "max_file_bytes",  "max_files",       "max_fields",       "unfold_headers",
    NULL};

/*
 * call-seq:
 *   Springbok::Multipart::Parser.new(content_type, **limits)
 *   Springbok::Multipart::Parser.new(nil, boundary: "xyz", **limits)
 *
 * A parser for one multipart body. Limits (keywords): max_parts,
 * max_header_bytes, max_headers, max_preamble_bytes, max_epilogue_bytes,
 * max_field_bytes, max_total_bytes.
 */
static VALUE stream_initialize(int argc, VALUE *argv, VALUE self) {
    VALUE content_type, opts = Qnil;
    rb_scan_args(argc, argv, "1:", &content_type, &opts);
    sbr_check_keywords(opts, stream_keywords);
    stream_parser *sp = rb_check_typeddata(self, &stream_type);
    if (sp->parser) rb_raise(rb_eArgError, "already initialized");
    VALUE boundary = sbr_opt(opts, "boundary");
    if (boundary == Qundef) boundary = Qnil;
    if (NIL_P(boundary) && NIL_P(content_type))
        rb_raise(rb_eArgError, "a Content-Type or a boundary: is needed");
    sp->parser = new_parser(content_type, boundary, opts, &sp->lv);
    return self;
}

typedef struct {
    stream_parser *sp;
    VALUE chunk;
    VALUE events; /* Array when no block was given */
} stream_feed;

static VALUE stream_event_payload(const sb_multipart_parser *parser, const sb_multipart_event *ev) {
    switch (ev->kind) {
    case SB_MULTIPART_EVENT_KIND_PART_START:
        return rb_struct_new(cPart, SIZET2NUM(ev->part_index),
                             ev->name ? sbr_utf8(ev->name, ev->name_len) : Qnil,
                             ev->filename ? sbr_bytes(ev->filename, ev->filename_len) : Qnil,
                             ev->content_type ? sbr_bytes(ev->content_type, ev->content_type_len)
                                              : Qnil,
                             headers_array(ev), ev->is_file ? Qtrue : Qfalse, filename_star(parser));
    case SB_MULTIPART_EVENT_KIND_DATA:
        return sbr_bytes(ev->data, ev->data_len);
    default:
        return Qnil;
    }
}

static VALUE stream_feed_loop(VALUE arg) {
    stream_feed *f = (stream_feed *)arg;
    const char *buf = RSTRING_PTR(f->chunk);
    size_t len = (size_t)RSTRING_LEN(f->chunk), pos = 0;
    for (;;) {
        sb_multipart_event ev;
        sb_error err;
        size_t consumed = 0;
        uint32_t rc = sb_multipart_parser_feed(f->sp->parser, buf + pos, len - pos, &consumed,
                                               &ev, &err);
        if (rc != SB_RESULT_OK) raise_multipart(rc, &err, &f->sp->lv);
        pos += consumed;
        if (ev.kind == SB_MULTIPART_EVENT_KIND_NEED_MORE) break;
        VALUE kind = ev.kind == SB_MULTIPART_EVENT_KIND_PART_START ? sym_part_start
                     : ev.kind == SB_MULTIPART_EVENT_KIND_DATA     ? sym_data
                     : ev.kind == SB_MULTIPART_EVENT_KIND_PART_END ? sym_part_end
                                                                   : sym_end;
        /* The payload copies every span before Ruby code runs. */
        VALUE payload = stream_event_payload(f->sp->parser, &ev);
        if (NIL_P(f->events)) rb_yield_values(2, kind, payload);
        else rb_ary_push(f->events, rb_assoc_new(kind, payload));
    }
    return Qnil;
}

static VALUE stream_feed_done(VALUE arg) {
    ((stream_feed *)arg)->sp->busy = 0;
    return Qnil;
}

/*
 * call-seq:
 *   parser.feed(chunk) { |kind, payload| ... } -> parser
 *   parser.feed(chunk) -> [[kind, payload], ...]
 *
 * Parses `chunk` (any split of the body) and yields each event: :part_start
 * with a Part (index, name, filename, content_type, headers, file), :data
 * with a binary String, :part_end and :end with nil. An invalid body
 * raises Springbok::Multipart::ParseError, a breached limit
 * Springbok::Multipart::LimitError naming it; the parser keeps failing
 * afterwards.
 */
static VALUE stream_feed_m(VALUE self, VALUE chunk) {
    stream_parser *sp = get_stream(self);
    StringValue(chunk);
    if (sp->busy) rb_raise(rb_eRuntimeError, "feed called from inside its own block");
    stream_feed f = {sp, rb_str_new_frozen(chunk), rb_block_given_p() ? Qnil : rb_ary_new()};
    sp->busy = 1;
    rb_ensure(stream_feed_loop, (VALUE)&f, stream_feed_done, (VALUE)&f);
    RB_GC_GUARD(f.chunk);
    return NIL_P(f.events) ? self : f.events;
}

/*
 * call-seq:
 *   parser.finish -> true
 *
 * Says the body has ended: true when the close delimiter was seen, else
 * Springbok::Multipart::ParseError (truncated body) or the earlier error.
 */
static VALUE stream_finish(VALUE self) {
    stream_parser *sp = get_stream(self);
    sb_error err;
    uint32_t rc = sb_multipart_parser_finish(sp->parser, &err);
    if (rc != SB_RESULT_OK) raise_multipart(rc, &err, &sp->lv);
    return Qtrue;
}

/* --- Multipart.__parse: the Rack shape ---------------------------------- */

enum { PART_NONE, PART_FIELD, PART_FILE, PART_SKIP };

typedef struct {
    sb_multipart_parser *parser;
    limit_values lv;
    VALUE input; /* a frozen String, or an IO */
    VALUE outbuf, locked;
    size_t bufsize;
    int has_length;
    size_t remaining;
    VALUE factory, created, pairs;
    int part, ended;
    rb_encoding *charset;
    VALUE name, value; /* field: String; file: the Hash */
    VALUE io;
    int fd;
} rack_run;

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

typedef struct {
    sb_multipart_parser *parser;
    const char *buf;
    size_t len, consumed;
    int fd, write_errno;
    uint32_t rc;
    sb_multipart_event ev;
    sb_error err;
} nogvl_feed;

/* Without the GVL: feeds and writes a file part's data until another
 * event (or the end of the chunk) comes; touches no Ruby object. */
static void *feed_file_nogvl(void *arg) {
    nogvl_feed *f = arg;
    for (;;) {
        size_t c = 0;
        f->rc = sb_multipart_parser_feed(f->parser, f->buf + f->consumed, f->len - f->consumed,
                                         &c, &f->ev, &f->err);
        if (f->rc != SB_RESULT_OK) return NULL;
        f->consumed += c;
        if (f->ev.kind != SB_MULTIPART_EVENT_KIND_DATA) return NULL;
        if ((f->write_errno = write_all(f->fd, f->ev.data, f->ev.data_len)) != 0) return NULL;
    }
}

/* The Rack name of a part without a usable name parameter: Content-ID,
 * else the filename, else "<content type>[]". */
static VALUE fallback_name(const sb_multipart_event *ev, int had_name) {
    if (!had_name) {
        for (size_t i = 0; i < ev->num_headers; i++) {
            const sb_header *h = &ev->headers[i];
            if (h->name_len == 10 && strncasecmp(h->name, "content-id", 10) == 0)
                return sbr_utf8(h->value, h->value_len);
        }
    }
    if (ev->filename) return sbr_utf8(ev->filename, ev->filename_len);
    VALUE n = ev->content_type ? sbr_utf8(ev->content_type, ev->content_type_len)
                               : sbr_utf8("text/plain", 10);
    return rb_str_cat(n, "[]", 2);
}

/* What Rack keeps of a filename: its last path component
 * (sb_multipart_basename, the one rule every binding uses). */
static VALUE basename_of(VALUE filename) {
    const char *b;
    size_t n;
    if (sb_multipart_basename(RSTRING_PTR(filename), (size_t)RSTRING_LEN(filename), &b, &n) !=
        SB_RESULT_OK)
        return filename;
    VALUE out = sbr_bytes(b, n);
    rb_enc_copy(out, filename);
    return out;
}

/* Rack tags a text/plain field (and its name) with the charset parameter
 * of its Content-Type; the encoding, or NULL (then UTF-8). */
static rb_encoding *field_charset(const sb_multipart_event *ev) {
    if (!ev->content_type) return NULL;
    sb_header_params *params = NULL;
    const char *type;
    size_t type_len;
    if (sb_header_params_new(ev->content_type, ev->content_type_len, SB_HEADER_PARAMS_CONTENT_TYPE,
                             &params, &type, &type_len, NULL) != SB_RESULT_OK)
        return NULL;
    rb_encoding *enc = NULL;
    if (type_len == 10 && memcmp(type, "text/plain", 10) == 0) {
        sb_header_param p;
        while (sb_header_params_next(params, &p) == SB_RESULT_OK) {
            if (p.name_len == 7 && strncasecmp(p.name, "charset", 7) == 0 && p.value_len < 64) {
                char label[64];
                memcpy(label, p.value, p.value_len);
                label[p.value_len] = 0;
                int index = rb_enc_find_index(label);
                enc = index >= 0 ? rb_enc_from_index(index) : NULL;
            }
        }
    }
    sb_header_params_free(params);
    return enc;
}

static void start_part(rack_run *r, const sb_multipart_event *ev) {
    /* Copy every span first: the factory below runs Ruby code. Without a
     * filename, Rack takes the decoded filename*. */
    VALUE filename = ev->filename ? sbr_bytes(ev->filename, ev->filename_len) : Qnil;
    if (NIL_P(filename) && ev->is_file) filename = filename_star(r->parser);
    VALUE name = ev->name ? sbr_utf8(ev->name, ev->name_len) : Qnil;
    if (NIL_P(name) || RSTRING_LEN(name) == 0) {
        name = fallback_name(ev, ev->name != NULL);
        if (!NIL_P(filename) && !ev->filename) name = rb_str_dup(filename);
    }
    r->name = name;
    r->fd = -1;
    r->io = Qnil;
    r->charset = NULL;
    if (!ev->is_file) {
        r->part = PART_FIELD;
        r->value = rb_str_buf_new(0);
        r->charset = field_charset(ev);
        return;
    }
    if (!NIL_P(filename) && RSTRING_LEN(filename) == 0) {
        /* An empty filename: no file was chosen; Rack leaves the part out. */
        r->part = PART_SKIP;
        return;
    }
    VALUE type = ev->content_type ? sbr_bytes(ev->content_type, ev->content_type_len) : Qnil;
    size_t head_len = 0;
    for (size_t i = 0; i < ev->num_headers; i++)
        head_len += ev->headers[i].name_len + ev->headers[i].value_len + 4;
    VALUE head = rb_str_buf_new((long)head_len);
    for (size_t i = 0; i < ev->num_headers; i++) {
        rb_str_cat(head, ev->headers[i].name, (long)ev->headers[i].name_len);
        rb_str_cat(head, ": ", 2);
        rb_str_cat(head, ev->headers[i].value, (long)ev->headers[i].value_len);
        rb_str_cat(head, "\r\n", 2);
    }
    VALUE base = NIL_P(filename) ? Qnil : basename_of(filename);

    VALUE io = rb_funcall(r->factory, id_call, 2, filename, type);
    rb_ary_push(r->created, io);
    if (rb_respond_to(io, id_binmode)) rb_funcall(io, id_binmode, 0);
    if (rb_respond_to(io, id_to_io)) {
        VALUE file = rb_funcall(io, id_to_io, 0);
        if (RB_TYPE_P(file, T_FILE)) {
            rb_io_t *fptr;
            rb_io_flush(file);
            GetOpenFile(file, fptr);
            rb_io_check_writable(fptr);
            r->fd = fptr->fd;
        }
    }
    r->io = io;
    r->part = PART_FILE;
    VALUE hash = rb_hash_new();
    rb_hash_aset(hash, sym_filename, base);
    rb_hash_aset(hash, sym_type, type);
    rb_hash_aset(hash, sym_name, name);
    rb_hash_aset(hash, sym_tempfile, io);
    rb_hash_aset(hash, sym_head, head);
    r->value = hash;
}

static void part_data(rack_run *r, const char *p, size_t n) {
    if (r->part == PART_FIELD) {
        rb_str_cat(r->value, p, (long)n);
    } else if (r->part == PART_FILE) {
        if (r->fd >= 0) {
            int e = write_all(r->fd, p, n);
            if (e) rb_syserr_fail(e, "writing a multipart upload");
        } else {
            rb_funcall(r->io, id_write, 1, sbr_bytes(p, n));
        }
    }
}

static void end_part(rack_run *r) {
    if (r->part == PART_FIELD) {
        rb_encoding *enc = r->charset ? r->charset : rb_utf8_encoding();
        rb_enc_associate(r->value, enc);
        rb_ary_push(r->pairs, rb_assoc_new(rb_enc_associate(r->name, enc), r->value));
    } else if (r->part == PART_FILE) {
        rb_funcall(r->io, id_rewind, 0);
        rb_ary_push(r->pairs, rb_assoc_new(r->name, r->value));
    }
    r->part = PART_NONE;
    r->name = r->value = r->io = Qnil;
    r->fd = -1;
}

/* Reads the next chunk of an IO input into r->outbuf; nil at its end. */
static VALUE next_chunk(rack_run *r) {
    size_t want = r->bufsize;
    if (r->has_length) {
        if (r->remaining == 0) return Qnil;
        if (want > r->remaining) want = r->remaining;
    }
    VALUE chunk = rb_funcall(r->input, id_read, 2, SIZET2NUM(want), r->outbuf);
    if (NIL_P(chunk)) return Qnil;
    StringValue(chunk);
    if (RSTRING_LEN(chunk) == 0) return Qnil;
    if (r->has_length) {
        size_t got = (size_t)RSTRING_LEN(chunk);
        r->remaining -= got < r->remaining ? got : r->remaining;
    }
    return chunk;
}

/* Feeds one chunk. After the close delimiter the parser goes on consuming
 * (and bounding) the epilogue. */
static void feed_chunk(rack_run *r, VALUE chunk) {
    const char *buf = RSTRING_PTR(chunk);
    size_t len = (size_t)RSTRING_LEN(chunk), pos = 0;
    for (;;) {
        sb_multipart_event ev;
        sb_error err;
        uint32_t rc;
        if (r->part == PART_FILE && r->fd >= 0 && len - pos >= NOGVL_MIN) {
            nogvl_feed f = {.parser = r->parser, .buf = buf + pos, .len = len - pos, .fd = r->fd};
            rb_thread_call_without_gvl(feed_file_nogvl, &f, NULL, NULL);
            pos += f.consumed;
            if (f.write_errno) rb_syserr_fail(f.write_errno, "writing a multipart upload");
            rc = f.rc;
            ev = f.ev;
            err = f.err;
        } else {
            size_t consumed = 0;
            rc = sb_multipart_parser_feed(r->parser, buf + pos, len - pos, &consumed, &ev, &err);
            pos += consumed;
        }
        if (rc != SB_RESULT_OK) raise_multipart(rc, &err, &r->lv);
        switch (ev.kind) {
        case SB_MULTIPART_EVENT_KIND_NEED_MORE:
            return;
        case SB_MULTIPART_EVENT_KIND_PART_START:
            start_part(r, &ev);
            break;
        case SB_MULTIPART_EVENT_KIND_DATA:
            part_data(r, ev.data, ev.data_len);
            break;
        case SB_MULTIPART_EVENT_KIND_PART_END:
            end_part(r);
            break;
        case SB_MULTIPART_EVENT_KIND_END:
            r->ended = 1;
            break;
        }
    }
}

static VALUE rack_run_body(VALUE arg) {
    rack_run *r = (rack_run *)arg;
    if (RB_TYPE_P(r->input, T_STRING)) {
        /* A frozen view: its bytes cannot change, whatever the caller does
         * with the String it passed. */
        feed_chunk(r, r->input);
    } else {
        VALUE chunk;
        while (!NIL_P(chunk = next_chunk(r))) {
            /* The chunk must not change while spans into it are in use
             * (and while the GVL is released). */
            r->locked = rb_str_locktmp(chunk);
            feed_chunk(r, chunk);
            rb_str_unlocktmp(chunk);
            r->locked = Qnil;
        }
    }
    if (!r->ended) {
        sb_error err;
        uint32_t rc = sb_multipart_parser_finish(r->parser, &err);
        if (rc != SB_RESULT_OK) raise_multipart(rc, &err, &r->lv);
    }
    return r->pairs;
}

static VALUE rack_run_release(VALUE arg) {
    rack_run *r = (rack_run *)arg;
    if (!NIL_P(r->locked)) rb_str_unlocktmp(r->locked);
    r->locked = Qnil;
    sb_multipart_parser_free(r->parser);
    r->parser = NULL;
    return Qnil;
}

static const char *const parse_keywords[] = {
    "max_parts",       "max_header_bytes", "max_headers",    "max_preamble_bytes",
    "max_epilogue_bytes", "max_field_bytes", "max_total_bytes", "max_file_bytes",
    "max_files",       "max_fields",       "unfold_headers", "bufsize",
    "content_length",  "boundary",         NULL};

/*
 * call-seq:
 *   Springbok::Multipart.__parse(input, content_type, factory, created, opts) -> [[name, data], ...]
 *
 * The engine of Multipart.parse (lib/springbok/multipart.rb): the parts of
 * `input` (a String, or an IO read in `bufsize` pieces up to
 * `content_length`) in order, a field's data a UTF-8 String, a file's the
 * Hash Rack builds, its IO from factory.call(filename, content_type) (each
 * also pushed on `created`, for the caller to clean up on error).
 */
static VALUE multipart_parse(VALUE mod, VALUE input, VALUE content_type, VALUE factory,
                             VALUE created, VALUE opts) {
    sbr_check_keywords(opts, parse_keywords);
    Check_Type(created, T_ARRAY);
    rack_run r;
    memset(&r, 0, sizeof r);
    r.pairs = rb_ary_new();
    r.factory = factory;
    r.created = created;
    r.name = r.value = r.io = r.outbuf = r.locked = Qnil;
    r.fd = -1;
    r.bufsize = sbr_opt_size(opts, "bufsize", DEFAULT_BUFSIZE);
    if (r.bufsize == 0) rb_raise(rb_eArgError, "bufsize must be positive");
    VALUE length = sbr_opt(opts, "content_length");
    if (length != Qundef && !NIL_P(length)) {
        r.has_length = 1;
        r.remaining = sbr_opt_size(opts, "content_length", 0);
    }
    if (RB_TYPE_P(input, T_STRING)) {
        r.input = rb_str_new_frozen(input);
        if (r.has_length && r.remaining < (size_t)RSTRING_LEN(r.input))
            r.input = rb_str_new_frozen(rb_str_subseq(r.input, 0, (long)r.remaining));
    } else if (rb_respond_to(input, id_read)) {
        r.input = input;
        r.outbuf = rb_str_buf_new((long)(r.bufsize < 65536 ? r.bufsize : 65536));
    } else {
        rb_raise(rb_eTypeError, "input must be a String or respond to read");
    }
    VALUE boundary = sbr_opt(opts, "boundary");
    if (boundary == Qundef) boundary = Qnil;
    r.parser = new_parser(content_type, boundary, opts, &r.lv);
    VALUE out = rb_ensure(rack_run_body, (VALUE)&r, rack_run_release, (VALUE)&r);
    RB_GC_GUARD(r.input);
    RB_GC_GUARD(r.outbuf);
    return out;
}

/*
 * call-seq:
 *   Springbok::Multipart.boundary(content_type) -> String
 *
 * The boundary parameter of a multipart Content-Type (quoted or not);
 * Springbok::Multipart::ParseError (#status 415 or 400) otherwise.
 */
static VALUE multipart_boundary(VALUE mod, VALUE content_type) {
    StringValue(content_type);
    const char *b;
    size_t blen;
    sb_error err;
    uint32_t rc = sb_multipart_boundary(RSTRING_PTR(content_type),
                                        (size_t)RSTRING_LEN(content_type), &b, &blen, &err);
    if (rc != SB_RESULT_OK) sbr_raise(eParseError, rc, rc >= 100 ? &err : NULL, Qnil);
    VALUE out = sbr_bytes(b, blen);
    RB_GC_GUARD(content_type);
    return out;
}

void sbr_init_multipart(void) {
    id_call = rb_intern("call");
    id_write = rb_intern("write");
    id_rewind = rb_intern("rewind");
    id_to_io = rb_intern("to_io");
    id_read = rb_intern("read");
    id_binmode = rb_intern("binmode");
#define SYM(var, name)                       \
    var = ID2SYM(rb_intern(name));           \
    rb_gc_register_address(&var)
    SYM(sym_part_start, "part_start");
    SYM(sym_data, "data");
    SYM(sym_part_end, "part_end");
    SYM(sym_end, "end");
    SYM(sym_filename, "filename");
    SYM(sym_type, "type");
    SYM(sym_name, "name");
    SYM(sym_tempfile, "tempfile");
    SYM(sym_head, "head");
#undef SYM

    VALUE mMultipart = rb_define_module_under(sbr_mSpringbok, "Multipart");
    /* Document-class: Springbok::Multipart::ParseError
     * An invalid multipart Content-Type or body. */
    eParseError = rb_define_class_under(mMultipart, "ParseError", sbr_eError);
    /* Document-class: Springbok::Multipart::LimitError
     * A multipart limit was exceeded; #limit is its keyword. */
    eLimitError = rb_define_class_under(mMultipart, "LimitError", sbr_eLimitError);
    cPart = rb_struct_define_under(mMultipart, "Part", "index", "name", "filename",
                                   "content_type", "headers", "file", "filename_star", NULL);
    rb_define_module_function(mMultipart, "boundary", multipart_boundary, 1);
    rb_define_module_function(mMultipart, "__parse", multipart_parse, 5);

    cParser = rb_define_class_under(mMultipart, "Parser", rb_cObject);
    rb_define_alloc_func(cParser, stream_alloc);
    rb_define_method(cParser, "initialize", stream_initialize, -1);
    rb_define_method(cParser, "feed", stream_feed_m, 1);
    rb_define_method(cParser, "finish", stream_finish, 0);
}
