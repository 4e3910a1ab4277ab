/*
 * Springbok.xs: the XSUBs of the Springbok distribution. They check
 * arguments and call src/ files, which turn libspringbok's results into Perl
 * values. Parsing and validation are libspringbok's (ffi/include/springbok.h).
 */
#include "springbok_perl.h"

#define MY_CXT_KEY "Springbok::_guts" XS_VERSION
typedef sbp_cxt my_cxt_t;
START_MY_CXT

void sbp_croak_result(pTHX_ const char *func, sb_result code) {
    croak("%s: %s (libspringbok result %u)", func, sb_result_message(code), (unsigned)code);
}

static void cxt_init(pTHX_ sbp_cxt *cxt, const sbp_cxt *from) {
    static const size_t no_limits[4] = {0, 0, 0, 0};
    SV *err;
    sbp_keys_init(aTHX_ cxt);
    cxt->config = NULL;
    err = sbp_parser_config_apply(aTHX_ cxt, from ? from->parser_flags : 0, from ? from->limits : no_limits);
    if (err)
        croak("Springbok: %" SVf, SVfARG(sv_2mortal(err)));
    cxt->env_flags = from ? from->env_flags : SB_ENV_PSGI;
    cxt->max_headers = from ? from->max_headers : SBP_DEFAULT_MAX_HEADERS;
    cxt->last_result = SB_RESULT_OK;
    cxt->form_max_pairs = from ? from->form_max_pairs : SB_URLENCODED_DEFAULT_MAX_PAIRS;
    cxt->form_max_input_bytes = from ? from->form_max_input_bytes : SB_URLENCODED_DEFAULT_MAX_INPUT_BYTES;
}

static sbp_multipart *multipart_of(pTHX_ SV *self, const char *method) {
    if (!SvROK(self) || !sv_derived_from(self, "Springbok::MultiPartParser") || !SvIOK(SvRV(self)))
        croak("Springbok::MultiPartParser::%s: not called on a Springbok::MultiPartParser object", method);
    return INT2PTR(sbp_multipart *, SvIVX(SvRV(self)));
}

/* size_t from a Perl number: undef or 0 stays 0 ("default"), negatives refused. */
static size_t size_arg(pTHX_ SV *sv, const char *what) {
    NV v;
    SvGETMAGIC(sv);
    if (!SvOK(sv))
        return 0;
    v = SvNV_nomg(sv);
    if (v < 0 || v != v)
        croak("Springbok: %s must be a non-negative number", what);
    return v >= (NV)SIZE_MAX ? SIZE_MAX : (size_t)v;
}

/* An integer argument: undef, strings that are not numbers and
 * references croak instead of being read as 0. */
static IV int_arg(pTHX_ SV *sv, const char *func, const char *what) {
    SvGETMAGIC(sv);
    if (!SvOK(sv) || SvROK(sv) || !looks_like_number(sv))
        croak("%s: %s must be an integer", func, what);
    return SvIV_nomg(sv);
}

MODULE = Springbok  PACKAGE = Springbok

PROTOTYPES: DISABLE

BOOT:
{
    MY_CXT_INIT;
    cxt_init(aTHX_ &MY_CXT, NULL);
}

void
CLONE(...)
CODE:
{
    sbp_cxt from;
    {
        dMY_CXT;
        from = MY_CXT;
    }
    {
        MY_CXT_CLONE;
        cxt_init(aTHX_ &MY_CXT, &from);
    }
}

const char *
libspringbok_version()
CODE:
    RETVAL = sb_version();
OUTPUT:
    RETVAL

MODULE = Springbok  PACKAGE = Springbok::HTTP::Parser

IV
parse_http_request(SV *buf, SV *env)
PROTOTYPE: $$
CODE:
{
    dMY_CXT;
    if (!SvROK(env) || SvTYPE(SvRV(env)) != SVt_PVHV)
        croak("Springbok::HTTP::Parser::parse_http_request: the second argument must be a hash reference (\\%%env)");
    RETVAL = sbp_parse_request(aTHX_ &MY_CXT, buf, (HV *)SvRV(env));
}
OUTPUT:
    RETVAL

