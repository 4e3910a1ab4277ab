//! Caller header arrays and parsed requests as the parser crate's types,
//! for the calls that take a head back as input (framing, env, response
//! head).

use std::ffi::c_int;

use springbok_parser::{Header, Request};

use crate::parse::sb_request;
use crate::pico::sb_header;
use crate::ptr::{try_slice, ArgError};
use crate::scratch::Scratch;

/// Headers converted on the stack up to this many, on the heap beyond.
const STACK_HEADERS: usize = 128;

/// Storage for `sb_header`s converted to [`Header`]s (whose layout is not
/// `sb_header`'s). Written entry by entry by `fill`, never read before, so
/// not initialised up front.
pub(crate) type HeaderStore<'a> = Scratch<Header<'a>, STACK_HEADERS>;

impl<'a> HeaderStore<'a> {
    /// Converts `headers`. A NULL `name` (an obs-fold continuation line from
    /// the parser) is an empty name; any span may be `(NULL, 0)`.
    ///
    /// # Safety
    /// Each entry's `name` and `value` must be NULL or point to as many
    /// readable bytes as its length, unchanged for `'a`.
    pub(crate) unsafe fn fill(&mut self, headers: &[sb_header]) -> Result<&[Header<'a>], ArgError> {
        let converted = headers.iter().map(|h| {
            // SAFETY: forwarded from the caller.
            unsafe {
                Ok(Header {
                    name: try_slice(h.name.cast::<u8>(), h.name_len)?,
                    value: try_slice(h.value.cast::<u8>(), h.value_len)?,
                })
            }
        });
        Ok(self.made(headers.len(), converted)?)
    }
}

/// An HTTP minor version from C: 0 or 1.
pub(crate) fn minor_version(v: c_int) -> Result<u8, ArgError> {
    match v {
        0 => Ok(0),
        1 => Ok(1),
        _ => Err(ArgError::Invalid),
    }
}

/// `request` and its `headers[0, request->num_headers)` as a [`Request`].
///
/// # Safety
/// `request`'s spans and every header span must be NULL or readable for
/// their lengths, unchanged for `'a`; `headers` must be NULL (only when
/// `request.num_headers` is 0) or point to `request.num_headers` entries.
pub(crate) unsafe fn request<'a, 'h>(
    request: &sb_request,
    headers: *const sb_header,
    store: &'h mut HeaderStore<'a>,
) -> Result<Request<'a, 'h>, ArgError> {
    // SAFETY: forwarded from the caller.
    unsafe {
        let method = try_slice(request.method.cast::<u8>(), request.method_len)?;
        let target = try_slice(request.target.cast::<u8>(), request.target_len)?;
        let minor_version = minor_version(request.minor_version)?;
        let list = try_slice(headers, request.num_headers)?;
        let headers = store.fill(list)?;
        Ok(Request { method, target, minor_version, headers, head_len: request.head_len })
    }
}
