//! Response head serialization (`springbok_parser::response_head`): status,
//! reason and a flat array of name/value spans to
//! `HTTP/1.1 200 OK\r\nname: value\r\n…\r\n`, into a caller buffer or as
//! `struct iovec`-compatible spans for `writev`.

use std::ffi::{c_char, c_int, c_void};

use springbok_parser::response_head::{HttpVersion, ResponseHead, ResponseHeadError, ResponseOptions};

use crate::error::{sb_error, sb_result};
use crate::failure::{finish, Detail, Failure};
use crate::input::HeaderStore;
use crate::pico::sb_header;
use crate::ptr::{guard, try_out, try_out_opt, try_out_slice, try_slice, zeroed, ArgError};
use crate::scratch::Scratch;

/// Write `HTTP/1.0` in the status line (default `HTTP/1.1`).
pub const SB_RESPONSE_HTTP_1_0: u32 = 1 << 0;
/// Rack 2 multi-value headers: a value containing LF is several values,
/// one header line each, split as Ruby's `String#split("\n")` (what Puma
/// does: empty pieces in the middle kept, trailing ones dropped, a value of
/// only LFs gives no line). Without it an LF in a value is header
/// injection.
pub const SB_RESPONSE_SPLIT_NEWLINES: u32 = 1 << 1;

const ALL_FLAGS: u32 = SB_RESPONSE_HTTP_1_0 | SB_RESPONSE_SPLIT_NEWLINES;

/// One piece of a serialized head, laid out exactly like `struct iovec`
/// from `<sys/uio.h>` (`iov_base`, `iov_len`), so an array of them can be
/// passed to `writev` with a cast.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sb_iovec {
    /// The bytes: in the caller's reason, header names or values, or in
    /// Springbok's static memory (`"HTTP/1.1 "`, the status code, `": "`,
    /// CRLF, default reason phrases). Never NULL.
    pub base: *const c_void,
    /// Length of `base` in bytes (never 0).
    pub len: usize,
}

/// The size of a serialized head, written by `sb_response_head_size`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sb_response_head_info {
    /// Bytes `sb_response_head_write` writes.
    pub len: usize,
    /// Entries `sb_response_head_iovecs` fills.
    pub iovec_count: usize,
    /// Headers left out: `Content-Length` and `Transfer-Encoding` on a 1xx,
    /// 204 or 304 response (RFC 9110 §8.6, RFC 9112 §6.1), validated but not
    /// written; non-zero means the application sent them.
    pub dropped: usize,
}

impl Detail for ResponseHeadError {
    fn detail(&self) -> sb_error {
        sb_error {
            kind: sb_result::from_response_head(self.kind()),
            offset: self.offset(),
            status: 500,
            header: self.header().unwrap_or(usize::MAX),
        }
    }
}

/// Why a response-head call produced no result; on `TooSmall`, the bytes
/// or iovec entries it needs.
type HeadFailure = Failure<ResponseHeadError, usize>;

/// Validates the inputs common to every call and makes the head.
///
/// # Safety
/// `reason` NULL or `reason_len` readable bytes; `headers` NULL or
/// `num_headers` readable entries whose spans are readable; all unchanged
/// for `'x`. The head borrows `store`, which holds the converted headers.
unsafe fn head<'s, 'x: 's>(
    status: c_int,
    reason: *const c_char,
    reason_len: usize,
    headers: *const sb_header,
    num_headers: usize,
    flags: u32,
    store: &'s mut HeaderStore<'x>,
) -> Result<ResponseHead<'s>, Failure<ResponseHeadError>> {
    if flags & !ALL_FLAGS != 0 {
        return Err(ArgError::Invalid.into());
    }
    let mut options = ResponseOptions::new();
    if flags & SB_RESPONSE_HTTP_1_0 != 0 {
        options.version = HttpVersion::Http10;
    }
    options.split_newlines = flags & SB_RESPONSE_SPLIT_NEWLINES != 0;
    // SAFETY: forwarded from the caller.
    let (reason, list) = unsafe {
        let reason =
            if reason.is_null() && reason_len == 0 { None } else { Some(try_slice(reason.cast::<u8>(), reason_len)?) };
        (reason, try_slice(headers, num_headers)?)
    };
    // SAFETY: forwarded from the caller.
    let hs = unsafe { store.fill(list) }?;
    // Out of `u16`: 0, which is out of 100–999 too.
    let status = u16::try_from(status).unwrap_or(0);
    Ok(ResponseHead::new(status, reason, hs, &options)?)
}

