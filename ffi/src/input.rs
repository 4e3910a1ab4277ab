//! Caller header arrays and parsed requests as the parser crate's types,
//! for the calls that take a head back as input (framing, env, response
//! head).

use std::ffi::c_int;
use std::mem::MaybeUninit;

use springbok_parser::{Header, Request};

use crate::parse::sb_request;
use crate::pico::sb_header;
use crate::ptr::{try_slice, ArgError};

/// Headers converted on the stack up to this many, on the heap beyond.
const STACK_HEADERS: usize = 128;

/// Storage for `sb_header`s converted to [`Header`]s (whose layout is not
/// `sb_header`'s).
pub(crate) struct HeaderStore<'a> {
    /// Written entry by entry by `fill`, never read before: not initialised
    /// up front (64 headers is 2 KiB of stores per call otherwise).
    stack: [MaybeUninit<Header<'a>>; STACK_HEADERS],
    heap: Vec<Header<'a>>,
}

impl<'a> HeaderStore<'a> {
    pub(crate) fn new() -> Self {
        HeaderStore { stack: [MaybeUninit::uninit(); STACK_HEADERS], heap: Vec::new() }
    }

    /// Converts `headers`. A NULL `name` (an obs-fold continuation line from
    /// the parser) is an empty name; any span may be `(NULL, 0)`.
    ///
    /// # Safety
    /// Each entry's `name` and `value` must be NULL or point to as many
    /// readable bytes as its length, unchanged for `'a`.
    pub(crate) unsafe fn fill(&mut self, headers: &[sb_header]) -> Result<&[Header<'a>], ArgError> {
        // SAFETY: forwarded from the caller.
        let convert = |h: &sb_header| unsafe {
            Ok::<_, ArgError>(Header {
                name: try_slice(h.name.cast::<u8>(), h.name_len)?,
                value: try_slice(h.value.cast::<u8>(), h.value_len)?,
            })
        };
        if headers.len() > STACK_HEADERS {
            self.heap.clear();
            self.heap.reserve(headers.len());
            for h in headers {
                self.heap.push(convert(h)?);
            }
            return Ok(&self.heap[..]);
        }
        let out = &mut self.stack[..headers.len()];
        for (h, slot) in headers.iter().zip(out.iter_mut()) {
            slot.write(convert(h)?);
        }
        // SAFETY: the loop wrote every entry of `out` (it returns early
        // otherwise), and `MaybeUninit<T>` has the layout of `T`.
        Ok(unsafe { &*(std::ptr::from_ref::<[MaybeUninit<Header<'a>>]>(out) as *const [Header<'a>]) })
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
