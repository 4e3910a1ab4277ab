//! The only place that turns C pointers into Rust references.
//!
//! Every export goes through [`guard`] (panics become an error value) and
//! converts each pointer argument with one of the helpers below, which
//! reject NULL, misaligned pointers and lengths no Rust slice can have
//! before anything is read or written. The exports themselves contain no
//! `unsafe` beyond calling these helpers, whose contracts they restate in a
//! `// SAFETY:` comment.

use std::mem::MaybeUninit;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Why a pointer or length argument was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ArgError {
    /// A required pointer was NULL.
    Null,
    /// A pointer was misaligned, or a length cannot describe a Rust slice
    /// (more than `isize::MAX` bytes), or lengths contradict each other.
    Invalid,
}

/// Runs `f`, turning a panic into `on_panic`. Every export's body runs
/// inside this, so no unwind ever crosses the C boundary. Inline, so that
/// an export's arguments reach `f` in registers: the unwinding machinery
/// costs nothing until a panic.
#[inline(always)]
pub(crate) fn guard<R>(on_panic: R, f: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(on_panic)
}

/// Zero when `ptr` is non-NULL and aligned for `T`, for the hot calls'
/// first check, which ORs the values of all their pointers and tests once:
/// `ptr - align_of::<T>()` has the top bit set when `ptr` is NULL (no
/// address a caller passes has it: user space is the lower half) and
/// keeps a misaligned pointer's low bits. A non-zero value is not an
/// error: it sends the call to the exact checks ([`try_out`] and the
/// others), which decide.
#[inline(always)]
pub(crate) fn unusable<T>(ptr: *const T) -> usize {
    let align = std::mem::align_of::<T>();
    (ptr as usize).wrapping_sub(align) & (TOP | (align - 1))
}

/// Zero when `ptr` is aligned for `T` (NULL is), for an optional output
/// in the OR of [`unusable`].
#[inline(always)]
pub(crate) fn misaligned<T>(ptr: *const T) -> usize {
    ptr as usize & (std::mem::align_of::<T>() - 1)
}

/// Zero when `len` values of `T` fit in a Rust slice (no more than
/// `isize::MAX` bytes); for the same OR as [`unusable`].
#[inline(always)]
pub(crate) fn oversized<T>(len: usize) -> usize {
    usize::from(len > isize::MAX as usize / std::mem::size_of::<T>().max(1))
}

/// The top bit of an address.
const TOP: usize = 1 << (usize::BITS - 1);

/// `ptr` as a place to write an output to, for a caller that has checked
/// it already: [`try_out`] without the checks.
///
/// # Safety
/// `ptr` must be non-NULL, aligned, and point to writable memory for a `T`
/// that nothing else accesses during `'a`.
#[inline(always)]
pub(crate) unsafe fn out_unchecked<'a, T>(ptr: *mut T) -> &'a mut MaybeUninit<T> {
    // SAFETY: the caller guarantees a non-NULL, aligned, writable, unaliased
    // place; `MaybeUninit<T>` has `T`'s layout and assumes nothing about
    // the memory's content.
    unsafe { &mut *ptr.cast::<MaybeUninit<T>>() }
}

/// `(ptr, len)` as a slice, for a caller that has checked it already:
/// [`try_slice`] without the checks.
///
/// # Safety
/// `ptr` must be non-NULL, aligned, and point to `len` readable `T`s (no
/// more than `isize::MAX` bytes) that stay valid and unmodified for `'a`.
#[inline(always)]
pub(crate) unsafe fn slice_unchecked<'a, T>(ptr: *const T, len: usize) -> &'a [T] {
    // SAFETY: forwarded from the caller.
    unsafe { std::slice::from_raw_parts(ptr, len) }
}

/// `(ptr, len)` as writable, possibly uninitialised storage, for a caller
/// that has checked it already: [`try_out_slice`] without the checks.
///
/// # Safety
/// `ptr` must be non-NULL, aligned, and point to `len` writable `T`s (no
/// more than `isize::MAX` bytes) that nothing else accesses during `'a`.
#[inline(always)]
pub(crate) unsafe fn out_slice_unchecked<'a, T>(ptr: *mut T, len: usize) -> &'a mut [MaybeUninit<T>] {
    // SAFETY: forwarded from the caller; `MaybeUninit<T>` has `T`'s layout
    // and assumes nothing about the memory's content.
    unsafe { std::slice::from_raw_parts_mut(ptr.cast::<MaybeUninit<T>>(), len) }
}

