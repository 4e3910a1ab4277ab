/*
 * multipart.c: HTTP::MultiPartParser's callbacks over libspringbok's
 * event-poll multipart parser. Every Perl callback runs here, in the glue's
 * own frame, between two sb_multipart_parser_feed_batch calls (a batch is
 * about one part's events); a callback that dies unwinds only Perl and C
 * frames, never Rust ones, and the rest of its batch is kept for the next
 * call.
 *
 * on_body($chunk, $final) wants to know whether a piece is a part's last, and
 * libspringbok says so with a separate PART_END event, so the newest piece
 * is kept (copied: its span dies with the next feed) until the next event
 * says which it was. Small pieces (the bytes held back across feeds) are
 * merged with the next one, so a part fed in large chunks costs about one
 * callback per chunk.
 *
 * The callbacks run once or twice per part, and with small fields they are
 * most of the time spent: each is one call_sv with a prepared stack, no
 * mortals and no scope of its own. The $chunk scalar is reused from one
 * on_body call to the next, as HTTP::MultiPartParser reuses its own, and so
 * is the reference on_header gets, but only while nobody else holds them: a
 * callback that keeps a reference to $_[0] (or makes it magical, weak or
 * read-only) gets a new scalar next time, so what it kept never changes.
 */
#include "springbok_perl.h"

#include <string.h>

/* Pieces shorter than this are merged with the next one of the same part. */
#define MERGE_BELOW 8192

/* Events per sb_multipart_parser_feed_batch call: a batch ends at each
 * part's start anyway, so a few are enough. */
#define BATCH 8

struct sbp_multipart {
    sb_multipart_parser *parser;
    char boundary[72];
    size_t boundary_len;
    uint64_t limits[SBP_MULTIPART_LIMITS];
    bool has_limit[SBP_MULTIPART_LIMITS];
    SV *on_header, *on_body, *on_error; /* code references, as given */
    CV *header_cv, *body_cv;            /* what they refer to */
    SV *chunk;      /* the current part's newest data, not yet delivered, when pending */
    bool pending;
    SV *spare;      /* on_body's last $_[0], reused if nobody else holds it (see above) */
    SV *header_arg; /* on_header's last argument (see header) */
    /* The batch being delivered: events[next, count) are still to come. When
     * a callback dies, keep_rest moves them to stash_* for the next call. */
    sb_multipart_event events[BATCH];
    size_t next, count;
    bool stash_end;    /* a PART_END not delivered yet */
    bool stash_header; /* stash_event, a PART_START, not delivered yet (its spans
                          live in the parser until the next feed) */
    sb_multipart_event stash_event;
    SV *backlog; /* input not parsed yet because a callback died */
    const char *rest; /* while parsing: the input not consumed yet */
    STRLEN rest_len;
    bool unparsed; /* on_header_as => 'unparsed' */
    bool unfold;   /* unfold_headers => 1: SB_MULTIPART_UNFOLD_HEADERS */
    bool aborted;
    bool busy; /* inside parse/finish: callbacks may not re-enter */
};

static sb_multipart_parser *make_parser(pTHX_ sbp_multipart *mp, sb_error *error, sb_result *rc_out) {
    sb_multipart_config *config = sb_multipart_config_new();
    sb_multipart_parser *parser = NULL;
    sb_result rc = config ? SB_RESULT_OK : SB_RESULT_PANIC;
    uint32_t i;
    for (i = 0; i < SBP_MULTIPART_LIMITS && rc == SB_RESULT_OK; i++) {
        if (mp->has_limit[i])
            rc = sb_multipart_config_set_limit(config, i, mp->limits[i]);
    }
    if (rc == SB_RESULT_OK && mp->unfold)
        rc = sb_multipart_config_set_flags(config, SB_MULTIPART_UNFOLD_HEADERS);
    if (rc == SB_RESULT_OK)
        rc = sb_multipart_parser_new(config, mp->boundary, mp->boundary_len, &parser, error);
    sb_multipart_config_free(config);
    *rc_out = rc;
    return rc == SB_RESULT_OK ? parser : NULL;
}

