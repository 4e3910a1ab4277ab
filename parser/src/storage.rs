//! The caller's header storage, which the parser fills in order: a slice of
//! [`Header`]s, or of `MaybeUninit<T>`s that need no initialising, where
//! `T` is a [`Header`] or any other [`FromHeader`] type (the C ABI's
//! `struct sb_header`).
//!
//! Four names, one per role: a [`Slot`] is one element of the storage (a
//! type the parser can write a header into), [`Filled`] the slots whose
//! written headers the parser hands back as a slice, [`Storage`] is the
//! whole slice with its count of filled slots, and [`FreeSlots`] is the
//! rest of the slice for the header loop, which keeps it in registers.

use core::mem::MaybeUninit;
use core::slice::IterMut;

use crate::Header;

/// A header in another layout: what
/// [`ParserConfig::parse_request_into`](crate::ParserConfig::parse_request_into)
/// and its twins write into `MaybeUninit<Self>` storage, one value per
/// header, front to back. The C ABI's `struct sb_header` is one; so is
/// [`Header`] itself.
pub trait FromHeader<'b>: Sized {
    /// Returns `header`, whose name is not empty, in this layout.
    fn from_header(header: Header<'b>) -> Self;

    /// Returns an obs-fold continuation line in this layout: `header.name`
    /// is empty (a slice of the input where the line starts) and
    /// `header.value` is the line's value. Only
    /// [`ObsFold::Continuation`](crate::ObsFold::Continuation) produces
    /// one; by default it is [`from_header`](Self::from_header)'s.
    #[inline(always)]
    fn from_continuation(header: Header<'b>) -> Self {
        Self::from_header(header)
    }
}

impl<'b> FromHeader<'b> for Header<'b> {
    #[inline(always)]
    fn from_header(header: Header<'b>) -> Self {
        header
    }
}

/// A type the parser can store one header in: [`Header`], or
/// `MaybeUninit<T>` of a [`FromHeader`] type.
pub(crate) trait Slot<'b>: Sized {
    /// Stores `h`, whose name is not empty, in the slot.
    fn set(&mut self, h: Header<'b>);

    /// Stores an obs-fold continuation line (`h.name` empty) in the slot.
    fn set_continuation(&mut self, h: Header<'b>);
}

/// A [`Slot`] whose written headers the parser returns as a slice.
pub(crate) trait Filled<'b>: Slot<'b> {
    /// Returns the headers in `slots`.
    ///
    /// # Safety
    /// Every slot in `slots` must have been written by [`Slot::set`] or
    /// [`Slot::set_continuation`].
    unsafe fn assume_set(slots: &[Self]) -> &[Header<'b>];
}

impl<'b> Slot<'b> for Header<'b> {
    #[inline(always)]
    fn set(&mut self, h: Header<'b>) {
        *self = h;
    }

    #[inline(always)]
    fn set_continuation(&mut self, h: Header<'b>) {
        *self = h;
    }
}

impl<'b> Filled<'b> for Header<'b> {
    #[inline(always)]
    unsafe fn assume_set(slots: &[Self]) -> &[Header<'b>] {
        slots
    }
}

impl<'b, T: FromHeader<'b>> Slot<'b> for MaybeUninit<T> {
    #[inline(always)]
    fn set(&mut self, h: Header<'b>) {
        self.write(T::from_header(h));
    }

    #[inline(always)]
    fn set_continuation(&mut self, h: Header<'b>) {
        self.write(T::from_continuation(h));
    }
}

impl<'b> Filled<'b> for MaybeUninit<Header<'b>> {
    #[inline(always)]
    unsafe fn assume_set(slots: &[Self]) -> &[Header<'b>] {
        // SAFETY: the caller guarantees that every slot was written by
        // `set`, so each holds a valid `Header`. `MaybeUninit<T>` has the
        // same size, alignment and layout as `T`, so the cast slice covers
        // exactly those values, borrowed as `slots` is.
        unsafe { core::slice::from_raw_parts(slots.as_ptr().cast::<Header<'b>>(), slots.len()) }
    }
}

/// The caller's header storage: a slice of slots, the first `len` filled.
pub(crate) struct Storage<'h, T> {
    slots: &'h mut [T],
    /// Invariant: `len <= slots.len()`, and the first `len` slots hold
    /// headers stored by [`Storage::push`], [`Storage::push_continuation`]
    /// or [`FreeSlots::push`].
    len: usize,
}

impl<'h, T> Storage<'h, T> {
    /// Returns empty storage over `slots`.
    pub(crate) fn new(slots: &'h mut [T]) -> Self {
        Storage { slots, len: 0 }
    }
}

impl<'h, 'b, T: Slot<'b>> Storage<'h, T> {
    /// Stores `h` in the next slot; returns `false` when the storage is
    /// full.
    #[inline(always)]
    pub(crate) fn push(&mut self, h: Header<'b>) -> bool {
        match self.slots.get_mut(self.len) {
            Some(slot) => {
                slot.set(h);
                self.len += 1;
                true
            }
            None => false,
        }
    }

