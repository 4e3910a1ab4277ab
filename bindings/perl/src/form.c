/*
 * form.c: application/x-www-form-urlencoded for Springbok::Form, with
 * WWW::Form::UrlEncoded's rules. Splitting, `+` and `%XX` decoding are
 * libspringbok's Perl mode (sb_urlencoded_cursor_*);
 * encoding is its
 * WWW::Form::UrlEncoded::XS style (sb_urlencoded_encode). This file walks
 * Perl's argument shapes and makes the strings.
 */
#include "springbok_perl.h"

#include <string.h>

/* Pairs fetched per sb_urlencoded_cursor_next_decoded call. */
#define SBP_FORM_BATCH 32
/* The arena on the C stack for decoded parts: any pair whose raw key and
 * value fit (a larger one moves the rest of its form to the heap). */
#define SBP_FORM_ARENA 4096

#if defined(__GNUC__)
#define SBP_FORM_INLINE static inline __attribute__((always_inline))
#else
#define SBP_FORM_INLINE static inline
#endif

/* memcpy, with the short lengths of most keys and values done inline (two
 * overlapping fixed-size moves) rather than by a call. */
static inline void copy_short(char *dst, const char *src, size_t len) {
    if (len >= 8 && len <= 16) {
        memcpy(dst, src, 8);
        memcpy(dst + len - 8, src + len - 8, 8);
    } else if (len >= 4 && len < 8) {
        memcpy(dst, src, 4);
        memcpy(dst + len - 4, src + len - 4, 4);
    } else if (len < 4) {
        if (len)
            dst[0] = src[0];
        if (len > 1)
            dst[len - 1] = src[len - 1];
        if (len > 2)
            dst[1] = src[1];
    } else {
        memcpy(dst, src, len);
    }
}

/* One key or value (decoded) as a new string, made at its size in one
 * allocation (newSVpvn would go through sv_setpvn and sv_grow), with a
 * spare byte after the NUL so that Perl can share it copy-on-write. */
SBP_FORM_INLINE SV *form_part(pTHX_ const char *p, size_t len) {
    SV *sv = newSV_type(SVt_PV);
    char *buf;
    Newx(buf, len + 2, char);
    copy_short(buf, p, len);
    buf[len] = '\0';
    SvPV_set(sv, buf);
    SvLEN_set(sv, len + 2);
    SvCUR_set(sv, len);
    SvPOK_on(sv);
    return sv;
}

static void croak_limit(pTHX_ sbp_cxt *cxt, sb_result rc) {
    if (rc == SB_RESULT_URLENCODED_TOO_MANY_PAIRS)
        croak("Springbok::Form: the urlencoded input has more than %lu pairs "
              "(Springbok::Form::set_limits(max_pairs => ...) raises the limit)",
              (unsigned long)cxt->form_max_pairs);
    if (rc == SB_RESULT_URLENCODED_INPUT_TOO_LONG)
        croak("Springbok::Form: the urlencoded input is longer than %lu bytes "
              "(Springbok::Form::set_limits(max_input_bytes => ...) raises the limit)",
              (unsigned long)cxt->form_max_input_bytes);
    sbp_croak_result(aTHX_ "Springbok::Form", rc);
}

/* The pairs of buf, decoded: pushed onto the Perl stack above sp (mortal),
 * or onto av when it is not NULL. Returns how many values were added. */
