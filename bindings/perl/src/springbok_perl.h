/*
 * springbok_perl.h: what the XS glue's C files share. Springbok.xs holds the
 * XSUBs (argument checks and conversions); src/ files hold the loops that turn
 * libspringbok's spans into Perl values. Per-interpreter state (shared hash
 * keys, configs, limits) lives in one sbp_cxt, Springbok.xs's MY_CXT, so the
 * glue is safe under ithreads.
 */
#ifndef SPRINGBOK_PERL_H
#define SPRINGBOK_PERL_H

#define PERL_NO_GET_CONTEXT
#include "EXTERN.h"
#include "perl.h"
#include "XSUB.h"

#include <springbok.h>

#include <string.h>

/* Header storage of one parse: HTTP::Parser::XS's limit (more headers is -1). */
#define SBP_DEFAULT_MAX_HEADERS 128
/* Largest header storage that configure() accepts. */
#define SBP_MAX_MAX_HEADERS 65536

/* Env keys with a precomputed shared hash key; sbp_key_names[] in keys.c. */
enum {
    SBP_KEY_REQUEST_METHOD,
    SBP_KEY_REQUEST_URI,
    SBP_KEY_SCRIPT_NAME,
    SBP_KEY_PATH_INFO,
    SBP_KEY_QUERY_STRING,
    SBP_KEY_SERVER_PROTOCOL,
    SBP_KEY_FIXED_COUNT, /* the pairs sb_env_flatten always emits first (PSGI) */
    SBP_KEY_CONTENT_TYPE = SBP_KEY_FIXED_COUNT,
    SBP_KEY_CONTENT_LENGTH,
    SBP_KEY_FIRST_HTTP, /* then the common HTTP_* keys */
    SBP_KEY_COUNT = SBP_KEY_FIRST_HTTP + 57
};

/* Values stored as copy-on-write copies of one shared string (keys.c). */
#define SBP_VALUE_COUNT 10
/* Generated HTTP_* keys kept as shared hash key SVs: a direct-mapped cache
 * of this many entries (a power of two) per interpreter. */
#define SBP_LEARNT_BITS 8
#define SBP_LEARNT_KEYS (1 << SBP_LEARNT_BITS)

/* Multipart limit ids known to this glue (SB_MULTIPART_MAX_* are 0 to 9). */
#define SBP_MULTIPART_LIMITS 10

typedef struct {
    /* HTTP parsing */
    SV *keys[SBP_KEY_COUNT];   /* shared hash key SVs (newSVpvn_share) */
    SV *values[SBP_VALUE_COUNT]; /* shared string SVs of the common fixed values */
    SV *learnt[SBP_LEARNT_KEYS]; /* generated keys seen lately (see keys.c) */
    sb_parser_config *config;  /* requests and responses */
    uint32_t parser_flags;     /* mirror of config's flags, for config() */
    uint32_t env_flags;        /* SB_ENV_PSGI | an underscore policy */
    size_t max_headers;
    size_t limits[4];          /* head, target, name, value (0 = default) */
    sb_error last_error;       /* of the last failed parse_http_request/_response */
    sb_result last_result;     /* SB_RESULT_OK when the last parse did not fail */
    /* urlencoded forms */
    size_t form_max_pairs;
    size_t form_max_input_bytes;
} sbp_cxt;

/* keys.c */
extern const char *const sbp_key_names[SBP_KEY_COUNT];
void sbp_keys_init(pTHX_ sbp_cxt *cxt);
void sbp_keys_free(pTHX_ sbp_cxt *cxt);
/* The index of a key span sb_env_flatten returned (a pointer into
 * libspringbok's static memory), or -1 when it is not one of ours. */
int sbp_key_index(const char *key);
/* Whether sbp_key_names[index]'s static address was learnt at load time. */
bool sbp_key_is_recognised(int index);
/* The index in sbp_cxt.values (keys.c's value_names) of a method or a
 * protocol, or -1. Compares of a constant length compile to a load and a
 * compare. */
