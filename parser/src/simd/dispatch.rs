//! The one place that chooses a backend and runs code with it.
//!
//! A backend is a [`Cpu`] type in a file of its own (`scalar.rs`,
//! `sse42.rs`, `avx2.rs`, `neon.rs`): a capability token, as memchr's
//! searchers are. `Cpu::new` returns a value only when this CPU runs the
//! backend's instructions, so its kernels are safe methods, and the code
//! above them (the field scanners in `scan.rs`, the head parser in `head/`)
//! holds no `unsafe`. The list at the end of this file names each backend
//! once, in order of preference, with its target features; from it come
//!
//! * the choice, made once per process and cached ([`active`]): the first
//!   available backend, or the one `SPRINGBOK_BACKEND` names;
//! * [`scan`], which calls one field kernel of a backend from plain code;
//! * [`run`] and [`run_with`], which run a [`Routine`] (a whole head, or a
//!   header loop) inside a function of the backend's own, compiled with its
//!   target features, so that its kernels inline into the routine.
//!
//! Adding a backend is its file, its line in that list, and its
//! [`Backend`] variant.

#[cfg(feature = "std")]
extern crate std;

use core::sync::atomic::{AtomicU8, Ordering};

use super::Backend;
use crate::ParserConfig;

#[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
use super::neon;
use super::scalar;
#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
use super::{avx2, sse42};

/// A backend's capability token and its kernels.
///
/// A value of a `Cpu` type proves that this CPU runs the backend's
/// instructions: [`Cpu::new`] checks for them (memchr's
/// `new() -> Option<Self>`), so every kernel is a safe method. The types
/// are zero-sized: passing one costs nothing.
///
/// # Safety
/// An implementation must let a value exist only on a CPU with the target
/// features of [`Cpu::BACKEND`]'s line in this module's list: [`run_with`]
/// calls that backend's function for it.
pub(crate) unsafe trait Cpu: Copy {
    /// The backend.
    const BACKEND: Backend;

    /// Whether the header loop walks blocks that [`Cpu::classify`]
    /// classified (the vector backends), rather than field scans, and may
    /// run inline in its caller. The scalar backend scans fields: faster
    /// than its byte-by-byte classifier, and faster in a function of its
    /// own.
    const CLASSIFIES: bool = true;

    /// Whether the header loop's own function classifies the block at 0 or
    /// 64 before it knows where the header lines start (`BlockStops::new_near`):
    /// fewer stalls for more instructions, which pays on x86. Measured
    /// only there; on aarch64 it counted more instructions
    /// (`benches/aarch64-count`) and there is no machine to time it on.
    const EARLY_BLOCK: bool = false;

    /// Returns the token when this CPU runs the backend.
    fn new() -> Option<Self>;

    /// Returns the token without checking.
    ///
    /// # Safety
    /// This CPU must run the backend (`new` would return `Some`).
    unsafe fn new_unchecked() -> Self;

    /// Returns the length of the run of `tchar` bytes at the start of `s`.
    fn token_run(self, s: &[u8]) -> usize;

    /// Returns the length of the run of strict request-target bytes (RFC
    /// 3986, without `%`) at the start of `s`.
    fn target_strict_run(self, s: &[u8]) -> usize;

    /// Returns the length of the run of loose request-target bytes (`VCHAR /
    /// obs-text`) at the start of `s`.
    fn target_loose_run(self, s: &[u8]) -> usize;

    /// Returns the length of the run of field-value bytes (HTAB, SP, VCHAR,
    /// obs-text) at the start of `s`.
    fn value_run(self, s: &[u8]) -> usize;

    /// Returns the length of the run of request-target bytes at the start
    /// of `s`: the strict set, or the loose one when `loose`.
    #[inline(always)]
    fn target_run(self, s: &[u8], loose: bool) -> usize {
        if loose {
            self.target_loose_run(s)
        } else {
            self.target_strict_run(s)
        }
    }

    /// Returns the `(not_tchar, ctl)` masks of `block`: bit `k` of the first
    /// is set when byte `k` is not a `tchar` (where a header name ends), of
    /// the second when it is a control byte or DEL (where a field value
    /// ends, see [`super::HEAD_LUT`]).
    fn classify(self, block: &[u8; 64]) -> (u64, u64);

    /// Returns the masks of `buf`, shorter than a block, with every bit
    /// from `buf.len()` on set: past the end ends names and values alike.
    ///
    /// The default classifies a zero-padded copy (zero bytes are stops in
    /// both masks). Every vector backend overrides it, for 16 to 63 bytes,
    /// with loads inside `buf`: a vector load from a copy just written by
    /// smaller stores has to wait for them to reach the cache
    /// (store-to-load forwarding fails), and the copy is a `memcpy` call.
    #[inline(always)]
    fn classify_short(self, buf: &[u8]) -> (u64, u64) {
        super::padded_masks(self, buf)
    }