    /// Stores an obs-fold continuation line (`h.name` empty) in the next
    /// slot; returns `false` when the storage is full.
    pub(crate) fn push_continuation(&mut self, h: Header<'b>) -> bool {
        match self.slots.get_mut(self.len) {
            Some(slot) => {
                slot.set_continuation(h);
                self.len += 1;
                true
            }
            None => false,
        }
    }

    /// Returns how many slots are filled.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Runs `f` with the free slots, for a hot loop, and counts what it
    /// stored: `f` hands back what is left of them.
    ///
    /// [`FreeSlots`] is a value of two pointers, which the loop keeps in
    /// registers; pushing through `self` instead reloads the slice and the
    /// count from memory after every header, because the stores to the
    /// slots might alias them as far as the compiler knows.
    #[inline(always)]
    pub(crate) fn batch<R>(&mut self, f: impl for<'s> FnOnce(FreeSlots<'s, T>) -> (R, FreeSlots<'s, T>)) -> R {
        let free = self.slots.get_mut(self.len..).unwrap_or_default();
        let before = free.len();
        let (r, rest) = f(FreeSlots { slots: free.iter_mut() });
        // `rest` is what is left of the `FreeSlots` made here (only `batch`
        // makes one, and `f` works for any lifetime `'s`, so it cannot hand
        // back another), and `FreeSlots` writes every slot it takes, in
        // order.
        self.len += before - rest.slots.len();
        r
    }

    /// Returns the filled slots as headers.
    #[inline(always)]
    pub(crate) fn into_filled(self) -> &'h [Header<'b>]
    where
        T: Filled<'b>,
    {
        let slots: &'h [T] = self.slots;
        // SAFETY: by the invariant on `len`, the first `len` slots were
        // written by `Slot::set` or `set_continuation`.
        unsafe { T::assume_set(&slots[..self.len]) }
    }
}

/// The free slots of a [`Storage`], filled front to back.
///
/// Only [`Storage::batch`] makes one, and its only way to take a slot is
/// [`push`](FreeSlots::push), which writes it: every slot taken is
/// initialised, which [`Storage::into_filled`] relies on.
pub(crate) struct FreeSlots<'s, T> {
    slots: IterMut<'s, T>,
}

impl<T> FreeSlots<'_, T> {
    /// Stores `h` in the next free slot; returns `false` when there is none.
    #[inline(always)]
    pub(crate) fn push<'b>(&mut self, h: Header<'b>) -> bool
    where
        T: Slot<'b>,
    {
        match self.slots.next() {
            Some(slot) => {
                slot.set(h);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EMPTY_HEADER;

    fn h(name: &'static [u8]) -> Header<'static> {
        Header { name, value: b"v" }
    }

    /// Pushes one header, then two in a batch, then one more, into storage
    /// of `slots.len()`; returns what each push reported.
    fn fill<'b, T: Filled<'b>>(storage: &mut Storage<'_, T>, headers: [Header<'b>; 4]) -> [bool; 4] {
        let first = storage.push(headers[0]);
        let (second, third) = storage.batch(|mut free| {
            let second = free.push(headers[1]);
            let third = free.push(headers[2]);
            ((second, third), free)
        });
        [first, second, third, storage.push(headers[3])]
    }

    #[test]
    fn batches_and_pushes_fill_the_slots_in_order() {
        let headers = [h(b"a"), h(b"b"), h(b"c"), h(b"d")];
        for cap in 0..=5 {
            let expect: std::vec::Vec<_> = headers.iter().copied().take(cap).collect();
            let pushed: std::vec::Vec<bool> = (0..4).map(|i| i < cap).collect();

            let mut init = std::vec![EMPTY_HEADER; cap];
            let mut storage = Storage::new(&mut init);
            assert_eq!(fill(&mut storage, headers).to_vec(), pushed, "initialised, {cap} slots");
            assert_eq!(storage.into_filled(), &expect[..], "initialised, {cap} slots");

            let mut uninit = std::vec![MaybeUninit::<Header<'_>>::uninit(); cap];
            let mut storage = Storage::new(&mut uninit);
            assert_eq!(fill(&mut storage, headers).to_vec(), pushed, "uninitialised, {cap} slots");
            assert_eq!(storage.into_filled(), &expect[..], "uninitialised, {cap} slots");
        }
    }

    #[test]
    fn a_batch_that_pushes_nothing_fills_nothing() {
        let mut uninit = [MaybeUninit::<Header<'_>>::uninit(); 3];
        let mut storage = Storage::new(&mut uninit);
        storage.batch(|free| ((), free));
        assert!(storage.push(h(b"x")));
        assert_eq!(storage.into_filled(), &[h(b"x")]);
    }
}
