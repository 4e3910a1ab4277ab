/*
 * keys.c: precomputed env keys. Perl spends most of a parse creating hash
 * entries, so the keys parse_http_request stores most often are made once
 * per interpreter as shared hash key scalars: storing one reuses its hash
 * and its entry in Perl's shared string table instead of hashing and
 * looking up the bytes again.
 *
 * sb_env_flatten returns the fixed keys and the common HTTP_* keys as spans
 * of libspringbok's static memory, so a key is recognised by its address:
 * at load time one synthetic request containing every name below is
 * flattened and the address of each returned key is recorded. A key that is
 * not found (an uncommon header, whose name was generated in the arena, or a
 * common key libspringbok does not treat as static) is stored by its bytes,
 * which gives the same hash entry, only slower.
 */
#include "springbok_perl.h"

#include <pthread.h>
#include <string.h>

const char *const sbp_key_names[SBP_KEY_COUNT] = {
    "REQUEST_METHOD", "REQUEST_URI", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "SERVER_PROTOCOL",
    "CONTENT_TYPE", "CONTENT_LENGTH",
    /* libspringbok's common keys (parser/src/env.rs) */
    "HTTP_TE", "HTTP_DNT", "HTTP_VIA", "HTTP_DATE", "HTTP_FROM", "HTTP_HOST", "HTTP_ALLOW",
    "HTTP_RANGE", "HTTP_ACCEPT", "HTTP_COOKIE", "HTTP_EXPECT", "HTTP_ORIGIN", "HTTP_PRAGMA",
    "HTTP_REFERER", "HTTP_TRAILER", "HTTP_UPGRADE", "HTTP_WARNING", "HTTP_IF_MATCH",
    "HTTP_PRIORITY", "HTTP_FORWARDED", "HTTP_IF_RANGE", "HTTP_SEC_CH_UA", "HTTP_CONNECTION",
    "HTTP_KEEP_ALIVE", "HTTP_USER_AGENT", "HTTP_X_REAL_IP", "HTTP_MAX_FORWARDS",
    "HTTP_X_REQUEST_ID", "HTTP_AUTHORIZATION", "HTTP_CACHE_CONTROL", "HTTP_IF_NONE_MATCH",
    "HTTP_X_CSRF_TOKEN", "HTTP_ACCEPT_CHARSET", "HTTP_SEC_FETCH_DEST", "HTTP_SEC_FETCH_MODE",
    "HTTP_SEC_FETCH_SITE", "HTTP_SEC_FETCH_USER", "HTTP_ACCEPT_ENCODING", "HTTP_ACCEPT_LANGUAGE",
    "HTTP_CONTENT_ENCODING", "HTTP_SEC_CH_UA_MOBILE", "HTTP_SEC_WEBSOCKET_KEY",
    "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT",
    "HTTP_TRANSFER_ENCODING", "HTTP_X_FORWARDED_PROTO", "HTTP_IF_MODIFIED_SINCE",
    "HTTP_X_REQUESTED_WITH", "HTTP_SEC_CH_UA_PLATFORM", "HTTP_PROXY_AUTHORIZATION",
    "HTTP_IF_UNMODIFIED_SINCE", "HTTP_SEC_WEBSOCKET_VERSION", "HTTP_SEC_WEBSOCKET_PROTOCOL",
    "HTTP_UPGRADE_INSECURE_REQUESTS", "HTTP_SEC_WEBSOCKET_EXTENSIONS", "HTTP_X_FORWARDED_SSL",
};

/* Open addressing, keyed by address; filled once per process, read-only
 * afterwards (addresses of static memory are the same in every thread). */
#define TABLE_SIZE 256 /* a power of two, > 2 * SBP_KEY_COUNT */
static struct {
    const char *key;
    int index;
} table[TABLE_SIZE];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static size_t slot_of(const char *key) {
    uintptr_t p = (uintptr_t)key;
    return (size_t)(((p >> 2) * UINT64_C(0x9E3779B97F4A7C15)) >> 56) & (TABLE_SIZE - 1);
}

int sbp_key_index(const char *key) {
    size_t i = slot_of(key);
    while (table[i].key) {
        if (table[i].key == key)
            return table[i].index;
        i = (i + 1) & (TABLE_SIZE - 1);
    }
    return -1;
}

bool sbp_key_is_recognised(int index) {
    size_t i;
    for (i = 0; i < TABLE_SIZE; i++) {
        if (table[i].key && table[i].index == index)
            return TRUE;
    }
    return FALSE;
}

/* "HTTP_X_REAL_IP" -> "X-REAL-IP" (header names are case-insensitive). */
static size_t header_name(const char *key, char *out) {
    size_t n = 0;
    if (strncmp(key, "HTTP_", 5) == 0)
        key += 5;
    for (; *key; key++)
        out[n++] = *key == '_' ? '-' : *key;
    return n;
}

