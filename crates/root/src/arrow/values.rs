//! arrow/values (layer 6): big-endian basket bytes → Arrow primitive, boolean and string arrays.

use std::sync::Arc;

use arrow_array::types::*;
use arrow_array::{ArrayRef, BooleanArray, PrimitiveArray, StringArray};
use arrow_buffer::{BooleanBuffer, Buffer, OffsetBuffer, ScalarBuffer};

use crate::arrow::types::{Packing, Prim};
use crate::bytes::Cursor;
use crate::error::{Error, Result};

/// Growable storage for decoded values of one primitive type.
#[derive(Debug)]
pub enum Values {
    /// Booleans.
    Bool(Vec<bool>),
    /// Int8.
    I8(Vec<i8>),
    /// UInt8.
    U8(Vec<u8>),
    /// Int16.
    I16(Vec<i16>),
    /// UInt16.
    U16(Vec<u16>),
    /// Int32.
    I32(Vec<i32>),
    /// UInt32.
    U32(Vec<u32>),
    /// Int64.
    I64(Vec<i64>),
    /// UInt64.
    U64(Vec<u64>),
    /// Float32.
    F32(Vec<f32>),
    /// Float64.
    F64(Vec<f64>),
}

macro_rules! extend_be {
    ($v:expr, $bytes:expr, $t:ty) => {{
        // Resize then convert in place: a counted loop over exact chunks that LLVM vectorises
        // (byte-swap shuffles), unlike `extend` over a mapped iterator.
        const N: usize = std::mem::size_of::<$t>();
        let start = $v.len();
        let n = $bytes.len() / N;
        $v.resize(start + n, <$t>::default());
        for (dst, c) in $v[start..].iter_mut().zip($bytes.chunks_exact(N)) {
            let mut a = [0u8; N];
            a.copy_from_slice(c);
            *dst = <$t>::from_be_bytes(a);
        }
    }};
}

impl Values {
    /// Empty storage for `prim` with room for `cap` values.
    pub fn with_capacity(prim: Prim, cap: usize) -> Self {
        match prim {
            Prim::Bool => Values::Bool(Vec::with_capacity(cap)),
            Prim::I8 => Values::I8(Vec::with_capacity(cap)),
            Prim::U8 => Values::U8(Vec::with_capacity(cap)),
            Prim::I16 => Values::I16(Vec::with_capacity(cap)),
            Prim::U16 => Values::U16(Vec::with_capacity(cap)),
            Prim::I32 => Values::I32(Vec::with_capacity(cap)),
            Prim::U32 => Values::U32(Vec::with_capacity(cap)),
            Prim::I64 => Values::I64(Vec::with_capacity(cap)),
            Prim::U64 => Values::U64(Vec::with_capacity(cap)),
            Prim::F32 | Prim::F16(_) => Values::F32(Vec::with_capacity(cap)),
            Prim::F64 | Prim::D32(_) => Values::F64(Vec::with_capacity(cap)),
        }
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            Values::Bool(v) => v.len(),
            Values::I8(v) => v.len(),
            Values::U8(v) => v.len(),
            Values::I16(v) => v.len(),
            Values::U16(v) => v.len(),
            Values::I32(v) => v.len(),
            Values::U32(v) => v.len(),
            Values::I64(v) => v.len(),
            Values::U64(v) => v.len(),
            Values::F32(v) => v.len(),
            Values::F64(v) => v.len(),
        }
    }

    /// Appends the values in `bytes` (a whole number of on-disk values of `prim`).
    pub fn extend_from_be(&mut self, prim: Prim, bytes: &[u8]) -> Result<()> {
        let size = prim.disk_size();
        if !bytes.len().is_multiple_of(size) {
            return Err(Error::corrupt(
                0,
                format!("{} bytes is not a whole number of {size}-byte values", bytes.len()),
            ));
        }
        match (self, prim.packing()) {
            (Values::Bool(v), _) => v.extend(bytes.iter().map(|&b| b != 0)),
            (Values::I8(v), _) => v.extend(bytes.iter().map(|&b| b as i8)),
            (Values::U8(v), _) => v.extend_from_slice(bytes),
            (Values::I16(v), _) => extend_be!(v, bytes, i16),
            (Values::U16(v), _) => extend_be!(v, bytes, u16),
            (Values::I32(v), _) => extend_be!(v, bytes, i32),
            (Values::U32(v), _) => extend_be!(v, bytes, u32),
            (Values::I64(v), _) => extend_be!(v, bytes, i64),
            (Values::U64(v), _) => extend_be!(v, bytes, u64),
            (Values::F32(v), Packing::Float) => extend_be!(v, bytes, f32),
            (Values::F64(v), Packing::Float) if matches!(prim, Prim::D32(_)) => {
                v.extend(bytes.chunks_exact(4).map(|c| f32::from_be_bytes([c[0], c[1], c[2], c[3]]) as f64))
            }
            (Values::F64(v), Packing::Float) => extend_be!(v, bytes, f64),
            (Values::F32(v), Packing::Factor { xmin, factor }) => {
                v.extend(bytes.chunks_exact(4).map(|c| (be_u32(c) as f64 / factor + xmin) as f32))
            }
            (Values::F64(v), Packing::Factor { xmin, factor }) => {
                v.extend(bytes.chunks_exact(4).map(|c| be_u32(c) as f64 / factor + xmin))
            }
            (Values::F32(v), Packing::Nbits(n)) => v.extend(bytes.chunks_exact(3).map(|c| nbits_float(c, n))),
            (Values::F64(v), Packing::Nbits(n)) => v.extend(bytes.chunks_exact(3).map(|c| nbits_float(c, n) as f64)),
        }
        Ok(())
    }

    /// The Arrow array (no nulls).
    pub fn finish(self) -> ArrayRef {
        fn prim<T: arrow_array::ArrowPrimitiveType>(v: Vec<T::Native>) -> ArrayRef {
            Arc::new(PrimitiveArray::<T>::new(ScalarBuffer::from(v), None))
        }
        match self {
            Values::Bool(v) => Arc::new(BooleanArray::new(BooleanBuffer::from(v), None)),
            Values::I8(v) => prim::<Int8Type>(v),
            Values::U8(v) => prim::<UInt8Type>(v),
            Values::I16(v) => prim::<Int16Type>(v),
            Values::U16(v) => prim::<UInt16Type>(v),
            Values::I32(v) => prim::<Int32Type>(v),
            Values::U32(v) => prim::<UInt32Type>(v),
            Values::I64(v) => prim::<Int64Type>(v),
            Values::U64(v) => prim::<UInt64Type>(v),
            Values::F32(v) => prim::<Float32Type>(v),
            Values::F64(v) => prim::<Float64Type>(v),
        }
    }
}

