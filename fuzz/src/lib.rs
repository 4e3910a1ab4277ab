//! Helpers shared by the fuzz targets: configurations drawn from input
//! bytes, and the incremental-equals-one-shot check.

use springbok_parser::{ObsFold, ParserConfig};

/// A parser configuration drawn from two bytes: seven leniency flags, small
/// limits, the obs-fold mode (`limits % 3`) and, from the top three bits of
/// `limits`, the response-only leniencies and the asterisk form for any
/// method. Small limits come half the time, so the limit paths are reached
/// too.
pub fn config(flags: u8, limits: u8) -> ParserConfig {
    let mut c = ParserConfig::new();
    c.allow_bare_lf = flags & 1 != 0;
    c.allow_multiple_spaces = flags & 2 != 0;
    c.allow_leading_empty_lines = flags & 4 != 0;
    c.allow_whitespace_before_first_header = flags & 8 != 0;
    c.ignore_invalid_headers = flags & 16 != 0;
    c.allow_loose_target = flags & 32 != 0;
    c.allow_missing_reason_space = flags & 64 != 0;
    c.obs_fold = match limits % 3 {
        0 => ObsFold::Reject,
        1 => ObsFold::Continuation,
        _ => ObsFold::Span,
    };
    c.allow_leading_empty_lines_in_responses = limits & 0x20 != 0;
    c.allow_space_before_colon_in_responses = limits & 0x40 != 0;
    c.allow_asterisk_form_any_method = limits & 0x80 != 0;
    if flags & 128 != 0 {
        c.max_head_bytes = 64 + usize::from(limits) * 4;
        c.max_target_len = usize::from(limits / 4);
        c.max_name_len = usize::from(limits / 8);
        c.max_value_len = usize::from(limits / 2);
    }
    c
}

/// Splits `data` into a header (`n` bytes, zero-padded) and the rest.
pub fn take<const N: usize>(data: &[u8]) -> ([u8; N], &[u8]) {
    let mut head = [0u8; N];
    let n = data.len().min(N);
    head[..n].copy_from_slice(&data[..n]);
    (head, &data[n..])
}

/// The contract between an incremental call (`last_len` hint) and a one-shot
/// parse of the same buffer, both as `Debug` strings: identical, except that
/// an error in a head whose end has not arrived yet may be reported as
/// `Partial` by the incremental call (picohttpparser's contract: with the
/// hint, only a head that can be complete is parsed).
pub fn assert_incremental_agrees(incremental: &str, one_shot: &str) {
    if incremental != one_shot {
        assert!(
            incremental == "Ok(Partial)" && one_shot.starts_with("Err("),
            "incremental {incremental} vs one-shot {one_shot}"
        );
    }
}

/// The C ABI's twin of `c`: a `sb_parser_config` with the same
/// `SB_PARSER_*` flags and limits. Free it with `sb_parser_config_free`.
pub fn c_config(c: &ParserConfig) -> *mut springbok::sb_parser_config {
    use springbok::config::*;
    let bits = [
        (c.allow_bare_lf, SB_PARSER_ALLOW_BARE_LF),
        (c.obs_fold == ObsFold::Continuation, SB_PARSER_OBS_FOLD_CONTINUATION),
        (c.obs_fold == ObsFold::Span, SB_PARSER_OBS_FOLD_SPAN),
        (c.allow_multiple_spaces, SB_PARSER_ALLOW_MULTIPLE_SPACES),
        (c.allow_leading_empty_lines, SB_PARSER_ALLOW_LEADING_EMPTY_LINES),
        (c.allow_whitespace_before_first_header, SB_PARSER_ALLOW_WHITESPACE_BEFORE_FIRST_HEADER),
        (c.ignore_invalid_headers, SB_PARSER_IGNORE_INVALID_HEADERS),
        (c.allow_loose_target, SB_PARSER_ALLOW_LOOSE_TARGET),
        (c.allow_missing_reason_space, SB_PARSER_ALLOW_MISSING_REASON_SPACE),
        (c.allow_leading_empty_lines_in_responses, SB_PARSER_ALLOW_LEADING_EMPTY_LINES_IN_RESPONSES),
        (c.allow_space_before_colon_in_responses, SB_PARSER_ALLOW_SPACE_BEFORE_COLON_IN_RESPONSES),
        (c.allow_asterisk_form_any_method, SB_PARSER_ALLOW_ASTERISK_FORM_ANY_METHOD),
    ];
    let flags = bits.iter().filter(|(on, _)| *on).fold(0, |f, (_, bit)| f | bit);
    let config = sb_parser_config_new();
    // SAFETY: `config` is a live config from sb_parser_config_new.
    unsafe {
        let results = [
            sb_parser_config_set_flags(config, flags),
            sb_parser_config_set_max_head_bytes(config, c.max_head_bytes),
            sb_parser_config_set_max_target_len(config, c.max_target_len),
            sb_parser_config_set_max_name_len(config, c.max_name_len),
            sb_parser_config_set_max_value_len(config, c.max_value_len),
        ];
        assert!(results.iter().all(|r| *r == springbok::sb_result::Ok), "{results:?}");
        let mut back = 0;
        assert_eq!(sb_parser_config_flags(config, &mut back), springbok::sb_result::Ok);
        assert_eq!(back, flags);
    }
    config
}