void
parse_http_response(SV *buf, IV header_format, SV *special = NULL)
PPCODE:
{
    dMY_CXT;
    SV *out[5];
    int n, i;
    HV *hv = NULL;
    if (special && SvOK(special)) {
        if (!SvROK(special) || SvTYPE(SvRV(special)) != SVt_PVHV)
            croak("Springbok::HTTP::Parser::parse_http_response: the third argument must be a hash reference or undef");
        hv = (HV *)SvRV(special);
    }
    n = sbp_parse_response(aTHX_ &MY_CXT, out, buf, header_format, hv);
    EXTEND(SP, n);
    for (i = 0; i < n; i++)
        PUSHs(out[i]);
}

SV *
_configure(UV flags, UV env_flags, SV *max_headers, SV *head, SV *target, SV *name, SV *value)
CODE:
{
    dMY_CXT;
    size_t limits[4];
    size_t mh = size_arg(aTHX_ max_headers, "max_headers");
    limits[0] = size_arg(aTHX_ head, "max_head_bytes");
    limits[1] = size_arg(aTHX_ target, "max_target_len");
    limits[2] = size_arg(aTHX_ name, "max_name_len");
    limits[3] = size_arg(aTHX_ value, "max_value_len");
    if (mh > SBP_MAX_MAX_HEADERS)
        croak("Springbok::HTTP::Parser::configure: max_headers must be at most %d", SBP_MAX_MAX_HEADERS);
    RETVAL = sbp_parser_config_apply(aTHX_ &MY_CXT, (uint32_t)flags, limits);
    if (!RETVAL) {
        MY_CXT.env_flags = (uint32_t)env_flags;
        MY_CXT.max_headers = mh ? mh : SBP_DEFAULT_MAX_HEADERS;
        RETVAL = &PL_sv_undef;
    }
}
OUTPUT:
    RETVAL

void
_config()
PPCODE:
{
    dMY_CXT;
    int i;
    EXTEND(SP, 7);
    mPUSHu(MY_CXT.parser_flags);
    mPUSHu(MY_CXT.env_flags);
    mPUSHu(MY_CXT.max_headers);
    for (i = 0; i < 4; i++)
        PUSHs(MY_CXT.limits[i] ? sv_2mortal(newSVuv(MY_CXT.limits[i])) : &PL_sv_undef);
}

void
last_error()
PPCODE:
{
    dMY_CXT;
    const sb_error *e = &MY_CXT.last_error;
    if (MY_CXT.last_result == SB_RESULT_OK || MY_CXT.last_result == SB_RESULT_PARTIAL)
        XSRETURN_EMPTY;
    EXTEND(SP, 4);
    mPUSHp(sb_result_message(e->kind), strlen(sb_result_message(e->kind)));
    mPUSHu(e->status ? e->status : 400);
    mPUSHu(e->offset);
    mPUSHu(e->kind);
}

void
_forget_learnt_keys()
CODE:
{
    /* Releases the shared key strings of uncommon headers kept between
     * requests. Perl's shared string table keeps them while they are held,
     * so another parser in the same process (a benchmark's peer) would
     * store those keys faster than it does on its own. */
    dMY_CXT;
    sbp_learnt_forget(aTHX_ &MY_CXT);
}

void
_precomputed_keys()
PPCODE:
{
    /* The env keys stored through a precomputed shared key (tests). */
    int i;
    for (i = 0; i < SBP_KEY_COUNT; i++) {
        if (sbp_key_is_recognised(i))
            mXPUSHp(sbp_key_names[i], strlen(sbp_key_names[i]));
    }
}

MODULE = Springbok  PACKAGE = Springbok::Form

void
parse_urlencoded(SV *str = &PL_sv_undef)
PPCODE:
{
    dMY_CXT;
    PUTBACK;
    (void)sbp_parse_urlencoded(aTHX_ &MY_CXT, str, NULL, PL_stack_sp);
    SPAGAIN;
}

