/*
 * springbok/picohttpparser.h: picohttpparser's API names on top of Springbok.
 *
 * A C program written against picohttpparser switches to Springbok by
 * replacing
 *     #include "picohttpparser.h"        and linking picohttpparser.o
 * with
 *     #include <springbok/picohttpparser.h>   and linking -lspringbok
 * (`pkg-config --cflags --libs springbok`). Nothing else changes: the
 * struct layout, signatures and return values (-1 error, -2 partial,
 * last_len, in/out *num_headers) are picohttpparser's.
 *
 * Behaviour is Springbok's strict RFC 9112 default. Where picohttpparser is
 * lenient (bare LF, obs-fold, runs of spaces, raw bytes in the path, a
 * missing SP before an empty reason phrase) these calls return -1; to get
 * picohttpparser's leniency, call sb_parse_*_with_config with a config
 * whose flags are SB_PARSER_PICOHTTPPARSER. Other differences (see
 * ffi/README.md): on -1 and -2 no scalar output and not *num_headers is
 * written (the header array may hold headers parsed so far, as with
 * picohttpparser); an obs-fold continuation value is trimmed; NULL
 * arguments return -1.
 *
 * Mapped: struct phr_header, phr_parse_request, phr_parse_response,
 * phr_parse_headers, struct phr_chunked_decoder, phr_decode_chunked,
 * phr_decode_chunked_is_in_data. A phr_chunked_decoder must be zero-filled
 * before use, as picohttpparser requires; it has picohttpparser's
 * consume_trailer field but not bytes_left_in_chunk (Springbok's decoder
 * keeps its state private). The chunked decoder is strict too: CRLF
 * everywhere (no bare LF), RFC chunk-extension grammar, a 1 GiB body limit.
 */
#ifndef SPRINGBOK_PICOHTTPPARSER_H
#define SPRINGBOK_PICOHTTPPARSER_H

#include <sys/types.h>

#include "../springbok.h"

#ifdef picohttpparser_h
#error "springbok/picohttpparser.h replaces picohttpparser.h: include only one of them"
#endif
/* Keep a later #include "picohttpparser.h" from redeclaring the names. */
#define picohttpparser_h

/* `struct phr_header` is `struct sb_header`, which has the same layout. */
#define phr_header sb_header

#define phr_parse_request sb_parse_request
#define phr_parse_response sb_parse_response
#define phr_parse_headers sb_parse_headers

#define phr_chunked_decoder sb_chunked_decoder
#define phr_decode_chunked sb_decode_chunked
#define phr_decode_chunked_is_in_data sb_decode_chunked_is_in_data

#endif /* SPRINGBOK_PICOHTTPPARSER_H */