SSize_t sbp_parse_urlencoded(pTHX_ sbp_cxt *cxt, SV *buf, AV *av, SV **sp) {
    STRLEN len;
    const char *p;
    sb_urlencoded_cursor cursor;
    sb_urlencoded_pair batch[SBP_FORM_BATCH];
    char small[SBP_FORM_ARENA];
    char *arena = small;
    size_t n, i;
    sb_result rc;
    SSize_t pushed = 0;

    SvGETMAGIC(buf);
    if (!SvOK(buf)) {
        PL_stack_sp = sp;
        return 0;
    }
    p = SvPV_nomg_const(buf, len);
    rc = sb_urlencoded_cursor_init(&cursor, p, len, SB_URLENCODED_PERL, cxt->form_max_pairs,
                                   cxt->form_max_input_bytes, NULL);
    if (rc != SB_RESULT_OK) {
        PL_stack_sp = sp;
        croak_limit(aTHX_ cxt, rc);
    }
    /* One ABI call per batch of pairs (a small form: one in all). Each
     * string is made once, at its size, and goes straight where it
     * belongs: the stack (made mortal by hand, the tmps stack extended
     * once a batch) or the array's slots (extended once a batch). Decoded
     * parts land in an arena on the C stack; a pair too big for it moves
     * the rest of the form to one as long as the input (nothing below can
     * die, so it is freed at the end). */
    do {
        SV **slot;
        rc = sb_urlencoded_cursor_next_decoded(&cursor, batch, SBP_FORM_BATCH, arena,
                                               arena == small ? sizeof small : len, &n);
        if (rc == SB_RESULT_BUFFER_TOO_SMALL && arena == small) {
            Newx(arena, len, char);
            rc = SB_RESULT_OK; /* n is 0: go round again */
            continue;
        }
        if (rc != SB_RESULT_OK && rc != SB_RESULT_END)
            break; /* not reached: the arena was as long as the input */
        if (av) {
            av_extend(av, AvFILLp(av) + (SSize_t)(2 * n));
            slot = AvARRAY(av) + AvFILLp(av);
        } else {
            EXTEND(sp, (SSize_t)(2 * n));
            EXTEND_MORTAL((SSize_t)(2 * n));
            slot = sp;
        }
        for (i = 0; i < n; i++) {
            *++slot = form_part(aTHX_ batch[i].key, batch[i].key_len);
            *++slot = form_part(aTHX_ batch[i].value, batch[i].value_len);
            if (!av) {
                PL_tmps_stack[++PL_tmps_ix] = slot[-1];
                PL_tmps_stack[++PL_tmps_ix] = slot[0];
                SvTEMP_on(slot[-1]);
                SvTEMP_on(slot[0]);
            }
        }
        if (av)
            AvFILLp(av) += (SSize_t)(2 * n);
        else
            sp = slot;
        pushed += (SSize_t)(2 * n);
    } while (rc == SB_RESULT_OK);
    if (arena != small)
        Safefree(arena);
    PL_stack_sp = sp;
    return pushed;
}

/* The bytes to encode for sv: undef is empty; with utf8, characters are
 * encoded as UTF-8 first (utf8::encode), otherwise Perl's internal bytes
 * are used, as WWW::Form::UrlEncoded::XS does. A conversion is freed with
 * the caller's save stack (sbp_build_urlencoded's caller unwinds it). */
static inline const char *form_bytes(pTHX_ SV *sv, STRLEN *len, int utf8) {
    const char *p;
    if (SvPOK_nog(sv)) { /* the common case: a plain string, no magic */
        *len = SvCUR(sv);
        p = SvPVX_const(sv);
    } else {
        SvGETMAGIC(sv);
        if (!SvOK(sv)) {
            *len = 0;
            return "";
        }
        p = SvPV_nomg_const(sv, *len);
    }
    if (utf8 && !SvUTF8(sv) && !is_utf8_invariant_string((const U8 *)p, *len)) {
        U8 *converted = bytes_to_utf8((const U8 *)p, len);
        SAVEFREEPV(converted);
        p = (const char *)converted;
    }
    return p;
}

typedef struct {
    sb_urlencoded_pair *pairs;
    size_t len, cap;
    size_t bytes; /* sum of key and value lengths */
} pair_list;

static void grow_pairs(pTHX_ pair_list *list) {
    sb_urlencoded_pair *bigger;
    list->cap *= 2;
    Newx(bigger, list->cap, sb_urlencoded_pair);
    Copy(list->pairs, bigger, list->len, sb_urlencoded_pair);
    SAVEFREEPV(bigger);
    list->pairs = bigger;
}

