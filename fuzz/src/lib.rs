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