/// `ptr` as an exclusive reference, for a caller that has checked it
/// already: [`try_mut`] without the checks.
///
/// # Safety
/// `ptr` must be non-NULL, aligned, and point to a valid `T` that nothing
/// else accesses during `'a`.
#[inline(always)]
pub(crate) unsafe fn mut_unchecked<'a, T>(ptr: *mut T) -> &'a mut T {
    // SAFETY: forwarded from the caller.
    unsafe { &mut *ptr }
}

fn check_len<T>(len: usize) -> Result<(), ArgError> {
    match len.checked_mul(std::mem::size_of::<T>()) {
        Some(bytes) if bytes <= isize::MAX as usize => Ok(()),
        _ => Err(ArgError::Invalid),
    }
}

fn check_ptr<T>(ptr: *const T) -> Result<(), ArgError> {
    if ptr.is_null() {
        Err(ArgError::Null)
    } else if !ptr.is_aligned() {
        Err(ArgError::Invalid)
    } else {
        Ok(())
    }
}

/// `(ptr, len)` as a byte slice. `(NULL, 0)` is the empty slice; `NULL`
/// with a non-zero length is [`ArgError::Null`].
///
/// # Safety
/// Unless NULL, `ptr` must point to `len` readable bytes that stay valid and
/// unmodified for `'a`.
pub(crate) unsafe fn try_slice<'a, T>(ptr: *const T, len: usize) -> Result<&'a [T], ArgError> {
    check_len::<T>(len)?;
    if ptr.is_null() && len == 0 {
        return Ok(&[]);
    }
    check_ptr(ptr)?;
    // SAFETY: `ptr` is non-NULL and aligned, `len * size_of::<T>()` fits in
    // `isize`, and the caller guarantees `len` readable, initialised `T`s
    // that outlive `'a` and are not written meanwhile.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// `(ptr, len)` as an initialised, writable byte buffer (in-place decoding).
/// `(NULL, 0)` is the empty slice.
///
/// # Safety
/// Unless NULL, `ptr` must point to `len` initialised, writable `T`s, not
/// aliased by any other reference during `'a`.
pub(crate) unsafe fn try_slice_mut<'a, T>(ptr: *mut T, len: usize) -> Result<&'a mut [T], ArgError> {
    check_len::<T>(len)?;
    if ptr.is_null() && len == 0 {
        return Ok(&mut []);
    }
    check_ptr(ptr)?;
    // SAFETY: non-NULL, aligned, size fits in `isize`; the caller guarantees
    // `len` initialised, writable `T`s with no other access during `'a`.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

/// `(ptr, len)` as writable, possibly uninitialised storage. `(NULL, 0)` is
/// the empty slice.
///
/// # Safety
/// Unless NULL, `ptr` must point to `len` writable `T`s, not aliased by any
/// other reference during `'a`.
pub(crate) unsafe fn try_out_slice<'a, T>(ptr: *mut T, len: usize) -> Result<&'a mut [MaybeUninit<T>], ArgError> {
    check_len::<T>(len)?;
    if ptr.is_null() && len == 0 {
        return Ok(&mut []);
    }
    check_ptr(ptr)?;
    // SAFETY: non-NULL, aligned, size fits in `isize`; the caller guarantees
    // `len` writable `T`s not aliased during `'a`. `MaybeUninit<T>` has the
    // layout of `T` and makes no claim that the memory is initialised.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr.cast::<MaybeUninit<T>>(), len) })
}

/// Zero-fills caller output storage and returns it as bytes, for Rust code
/// that writes through `&mut [u8]`. Callers pass only the prefix they are
/// about to overwrite, so the extra write is the size of the output.
pub(crate) fn zeroed(out: &mut [MaybeUninit<u8>]) -> &mut [u8] {
    out.fill(MaybeUninit::new(0));
    // SAFETY: every element was just initialised, and `MaybeUninit<u8>` has
    // the layout of `u8`; the borrow is the same one, only reinterpreted.
    unsafe { &mut *(std::ptr::from_mut::<[MaybeUninit<u8>]>(out) as *mut [u8]) }
}

/// `ptr` as a shared reference.
///
/// # Safety
/// Unless NULL, `ptr` must point to a valid `T` that is not written during
/// `'a`.
pub(crate) unsafe fn try_ref<'a, T>(ptr: *const T) -> Result<&'a T, ArgError> {
    check_ptr(ptr)?;
    // SAFETY: non-NULL and aligned; the caller guarantees a valid `T` that
    // stays unmodified for `'a`.
    Ok(unsafe { &*ptr })
}

/// `ptr` as an exclusive reference to an initialised `T` (an in/out value or
/// an opaque object).
///
/// # Safety
/// Unless NULL, `ptr` must point to a valid `T` that nothing else accesses
/// during `'a`.
pub(crate) unsafe fn try_mut<'a, T>(ptr: *mut T) -> Result<&'a mut T, ArgError> {
    check_ptr(ptr)?;
    // SAFETY: non-NULL and aligned; the caller guarantees a valid `T` with no
    // other access during `'a`.
    Ok(unsafe { &mut *ptr })
}

/// `ptr` as a place to write an output to (its current content, possibly
/// uninitialised, is never read).
///
/// # Safety
/// Unless NULL, `ptr` must point to writable memory for a `T` that nothing
/// else accesses during `'a`.
pub(crate) unsafe fn try_out<'a, T>(ptr: *mut T) -> Result<&'a mut MaybeUninit<T>, ArgError> {
    check_ptr(ptr)?;
    // SAFETY: non-NULL and aligned; the caller guarantees writable memory for
    // a `T`. `MaybeUninit<T>` has `T`'s layout and does not assume the
    // memory is initialised.
    Ok(unsafe { &mut *ptr.cast::<MaybeUninit<T>>() })
}

/// Like [`try_out`], but NULL means "the caller does not want this output".
///
/// # Safety
/// As [`try_out`].
pub(crate) unsafe fn try_out_opt<'a, T>(ptr: *mut T) -> Result<Option<&'a mut MaybeUninit<T>>, ArgError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from the caller.
    unsafe { try_out(ptr) }.map(Some)
}

/// Moves `value` to the heap and hands ownership to C.
pub(crate) fn to_raw<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Takes back ownership of a pointer made by [`to_raw`] and drops it. NULL
/// is a no-op.
///
/// # Safety
/// Unless NULL, `ptr` must come from [`to_raw::<T>`] and not have been freed.
pub(crate) unsafe fn free_raw<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: the caller guarantees `ptr` came from `Box::into_raw` in
        // `to_raw` and is freed only once.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_turns_a_panic_into_the_fallback() {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let r = guard(-1, || -> i32 { panic!("boom") });
        std::panic::set_hook(prev);
        assert_eq!(r, -1);
        assert_eq!(guard(-1, || 7), 7);
    }

    #[test]
    fn slices_refuse_null_and_oversized_lengths() {
        // SAFETY: NULL pointers are never dereferenced by the helpers.
        unsafe {
            assert_eq!(try_slice::<u8>(std::ptr::null(), 0), Ok(&[][..]));
            assert_eq!(try_slice::<u8>(std::ptr::null(), 1), Err(ArgError::Null));
            let b = [1u8, 2];
            assert_eq!(try_slice(b.as_ptr(), usize::MAX), Err(ArgError::Invalid));
            assert_eq!(try_slice(b.as_ptr(), isize::MAX as usize + 1), Err(ArgError::Invalid));
            assert_eq!(try_slice(b.as_ptr(), 2), Ok(&b[..]));
            let w = [0u64; 2];
            assert_eq!(try_slice(w.as_ptr(), usize::MAX / 4), Err(ArgError::Invalid));
            let mis = w.as_ptr().cast::<u8>().add(1).cast::<u64>();
            assert_eq!(try_slice(mis, 1), Err(ArgError::Invalid));
            assert!(try_out_slice::<u64>(std::ptr::null_mut(), 0).unwrap().is_empty());
            assert!(matches!(try_out_slice::<u64>(std::ptr::null_mut(), 1), Err(ArgError::Null)));
            assert!(matches!(try_ref::<u64>(std::ptr::null()), Err(ArgError::Null)));
            assert!(matches!(try_mut::<u64>(std::ptr::null_mut()), Err(ArgError::Null)));
            assert!(matches!(try_out::<u64>(std::ptr::null_mut()), Err(ArgError::Null)));
            assert!(matches!(try_out_opt::<u64>(std::ptr::null_mut()), Ok(None)));
            free_raw::<u64>(std::ptr::null_mut());
            free_raw(to_raw(5u64));
        }
        let mut buf = [MaybeUninit::<u8>::uninit(); 4];
        assert_eq!(zeroed(&mut buf[..3]), &[0, 0, 0]);
    }
}
