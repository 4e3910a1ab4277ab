//! Agreement proofs for the vector kernels: every kernel of every available
//! backend against the scalar byte-class table, for all 256 byte values at
//! every position and alignment, on random buffers, and right before a
//! `PROT_NONE` guard page; and the whole test suite under each backend.

use super::scalar::{self, Scalar};
use super::*;
use crate::class::{self, TARGET_LOOSE, VALUE};
use proptest::prelude::*;
use std::vec::Vec;

#[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
use super::neon::Neon;
#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
use super::{avx2::Avx2, sse42::Sse42};

type Kernel = fn(&[u8]) -> usize;
type Classifier = fn(&[u8; 64]) -> (u64, u64);
type ShortClassifier = fn(&[u8]) -> (u64, u64);
type Skipper = fn(&[u8], usize) -> usize;

/// A backend's kernels and classifier as plain functions, which call them
/// with a token made from `B::new()` (so only on a CPU that runs them).
struct Fns {
    /// The four scanners, with the class each must match.
    kernels: Vec<(&'static str, Kernel, u8)>,
    /// The head classifier of a vector backend.
    classify: Option<(Classifier, ShortClassifier, Skipper)>,
}

/// [`Fns`] of `B`, empty when this CPU does not run it.
fn fns_of<B: Cpu>() -> Fns {
    fn cpu<B: Cpu>() -> B {
        B::new().expect("an available backend")
    }
    if B::new().is_none() {
        return Fns { kernels: Vec::new(), classify: None };
    }
    let kernels: Vec<(&'static str, Kernel, u8)> = std::vec![
        ("token", |s| cpu::<B>().token_run(s), TCHAR),
        ("target", |s| cpu::<B>().target_strict_run(s), TARGET),
        ("loose", |s| cpu::<B>().target_loose_run(s), TARGET_LOOSE),
        ("value", |s| cpu::<B>().value_run(s), VALUE),
    ];
    let classify = B::CLASSIFIES.then_some((
        (|block| cpu::<B>().classify(block)) as Classifier,
        (|buf| cpu::<B>().classify_short(buf)) as ShortClassifier,
        (|buf, from| cpu::<B>().skip_plain(buf, from)) as Skipper,
    ));
    Fns { kernels, classify }
}

/// [`Fns`] of the backend `b`.
fn fns(b: Backend) -> Fns {
    match b {
        Backend::Scalar => fns_of::<Scalar>(),
        #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
        Backend::Sse42 => fns_of::<Sse42>(),
        #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
        Backend::Avx2 => fns_of::<Avx2>(),
        #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
        Backend::Neon => fns_of::<Neon>(),
        _ => Fns { kernels: Vec::new(), classify: None },
    }
}

/// The four scanners of one backend, with the class each must match.
fn kernels(b: Backend) -> Vec<(&'static str, Kernel, u8)> {
    fns(b).kernels
}

fn available() -> Vec<Backend> {
    Backend::ALL.into_iter().filter(|b| b.is_available()).collect()
}

fn reference(s: &[u8], mask: u8) -> usize {
    s.iter().position(|&b| !class::is(b, mask)).unwrap_or(s.len())
}

#[test]
fn nibble_tables_match_the_class_table() {
    for (lut, mask) in [(&TCHAR_LUT, TCHAR), (&TARGET_LUT, TARGET)] {
        for b in 0u8..=255 {
            let hi = if b < 0x80 { lut.hi[usize::from(b >> 4)] } else { 0 };
            assert_eq!(lut.lo[usize::from(b & 15)] & hi != 0, class::is(b, mask), "byte {b:#x} class {mask}");
        }
    }
}

#[test]
fn head_tables_match_the_class_table() {
    for b in 0u8..=255 {
        let hi = HEAD_LUT.hi[usize::from(b >> 4)];
        // A vector lookup indexed by a byte with the top bit set gives 0.
        let c = if b < 0x80 { HEAD_LUT.lo[usize::from(b & 15)] & hi } else { 0 };
        assert_eq!(c & HEAD_TCHAR_BITS != 0, class::is(b, TCHAR), "tchar {b:#x}");
        let ctl = b < 0x20 || b == 0x7f;
        assert_eq!(c & HEAD_CTL_BITS != 0, ctl, "control {b:#x}");
        // The shortcuts the x86 classifiers take.
        assert_eq!(c.wrapping_add(HEAD_CTL_LIFT) & 0x80 != 0, ctl, "lifted control {b:#x}");
        assert_eq!(c == 0 || ctl, !class::is(b, TCHAR), "zero or control {b:#x}");
    }
}

/// The 64-byte head classifier of a backend, if it has one.
fn classifier(b: Backend) -> Option<Classifier> {
    fns(b).classify.map(|(classify, _, _)| classify)
}

/// [`Cpu::classify_short`] of a backend, if it has a classifier.
fn short_classifier(b: Backend) -> Option<ShortClassifier> {
    fns(b).classify.map(|(_, short, _)| short)
}

/// The reference for a buffer shorter than a block: its bytes' classes, and
/// every bit from its length on set.
fn classify_short_scalar(buf: &[u8]) -> (u64, u64) {
    let mut block = [0u8; 64];
    block[..buf.len()].copy_from_slice(buf);
    let (n, c) = scalar::classify(&block);
    let past_end = if buf.len() < 64 { !0u64 << buf.len() } else { 0 };
    (n | past_end, c | past_end)
}

/// Buffers of every length below a block (each load path: under 16 bytes,
/// 16-byte chunks, two 32-byte halves), with every byte value in every
/// position, classified like the reference; past the end is a stop.
#[test]
fn short_classifiers_agree_with_table_at_every_length() {
    for b in Backend::ALL {
        let Some(classify) = short_classifier(b) else { continue };
        for len in 0..64 {
            for filler in [b'a', b' ', 0x80] {
                let mut buf = std::vec![filler; len];
                assert_eq!(classify(&buf), classify_short_scalar(&buf), "{b:?} {len} × {filler:#x}");
                for pos in 0..len {
                    for byte in 0u8..=255 {
                        buf[pos] = byte;
                        assert_eq!(
                            classify(&buf),
                            classify_short_scalar(&buf),
                            "{b:?}: byte {byte:#x} at {pos} of {len} among {filler:#x}"
                        );
                    }
                    buf[pos] = filler;
                }
            }
        }
    }
}

/// Every byte value in every lane of a block, next to neighbours of every
/// kind, classified like the scalar reference.
#[test]
fn classifiers_agree_with_table_in_every_lane() {
    let mut ran = 0;
    for b in Backend::ALL {
        let Some(classify) = classifier(b) else { continue };
        ran += 1;
        for neighbour in [b'a', b':', b' ', 0x00, 0x09, 0x0d, 0x7f, 0x80, 0xff] {
            let mut block = [neighbour; 64];
            assert_eq!(classify(&block), scalar::classify(&block), "{b:?} all {neighbour:#x}");
            for lane in 0..64 {
                for byte in 0u8..=255 {
                    block[lane] = byte;
                    assert_eq!(
                        classify(&block),
                        scalar::classify(&block),
                        "{b:?}: byte {byte:#x} in lane {lane} among {neighbour:#x}"
                    );
                }
                block[lane] = neighbour;
            }
        }
    }
    // This machine's best backend has a classifier, whatever it is.
    assert_eq!(ran > 0, dispatch::best() != Backend::Scalar);
}

/// [`Cpu::skip_plain`] of a backend, if it has a classifier.
fn skipper(b: Backend) -> Option<Skipper> {
    fns(b).classify.map(|(_, _, skip)| skip)
}

/// The reference for [`Cpu::skip_plain`]: block by block from `from`, byte
/// by byte.
fn skip_plain_scalar(buf: &[u8], from: usize) -> usize {
    skip_plain_blocks(buf, from, scalar::has_ctl)
}

/// Every byte value at every position of the second block after `from`
/// (the first is plain), at several alignments: the skip stops at that
/// block exactly when the byte is a control byte or DEL, else at the tail
/// of fewer than 64 bytes.
#[test]
fn skips_agree_with_table_for_every_byte_in_every_lane() {
    for b in Backend::ALL {
        let Some(skip) = skipper(b) else { continue };
        for from in [0, 1, 17, 63] {
            for filler in [b'v', b' ', 0x80, 0xff] {
                let mut buf = std::vec![filler; from + 64 * 3 + 10];
                assert_eq!(skip(&buf, from), from + 192, "{b:?} all {filler:#x} from {from}");
                for lane in 0..64 {
                    for byte in 0u8..=255 {
                        buf[from + 64 + lane] = byte;
                        let expect = if byte < 0x20 || byte == 0x7f { from + 64 } else { from + 192 };
                        assert_eq!(skip(&buf, from), expect, "{b:?}: byte {byte:#x} in lane {lane} from {from}");
                        assert_eq!(skip_plain_scalar(&buf, from), expect, "reference");
                    }
                    buf[from + 64 + lane] = filler;
                }
            }
        }
    }
}

/// A header line's value of every length up to a few blocks, at every
/// alignment, ended by each kind of stop or by the buffer's end (right
/// before a guard page): both ends from `line_ends` (which passes over
/// whole plain blocks of a long value), like the reference.
#[cfg(target_os = "linux")]
#[test]
fn value_ends_after_long_values_agree_with_table() {
    use crate::head::finders::{BlockStops, Stops};
    fn check<B: Cpu>(cpu: B, buf: &[u8], start: usize, what: &str) {
        let mut stops = BlockStops::new(cpu, buf);
        let (colon, value_end) = stops.line_ends(start);
        assert_eq!(buf[colon], b':', "{what}");
        let expect =
            colon + 1 + buf[colon + 1..].iter().position(|&b| b < 0x20 || b == 0x7f).unwrap_or(buf.len() - colon - 1);
        assert_eq!(value_end, expect, "{what}: {} bytes from {start}", buf.len());
    }
    let mut guard = GuardPage::new();
    for start in 0..64 {
        for len in 0..260 {
            for end in [&b"\r\n"[..], b"\x00", b"\x7f", b"\t", b""] {
                let data = [&std::vec![b'a'; start][..], b"Name:", &std::vec![b'v'; len], end].concat();
                let s = guard.place(&data);
                let what = std::format!("value of {len} ended by {end:?}");
                #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
                {
                    if let Some(cpu) = Avx2::new() {
                        check(cpu, s, start, &what);
                    }
                    if let Some(cpu) = Sse42::new() {
                        check(cpu, s, start, &what);
                    }
                }
                #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
                check(Neon::new().expect("NEON"), s, start, &what);
            }
        }
    }
}

/// What [`check_stops`] asks a finder.
#[derive(Clone, Copy, Debug)]
enum Query {
    /// `name_end`.
    Name,
    /// `value_end`.
    Value,
    /// `line_ends`: both.
    Line,
}

/// The finders of every backend against a byte-by-byte reference, for a
/// rising sequence of queries over `buf` (as the header loop makes them).
fn check_stops(buf: &[u8], queries: &[(usize, Query)]) {
    use crate::head::finders::{BlockStops, ShortStops, Stops};
    fn reference(buf: &[u8], from: usize, name: bool, tab_stops: bool) -> usize {
        let stop =
            |&b: &u8| if name { !class::is(b, TCHAR) } else { b < 0x20 && (tab_stops || b != b'\t') || b == 0x7f };
        buf.get(from..).map_or(from, |s| from + s.iter().position(stop).unwrap_or(s.len()))
    }
    fn run(stops: &mut impl Stops, buf: &[u8], queries: &[(usize, Query)], tab_stops: bool, what: &str) {
        for &(from, query) in queries {
            let (got, expect) = match query {
                Query::Name => (stops.name_end(from), reference(buf, from, true, tab_stops)),
                Query::Value => (stops.value_end(from), reference(buf, from, false, tab_stops)),
                Query::Line => {
                    let name_end = reference(buf, from, true, tab_stops);
                    let (n, v) = stops.line_ends(from);
                    assert_eq!(n, name_end, "{what}: line query {from} (name) of {} bytes", buf.len());
                    (v, reference(buf, name_end, false, tab_stops))
                }
            };
            assert_eq!(got, expect, "{what}: query {from} ({query:?}) of {} bytes", buf.len());
        }
    }
    /// `run` from each way a header loop starts: no block classified
    /// (`new`), the block at the first query's position (`new_at`), the
    /// block at 0 or 64 when it holds that position (`new_near`), and for a
    /// buffer under a block the whole buffer (`ShortStops`).
    fn run_blocks<B: Cpu>(cpu: B, buf: &[u8], queries: &[(usize, Query)], what: &str) {
        let at = queries.first().map_or(0, |&(from, _)| from);
        let starts = [
            ("new", BlockStops::new(cpu, buf)),
            ("new_at", BlockStops::new_at(cpu, buf, at)),
            ("new_near", BlockStops::new_near(cpu, buf, at)),
        ];
        for (how, mut stops) in starts {
            run(&mut stops, buf, queries, true, &std::format!("{what} ({how} at {at})"));
        }
        if buf.len() < 64 {
            let mut stops = ShortStops::new(cpu, buf);
            run(&mut stops, buf, queries, true, &std::format!("{what} (short)"));
        }
    }
    run(&mut crate::head::finders::ScalarStops::new(buf), buf, queries, false, "scalar");
    #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
    {
        if let Some(cpu) = Avx2::new() {
            run_blocks(cpu, buf, queries, "avx2");
        }
        if let Some(cpu) = Sse42::new() {
            run_blocks(cpu, buf, queries, "sse4.2");
        }
    }
    #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
    run_blocks(Neon::new().expect("NEON"), buf, queries, "neon");
}

#[test]
fn scalar_is_always_available_and_the_choice_is_cached() {
    assert!(Backend::Scalar.is_available());
    let b = backend();
    assert!(b.is_available());
    assert_eq!(backend(), b);
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2")
        && std::is_x86_feature_detected!("bmi2")
        && std::env::var_os("SPRINGBOK_BACKEND").is_none()
    {
        assert_eq!(b, Backend::Avx2);
    }
}

/// Every byte value at every position of a 100-byte field (longer than a
/// 64-byte block, so the block loop, the 32-byte step and the overlapping
/// tail all run), at every alignment 0..64 of the field in its buffer.
fn sweep_positions_and_alignments(b: Backend) {
    const LEN: usize = 100;
    for (name, kernel, mask) in kernels(b) {
        let filler = if mask == TARGET_LOOSE || mask == VALUE { b'~' } else { b'a' };
        let mut buf = std::vec![filler; 64 + LEN + 64];
        for offset in 0..64 {
            for pos in 0..LEN {
                for byte in 0u8..=255 {
                    buf[offset + pos] = byte;
                    let expect = if class::is(byte, mask) { LEN } else { pos };
                    let got = kernel(&buf[offset..offset + LEN]);
                    assert_eq!(got, expect, "{b:?} {name}: byte {byte:#x} at {pos}, offset {offset}");
                    buf[offset + pos] = filler;
                }
            }
        }
    }
}

/// Every byte value at every position of fields of every length 0..=140
/// (every tail length of every vector width), followed in the buffer by
/// bytes that would extend the run (a kernel that looked past its slice
/// would return too much).
fn sweep_lengths(b: Backend) {
    for (name, kernel, mask) in kernels(b) {
        let filler = if mask == TARGET_LOOSE || mask == VALUE { b'~' } else { b'a' };
        let mut buf = std::vec![filler; 256];
        for len in 0..=140 {
            let offset = len % 37;
            let field = offset..offset + len;
            assert_eq!(kernel(&buf[field.clone()]), len, "{b:?} {name}: all-filler length {len}");
            for pos in 0..len {
                for byte in 0u8..=255 {
                    buf[offset + pos] = byte;
                    let expect = if class::is(byte, mask) { len } else { pos };
                    assert_eq!(kernel(&buf[field.clone()]), expect, "{b:?} {name}: byte {byte:#x} at {pos} of {len}");
                    buf[offset + pos] = filler;
                }
            }
        }
    }
}

#[test]
fn scalar_agrees_with_table_at_every_position_and_alignment() {
    sweep_positions_and_alignments(Backend::Scalar);
    sweep_lengths(Backend::Scalar);
}

#[test]
fn sse42_agrees_with_table_at_every_position_and_alignment() {
    sweep_positions_and_alignments(Backend::Sse42);
    sweep_lengths(Backend::Sse42);
}

#[test]
fn avx2_agrees_with_table_at_every_position_and_alignment() {
    sweep_positions_and_alignments(Backend::Avx2);
    sweep_lengths(Backend::Avx2);
}

#[test]
fn neon_agrees_with_table_at_every_position_and_alignment() {
    sweep_positions_and_alignments(Backend::Neon);
    sweep_lengths(Backend::Neon);
}

#[test]
fn find_any3_finds_every_position() {
    for len in 0..48 {
        let none = std::vec![b'a'; len];
        assert_eq!(find_any3(&none, b'?', b'#', b'%'), None);
        for at in 0..len {
            for (i, needle) in [b'?', b'#', b'%'].into_iter().enumerate() {
                let mut s = none.clone();
                s[at] = needle;
                if i == 0 && at + 1 < len {
                    s[len - 1] = b'%'; // a later match does not win
                }
                assert_eq!(find_any3(&s, b'?', b'#', b'%'), Some(at), "{len} {at}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn find_any3_agrees_with_its_scalar_twin(buf in proptest::collection::vec(
        prop_oneof![8 => Just(b'a'), 1 => Just(b'?'), 1 => Just(b'#'), 1 => Just(b'%'), 1 => any::<u8>()], 0..80),
        start in 0usize..20) {
        let s: &[u8] = buf.get(start..).unwrap_or(&[]);
        prop_assert_eq!(find_any3(s, b'?', b'#', b'%'), find_any3_scalar(s, b'?', b'#', b'%'));
        prop_assert_eq!(find_any3(s, b'#', b'#', b'#'), find_any3_scalar(s, b'#', b'#', b'#'));
    }

    #[test]
    fn kernels_agree_with_table_on_random_buffers(buf in proptest::collection::vec(any::<u8>(), 0..300),
                                                  start in 0usize..64) {
        let s: &[u8] = buf.get(start..).unwrap_or(&[]);
        for b in available() {
            for (name, kernel, mask) in kernels(b) {
                prop_assert_eq!(kernel(s), reference(s, mask), "{:?} {}", b, name);
            }
        }
    }

    #[test]
    fn classifiers_agree_with_table_on_random_blocks(block in proptest::array::uniform32(any::<u8>()),
                                                     block2 in proptest::array::uniform32(any::<u8>())) {
        let mut whole = [0u8; 64];
        whole[..32].copy_from_slice(&block);
        whole[32..].copy_from_slice(&block2);
        for b in Backend::ALL {
            if let Some(classify) = classifier(b) {
                prop_assert_eq!(classify(&whole), scalar::classify(&whole), "{:?}", b);
            }
        }
    }

    /// Block finders on buffers of head-like bytes, queried at rising
    /// positions (some inside a block, some past it, some at or past the
    /// end).
    #[test]
    fn block_finders_agree_with_table(
        buf in proptest::collection::vec(prop_oneof![Just(b'a'), Just(b':'), Just(b' '), Just(b'\r'),
                                                     Just(b'\n'), Just(b'\t'), Just(0x7f), Just(0xe9), any::<u8>()], 0..300),
        steps in proptest::collection::vec((0usize..80, prop_oneof![Just(Query::Name), Just(Query::Value), Just(Query::Line)]), 1..20),
    ) {
        let mut at = 0;
        let queries: Vec<(usize, Query)> =
            steps.iter().map(|&(step, query)| { at = (at + step).min(buf.len()); (at, query) }).collect();
        check_stops(&buf, &queries);
    }

    /// Mostly in-class buffers, so runs are long and the block loops run.
    #[test]
    fn kernels_agree_with_table_on_long_runs(len in 0usize..600, start in 0usize..64,
                                             bad in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..3)) {
        for b in available() {
            for (name, kernel, mask) in kernels(b) {
                let filler = if mask == TARGET_LOOSE || mask == VALUE { b'~' } else { b'a' };
                let mut buf = std::vec![filler; start + len];
                for &(at, byte) in &bad {
                    if len > 0 {
                        buf[start + at % len] = byte;
                    }
                }
                let s = &buf[start..];
                prop_assert_eq!(kernel(s), reference(s, mask), "{:?} {}", b, name);
            }
        }
    }
}

/// Two pages from `mmap`, the second made `PROT_NONE`: a read past the end
/// of the first page faults.
#[cfg(target_os = "linux")]
struct GuardPage {
    base: *mut u8,
    page: usize,
}

#[cfg(target_os = "linux")]
impl GuardPage {
    fn new() -> GuardPage {
        // SAFETY: plain FFI calls; `sysconf` has no preconditions, `mmap`
        // asks for a fresh private anonymous mapping (checked for failure),
        // and `mprotect` changes the protection of its second page, which
        // lies inside that mapping.
        unsafe {
            let page = usize::try_from(libc::sysconf(libc::_SC_PAGESIZE)).expect("page size");
            let base = libc::mmap(
                core::ptr::null_mut(),
                2 * page,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(base, libc::MAP_FAILED, "mmap");
            let base = base.cast::<u8>();
            assert_eq!(libc::mprotect(base.add(page).cast(), page, libc::PROT_NONE), 0, "mprotect");
            GuardPage { base, page }
        }
    }

    /// Copies `data` so that it ends exactly at the guard page, and returns
    /// that copy.
    fn place(&mut self, data: &[u8]) -> &[u8] {
        assert!(data.len() <= self.page);
        // SAFETY: the destination `base + page - len .. base + page` is in
        // the first, writable page of the mapping, which nothing else
        // references (`&mut self`); the returned slice borrows `self`, so the
        // mapping outlives it.
        unsafe {
            let dst = self.base.add(self.page - data.len());
            core::ptr::copy_nonoverlapping(data.as_ptr(), dst, data.len());
            core::slice::from_raw_parts(dst, data.len())
        }
    }
}

#[cfg(target_os = "linux")]
impl Drop for GuardPage {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the mapping made in `new`; no slice into it
        // outlives `self`.
        unsafe {
            libc::munmap(self.base.cast(), 2 * self.page);
        }
    }
}

/// No kernel reads past the end of its slice: runs that reach the end of a
/// buffer that ends at a guard page, of every length up to 300 (a read past
/// the end would fault).
#[cfg(target_os = "linux")]
#[test]
fn kernels_never_read_past_the_end() {
    let mut guard = GuardPage::new();
    for b in available() {
        for (name, kernel, mask) in kernels(b) {
            let filler = if mask == TARGET_LOOSE || mask == VALUE { b'~' } else { b'a' };
            for len in 0..=300 {
                let data = std::vec![filler; len];
                let s = guard.place(&data);
                assert_eq!(kernel(s), len, "{b:?} {name} length {len}");
                // And with the stop byte last.
                if len > 0 {
                    let mut data = data;
                    data[len - 1] = 0;
                    let s = guard.place(&data);
                    assert_eq!(kernel(s), len - 1, "{b:?} {name} length {len}, stop last");
                }
            }
        }
    }
}

/// The block finders never read past the end: buffers of every length up
/// to 200 ending at the guard page, queried at every start position, for
/// fields running to the end and for stops placed last.
#[cfg(target_os = "linux")]
#[test]
fn block_finders_never_read_past_the_end() {
    let mut guard = GuardPage::new();
    for len in 0..=200 {
        for filler in [b'a', b'~'] {
            let mut data = std::vec![filler; len];
            for stop_last in [false, true] {
                if stop_last && len > 0 {
                    data[len - 1] = b'\r';
                }
                let s = guard.place(&data);
                for from in 0..=len {
                    check_stops(s, &[(from, Query::Name), (from, Query::Value), (len, Query::Name)]);
                    check_stops(s, &[(from, Query::Line), (len, Query::Line)]);
                }
            }
        }
    }
}

/// The parser (with whatever backend this process runs: see
/// [`full_test_suite_runs_under_every_backend`]) on every prefix of requests
/// and responses placed right before the guard page.
#[cfg(target_os = "linux")]
#[test]
fn parser_never_reads_past_the_end() {
    use crate::{ParserConfig, EMPTY_HEADER};
    let long_value = std::vec![b'v'; 200];
    let long_target = std::vec![b'/'; 150];
    let heads: [Vec<u8>; 4] = [
        b"GET /wp-content/uploads/2010/03/hello-kitty.jpg HTTP/1.1\r\nHost: www.kittyhell.com\r\nAccept: */*\r\n\r\n"
            .to_vec(),
        [b"POST ".as_slice(), &long_target, b"?q=%20x HTTP/1.1\r\nX-Long: ", &long_value, b"\r\na: b\r\n\r\n"].concat(),
        [b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Long: ", long_value.as_slice(), b"\r\n\r\n"].concat(),
        b"GET / HTTP/1.1\r\nabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz0123456789: v\r\n\r\n".to_vec(),
    ];
    let mut guard = GuardPage::new();
    let configs = [ParserConfig::new(), ParserConfig::picohttpparser_compatible()];
    for head in &heads {
        for k in 0..=head.len() {
            let s = guard.place(&head[..k]);
            for config in &configs {
                let mut h = [EMPTY_HEADER; 8];
                if head.starts_with(b"HTTP/") {
                    let _ = config.parse_response(s, 0, &mut h);
                } else {
                    let _ = config.parse_request(s, 0, &mut h);
                }
                let mut h = [EMPTY_HEADER; 8];
                let _ = config.parse_headers(s, 0, &mut h);
            }
        }
    }
}

/// Runs this crate's whole unit-test suite (the grammar tests of
/// `tests.rs`, the scanner tests, the guard-page tests above) again in a
/// child process per available backend, selected with `SPRINGBOK_BACKEND`.
/// In the child, this test only checks that the selection took effect.
///
/// A cross-compiled test binary runs under an emulator (cargo's
/// `CARGO_TARGET_<triple>_RUNNER`, e.g. `qemu-aarch64 -L /usr/aarch64-linux-gnu`
/// in `scripts/test-neon`), and so must its children: `SPRINGBOK_TEST_RUNNER`
/// holds that command line, words separated by spaces.
#[cfg(feature = "std")]
#[test]
fn full_test_suite_runs_under_every_backend() {
    if let Some(name) = std::env::var_os("SPRINGBOK_BACKEND") {
        assert_eq!(backend().name(), name, "SPRINGBOK_BACKEND names an unavailable backend");
        return;
    }
    let exe = std::env::current_exe().expect("test binary");
    let runner_line = std::env::var("SPRINGBOK_TEST_RUNNER").unwrap_or_default();
    let runner = runner_line.split_whitespace();
    for b in available() {
        let mut child = match runner.clone().next() {
            Some(program) => {
                let mut c = std::process::Command::new(program);
                c.args(runner.clone().skip(1)).arg(&exe);
                c
            }
            None => std::process::Command::new(&exe),
        };
        let out = child
            .env("SPRINGBOK_BACKEND", b.name())
            // The kernel sweeps call every backend directly: no need to
            // repeat them.
            .args(["--test-threads", "2", "-q", "--skip", "agrees_with_table"])
            .output()
            .expect("run the test binary");
        assert!(
            out.status.success(),
            "test suite failed under {b:?}:\n{}\n{}",
            std::string::String::from_utf8_lossy(&out.stdout),
            std::string::String::from_utf8_lossy(&out.stderr)
        );
    }
}