SV *
parse_urlencoded_arrayref(SV *str = &PL_sv_undef)
CODE:
{
    dMY_CXT;
    AV *av = newAV();
    RETVAL = newRV_noinc((SV *)av);
    sv_2mortal(RETVAL);
    (void)sbp_parse_urlencoded(aTHX_ &MY_CXT, str, av, PL_stack_sp);
    SvREFCNT_inc_simple_void_NN(RETVAL);
}
OUTPUT:
    RETVAL

SV *
build_urlencoded(...)
ALIAS:
    build_urlencoded_utf8 = 1
CODE:
{
    /* Frees the conversions sbp_build_urlencoded makes (on a croak, the
     * unwinding does). */
    I32 floor = PL_savestack_ix;
    RETVAL = sbp_build_urlencoded(aTHX_ &ST(0), items, ix); /* new, mortalised once by OUTPUT */
    LEAVE_SCOPE(floor);
}
OUTPUT:
    RETVAL

void
_set_limits(SV *max_pairs, SV *max_input_bytes)
CODE:
{
    dMY_CXT;
    size_t p = size_arg(aTHX_ max_pairs, "max_pairs"), b = size_arg(aTHX_ max_input_bytes, "max_input_bytes");
    if (SvOK(max_pairs))
        MY_CXT.form_max_pairs = p;
    if (SvOK(max_input_bytes))
        MY_CXT.form_max_input_bytes = b;
}

void
_limits()
PPCODE:
{
    dMY_CXT;
    EXTEND(SP, 2);
    mPUSHu(MY_CXT.form_max_pairs);
    mPUSHu(MY_CXT.form_max_input_bytes);
}

MODULE = Springbok  PACKAGE = Springbok::MultiPartParser

SV *
_new(const char *class, SV *boundary, SV *on_header, SV *on_body, SV *on_error, int unparsed, int unfold, AV *limits)
CODE:
{
    sbp_multipart *mp = sbp_multipart_new(aTHX_ boundary, on_header, on_body, on_error, unparsed, unfold, limits);
    RETVAL = sv_setref_pv(newSV(0), class, mp);
}
OUTPUT:
    RETVAL

bool
parse(SV *self, ...)
CODE:
    if (items != 2)
        croak("Usage: $parser->parse($octets)");
    RETVAL = sbp_multipart_parse(aTHX_ SvRV(self), multipart_of(aTHX_ self, "parse"), ST(1));
OUTPUT:
    RETVAL

bool
finish(SV *self, ...)
CODE:
    if (items != 1)
        croak("Usage: $parser->finish()");
    RETVAL = sbp_multipart_finish(aTHX_ SvRV(self), multipart_of(aTHX_ self, "finish"));
OUTPUT:
    RETVAL

void
reset(SV *self, ...)
CODE:
    if (items != 1)
        croak("Usage: $parser->reset()");
    sbp_multipart_reset(aTHX_ SvRV(self), multipart_of(aTHX_ self, "reset"));

bool
is_aborted(SV *self, ...)
CODE:
    if (items != 1)
        croak("Usage: $parser->is_aborted()");
    RETVAL = sbp_multipart_is_aborted(multipart_of(aTHX_ self, "is_aborted"));
OUTPUT:
    RETVAL

void
DESTROY(SV *self)
CODE:
    if (SvROK(self) && SvIOK(SvRV(self))) {
        sbp_multipart_free(aTHX_ INT2PTR(sbp_multipart *, SvIVX(SvRV(self))));
        sv_setiv(SvRV(self), 0);
    }

int
CLONE_SKIP(...)
CODE:
    RETVAL = 1;
OUTPUT:
    RETVAL

MODULE = Springbok  PACKAGE = Springbok::Response

