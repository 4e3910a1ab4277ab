/*
 * http.c: parse_http_request's env and parse_http_response's header list
 * from libspringbok's spans. The parse, the PSGI mapping (PATH_INFO
 * decoding, HTTP_* names, joined duplicates) and every check are
 * libspringbok's; this file only creates the Perl values, and writes
 * nothing into the caller's hashes unless the whole head was valid.
 */
#include "springbok_perl.h"

#include <string.h>

/* Stack arena: heads up to about 14 KiB need no allocation (see the arena
 * size in sbp_parse_request). */
#define STACK_ARENA 16384

static void remember(sbp_cxt *cxt, sb_result rc, const sb_error *error) {
    cxt->last_result = rc;
    if (rc >= 100 && rc < 800) {
        cxt->last_error = *error;
    } else {
        cxt->last_error.kind = rc;
        cxt->last_error.offset = 0;
        cxt->last_error.status = sb_result_http_status(rc);
        cxt->last_error.header = SIZE_MAX;
    }
}

static inline void store(pTHX_ HV *hv, SV *keysv, SV *value) {
    HE *he = hv_store_ent(hv, keysv, value, 0);
    if (!he) {
        /* A tied hash: the value got the element's magic, and setting it
         * calls STORE. The hash keeps no reference to it. */
        SvSETMAGIC(value);
        SvREFCNT_dec(value);
    }
}

IV sbp_parse_request(pTHX_ sbp_cxt *cxt, SV *buf, HV *env) {
    STRLEN len;
    const char *p = SvPV_const(buf, len);
    sb_env_pair stack_pairs[SB_ENV_MAX_FIXED_PAIRS + SBP_DEFAULT_MAX_HEADERS];
    char stack_arena[STACK_ARENA];
    sb_env_pair *pairs = stack_pairs;
    char *arena = stack_arena;
    size_t pairs_len = sizeof stack_pairs / sizeof stack_pairs[0], arena_len = sizeof stack_arena;
    /* PSGI emits its fixed keys first, in sbp_key_names' order. */
    size_t fixed = cxt->env_flags & SB_ENV_RACK ? 0 : SBP_KEY_FIXED_COUNT;
    sb_request req;
    sb_error error;
    sb_env_sizes sizes;
    sb_result rc;
    size_t i;
    bool scoped = FALSE;

    /* One call parses and flattens; only an env beyond the stack storage
     * (more than SBP_DEFAULT_MAX_HEADERS headers, or ~16 KiB of generated
     * bytes) takes a second call with heap storage of the sizes it needs. */
    rc = sb_parser_config_parse_request_env(cxt->config, cxt->env_flags, p, len, 0, cxt->max_headers, pairs,
                                            pairs_len, arena, arena_len, &req, &sizes, &error);
    if (rc == SB_RESULT_BUFFER_TOO_SMALL) {
        ENTER;
        scoped = TRUE;
        if (sizes.pairs > pairs_len) {
            pairs_len = sizes.pairs;
            Newx(pairs, pairs_len, sb_env_pair);
            SAVEFREEPV(pairs);
        }
        if (sizes.arena > arena_len) {
            arena_len = sizes.arena;
            Newx(arena, arena_len, char);
            SAVEFREEPV(arena);
        }
        rc = sb_parser_config_parse_request_env(cxt->config, cxt->env_flags, p, len, 0, cxt->max_headers, pairs,
                                                pairs_len, arena, arena_len, &req, &sizes, &error);
    }
    if (rc != SB_RESULT_OK) {
        remember(cxt, rc, &error);
        if (scoped)
            LEAVE;
        return rc == SB_RESULT_PARTIAL ? -2 : -1;
    }

    /* Grow the hash once to what it will hold, instead of splitting it
     * while storing (Perl doubles it past two thirds full). */
    if (!SvRMAGICAL((SV *)env) && HvMAX(env) < HvUSEDKEYS(env) + sizes.pairs)
        hv_ksplit(env, HvUSEDKEYS(env) + sizes.pairs);
    for (i = 0; i < sizes.pairs; i++) {
        const sb_env_pair *pair = &pairs[i];
        int k = i < fixed ? (int)i : sbp_key_index(pair->key);
        SV *value = sbp_value(aTHX_ cxt, k, pair->value, pair->value_len);
        store(aTHX_ env, k >= 0 ? cxt->keys[k] : sbp_learnt_key(aTHX_ cxt, pair->key, pair->key_len), value);
    }
    cxt->last_result = SB_RESULT_OK;
    if (scoped)
        LEAVE;
    return (IV)req.head_len;
}

/* A header name as HTTP::Parser::XS reports it: lower-cased. */
static SV *lower_name(pTHX_ const char *p, size_t n) {
    SV *sv = newSV(n + 1);
    char *d = SvPVX(sv);
    size_t i;
    for (i = 0; i < n; i++)
        d[i] = isUPPER(p[i]) ? toLOWER(p[i]) : p[i];
    d[n] = '\0';
    SvCUR_set(sv, n);
    SvPOK_only(sv);
    return sv;
}