/// Validates a response head and says how long it is: writes
/// `*out_info` (bytes, iovec entries, headers dropped) and returns
/// `SB_RESULT_OK`.
///
/// `status` is 100–999; `reason`/`reason_len` the reason phrase, or NULL
/// (with `reason_len` 0) for the standard phrase of `status` (empty for a
/// code without one: `HTTP/1.1 599 \r\n`); `headers[0, num_headers)` the
/// header lines in order (a repeated name is a repeated line; a NULL name is
/// an empty, invalid name); `flags` `SB_RESPONSE_HTTP_1_0` and/or
/// `SB_RESPONSE_SPLIT_NEWLINES`.
///
/// Errors: `SB_RESULT_RESPONSE_STATUS`, `_REASON` (offset in the reason),
/// `_HEADER_NAME`, `_HEADER_INJECTION` (CR, LF or NUL in a value),
/// `_HEADER_VALUE` (another control byte), with `*out_error` (if not NULL)
/// giving the header's index in `header` and the byte's offset in its name
/// or value in `offset`, and status 500; or `SB_RESULT_NULL_ARGUMENT` /
/// `SB_RESULT_INVALID_ARGUMENT` (an unknown flag, a NULL span with a
/// non-zero length).
///
/// # Safety
/// `reason` NULL or `reason_len` readable bytes; `headers` NULL (only with
/// `num_headers` 0) or `num_headers` readable entries whose spans are
/// readable; outputs NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_response_head_size(
    status: c_int,
    reason: *const c_char,
    reason_len: usize,
    headers: *const sb_header,
    num_headers: usize,
    flags: u32,
    out_info: *mut sb_response_head_info,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let (out, out_error) = match unsafe { (try_out(out_info), try_out_opt(out_error)) } {
            (Ok(o), Ok(e)) => (o, e),
            (Err(e), _) | (_, Err(e)) => return e.into(),
        };
        let mut store = HeaderStore::new();
        // SAFETY: the export's contract: readable reason and headers.
        let r = unsafe { head(status, reason, reason_len, headers, num_headers, flags, &mut store) }.map(|h| {
            sb_response_head_info { len: h.encoded_len(), iovec_count: h.iovec_count(), dropped: h.dropped() }
        });
        finish(r.map_err(Failure::widen), out, out_error)
    })
}

/// Serializes a response head into `buf`/`buf_len` (arguments and errors
/// as for `sb_response_head_size`).
///
/// Returns `SB_RESULT_OK`, writes `buf[0, *out_len)` and `*out_len`; or
/// `SB_RESULT_BUFFER_TOO_SMALL` and writes only `*out_len`, the length
/// needed (`buf` may be NULL with `buf_len` 0 to ask for it); or an error,
/// writing neither.
///
/// # Safety
/// As `sb_response_head_size`; `buf` NULL or `buf_len` writable bytes,
/// not overlapping the inputs; `out_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_response_head_write(
    status: c_int,
    reason: *const c_char,
    reason_len: usize,
    headers: *const sb_header,
    num_headers: usize,
    flags: u32,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let args = unsafe { (try_out_slice(buf.cast::<u8>(), buf_len), try_out(out_len), try_out_opt(out_error)) };
        let (buf, out, out_error) = match args {
            (Ok(b), Ok(o), Ok(e)) => (b, o, e),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e.into(),
        };
        let mut store = HeaderStore::new();
        let r = (|| -> Result<usize, HeadFailure> {
            // SAFETY: the export's contract: readable reason and headers.
            let h = unsafe { head(status, reason, reason_len, headers, num_headers, flags, &mut store) }
                .map_err(Failure::widen)?;
            let n = h.encoded_len();
            let dst = buf.get_mut(..n).ok_or(Failure::TooSmall(n))?;
            h.write(zeroed(dst)).map_err(|e| Failure::TooSmall(e.needed))
        })();
        finish(r, out, out_error)
    })
}

/// iovec pieces gathered on the stack up to this many, on the heap beyond.
const STACK_PIECES: usize = 128;