SV *
head(SV *minor, SV *status, SV *headers, SV *reason = NULL)
CODE:
{
    static const char func[] = "Springbok::Response::head";
    IV m = int_arg(aTHX_ minor, func, "the protocol minor version"), st = int_arg(aTHX_ status, func, "the status");
    if (!SvROK(headers) || SvTYPE(SvRV(headers)) != SVt_PVAV)
        croak("%s: the headers must be an array reference [name, value, ...]", func);
    RETVAL = sbp_response_head(aTHX_ m, st, reason, (AV *)SvRV(headers));
}
OUTPUT:
    RETVAL

SV *
write_response(SV *fh_or_fd, SV *status_sv, SV *headers, SV *body, SV *opts = NULL)
CODE:
{
    static const char func[] = "Springbok::Response::write_response";
    IV minor = 1, ret, status = int_arg(aTHX_ status_sv, func, "the status");
    NV timeout = -1;
    SV *reason = NULL;
    if (!SvROK(headers) || SvTYPE(SvRV(headers)) != SVt_PVAV)
        croak("%s: the headers must be an array reference [name, value, ...]", func);
    if (!SvROK(body) || SvTYPE(SvRV(body)) != SVt_PVAV)
        croak("%s: the body must be an array reference of strings", func);
    if (opts && SvOK(opts)) {
        HV *hv;
        HE *he;
        if (!SvROK(opts) || SvTYPE(SvRV(opts)) != SVt_PVHV)
            croak("%s: the options must be a hash reference", func);
        hv = (HV *)SvRV(opts);
        hv_iterinit(hv);
        while ((he = hv_iternext(hv))) {
            STRLEN klen;
            const char *k = HePV(he, klen);
            SV *v = HeVAL(he);
            if (strEQ(k, "protocol_minor"))
                minor = int_arg(aTHX_ v, func, "protocol_minor");
            else if (strEQ(k, "reason"))
                reason = v;
            else if (strEQ(k, "timeout"))
                timeout = SvOK(v) ? SvNV(v) : -1;
            else
                croak("%s: unknown option '%s' (protocol_minor, reason, timeout)", func, k);
        }
    }
    ret = sbp_write_response(aTHX_ fh_or_fd, minor, status, reason, (AV *)SvRV(headers), (AV *)SvRV(body), timeout);
    RETVAL = ret < 0 ? &PL_sv_undef : newSViv(ret);
}
OUTPUT:
    RETVAL

MODULE = Springbok  PACKAGE = Springbok::HTTP::Parser

void
_parser_flags()
PPCODE:
{
    /* The SB_PARSER_* and SB_ENV_* values, from the header: name => value. */
    static const struct { const char *name; UV value; } flags[] = {
        {"allow_bare_lf", SB_PARSER_ALLOW_BARE_LF},
        {"obs_fold_continuation", SB_PARSER_OBS_FOLD_CONTINUATION},
        {"obs_fold_span", SB_PARSER_OBS_FOLD_SPAN},
        {"allow_multiple_spaces", SB_PARSER_ALLOW_MULTIPLE_SPACES},
        {"allow_leading_empty_lines", SB_PARSER_ALLOW_LEADING_EMPTY_LINES},
        {"allow_whitespace_before_first_header", SB_PARSER_ALLOW_WHITESPACE_BEFORE_FIRST_HEADER},
        {"ignore_invalid_headers", SB_PARSER_IGNORE_INVALID_HEADERS},
        {"allow_loose_target", SB_PARSER_ALLOW_LOOSE_TARGET},
        {"allow_missing_reason_space", SB_PARSER_ALLOW_MISSING_REASON_SPACE},
        {"picohttpparser", SB_PARSER_PICOHTTPPARSER},
        {"env_underscores_reject", SB_ENV_UNDERSCORES_REJECT},
        {"env_underscores_allow", SB_ENV_UNDERSCORES_ALLOW},
    };
    size_t i;
    EXTEND(SP, 2 * (SSize_t)(sizeof flags / sizeof flags[0]));
    for (i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        mPUSHp(flags[i].name, strlen(flags[i].name));
        mPUSHu(flags[i].value);
    }
}