static void fill_table(void) {
    enum { HEADERS = SBP_KEY_COUNT - SBP_KEY_CONTENT_TYPE };
    char request[4096];
    size_t len = 0;
    sb_header headers[HEADERS];
    sb_env_pair pairs[SB_ENV_MAX_FIXED_PAIRS + HEADERS];
    char arena[4096];
    sb_request req;
    sb_env_sizes sizes;
    sb_parser_config *config;
    sb_result rc;
    size_t i;

    memcpy(request, "GET / HTTP/1.1\r\n", 16);
    len = 16;
    for (i = SBP_KEY_CONTENT_TYPE; i < SBP_KEY_COUNT; i++) {
        len += header_name(sbp_key_names[i], request + len);
        memcpy(request + len, ": x\r\n", 5);
        len += 5;
    }
    memcpy(request + len, "\r\n", 2);
    len += 2;

    config = sb_parser_config_new();
    rc = sb_parser_config_parse_request(config, request, len, 0, headers, HEADERS, &req, NULL);
    sb_parser_config_free(config);
    if (rc != SB_RESULT_OK)
        return; /* no table: every key is stored by its bytes */
    if (sb_env_flatten(SB_ENV_PSGI, &req, headers, pairs, sizeof pairs / sizeof pairs[0], arena, sizeof arena,
                       &sizes, NULL) != SB_RESULT_OK)
        return;
    for (i = 0; i < sizes.pairs; i++) {
        const char *key = pairs[i].key;
        size_t k, slot;
        if (key >= arena && key < arena + sizeof arena)
            continue; /* generated: not a static key */
        for (k = 0; k < SBP_KEY_COUNT; k++) {
            if (strlen(sbp_key_names[k]) == pairs[i].key_len && memcmp(sbp_key_names[k], key, pairs[i].key_len) == 0)
                break;
        }
        if (k == SBP_KEY_COUNT || sbp_key_index(key) >= 0)
            continue;
        slot = slot_of(key);
        while (table[slot].key)
            slot = (slot + 1) & (TABLE_SIZE - 1);
        table[slot].key = key;
        table[slot].index = (int)k;
    }
}

/* The values sbp_value shares by copy-on-write, by index: "" first, then
 * the protocols, then the usual methods (sbp_method_value and
 * sbp_protocol_value know these indexes). */
static const char *const value_names[SBP_VALUE_COUNT] = {
    "", "HTTP/1.0", "HTTP/1.1", "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH",
};

void sbp_keys_init(pTHX_ sbp_cxt *cxt) {
    size_t i;
    pthread_once(&table_once, fill_table);
    for (i = 0; i < SBP_KEY_COUNT; i++)
        cxt->keys[i] = newSVpvn_share(sbp_key_names[i], (I32)strlen(sbp_key_names[i]), 0);
    for (i = 0; i < SBP_VALUE_COUNT; i++)
        cxt->values[i] = newSVpvn_share(value_names[i], (I32)strlen(value_names[i]), 0);
    for (i = 0; i < SBP_LEARNT_KEYS; i++)
        cxt->learnt[i] = NULL;
}

void sbp_learnt_forget(pTHX_ sbp_cxt *cxt) {
    size_t i;
    for (i = 0; i < SBP_LEARNT_KEYS; i++) {
        SvREFCNT_dec(cxt->learnt[i]);
        cxt->learnt[i] = NULL;
    }
}

void sbp_keys_free(pTHX_ sbp_cxt *cxt) {
    size_t i;
    for (i = 0; i < SBP_KEY_COUNT; i++) {
        SvREFCNT_dec(cxt->keys[i]);
        cxt->keys[i] = NULL;
    }
    for (i = 0; i < SBP_VALUE_COUNT; i++) {
        SvREFCNT_dec(cxt->values[i]);
        cxt->values[i] = NULL;
    }
    sbp_learnt_forget(aTHX_ cxt);
}

/*
 * Generated keys (HTTP_* names of headers without a static key) are hashed
 * by Perl, looked up in its shared string table and allocated there each
 * time a hash stores one, then freed when the env goes. Clients send the same
 * uncommon headers request after request, so the keys seen lately are kept
 * as shared hash key scalars, two per hash value in SBP_LEARNT_KEYS slots:
 * storing through one skips all of that. A third key on a hash value
 * replaces one (the cache is bounded at SBP_LEARNT_KEYS scalars per
 * interpreter, whatever a client sends); a miss costs one more
 * shared-string lookup than storing by bytes.
 */
static size_t learnt_slot(const char *key, size_t len) {
    uint64_t h = UINT64_C(0x9E3779B97F4A7C15) ^ len, w;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        memcpy(&w, key + i, 8);
        h = (h ^ w) * UINT64_C(0x100000001B3);
        h ^= h >> 29;
    }
    if (i < len) {
        w = 0;
        memcpy(&w, key + i, len - i);
        h = (h ^ w) * UINT64_C(0x100000001B3);
    }
    h ^= h >> 32;
    h *= UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> (64 - SBP_LEARNT_BITS)); /* the bits every input bit reaches */
}

SV *sbp_learnt_key(pTHX_ sbp_cxt *cxt, const char *key, size_t len) {
    /* Two ways: a key may sit in either slot of its pair, so two keys whose
     * hashes meet both stay; a third replaces the first way's. */
    size_t at = learnt_slot(key, len) & ~(size_t)1;
    SV **slot = &cxt->learnt[at];
    int way;
    for (way = 0; way < 2; way++) {
        SV *sv = slot[way];
        if (!sv)
            break;
        if (SvCUR(sv) == len && memcmp(SvPVX_const(sv), key, len) == 0)
            return sv;
    }
    if (way == 2) {
        way = 0;
        SvREFCNT_dec(slot[0]);
    }
    slot[way] = newSVpvn_share(key, (I32)len, 0);
    return slot[way];
}
