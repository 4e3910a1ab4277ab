//! Scratch space for values converted between the C and Rust layouts: on
//! the stack for the usual counts, on the heap beyond.

/// Room for `N` values of `T` on the stack, and a vector for calls that
/// need more.
pub(crate) struct Scratch<T, const N: usize> {
    stack: [T; N],
    heap: Vec<T>,
    fill: T,
}

impl<T: Copy, const N: usize> Scratch<T, N> {
    /// Returns scratch space whose unused values are `fill` (which may be
    /// `MaybeUninit::uninit()`: then nothing is written).
    #[inline(always)]
    pub(crate) fn new(fill: T) -> Self {
        Scratch { stack: [fill; N], heap: Vec::new(), fill }
    }

    /// Returns `len` values: on the stack up to `N`, on the heap beyond.
    #[inline(always)]
    pub(crate) fn get(&mut self, len: usize) -> &mut [T] {
        if len <= N {
            &mut self.stack[..len]
        } else {
            self.heap.resize(len, self.fill);
            &mut self.heap[..]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_up_to_n_heap_beyond() {
        let mut s = Scratch::<u8, 4>::new(7);
        let small = s.get(3);
        assert_eq!(small, [7, 7, 7]);
        let p = small.as_ptr();
        assert_eq!(p, s.stack.as_ptr());
        assert_eq!(s.get(4).len(), 4);
        let big = s.get(9);
        assert_eq!(big, [7; 9]);
        assert_ne!(big.as_ptr(), s.stack.as_ptr());
    }
}