    /// Returns, from `from` and 64 bytes at a time, the first position
    /// whose 64 bytes hold a control byte or DEL, or the first from which
    /// fewer than 64 bytes of `buf` remain. For a long field value, which
    /// crosses whole blocks with no such byte: a test cheaper than both
    /// masks passes over them. The header loop calls it only past a block
    /// that a value fills.
    fn skip_plain(self, buf: &[u8], from: usize) -> usize;

    /// Returns the length of the run of `field`'s bytes at the start of `s`.
    #[inline(always)]
    fn run_of(self, field: Field, s: &[u8]) -> usize {
        match field {
            Field::Token => self.token_run(s),
            Field::TargetStrict => self.target_strict_run(s),
            Field::TargetLoose => self.target_loose_run(s),
            Field::Value => self.value_run(s),
        }
    }
}

/// The byte classes the field kernels scan for, as an argument to [`scan`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    /// [`Cpu::token_run`].
    Token,
    /// [`Cpu::target_strict_run`].
    TargetStrict,
    /// [`Cpu::target_loose_run`].
    TargetLoose,
    /// [`Cpu::value_run`].
    Value,
}

/// A routine compiled once per backend, inside a function with that
/// backend's target features, with the backend's [`Cpu`] token: run by
/// [`run`] with the chosen backend, or by [`run_with`] with a given one.
///
/// The arguments are the ones every head routine has, each passed on its
/// own so that they travel in registers: a struct of them would be stored
/// by the caller and loaded again by the callee on every call.
pub(crate) trait Routine<'b> {
    /// The header storage the routine fills.
    type Storage;

    /// What the routine needs only at its end (the C ABI's outputs), or
    /// `()`. Passed last: when the argument registers run out, it is the
    /// one that goes on the stack, stored once by the caller and loaded
    /// once at the end, and it holds no register through the routine.
    type Answer;

    /// What the routine returns.
    type Output;

    /// Runs the routine with `cpu`'s kernels on `buf` from `at`.
    fn run<B: Cpu>(
        cpu: B,
        config: &ParserConfig,
        buf: &'b [u8],
        at: usize,
        storage: Self::Storage,
        answer: Self::Answer,
    ) -> Self::Output;
}

/// The cached choice: 0 until the first use, then a [`Backend`]
/// discriminant. It only ever holds an available backend (see [`init`] and
/// [`force`]), which is what the dispatch's `unsafe` relies on.
static ACTIVE: AtomicU8 = AtomicU8::new(0);

/// Returns the backend in use, choosing it on the first call.
#[inline(always)]
pub(crate) fn active() -> Backend {
    match chosen() {
        Some(b) => b,
        None => init(),
    }
}

/// Returns the backend [`active`] chose, or `None` before its first call.
#[inline(always)]
pub(crate) fn chosen() -> Option<Backend> {
    Backend::from_u8(ACTIVE.load(Ordering::Relaxed))
}

/// Makes `b` the backend in use, if it is available; returns whether it is.
pub(crate) fn force(b: Backend) -> bool {
    if !available(b) {
        return false;
    }
    ACTIVE.store(b as u8, Ordering::Relaxed);
    true
}

/// Returns the backend `SPRINGBOK_BACKEND` names, when it is available.
#[cfg(feature = "std")]
fn requested() -> Option<Backend> {
    let name = std::env::var_os("SPRINGBOK_BACKEND")?;
    Backend::ALL.into_iter().find(|&b| name == b.name() && available(b))
}

/// Returns `None`: without `std` there is no environment to read.
#[cfg(not(feature = "std"))]
fn requested() -> Option<Backend> {
    None
}

/// Chooses the backend and caches the choice.
#[cold]
#[inline(never)]
fn init() -> Backend {
    // Racing first calls all compute the same answer; storing it twice is
    // harmless.
    let b = requested().unwrap_or_else(best);
    ACTIVE.store(b as u8, Ordering::Relaxed);
    b
}

/// [`run`] before the backend is chosen: chooses it, then runs the
/// routine. Out of line, so that the common path saves no registers for it;
/// its arguments in the order of the backends' functions, so that the
/// caller passes them in the same registers to either.
#[cold]
#[inline(never)]
fn run_first<'b, R: Routine<'b>>(
    buf: &'b [u8],
    at: usize,
    storage: R::Storage,
    config: &ParserConfig,
    answer: R::Answer,
) -> R::Output {
    active();
    run::<R>(config, buf, at, storage, answer)
}