static inline void push_pair(pTHX_ pair_list *list, SV *k, SV *v, int utf8) {
    sb_urlencoded_pair *pair;
    if (list->len == list->cap)
        grow_pairs(aTHX_ list);
    pair = &list->pairs[list->len++];
    pair->key = form_bytes(aTHX_ k, &pair->key_len, utf8);
    if (v) {
        pair->value = form_bytes(aTHX_ v, &pair->value_len, utf8);
    } else {
        pair->value = "";
        pair->value_len = 0;
    }
    list->bytes += pair->key_len + pair->value_len;
}

/* Element i of av (NULL when it does not exist), straight from the array
 * unless it is tied or otherwise magical. */
static inline SV *av_elem(pTHX_ AV *av, SSize_t i) {
    if (!SvRMAGICAL(av))
        return AvARRAY(av)[i];
    {
        SV **e = av_fetch(av, i, 0);
        return e ? *e : NULL;
    }
}

/* One name => value of the argument list: a value that is an array
 * reference gives one pair per element. */
static void push_arg(pTHX_ pair_list *list, SV *k, SV *v, int utf8) {
    if (v && SvROK(v) && SvTYPE(SvRV(v)) == SVt_PVAV) {
        AV *values = (AV *)SvRV(v);
        SSize_t i, top = av_top_index(values);
        for (i = 0; i <= top; i++) {
            SV *e = av_elem(aTHX_ values, i);
            push_pair(aTHX_ list, k, e ? e : &PL_sv_undef, utf8);
        }
        return;
    }
    push_pair(aTHX_ list, k, v, utf8);
}

/* A new string of room bytes (plus the NUL), empty. */
static SV *new_out(pTHX_ size_t room) {
    SV *out = newSV(room);
    SvPOK_only(out);
    SvCUR_set(out, 0);
    return out;
}

/* Moves a string made at the worst-case size into a block of its length,
 * when that gives back more than 4 KiB and a quarter: the caller's variable
 * would keep the block. A new block and a copy rather than a realloc: a
 * large worst-case block is mmap()ed, and shrinking it in place would keep
 * it so (glibc raises its mmap threshold when such a block is freed, so the
 * next call's block then comes from the heap, without fresh pages). */
static void trim_out(pTHX_ SV *out) {
    STRLEN cur = SvCUR(out);
    char *exact;
    if (SvLEN(out) - cur <= 4096 || SvLEN(out) - cur <= cur / 4)
        return;
    Newx(exact, cur + 2, char);
    Copy(SvPVX(out), exact, cur + 1, char);
    Safefree(SvPVX(out));
    SvPV_set(out, exact);
    SvLEN_set(out, cur + 2);
}