static inline int sbp_method_value(const char *p, size_t n) {
    switch (n) {
    case 3:
        return memcmp(p, "GET", 3) == 0 ? 3 : memcmp(p, "PUT", 3) == 0 ? 6 : -1;
    case 4:
        return memcmp(p, "POST", 4) == 0 ? 4 : memcmp(p, "HEAD", 4) == 0 ? 5 : -1;
    case 5:
        return memcmp(p, "PATCH", 5) == 0 ? 9 : -1;
    case 6:
        return memcmp(p, "DELETE", 6) == 0 ? 7 : -1;
    case 7:
        return memcmp(p, "OPTIONS", 7) == 0 ? 8 : -1;
    default:
        return -1;
    }
}

static inline int sbp_protocol_value(const char *p, size_t n) {
    if (n != 8)
        return -1;
    return memcmp(p, "HTTP/1.1", 8) == 0 ? 2 : memcmp(p, "HTTP/1.0", 8) == 0 ? 1 : -1;
}

static inline SV *sbp_value(pTHX_ sbp_cxt *cxt, int key_index, const char *p, size_t n) {
    int v = n == 0                                 ? 0
            : key_index == SBP_KEY_REQUEST_METHOD  ? sbp_method_value(p, n)
            : key_index == SBP_KEY_SERVER_PROTOCOL ? sbp_protocol_value(p, n)
                                                   : -1;
    if (v < 0)
        return newSVpvn(p, n);
#ifdef SvSHARED_HEK_FROM_PV
    return newSVhek(SvSHARED_HEK_FROM_PV(SvPVX_const(cxt->values[v])));
#else
    {
        SV *sv = newSV_type(SVt_PV);
        sv_setsv_flags(sv, cxt->values[v], SV_COW_SHARED_HASH_KEYS);
        return sv;
    }
#endif
}
/* A shared hash key SV for a key sb_env_flatten generated (borrowed: valid
 * until the next call), learnt into the cache on first sight. */
SV *sbp_learnt_key(pTHX_ sbp_cxt *cxt, const char *key, size_t len);
/* Empties that cache (benchmarks: see Springbok.xs). */
void sbp_learnt_forget(pTHX_ sbp_cxt *cxt);

/* http.c */
IV sbp_parse_request(pTHX_ sbp_cxt *cxt, SV *buf, HV *env);
/* Pushes parse_http_response's return list; returns the count. */
int sbp_parse_response(pTHX_ sbp_cxt *cxt, SV **sp_base, SV *buf, IV header_format, HV *special);
SV *sbp_parser_config_apply(pTHX_ sbp_cxt *cxt, uint32_t flags, const size_t limits[4]);

/* form.c */
/* Pushes the decoded pairs of buf on the stack (or into av when not NULL);
 * croaks on a limit. Returns how many SVs were pushed. */
SSize_t sbp_parse_urlencoded(pTHX_ sbp_cxt *cxt, SV *buf, AV *av, SV **sp);
SV *sbp_build_urlencoded(pTHX_ SV **args, I32 items, int utf8);

/* multipart.c */
typedef struct sbp_multipart sbp_multipart;
sbp_multipart *sbp_multipart_new(pTHX_ SV *boundary, SV *on_header, SV *on_body, SV *on_error,
                                 int unparsed, int unfold, AV *limits);
/* self is the object's inner (blessed) scalar, kept alive during the call. */
bool sbp_multipart_parse(pTHX_ SV *self, sbp_multipart *mp, SV *chunk);
bool sbp_multipart_finish(pTHX_ SV *self, sbp_multipart *mp);
void sbp_multipart_reset(pTHX_ SV *self, sbp_multipart *mp);
bool sbp_multipart_is_aborted(sbp_multipart *mp);
void sbp_multipart_free(pTHX_ sbp_multipart *mp);

/* response.c */
/* The serialized head as a new SV; croaks naming the header that is refused. */
SV *sbp_response_head(pTHX_ IV minor, IV status, SV *reason, AV *headers);
/* Bytes written, or -1 with errno set (a timeout is ETIMEDOUT). */
IV sbp_write_response(pTHX_ SV *fh_or_fd, IV minor, IV status, SV *reason, AV *headers, AV *body, NV timeout);

/* Croaks "func: message" with sb_result_message(code). */
void sbp_croak_result(pTHX_ const char *func, sb_result code) __attribute__((noreturn));

#endif