/// Serializes a response head as `struct iovec`-compatible spans into
/// `iov`/`iov_len` (arguments and errors as for `sb_response_head_size`):
/// their concatenation is byte for byte what `sb_response_head_write`
/// writes, and `writev(fd, (const struct iovec *)iov, (int)*out_count)`
/// sends it without copying header names or values.
///
/// Returns `SB_RESULT_OK`, fills `iov[0, *out_count)` and writes
/// `*out_count`; or `SB_RESULT_BUFFER_TOO_SMALL` and writes only
/// `*out_count`, the entries needed; or an error, writing neither. The
/// spans point into the caller's reason and header spans (valid as long as
/// those are) or into static memory.
///
/// # Safety
/// As `sb_response_head_size`; `iov` NULL or `iov_len` writable entries;
/// `out_count` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_response_head_iovecs(
    status: c_int,
    reason: *const c_char,
    reason_len: usize,
    headers: *const sb_header,
    num_headers: usize,
    flags: u32,
    iov: *mut sb_iovec,
    iov_len: usize,
    out_count: *mut usize,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let args = unsafe { (try_out_slice(iov, iov_len), try_out(out_count), try_out_opt(out_error)) };
        let (iov, out, out_error) = match args {
            (Ok(i), Ok(o), Ok(e)) => (i, o, e),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e.into(),
        };
        let mut store = HeaderStore::new();
        let r = (|| -> Result<usize, HeadFailure> {
            // SAFETY: the export's contract: readable reason and headers.
            let h = unsafe { head(status, reason, reason_len, headers, num_headers, flags, &mut store) }
                .map_err(Failure::widen)?;
            let n = h.iovec_count();
            let dst = iov.get_mut(..n).ok_or(Failure::TooSmall(n))?;
            let mut scratch = Scratch::<&[u8], STACK_PIECES>::new();
            let pieces = scratch.filled(n, &[]);
            let n = h.fill_iovecs(pieces).map_err(|e| Failure::TooSmall(e.needed))?;
            for (p, slot) in pieces[..n].iter().zip(dst.iter_mut()) {
                slot.write(sb_iovec { base: p.as_ptr().cast(), len: p.len() });
            }
            Ok(n)
        })();
        finish(r, out, out_error)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iovec_has_the_layout_of_struct_iovec() {
        // `struct iovec { void *iov_base; size_t iov_len; }` on every Linux
        // ABI; the C tests also assert it against <sys/uio.h>.
        assert_eq!(std::mem::size_of::<sb_iovec>(), 2 * std::mem::size_of::<usize>());
        assert_eq!(std::mem::align_of::<sb_iovec>(), std::mem::align_of::<usize>());
        assert_eq!(std::mem::offset_of!(sb_iovec, base), 0);
        assert_eq!(std::mem::offset_of!(sb_iovec, len), std::mem::size_of::<usize>());
    }

    #[test]
    fn write_and_iovecs_agree() {
        let h = [sb_header { name: c"A".as_ptr(), name_len: 1, value: c"x\ny".as_ptr(), value_len: 3 }];
        let mut buf = [0u8; 64];
        let mut len = 0usize;
        let mut iov = [sb_iovec { base: std::ptr::null(), len: 0 }; 16];
        let mut count = 0usize;
        // SAFETY: every pointer is a live local with the length given.
        unsafe {
            let r = sb_response_head_write(
                204,
                std::ptr::null(),
                0,
                h.as_ptr(),
                1,
                SB_RESPONSE_SPLIT_NEWLINES,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut len,
                std::ptr::null_mut(),
            );
            assert_eq!(r, sb_result::Ok);
            assert_eq!(&buf[..len], b"HTTP/1.1 204 No Content\r\nA: x\r\nA: y\r\n\r\n");
            let r = sb_response_head_iovecs(
                204,
                std::ptr::null(),
                0,
                h.as_ptr(),
                1,
                SB_RESPONSE_SPLIT_NEWLINES,
                iov.as_mut_ptr(),
                iov.len(),
                &mut count,
                std::ptr::null_mut(),
            );
            assert_eq!(r, sb_result::Ok);
            let mut joined = Vec::new();
            for v in &iov[..count] {
                joined.extend_from_slice(std::slice::from_raw_parts(v.base.cast::<u8>(), v.len));
            }
            assert_eq!(joined, &buf[..len]);
        }
    }
}
