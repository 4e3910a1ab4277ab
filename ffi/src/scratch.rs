//! Scratch space for values converted between the C and Rust layouts: on
//! the stack for the usual counts, on the heap beyond. Nothing is written
//! up front; a call initialises only the values it asks for.

use std::mem::MaybeUninit;

/// Room for `N` values of `T` on the stack, and a vector for calls that
/// need more.
pub(crate) struct Scratch<T, const N: usize> {
    stack: [MaybeUninit<T>; N],
    heap: Vec<MaybeUninit<T>>,
}

impl<T: Copy, const N: usize> Scratch<T, N> {
    /// Returns empty scratch space (no stores: its values are not
    /// initialised).
    #[inline(always)]
    pub(crate) fn new() -> Self {
        Scratch { stack: [MaybeUninit::uninit(); N], heap: Vec::new() }
    }

    /// Returns room for `len` values, not initialised, for a callee that
    /// writes them: on the stack up to `N`, on the heap beyond.
    #[inline(always)]
    pub(crate) fn uninit(&mut self, len: usize) -> &mut [MaybeUninit<T>] {
        if len <= N {
            &mut self.stack[..len]
        } else {
            self.heap.clear();
            self.heap.resize(len, MaybeUninit::uninit());
            &mut self.heap[..]
        }
    }

    /// Returns `len` values, each `fill`.
    #[inline(always)]
    pub(crate) fn filled(&mut self, len: usize, fill: T) -> &mut [T] {
        let out = if len <= N {
            let out = &mut self.stack[..len];
            out.fill(MaybeUninit::new(fill));
            out
        } else {
            self.heap.clear();
            self.heap.resize(len, MaybeUninit::new(fill));
            &mut self.heap[..]
        };
        // SAFETY: every element of `out` was just written, and
        // `MaybeUninit<T>` has the layout of `T`; the borrow is the same
        // one, only reinterpreted.
        unsafe { &mut *(std::ptr::from_mut::<[MaybeUninit<T>]>(out) as *mut [T]) }
    }

    /// Returns the values `items` yields, at most `len` of them, or the
    /// first error among them.
    #[inline(always)]
    pub(crate) fn made<E>(&mut self, len: usize, items: impl IntoIterator<Item = Result<T, E>>) -> Result<&mut [T], E> {
        let out = self.uninit(len);
        let mut written = 0;
        for (slot, item) in out.iter_mut().zip(items) {
            slot.write(item?);
            written += 1;
        }
        let out = &mut out[..written];
        // SAFETY: the loop wrote each of the first `written` elements, and
        // `MaybeUninit<T>` has the layout of `T`.
        Ok(unsafe { &mut *(std::ptr::from_mut::<[MaybeUninit<T>]>(out) as *mut [T]) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_up_to_n_heap_beyond() {
        let mut s = Scratch::<u8, 4>::new();
        let small = s.filled(3, 7);
        assert_eq!(small, [7, 7, 7]);
        let p = small.as_ptr();
        assert_eq!(p, s.stack.as_ptr().cast::<u8>());
        assert_eq!(s.uninit(4).len(), 4);
        let big = s.filled(9, 1);
        assert_eq!(big, [1; 9]);
        assert_ne!(big.as_ptr(), s.stack.as_ptr().cast::<u8>());
        assert_eq!(s.made(6, (0..6).map(Ok::<u8, ()>)).unwrap(), [0, 1, 2, 3, 4, 5]);
        assert_eq!(s.made(9, (0..3).map(Ok::<u8, ()>)).unwrap(), [0, 1, 2]);
        assert_eq!(s.made(2, [Ok(0), Err(1)]), Err(1));
    }
}