sbp_multipart *sbp_multipart_new(pTHX_ SV *boundary, SV *on_header, SV *on_body, SV *on_error, int unparsed,
                                 int unfold, AV *limits) {
    sbp_multipart *mp;
    STRLEN blen;
    const char *b = SvPV_const(boundary, blen);
    sb_error error;
    sb_result rc;
    uint32_t i;

    if (blen == 0 || blen > 70)
        croak("Springbok::MultiPartParser: the boundary must be 1 to 70 characters long (RFC 2046)");
    Newxz(mp, 1, sbp_multipart);
    memcpy(mp->boundary, b, blen);
    mp->boundary_len = blen;
    mp->unfold = unfold != 0;
    for (i = 0; i < SBP_MULTIPART_LIMITS; i++) {
        SV **e = limits ? av_fetch(limits, i, 0) : NULL;
        if (e && SvOK(*e)) {
            NV v = SvNV(*e);
            mp->has_limit[i] = TRUE;
            mp->limits[i] = v <= 0 ? 0 : v >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)v;
        }
    }
    mp->parser = make_parser(aTHX_ mp, &error, &rc);
    if (!mp->parser) {
        Safefree(mp);
        sbp_croak_result(aTHX_ "Springbok::MultiPartParser", rc);
    }
    mp->on_header = newSVsv(on_header);
    mp->on_body = newSVsv(on_body);
    mp->on_error = newSVsv(on_error);
    mp->header_cv = (CV *)SvRV(mp->on_header);
    mp->body_cv = (CV *)SvRV(mp->on_body);
    mp->unparsed = unparsed != 0;
    return mp;
}

void sbp_multipart_free(pTHX_ sbp_multipart *mp) {
    if (!mp)
        return;
    sb_multipart_parser_free(mp->parser);
    SvREFCNT_dec(mp->on_header);
    SvREFCNT_dec(mp->on_body);
    SvREFCNT_dec(mp->on_error);
    SvREFCNT_dec(mp->chunk);
    SvREFCNT_dec(mp->spare);
    SvREFCNT_dec(mp->header_arg);
    SvREFCNT_dec(mp->backlog);
    Safefree(mp);
}

/* Calls cb(a) or cb(a, b); the arguments belong to the caller. Without
 * G_DISCARD: the callback's temporaries are freed by the caller's next
 * FREETMPS (parse frees them after each batch), which spares a scope per
 * call. Whatever the callback leaves on the stack is dropped. */
static void call(pTHX_ SV *cb, SV *a, SV *b) {
    dSP;
    const SSize_t base = SP - PL_stack_base;
    PUSHMARK(SP);
    EXTEND(SP, 2);
    PUSHs(a);
    if (b)
        PUSHs(b);
    PUTBACK;
    call_sv(cb, G_VOID);
    PL_stack_sp = PL_stack_base + base;
}

/* The new() parameter that sets the limit a result code is about, or NULL. */
static const char *limit_name(sb_result rc) {
    switch (rc) {
    case SB_RESULT_PREAMBLE_TOO_LARGE: return "max_preamble_size";
    case SB_RESULT_EPILOGUE_TOO_LARGE: return "max_epilogue_size";
    case SB_RESULT_TOO_MANY_PARTS: return "max_parts";
    case SB_RESULT_PART_HEADER_TOO_LARGE: return "max_header_size";
    case SB_RESULT_TOO_MANY_PART_HEADERS: return "max_headers";
    case SB_RESULT_FIELD_TOO_LARGE: return "max_field_size";
    case SB_RESULT_MULTIPART_BODY_TOO_LARGE: return "max_total_size";
    case SB_RESULT_FILE_TOO_LARGE: return "max_file_size";
    case SB_RESULT_TOO_MANY_FILES: return "max_files";
    case SB_RESULT_TOO_MANY_FIELDS: return "max_fields";
    default: return NULL;
    }
}

/* Marks the parser aborted and calls on_error (by default Carp::croak). */
static void fail(pTHX_ sbp_multipart *mp, sb_result rc, const sb_error *error) {
    SV *msg;
    const char *limit = limit_name(rc);
    mp->aborted = TRUE;
    mp->pending = FALSE;
    mp->next = mp->count = 0;
    mp->stash_end = mp->stash_header = FALSE;
    if (limit)
        msg = newSVpvf("%s (at byte %" UVuf " of the multipart body; the limit is %s)", sb_result_message(rc),
                       (UV)error->offset, limit);
    else if (rc >= 400 && rc < 500)
        msg = newSVpvf("%s (at byte %" UVuf " of the multipart body)", sb_result_message(rc), (UV)error->offset);
    else
        msg = newSVpv(sb_result_message(rc), 0);
    call(aTHX_ mp->on_error, sv_2mortal(msg), NULL);
}

