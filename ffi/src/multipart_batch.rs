//! `sb_multipart_parser_feed_batch`: several multipart events per call, for
//! glue whose per-event work is small (a few fields' worth of callbacks in
//! Perl or Ruby) and for which three calls per part would dominate.

use std::ffi::c_char;

use crate::error::{sb_error, sb_result};
use crate::multipart::{fail, sb_multipart_event, sb_multipart_event_kind, sb_multipart_parser};
use crate::ptr::{guard, try_mut, try_out, try_out_opt, try_out_slice, try_slice};

/// Like `sb_multipart_parser_feed` called in a loop: parses from the start
/// of `buf`/`len` and writes the events, in order, to
/// `out_events[0, *out_count)`, and to `*out_consumed` how many bytes of
/// `buf` they consumed together. The batch ends with the first event whose
/// successor could invalidate its spans, or when `capacity` events are
/// written, whichever comes first:
///
/// - `NEED_MORE`: all of `buf` was consumed; read more;
/// - `PART_START`: its headers, name and filename live in the parser until
///   the next part (`sb_multipart_parser_filename_star` answers for it);
/// - `DATA` whose bytes are not in `buf` (held back by the parser across
///   feeds).
///
/// Otherwise call again with `buf + *out_consumed`. Every span in the batch
/// is valid until the next `sb_multipart_parser_feed`,
/// `sb_multipart_parser_feed_batch` or `_free` on the parser (and, for
/// `data` in `buf`, as long as `buf`).
///
/// Returns `SB_RESULT_OK` with `*out_count` at least 1. When the body turns
/// out invalid or breaks a limit after some events of this call, those
/// events come with `SB_RESULT_OK` and the error with the next call (every
/// call after an error returns it); when at the first, the call returns the
/// error code (400–499) and fills `*out_error` as `sb_multipart_parser_feed`
/// does, writing no other output. A `capacity` of 0 is
/// `SB_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// `parser` NULL or a live parser not used by another thread meanwhile;
/// `buf` NULL (only with `len` 0) or `len` readable bytes; `out_events`
/// NULL or `capacity` writable entries; the other outputs NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the C signature: buffer, two outputs, storage, error
pub unsafe extern "C" fn sb_multipart_parser_feed_batch(
    parser: *mut sb_multipart_parser,
    buf: *const c_char,
    len: usize,
    out_consumed: *mut usize,
    out_events: *mut sb_multipart_event,
    capacity: usize,
    out_count: *mut usize,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let args = unsafe {
            (
                try_mut(parser),
                try_slice::<u8>(buf.cast(), len),
                try_out(out_consumed),
                try_out_slice(out_events, capacity),
                try_out(out_count),
                try_out_opt(out_error),
            )
        };
        let (w, input, oc, events, ocount, oerr) = match args {
            (Ok(a), Ok(b), Ok(c), Ok(d), Ok(e), Ok(f)) => (a, b, c, d, e, f),
            (Err(e), ..)
            | (_, Err(e), ..)
            | (_, _, Err(e), ..)
            | (_, _, _, Err(e), ..)
            | (_, _, _, _, Err(e), _)
            | (.., Err(e)) => return e.into(),
        };
        if events.is_empty() {
            return sb_result::InvalidArgument;
        }
        let in_input = |ev: &sb_multipart_event| {
            let start = input.as_ptr() as usize;
            let at = ev.data as usize;
            ev.data_len == 0 || (at >= start && at - start <= input.len() && ev.data_len <= input.len() - (at - start))
        };
        let (mut consumed, mut count) = (0, 0);
        for slot in events.iter_mut() {
            let ev = match w.next_event(&input[consumed..], slot) {
                Ok((n, ev)) => {
                    consumed += n;
                    ev
                }
                // The events found so far first; the parser keeps the error
                // for the next call.
                Err(_) if count > 0 => break,
                Err(e) => return fail(&e, oerr),
            };
            count += 1;
            let last = match ev.kind {
                sb_multipart_event_kind::NeedMore | sb_multipart_event_kind::PartStart => true,
                sb_multipart_event_kind::Data => !in_input(ev),
                sb_multipart_event_kind::PartEnd | sb_multipart_event_kind::End => false,
            };
            if last {
                break;
            }
        }
        oc.write(consumed);
        ocount.write(count);
        sb_result::Ok
    })
}