int sbp_parse_response(pTHX_ sbp_cxt *cxt, SV **out, SV *buf, IV header_format, HV *special) {
    STRLEN len;
    const char *p = SvPV_const(buf, len);
    sb_header stack_headers[SBP_DEFAULT_MAX_HEADERS];
    sb_header *headers = stack_headers;
    size_t max_headers = cxt->max_headers;
    sb_response res;
    sb_error error;
    sb_result rc;
    SV *list = NULL;
    SV *last_special = NULL, *last_value = NULL;
    size_t i;

    ENTER;
    if (max_headers > SBP_DEFAULT_MAX_HEADERS) {
        Newx(headers, max_headers, sb_header);
        SAVEFREEPV(headers);
    }
    rc = sb_parser_config_parse_response(cxt->config, p, len, 0, headers, max_headers, &res, &error);
    if (rc != SB_RESULT_OK) {
        remember(cxt, rc, &error);
        LEAVE;
        out[0] = sv_2mortal(newSViv(rc == SB_RESULT_PARTIAL ? -2 : -1));
        return 1;
    }
    cxt->last_result = SB_RESULT_OK;

    if (header_format == 1)
        list = sv_2mortal((SV *)newHV());
    else if (header_format == 2) {
        list = sv_2mortal((SV *)newAV());
        if (res.num_headers)
            av_extend((AV *)list, (SSize_t)(res.num_headers * 2 - 1));
    }
    for (i = 0; i < res.num_headers; i++) {
        const sb_header *h = &headers[i];
        SV *name, *value;
        if (!h->name) {
            /* An obs-fold continuation line (only with
             * PARSER_OBS_FOLD_CONTINUATION): appended after "\n", as
             * HTTP::Parser::XS does. */
            if (last_special) {
                sv_catpvs(last_special, "\n");
                sv_catpvn(last_special, h->value, h->value_len);
                SvSETMAGIC(last_special);
            }
            if (last_value) {
                sv_catpvs(last_value, "\n");
                sv_catpvn(last_value, h->value, h->value_len);
            }
            continue;
        }
        name = sv_2mortal(lower_name(aTHX_ h->name, h->name_len));
        value = sv_2mortal(newSVpvn(h->value, h->value_len));
        if (special) {
            HE *he = hv_fetch_ent(special, name, 0, 0);
            last_special = he ? HeVAL(he) : NULL;
            if (last_special)
                SvSetMagicSV_nosteal(last_special, value); /* value is stored below too */
        }
        if (header_format == 1) {
            HE *he = hv_fetch_ent((HV *)list, name, 0, 0);
            if (!he) {
                (void)hv_store_ent((HV *)list, name, SvREFCNT_inc_simple_NN(value), 0);
            } else {
                SV *slot = HeVAL(he);
                if (!(SvROK(slot) && SvTYPE(SvRV(slot)) == SVt_PVAV)) {
                    AV *values = newAV();
                    av_push(values, SvREFCNT_inc_simple_NN(slot));
                    slot = newRV_noinc((SV *)values);
                    (void)hv_store_ent((HV *)list, name, slot, 0);
                }
                av_push((AV *)SvRV(slot), SvREFCNT_inc_simple_NN(value));
            }
            last_value = value;
        } else if (header_format == 2) {
            av_push((AV *)list, SvREFCNT_inc_simple_NN(name));
            av_push((AV *)list, SvREFCNT_inc_simple_NN(value));
            last_value = value;
        }
    }
    out[0] = sv_2mortal(newSViv((IV)res.head_len));
    out[1] = sv_2mortal(newSViv(res.minor_version));
    out[2] = sv_2mortal(newSViv(res.status));
    out[3] = sv_2mortal(newSVpvn(res.reason, res.reason_len));
    out[4] = list ? sv_2mortal(newRV_inc(list)) : &PL_sv_undef;
    LEAVE;
    return 5;
}

SV *sbp_parser_config_apply(pTHX_ sbp_cxt *cxt, uint32_t flags, const size_t limits[4]) {
    static sb_result (*const setters[4])(sb_parser_config *, size_t) = {
        sb_parser_config_set_max_head_bytes,
        sb_parser_config_set_max_target_len,
        sb_parser_config_set_max_name_len,
        sb_parser_config_set_max_value_len,
    };
    sb_parser_config *config = sb_parser_config_new();
    sb_result rc;
    int i;
    if (!config)
        return newSVpvs("cannot create a parser config");
    rc = sb_parser_config_set_flags(config, flags);
    for (i = 0; i < 4 && rc == SB_RESULT_OK; i++) {
        if (limits[i])
            rc = setters[i](config, limits[i]);
    }
    if (rc != SB_RESULT_OK) {
        sb_parser_config_free(config);
        return newSVpv(sb_result_message(rc), 0);
    }
    sb_parser_config_free(cxt->config);
    cxt->config = config;
    cxt->parser_flags = flags;
    memcpy(cxt->limits, limits, sizeof cxt->limits);
    return NULL;
}