SV *sbp_build_urlencoded(pTHX_ SV **args, I32 items, int utf8) {
    sb_urlencoded_pair stack[64];
    pair_list list = {stack, 0, sizeof stack / sizeof stack[0], 0};
    SV *out;
    SV *delim_sv = NULL;
    const char *delim = "&";
    STRLEN delim_len = 1;
    size_t i;

    if (items == 0)
        return newSVpvs("");
    if (SvROK(args[0]) && (SvTYPE(SvRV(args[0])) == SVt_PVAV || SvTYPE(SvRV(args[0])) == SVt_PVHV)) {
        if (items > 1) {
            SvGETMAGIC(args[1]);
            if (SvOK(args[1]))
                delim_sv = args[1];
        }
    } else if (items > 2 && items % 2) {
        delim_sv = args[--items];
        SvGETMAGIC(delim_sv);
        if (!SvOK(delim_sv)) {
            delim = "";
            delim_len = 0;
            delim_sv = NULL;
        }
    }
    if (delim_sv)
        delim = form_bytes(aTHX_ delim_sv, &delim_len, utf8);

    /* Every Perl value is read (magic, overloading, conversions) before the
     * result exists, so nothing below can die and leak it. */
    if (SvROK(args[0]) && SvTYPE(SvRV(args[0])) == SVt_PVAV) {
        AV *av = (AV *)SvRV(args[0]);
        SSize_t j = 0, top = av_top_index(av);
        if (!SvRMAGICAL(av) && !utf8) {
            /* The common shape: plain strings, taken straight from the array. */
            SV **a = AvARRAY(av);
            for (; j < top && list.len < list.cap; j += 2) {
                SV *k = a[j], *v = a[j + 1];
                sb_urlencoded_pair *pair;
                if (!k || !v || !SvPOK_nog(k) || !SvPOK_nog(v))
                    break;
                pair = &list.pairs[list.len++];
                pair->key = SvPVX_const(k);
                pair->key_len = SvCUR(k);
                pair->value = SvPVX_const(v);
                pair->value_len = SvCUR(v);
                list.bytes += pair->key_len + pair->value_len;
            }
        }
        for (; j <= top; j += 2) {
            SV *k = av_elem(aTHX_ av, j);
            SV *v = j + 1 <= top ? av_elem(aTHX_ av, j + 1) : NULL;
            push_arg(aTHX_ &list, k ? k : &PL_sv_undef, v, utf8);
        }
    } else if (SvROK(args[0]) && SvTYPE(SvRV(args[0])) == SVt_PVHV) {
        HV *hv = (HV *)SvRV(args[0]);
        HE *he;
        hv_iterinit(hv);
        while ((he = hv_iternext(hv)))
            push_arg(aTHX_ &list, hv_iterkeysv(he), hv_iterval(hv, he), utf8);
    } else {
        I32 j;
        for (j = 0; j < items; j += 2)
            push_arg(aTHX_ &list, args[j], j + 1 < items ? args[j + 1] : NULL, utf8);
    }
    if (list.len == 0)
        return newSVpvs("");

    if (delim_len == 1 && delim[0] == '&') {
        /* libspringbok joins with '&' itself: one call for the whole form,
         * one pass over it into room for the worst case (every byte %XX). */
        size_t written = 0;
        sb_result rc;
        out = new_out(aTHX_ 3 * list.bytes + 2 * list.len);
        rc = sb_urlencoded_build(list.pairs, list.len, SB_URLENCODED_STYLE_PERL_XS, SvPVX(out), SvLEN(out) - 1,
                                 &written);
        if (rc != SB_RESULT_OK) {
            SvREFCNT_dec(out);
            sbp_croak_result(aTHX_ "Springbok::Form::build_urlencoded", rc);
        }
        SvCUR_set(out, written);
    } else {
        out = new_out(aTHX_ 3 * list.bytes + list.len * (1 + delim_len));
        for (i = 0; i < list.len; i++) {
            char *end = SvPVX(out) + SvCUR(out);
            size_t written = 0;
            sb_result rc;
            if (i) {
                Copy(delim, end, delim_len, char);
                end += delim_len;
            }
            rc = sb_urlencoded_encode(list.pairs[i].key, list.pairs[i].key_len, SB_URLENCODED_STYLE_PERL_XS, end,
                                      3 * list.pairs[i].key_len, &written);
            end += written;
            *end++ = '=';
            if (rc == SB_RESULT_OK)
                rc = sb_urlencoded_encode(list.pairs[i].value, list.pairs[i].value_len, SB_URLENCODED_STYLE_PERL_XS,
                                          end, 3 * list.pairs[i].value_len, &written);
            if (rc != SB_RESULT_OK) {
                SvREFCNT_dec(out);
                sbp_croak_result(aTHX_ "Springbok::Form::build_urlencoded", rc);
            }
            SvCUR_set(out, (STRLEN)(end + written - SvPVX(out)));
        }
    }
    *SvEND(out) = '\0';
    trim_out(aTHX_ out);
    return out;
}