/* Chunk buffers larger than this are not kept for the next part. */
#define CHUNK_KEEP (128 * 1024)

/* Starts the pending chunk, empty, with room for `want` bytes, in the
 * spare scalar if only this parser holds it and the callback left it a
 * plain string, else in a new one. */
static SV *start_chunk(pTHX_ sbp_multipart *mp, size_t want) {
    SV *sv = mp->spare;
    mp->spare = NULL;
    if (sv && (SvREFCNT(sv) != 1 || SvTYPE(sv) != SVt_PV || SvLEN(sv) > CHUNK_KEEP
               || SvFLAGS(sv) & (SVs_RMG | SVs_GMG | SVs_SMG | SVf_READONLY | SVf_PROTECT | SVf_ROK | SVf_OOK))) {
        SvREFCNT_dec(sv);
        sv = NULL;
    }
    if (!sv)
        sv = newSV_type(SVt_PV);
    SV_CHECK_THINKFIRST_COW_DROP(sv);
    SvGROW(sv, want + 1);
    SvCUR_set(sv, 0);
    *SvPVX(sv) = '\0';
    SvPOK_only(sv); /* also drops the UTF-8 flag a callback may have set */
    SvREFCNT_dec(mp->chunk);
    mp->chunk = sv;
    mp->pending = TRUE;
    return sv;
}

/* Hands the pending chunk (or an empty one) to on_body. It becomes the
 * spare, owned here, so that nothing leaks if the callback dies. */
static void deliver(pTHX_ sbp_multipart *mp, bool final) {
    SV *chunk;
    if (!mp->pending)
        start_chunk(aTHX_ mp, 0);
    chunk = mp->chunk;
    mp->chunk = NULL;
    mp->pending = FALSE;
    SvREFCNT_dec(mp->spare);
    mp->spare = chunk;
    call(aTHX_ (SV *)mp->body_cv, chunk, final ? &PL_sv_yes : &PL_sv_no);
}

static void data(pTHX_ sbp_multipart *mp, const char *p, size_t n) {
    if (mp->pending && SvCUR(mp->chunk) >= MERGE_BELOW) {
        /* The new piece is pending before the full one goes out, so that it
         * survives a callback that dies. */
        SV *full = mp->chunk;
        mp->chunk = NULL;
        start_chunk(aTHX_ mp, n);
        sv_catpvn_nomg(mp->chunk, p, n);
        SvREFCNT_dec(mp->spare);
        mp->spare = full;
        call(aTHX_ (SV *)mp->body_cv, full, &PL_sv_no);
        return;
    }
    if (!mp->pending)
        start_chunk(aTHX_ mp, n);
    sv_catpvn_nomg(mp->chunk, p, n);
}

/* A new string of `len` bytes, to be filled by the caller. */
static SV *new_string(pTHX_ size_t len) {
    SV *sv = newSV_type(SVt_PV);
    char *d;
    Newx(d, len + 1, char);
    d[len] = '\0';
    SvPV_set(sv, d);
    SvLEN_set(sv, len + 1);
    SvCUR_set(sv, len);
    SvPOK_only(sv);
    return sv;
}

static SV *header_block(pTHX_ const sb_multipart_event *ev) {
    size_t i, len = 2;
    SV *block;
    char *d;
    for (i = 0; i < ev->num_headers; i++)
        len += ev->headers[i].name_len + 2 + ev->headers[i].value_len + 2;
    block = new_string(aTHX_ len);
    d = SvPVX(block);
    for (i = 0; i < ev->num_headers; i++) {
        const sb_header *h = &ev->headers[i];
        memcpy(d, h->name, h->name_len);
        d += h->name_len;
        memcpy(d, ": ", 2);
        memcpy(d + 2, h->value, h->value_len);
        d += 2 + h->value_len;
        memcpy(d, "\r\n", 2);
        d += 2;
    }
    memcpy(d, "\r\n", 2);
    return block;
}

/* A reference to an array of the "Name: value" lines. The reference of the
 * last part is reused when nobody else holds it (a caller that keeps the
 * lines copies the reference, and so holds the array, not it). */