/// The `sb_result` code the C ABI documents for a chunked decoding error
/// (`SB_RESULT_INVALID_CHUNKED` for a kind it has no code of its own for).
pub fn chunked_code(kind: springbok_parser::chunked::ChunkedErrorKind) -> springbok::sb_result {
    use springbok::sb_result as r;
    use springbok_parser::chunked::ChunkedErrorKind as K;
    match kind {
        K::InvalidChunkSize => r::InvalidChunkSize,
        K::ChunkSizeOverflow => r::ChunkSizeOverflow,
        K::InvalidExtension => r::InvalidChunkExtension,
        K::ExtensionTooLong => r::ChunkExtensionTooLong,
        K::InvalidLineEnding => r::ChunkedLineEnding,
        K::MissingDataCrlf => r::MissingChunkDataCrlf,
        K::BodyTooLarge => r::ChunkedBodyTooLarge,
        K::ExcessiveOverhead => r::ChunkedOverhead,
        K::TrailersTooLarge => r::TrailersTooLarge,
        K::InvalidTrailers => r::InvalidTrailers,
        K::AfterError => r::ChunkedAfterError,
        _ => r::InvalidChunked,
    }
}

/// The `sb_result` code the C ABI documents for a framing error
/// (`SB_RESULT_INVALID_FRAMING` for a kind it has no code of its own for).
pub fn framing_code(kind: springbok_parser::framing::FramingErrorKind) -> springbok::sb_result {
    use springbok::sb_result as r;
    use springbok_parser::framing::FramingErrorKind as K;
    match kind {
        K::TransferEncodingWithContentLength => r::TransferEncodingWithContentLength,
        K::ChunkedNotFinal => r::ChunkedNotFinal,
        K::ChunkedTwice => r::ChunkedTwice,
        K::ChunkedWithParameters => r::ChunkedWithParameters,
        K::InvalidTransferEncoding => r::InvalidTransferEncoding,
        K::UnsupportedTransferCoding => r::UnsupportedTransferCoding,
        K::TransferEncodingInHttp10 => r::TransferEncodingInHttp10,
        K::InvalidContentLength => r::InvalidContentLength,
        K::ContentLengthOverflow => r::ContentLengthOverflow,
        K::ConflictingContentLength => r::ConflictingContentLength,
        K::MultipleHost => r::MultipleHost,
        K::InvalidHost => r::InvalidHost,
        K::MissingHost => r::MissingHost,
        K::ConnectWithBody => r::ConnectWithBody,
        _ => r::InvalidFraming,
    }
}

/// An `sb_error` no call wrote: every field a value no error has.
pub const UNWRITTEN_ERROR: springbok::sb_error =
    springbok::sb_error { kind: springbok::sb_result::Ok, offset: 7, status: 7, header: 7 };

/// An `sb_body` no call wrote (no success has a length with `UntilClose`).
pub const UNWRITTEN_BODY: springbok::sb_body =
    springbok::sb_body { kind: springbok::sb_body_kind::UntilClose, content_length: 7 };

/// Checks a framing entry point's code, `sb_body` and error output
/// (both starting as [`UNWRITTEN_BODY`] and [`UNWRITTEN_ERROR`]) against the
/// Rust result: the same body and no error written on success; on an
/// error, the documented code, the header index as both offset and header,
/// and no body written.
pub fn assert_same_framing(
    code: springbok::sb_result,
    body: &springbok::sb_body,
    err: &springbok::sb_error,
    rust: Result<springbok_parser::framing::Body, springbok_parser::framing::FramingError>,
) {
    use springbok::sb_body_kind as k;
    use springbok_parser::framing::Body;
    match rust {
        Ok(b) => {
            let want = match b {
                Body::None => (k::None, 0),
                Body::ContentLength(n) => (k::ContentLength, n),
                Body::Chunked => (k::Chunked, 0),
                Body::UntilClose => (k::UntilClose, 0),
            };
            assert_eq!(code, springbok::sb_result::Ok);
            assert_eq!((body.kind, body.content_length), want);
            assert_eq!((err.kind, err.offset, err.status, err.header), (UNWRITTEN_ERROR.kind, 7, 7, 7));
        }
        Err(e) => {
            assert_eq!(code, framing_code(e.kind()));
            let at = e.header_index();
            assert_eq!((err.kind, err.offset, err.status, err.header), (code, at, e.status(), at));
            assert_eq!((body.kind, body.content_length), (UNWRITTEN_BODY.kind, UNWRITTEN_BODY.content_length));
        }
    }
}
