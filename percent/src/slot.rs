//! Where the encoder and the decoder write: initialised bytes, or memory that is not yet (an FFI
//! caller's buffer), through one generic code path.

use core::mem::MaybeUninit;

/// A place the encoders and decoders write to and never read from.
pub(crate) trait Slot {
    fn set(&mut self, byte: u8);
}

impl Slot for u8 {
    #[inline(always)]
    fn set(&mut self, byte: u8) {
        *self = byte;
    }
}

impl Slot for MaybeUninit<u8> {
    #[inline(always)]
    fn set(&mut self, byte: u8) {
        self.write(byte);
    }
}

/// Writes `bytes` to the start of `dst` (as long as the shorter of the two).
#[inline(always)]
pub(crate) fn put_all<T: Slot>(dst: &mut [T], bytes: &[u8]) {
    for (d, &b) in dst.iter_mut().zip(bytes) {
        d.set(b);
    }
}