static SV *header_lines(pTHX_ SV *last, const sb_multipart_event *ev) {
    size_t i, n = ev->num_headers;
    AV *lines;
#ifdef newAV_alloc_x
    lines = n ? newAV_alloc_x((SSize_t)n) : newAV();
#else
    lines = newAV();
    if (n)
        av_extend(lines, (SSize_t)n - 1);
#endif
    for (i = 0; i < n; i++) {
        const sb_header *h = &ev->headers[i];
        SV *line = new_string(aTHX_ h->name_len + 2 + h->value_len);
        char *d = SvPVX(line);
        memcpy(d, h->name, h->name_len);
        d[h->name_len] = ':';
        d[h->name_len + 1] = ' ';
        memcpy(d + h->name_len + 2, h->value, h->value_len);
        AvARRAY(lines)[i] = line;
        AvFILLp(lines) = (SSize_t)i;
    }
    if (last && SvREFCNT(last) == 1 && SvTYPE(last) == SVt_IV && SvROK(last) && !SvWEAKREF(last)
        && !(SvFLAGS(last) & (SVs_RMG | SVs_GMG | SVs_SMG | SVf_READONLY | SVf_PROTECT))) {
        SV *old = SvRV(last);
        SvRV_set(last, (SV *)lines);
        SvREFCNT_dec(old);
        return last;
    }
    SvREFCNT_dec(last);
    return newRV_noinc((SV *)lines);
}

static void header(pTHX_ sbp_multipart *mp, const sb_multipart_event *ev) {
    /* Owned by the parser, so that a callback that dies leaves nothing
     * behind: the next part or DESTROY frees (or reuses) it. */
    SV *last = mp->header_arg;
    mp->header_arg = NULL;
    if (mp->unparsed) {
        SvREFCNT_dec(last);
        mp->header_arg = header_block(aTHX_ ev);
    } else {
        mp->header_arg = header_lines(aTHX_ last, ev);
    }
    call(aTHX_ (SV *)mp->header_cv, mp->header_arg, NULL);
}

/* Runs when parse's scope is left, normally or by a callback's exception:
 * input not consumed yet is kept for the next call, as HTTP::MultiPartParser
 * keeps its buffer, and so are the events of the batch not delivered yet. A
 * batch ends at a PART_START or at data held in the parser, and data never
 * follows the part's end within one, so what remains is some data (its
 * bytes may be the input's: copied now), a PART_END, an END and a
 * PART_START or NEED_MORE, in that order. */
static void keep_rest(pTHX_ void *arg) {
    sbp_multipart *mp = (sbp_multipart *)arg;
    for (; mp->next < mp->count; mp->next++) {
        const sb_multipart_event *ev = &mp->events[mp->next];
        switch (ev->kind) {
        case SB_MULTIPART_EVENT_KIND_DATA:
            if (!mp->pending)
                start_chunk(aTHX_ mp, ev->data_len);
            sv_catpvn_nomg(mp->chunk, ev->data, ev->data_len);
            break;
        case SB_MULTIPART_EVENT_KIND_PART_END:
            mp->stash_end = TRUE;
            break;
        case SB_MULTIPART_EVENT_KIND_PART_START:
            mp->stash_header = TRUE;
            mp->stash_event = *ev;
            break;
        default:
            break;
        }
    }
    mp->next = mp->count = 0;
    if (mp->rest_len) {
        mp->backlog = newSVpvn(mp->rest, mp->rest_len);
        mp->rest_len = 0;
    }
}

/* Delivers what a callback that died left undelivered; each is forgotten
 * before its callback runs, as if it had been delivered, should it die too. */
static void deliver_stash(pTHX_ sbp_multipart *mp) {
    if (mp->stash_end) {
        mp->stash_end = FALSE;
        deliver(aTHX_ mp, TRUE);
    }
    if (mp->stash_header) {
        mp->stash_header = FALSE;
        header(aTHX_ mp, &mp->stash_event);
    }
}

static void enter(pTHX_ SV *self, sbp_multipart *mp, const char *method) {
    if (mp->busy)
        croak("Springbok::MultiPartParser: %s called from one of the parser's own callbacks", method);
    /* Keep the object alive until the caller's statement ends, even if a
     * callback drops the last reference to it. */
    sv_2mortal(SvREFCNT_inc_simple_NN(self));
    SAVEBOOL(mp->busy);
    mp->busy = TRUE;
}