/// Defines, from the list of backends, everything that names each one:
/// its function for routines, [`run`], [`run_with`], [`scan`],
/// [`available`] and [`best`]. The backends in braces need CPU features
/// and are tried in order; the last needs none and is the fallback.
macro_rules! backends {
    (
        { $($mod:ident::$cpu:ident = $features:literal if $cfg:meta;)+ }
        else $last_mod:ident::$last:ident;
    ) => {
        /// Each backend's function for [`Routine`]s: the routine compiled
        /// with the backend's target features. The buffer comes first and
        /// the config last: a C caller of the picohttpparser-shaped calls
        /// has the buffer and its length in the first two argument
        /// registers already, and the config is a constant there.
        mod entry {
            use super::*;

            $(
            /// Runs `R` with this backend's token.
            ///
            /// # Safety
            /// The CPU must run the backend.
            #[cfg($cfg)]
            #[inline(never)]
            #[target_feature(enable = $features)]
            pub(super) unsafe fn $mod<'b, R: Routine<'b>>(
                buf: &'b [u8],
                at: usize,
                storage: R::Storage,
                config: &ParserConfig,
                answer: R::Answer,
            ) -> R::Output {
                // SAFETY: the caller guarantees that the CPU runs the backend.
                R::run(unsafe { $mod::$cpu::new_unchecked() }, config, buf, at, storage, answer)
            }
            )+

            /// Runs `R` with the fallback backend's token.
            #[inline(never)]
            pub(super) fn $last_mod<'b, R: Routine<'b>>(
                buf: &'b [u8],
                at: usize,
                storage: R::Storage,
                config: &ParserConfig,
                answer: R::Answer,
            ) -> R::Output {
                // SAFETY: the fallback backend runs on every CPU.
                R::run(unsafe { $last_mod::$last::new_unchecked() }, config, buf, at, storage, answer)
            }
        }

        /// Runs `R` with the backend in use, in that backend's function.
        #[inline(always)]
        pub(crate) fn run<'b, R: Routine<'b>>(
            config: &ParserConfig,
            buf: &'b [u8],
            at: usize,
            storage: R::Storage,
            answer: R::Answer,
        ) -> R::Output {
            // One compare and a predicted branch a backend, in order, each
            // on a load of its own: compares of one value, or a `match`,
            // compile to a jump table, an indirect jump for every head.
            $(
            #[cfg($cfg)]
            if chosen() == Some(Backend::$cpu) {
                // SAFETY: `ACTIVE` holds only available backends.
                return unsafe { entry::$mod::<R>(buf, at, storage, config, answer) };
            }
            )+
            match chosen() {
                Some(_) => entry::$last_mod::<R>(buf, at, storage, config, answer),
                None => run_first::<R>(buf, at, storage, config, answer),
            }
        }

        /// Runs `R` with `cpu`, in its backend's function: for a routine
        /// called from inside another, such as the header loop, which runs
        /// in a function of its own for its registers. The choice is made
        /// at compile time.
        #[inline(always)]
        pub(crate) fn run_with<'b, B: Cpu, R: Routine<'b>>(
            cpu: B,
            config: &ParserConfig,
            buf: &'b [u8],
            at: usize,
            storage: R::Storage,
            answer: R::Answer,
        ) -> R::Output {
            let _ = cpu;
            match B::BACKEND {
                $(
                #[cfg($cfg)]
                // SAFETY: `cpu` is a token of the backend, which proves
                // that the CPU runs it (the `Cpu` contract).
                Backend::$cpu => unsafe { entry::$mod::<R>(buf, at, storage, config, answer) },
                )+
                _ => entry::$last_mod::<R>(buf, at, storage, config, answer),
            }
        }

        /// Returns the length of the run of `field`'s bytes at the start of
        /// `s`, with the kernel of `backend`, which must be [`active`]'s
        /// choice or the fallback (the dispatch trusts it). With a constant
        /// `backend`, the choice is made at compile time.
        #[inline(always)]
        pub(crate) fn scan(backend: Backend, field: Field, s: &[u8]) -> usize {
            match backend {
                $(
                #[cfg($cfg)]
                // SAFETY: `backend` is an available backend.
                Backend::$cpu => unsafe { $mod::$cpu::new_unchecked() }.run_of(field, s),
                )+
                // SAFETY: the fallback backend runs on every CPU.
                _ => unsafe { $last_mod::$last::new_unchecked() }.run_of(field, s),
            }
        }

        /// Returns whether `b` runs on this CPU.
        pub(crate) fn available(b: Backend) -> bool {
            match b {
                $(
                #[cfg($cfg)]
                Backend::$cpu => $mod::$cpu::new().is_some(),
                )+
                Backend::$last => true,
                #[allow(unreachable_patterns)]
                _ => false,
            }
        }

        /// Returns the first available backend of the list.
        pub(super) fn best() -> Backend {
            $(
            #[cfg($cfg)]
            {
                if $mod::$cpu::new().is_some() {
                    return Backend::$cpu;
                }
            }
            )+
            Backend::$last
        }
    };
}

// Every backend, in order of preference: its module and token, the target
// features its function is compiled with, and where it compiles; then the
// fallback, which needs none.
backends! {
    {
        avx2::Avx2 = "avx2,bmi1,bmi2" if any(target_arch = "x86_64", target_arch = "x86");
        sse42::Sse42 = "sse2,ssse3" if any(target_arch = "x86_64", target_arch = "x86");
        neon::Neon = "neon" if all(target_arch = "aarch64", target_feature = "neon");
    }
    else scalar::Scalar;
}