fn be_u32(c: &[u8]) -> u32 {
    u32::from_be_bytes([c[0], c[1], c[2], c[3]])
}

/// ROOT's `TBufferFile::ReadWithNbits`: 1-byte exponent, 2-byte mantissa truncated to `nbits`, sign above it.
fn nbits_float(c: &[u8], nbits: u32) -> f32 {
    let exp = c[0] as u32;
    let man = u16::from_be_bytes([c[1], c[2]]) as u32;
    let mut bits = exp << 23;
    bits |= (man & ((1 << (nbits + 1)) - 1)) << (23 - nbits);
    let v = f32::from_bits(bits);
    if (1 << (nbits + 1)) & man != 0 { -v } else { v }
}

/// Growable UTF-8 strings (ROOT does not promise UTF-8: invalid bytes are replaced).
#[derive(Debug, Default)]
pub struct Strings {
    offsets: Vec<i32>,
    bytes: Vec<u8>,
}

impl Strings {
    /// Empty storage.
    pub fn new() -> Self {
        Strings { offsets: vec![0], bytes: Vec::new() }
    }

    /// Number of strings.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Appends one string's bytes.
    pub fn push(&mut self, s: &[u8]) -> Result<()> {
        match std::str::from_utf8(s) {
            Ok(_) => self.bytes.extend_from_slice(s),
            Err(_) => self.bytes.extend_from_slice(String::from_utf8_lossy(s).as_bytes()),
        }
        let end = i32::try_from(self.bytes.len())
            .map_err(|_| Error::unsupported("more than 2 GiB of strings in one batch"))?;
        self.offsets.push(end);
        Ok(())
    }

    /// Reads one ROOT string (1-byte length, 255 ⇒ 4-byte length) at the cursor and appends it.
    pub fn push_root_string(&mut self, c: &mut Cursor) -> Result<()> {
        let s = c.string_bytes()?;
        self.push(s)
    }

    /// The Arrow array.
    pub fn finish(self) -> Result<ArrayRef> {
        let offsets = OffsetBuffer::new(ScalarBuffer::from(self.offsets));
        Ok(Arc::new(StringArray::try_new(offsets, Buffer::from_vec(self.bytes), None)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;
    use arrow_array::cast::AsArray;

    #[test]
    fn big_endian_values_become_native() {
        let mut v = Values::with_capacity(Prim::I32, 2);
        v.extend_from_be(Prim::I32, &[0, 0, 1, 0, 0xff, 0xff, 0xff, 0xfe]).unwrap();
        let a = v.finish();
        assert_eq!(a.as_primitive::<Int32Type>().values().as_ref(), &[256, -2]);
        assert!(Values::with_capacity(Prim::I32, 0).extend_from_be(Prim::I32, &[1, 2, 3]).is_err());
    }

    #[test]
    fn double32_with_factor() {
        // [0, 100, 16]: raw 32768 → 32768 / 655.36 = 50.0
        let r = crate::dict::FloatRange { xmin: 0.0, xmax: 100.0, nbits: 16 };
        let mut v = Values::with_capacity(Prim::D32(Some(r)), 1);
        v.extend_from_be(Prim::D32(Some(r)), &32768u32.to_be_bytes()).unwrap();
        assert_eq!(v.finish().as_primitive::<Float64Type>().value(0), 50.0);
    }

    #[test]
    fn nbits_floats_match_root_layout() {
        // 1.5f = 0x3FC00000: exponent byte 0x7F, mantissa 0x400000 >> (23-12) = 0x800; sign bit at 1<<13.
        assert_eq!(nbits_float(&[0x7f, 0x08, 0x00], 12), 1.5);
        assert_eq!(nbits_float(&[0x7f, 0x28, 0x00], 12), -1.5);
    }

    #[test]
    fn strings_are_utf8_even_when_root_bytes_are_not() {
        let mut s = Strings::new();
        s.push(b"abc").unwrap();
        s.push(&[0xff, b'x']).unwrap();
        let a = s.finish().unwrap();
        let a = a.as_string::<i32>();
        assert_eq!(a.value(0), "abc");
        assert_eq!(a.value(1), "\u{fffd}x");
        assert_eq!(a.len(), 2);
    }
}
