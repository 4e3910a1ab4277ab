//! Why a call produced no result, and the one place that turns an outcome
//! into a result code and the call's outputs.

use std::convert::Infallible;
use std::mem::MaybeUninit;

use crate::error::{sb_error, sb_result};
use crate::ptr::ArgError;

/// Why a call produced no result. `E` is the call's input error (a parse,
/// framing, env or response-head error); `T` is what the call writes to
/// its output, here the sizes it needs when the caller's storage is too
/// small (never, for the calls that take no storage).
#[derive(Debug)]
pub(crate) enum Failure<E, T = Infallible> {
    /// A pointer or length argument was refused.
    Arg(ArgError),
    /// The input is invalid: [`Detail::detail`] says where and why.
    Invalid(E),
    /// The caller's storage is too small; this is what it needs.
    TooSmall(T),
}

/// An input error with detail for the caller's `sb_error` output.
pub(crate) trait Detail {
    /// Returns the detail, whose `kind` is the call's result code.
    fn detail(&self) -> sb_error;
}

impl<E, T> From<ArgError> for Failure<E, T> {
    fn from(e: ArgError) -> Self {
        Failure::Arg(e)
    }
}

impl<E: Detail, T> From<E> for Failure<E, T> {
    fn from(e: E) -> Self {
        Failure::Invalid(e)
    }
}

impl<E> Failure<E> {
    /// Returns the same failure for a call that writes `T`: a failure with
    /// no storage to be too small for carries no sizes.
    pub(crate) fn widen<T>(self) -> Failure<E, T> {
        match self {
            Failure::Arg(e) => Failure::Arg(e),
            Failure::Invalid(e) => Failure::Invalid(e),
            Failure::TooSmall(never) => match never {},
        }
    }
}

/// Returns the result code of an outcome and writes the call's outputs:
/// the value on success, the sizes needed on
/// `SB_RESULT_BUFFER_TOO_SMALL`, both to `out`; an invalid input's detail
/// to `out_error`, when the caller asked for it. Nothing else is written.
pub(crate) fn finish<T, E: Detail>(
    r: Result<T, Failure<E, T>>,
    out: &mut MaybeUninit<T>,
    out_error: Option<&mut MaybeUninit<sb_error>>,
) -> sb_result {
    match r {
        Ok(v) => {
            out.write(v);
            sb_result::Ok
        }
        Err(Failure::TooSmall(needed)) => {
            out.write(needed);
            sb_result::BufferTooSmall
        }
        Err(Failure::Arg(e)) => e.into(),
        Err(Failure::Invalid(e)) => e.detail().report(out_error),
    }
}
