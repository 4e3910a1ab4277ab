/*
 * form.c: application/x-www-form-urlencoded for Springbok::Form, with
 * WWW::Form::UrlEncoded's rules. Splitting, `+` and `%XX` decoding are
 * libspringbok's Perl mode (sb_urlencoded_pairs_*); encoding is its
 * WWW::Form::UrlEncoded::XS style (sb_urlencoded_encode). This file walks
 * Perl's argument shapes and makes the strings.
 */
#include "springbok_perl.h"

#include <string.h>

SSize_t sbp_parse_urlencoded(pTHX_ sbp_cxt *cxt, SV *buf, AV *av, SV **sp) {
    STRLEN len;
    const char *p;
    sb_urlencoded_pairs *pairs = NULL;
    sb_urlencoded_pair pair;
    sb_error error;
    sb_result rc;
    SSize_t pushed = 0;

    SvGETMAGIC(buf);
    if (!SvOK(buf)) {
        PL_stack_sp = sp;
        return 0;
    }
    p = SvPV_nomg_const(buf, len);
    rc = sb_urlencoded_pairs_new(p, len, SB_URLENCODED_PERL, cxt->form_max_pairs, cxt->form_max_input_bytes, &pairs,
                                 &error);
    if (rc != SB_RESULT_OK) {
        PL_stack_sp = sp;
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
    while (sb_urlencoded_pairs_next(pairs, &pair) == SB_RESULT_OK) {
        SV *k = newSVpvn(pair.key, pair.key_len);
        SV *v = newSVpvn(pair.value, pair.value_len);
        if (av) {
            av_push(av, k);
            av_push(av, v);
        } else {
            EXTEND(sp, 2);
            *++sp = sv_2mortal(k);
            *++sp = sv_2mortal(v);
        }
        pushed += 2;
    }
    sb_urlencoded_pairs_free(pairs);
    PL_stack_sp = sp;
    return pushed;
}

/* Appends the encoding of sv to out; with utf8, characters are encoded as
 * UTF-8 first (utf8::encode), otherwise Perl's internal bytes are used, as
 * WWW::Form::UrlEncoded::XS does. undef is the empty string. */
static void append_encoded(pTHX_ SV *out, SV *sv, int utf8) {
    STRLEN len, cur;
    const char *p;
    U8 *converted = NULL;
    size_t written = 0;
    sb_result rc;

    SvGETMAGIC(sv);
    if (!SvOK(sv))
        return;
    p = SvPV_nomg_const(sv, len);
    if (utf8 && !SvUTF8(sv) && !is_utf8_invariant_string((const U8 *)p, len)) {
        converted = bytes_to_utf8((const U8 *)p, &len);
        p = (const char *)converted;
    }
    cur = SvCUR(out);
    SvGROW(out, cur + 3 * len + 1);
    rc = sb_urlencoded_encode(p, len, SB_URLENCODED_STYLE_PERL_XS, SvPVX(out) + cur, SvLEN(out) - cur - 1, &written);
    if (converted)
        Safefree(converted);
    if (rc != SB_RESULT_OK)
        sbp_croak_result(aTHX_ "Springbok::Form::build_urlencoded", rc);
    SvCUR_set(out, cur + written);
}

static void append_pair(pTHX_ SV *out, SV *k, SV *v, const char *delim, STRLEN delim_len, int utf8) {
    if (v && SvROK(v) && SvTYPE(SvRV(v)) == SVt_PVAV) {
        AV *values = (AV *)SvRV(v);
        SSize_t i, top = av_top_index(values);
        for (i = 0; i <= top; i++) {
            SV **e = av_fetch(values, i, 0);
            append_encoded(aTHX_ out, k, utf8);
            sv_catpvs(out, "=");
            if (e)
                append_encoded(aTHX_ out, *e, utf8);
            sv_catpvn(out, delim, delim_len);
        }
        return;
    }
    append_encoded(aTHX_ out, k, utf8);
    sv_catpvs(out, "=");
    if (v)
        append_encoded(aTHX_ out, v, utf8);
    sv_catpvn(out, delim, delim_len);
}

SV *sbp_build_urlencoded(pTHX_ SV **args, I32 items, int utf8) {
    SV *out = newSVpvs("");
    SV *delim_sv = NULL;
    const char *delim = "&";
    STRLEN delim_len = 1;
    U8 *delim_utf8 = NULL;

    sv_2mortal(out);
    if (items == 0)
        return out;
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
    if (delim_sv) {
        delim = SvPV_nomg_const(delim_sv, delim_len);
        if (utf8 && !SvUTF8(delim_sv) && !is_utf8_invariant_string((const U8 *)delim, delim_len)) {
            delim_utf8 = bytes_to_utf8((const U8 *)delim, &delim_len);
            SAVEFREEPV(delim_utf8);
            delim = (const char *)delim_utf8;
        }
    }

    if (SvROK(args[0]) && SvTYPE(SvRV(args[0])) == SVt_PVAV) {
        AV *av = (AV *)SvRV(args[0]);
        SSize_t i, top = av_top_index(av);
        for (i = 0; i <= top; i += 2) {
            SV **k = av_fetch(av, i, 0);
            SV **v = i + 1 <= top ? av_fetch(av, i + 1, 0) : NULL;
            append_pair(aTHX_ out, k ? *k : &PL_sv_undef, v ? *v : NULL, delim, delim_len, utf8);
        }
    } else if (SvROK(args[0]) && SvTYPE(SvRV(args[0])) == SVt_PVHV) {
        HV *hv = (HV *)SvRV(args[0]);
        HE *he;
        hv_iterinit(hv);
        while ((he = hv_iternext(hv))) {
            SV *k = hv_iterkeysv(he);
            append_pair(aTHX_ out, k, hv_iterval(hv, he), delim, delim_len, utf8);
        }
    } else {
        I32 i;
        for (i = 0; i < items; i += 2)
            append_pair(aTHX_ out, args[i], i + 1 < items ? args[i + 1] : NULL, delim, delim_len, utf8);
    }
    if (SvCUR(out) >= delim_len)
        SvCUR_set(out, SvCUR(out) - delim_len);
    *SvEND(out) = '\0';
    return out;
}