bool sbp_multipart_parse(pTHX_ SV *self, sbp_multipart *mp, SV *chunk) {
    STRLEN len;
    const char *p;
    bool ok = TRUE;

    ENTER;
    enter(aTHX_ self, mp, "parse");
    SvGETMAGIC(chunk);
    if (mp->aborted) {
        LEAVE;
        return FALSE;
    }
    SAVEDESTRUCTOR_X(keep_rest, mp);
    deliver_stash(aTHX_ mp);
    if (!SvOK(chunk) && !mp->backlog) {
        LEAVE;
        return TRUE;
    }
    if (mp->backlog) {
        SV *all = sv_2mortal(mp->backlog);
        mp->backlog = NULL;
        if (SvOK(chunk))
            sv_catsv_nomg(all, chunk);
        chunk = all;
    } else if (!SvTEMP(chunk) || SvMAGICAL(chunk)) {
        /* A callback may change the caller's string: parse a copy, which
         * shares the buffer (copy-on-write) and costs no copy unless it
         * does. Magic was called above. */
        chunk = sv_mortalcopy_flags(chunk, SV_DO_COW_SVSETSV);
    }
    p = SvPV_nomg_const(chunk, len);
    /* The callbacks' temporaries: freed after each batch (see call). */
    SAVETMPS;
    for (;;) {
        size_t consumed = 0, count = 0;
        sb_error error;
        sb_result rc = sb_multipart_parser_feed_batch(mp->parser, p, len, &consumed, mp->events, BATCH, &count, &error);
        if (rc != SB_RESULT_OK) {
            mp->rest_len = 0;
            fail(aTHX_ mp, rc, &error);
            ok = FALSE;
            break;
        }
        p += consumed;
        len -= consumed;
        mp->rest = p;
        mp->rest_len = len;
        mp->count = count;
        /* Counted as delivered before its callback runs: keep_rest keeps
         * only the ones after an event whose callback died. */
        for (mp->next = 0; mp->next < count;) {
            const sb_multipart_event *ev = &mp->events[mp->next++];
            switch (ev->kind) {
            case SB_MULTIPART_EVENT_KIND_PART_START:
                header(aTHX_ mp, ev);
                break;
            case SB_MULTIPART_EVENT_KIND_DATA:
                data(aTHX_ mp, ev->data, ev->data_len);
                break;
            case SB_MULTIPART_EVENT_KIND_PART_END:
                deliver(aTHX_ mp, TRUE);
                break;
            default: /* END: what follows is the epilogue, bounded by its limit; NEED_MORE */
                break;
            }
        }
        mp->next = mp->count = 0;
        FREETMPS;
        if (mp->aborted) {
            ok = FALSE;
            break;
        }
        if (mp->events[count - 1].kind == SB_MULTIPART_EVENT_KIND_NEED_MORE)
            break;
    }
    mp->rest_len = 0;
    LEAVE;
    return ok;
}

bool sbp_multipart_finish(pTHX_ SV *self, sbp_multipart *mp) {
    sb_error error;
    sb_result rc;
    bool ok;
    if ((mp->backlog || mp->stash_end || mp->stash_header) && !mp->busy
        && !sbp_multipart_parse(aTHX_ self, mp, &PL_sv_undef))
        return FALSE;
    ENTER;
    enter(aTHX_ self, mp, "finish");
    if (!mp->aborted) {
        rc = sb_multipart_parser_finish(mp->parser, &error);
        if (rc != SB_RESULT_OK)
            fail(aTHX_ mp, rc, &error);
    }
    ok = !mp->aborted;
    LEAVE;
    return ok;
}

void sbp_multipart_reset(pTHX_ SV *self, sbp_multipart *mp) {
    sb_error error;
    sb_result rc;
    sb_multipart_parser *parser;
    if (mp->busy)
        croak("Springbok::MultiPartParser: reset called from one of the parser's own callbacks");
    parser = make_parser(aTHX_ mp, &error, &rc);
    if (!parser)
        sbp_croak_result(aTHX_ "Springbok::MultiPartParser::reset", rc);
    sb_multipart_parser_free(mp->parser);
    mp->parser = parser;
    mp->pending = FALSE;
    mp->stash_end = mp->stash_header = FALSE;
    SvREFCNT_dec(mp->backlog);
    mp->backlog = NULL;
    mp->aborted = FALSE;
}

bool sbp_multipart_is_aborted(sbp_multipart *mp) {
    return mp->aborted;
}
