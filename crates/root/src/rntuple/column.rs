//! rntuple/column (layer 5): column types 0x00..0x1D and page decoding — split (byte-transposed), zigzag,
//! delta, bit-packed booleans, half floats, truncated and quantized reals, switch tags.

use crate::error::{Error, Result};

/// Declares `ColumnType` and its on-disk codes from one list (code = position in the list).
macro_rules! column_types {
    ($($name:ident),* $(,)?) => {
        /// An RNTuple column type (on-disk element encoding).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum ColumnType {
            $($name,)*
            /// A type from a newer writer.
            Unknown(u16),
        }

        impl ColumnType {
            /// The column type of an on-disk code.
            pub fn from_u16(v: u16) -> Self {
                const ALL: &[ColumnType] = &[$(ColumnType::$name),*];
                ALL.get(v as usize).copied().unwrap_or(ColumnType::Unknown(v))
            }
        }
    };
}

column_types!(
    Bit,
    Byte,
    Char,
    Int8,
    UInt8,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Real16,
    Real32,
    Real64,
    Index32,
    Index64,
    Switch,
    SplitInt16,
    SplitUInt16,
    SplitInt32,
    SplitUInt32,
    SplitInt64,
    SplitUInt64,
    SplitReal16,
    SplitReal32,
    SplitReal64,
    SplitIndex32,
    SplitIndex64,
    Real32Trunc,
    Real32Quant,
);

impl ColumnType {
    /// Whether this is an (Split)Index32/64 offset column.
    pub fn is_index(self) -> bool {
        matches!(self, ColumnType::Index32 | ColumnType::Index64 | ColumnType::SplitIndex32 | ColumnType::SplitIndex64)
    }

    /// Bits per element on storage when fixed by the type (Real32Trunc/Quant use the column's own value).
    fn fixed_bits(self) -> Option<u32> {
        use ColumnType::*;
        Some(match self {
            Bit => 1,
            Byte | Char | Int8 | UInt8 => 8,
            Int16 | UInt16 | Real16 | SplitInt16 | SplitUInt16 | SplitReal16 => 16,
            Int32 | UInt32 | Real32 | Index32 | SplitInt32 | SplitUInt32 | SplitReal32 | SplitIndex32 => 32,
            Int64 | UInt64 | Real64 | Index64 | SplitInt64 | SplitUInt64 | SplitReal64 | SplitIndex64 => 64,
            Switch => 96,
            Real32Trunc | Real32Quant | Unknown(_) => return None,
        })
    }
}

/// The decoded elements of one column over one cluster.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub enum ColumnValues {
    Bool(Vec<bool>),
    I8(Vec<i8>),
    U8(Vec<u8>),
    I16(Vec<i16>),
    U16(Vec<u16>),
    I32(Vec<i32>),
    U32(Vec<u32>),
    I64(Vec<i64>),
    U64(Vec<u64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
    /// Cluster-relative end offsets of collections (Index32/64, split or not).
    Index(Vec<u64>),
    /// (cluster-relative index into the chosen alternative, tag 1..=n; 0 = empty variant).
    Switch(Vec<(u64, u32)>),
}

impl ColumnValues {
    /// Number of elements.
    pub fn len(&self) -> usize {
        use ColumnValues::*;
        match self {
            Bool(v) => v.len(),
            I8(v) => v.len(),
            U8(v) => v.len(),
            I16(v) => v.len(),
            U16(v) => v.len(),
            I32(v) => v.len(),
            U32(v) => v.len(),
            I64(v) => v.len(),
            U64(v) => v.len(),
            F32(v) => v.len(),
            F64(v) => v.len(),
            Index(v) => v.len(),
            Switch(v) => v.len(),
        }
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// An empty buffer of the in-memory kind that `kind` decodes to.
    pub fn empty_for(kind: ColumnType) -> Result<Self> {
        use ColumnType as T;
        Ok(match kind {
            T::Bit => ColumnValues::Bool(Vec::new()),
            T::Byte | T::UInt8 => ColumnValues::U8(Vec::new()),
            T::Char | T::Int8 => ColumnValues::I8(Vec::new()),
            T::Int16 | T::SplitInt16 => ColumnValues::I16(Vec::new()),
            T::UInt16 | T::SplitUInt16 => ColumnValues::U16(Vec::new()),
            T::Int32 | T::SplitInt32 => ColumnValues::I32(Vec::new()),
            T::UInt32 | T::SplitUInt32 => ColumnValues::U32(Vec::new()),
            T::Int64 | T::SplitInt64 => ColumnValues::I64(Vec::new()),
            T::UInt64 | T::SplitUInt64 => ColumnValues::U64(Vec::new()),
            T::Real16 | T::SplitReal16 | T::Real32 | T::SplitReal32 | T::Real32Trunc => ColumnValues::F32(Vec::new()),
            T::Real64 | T::SplitReal64 | T::Real32Quant => ColumnValues::F64(Vec::new()),
            T::Index32 | T::Index64 | T::SplitIndex32 | T::SplitIndex64 => ColumnValues::Index(Vec::new()),
            T::Switch => ColumnValues::Switch(Vec::new()),
            T::Unknown(code) => return Err(Error::unsupported(format!("RNTuple column type {code:#04x}"))),
        })
    }

    /// Prepends `n` zero elements (the synthetic leading pages of a deferred column).
    pub fn prepend_zeros(&mut self, n: usize) {
        fn pre<T: Clone>(v: &mut Vec<T>, n: usize, zero: T) {
            v.splice(0..0, std::iter::repeat_n(zero, n));
        }
        use ColumnValues::*;
        match self {
            Bool(v) => pre(v, n, false),
            I8(v) => pre(v, n, 0),
            U8(v) => pre(v, n, 0),
            I16(v) => pre(v, n, 0),
            U16(v) => pre(v, n, 0),
            I32(v) => pre(v, n, 0),
            U32(v) => pre(v, n, 0),
            I64(v) => pre(v, n, 0),
            U64(v) => pre(v, n, 0),
            F32(v) => pre(v, n, 0.0),
            F64(v) => pre(v, n, 0.0),
            Index(v) => pre(v, n, 0),
            Switch(v) => pre(v, n, (0, 0)),
        }
    }
}

/// Uncompressed byte size of a page of `n` elements.
pub fn page_bytes(kind: ColumnType, bits: u16, n: u64) -> Result<u64> {
    let bits = match kind.fixed_bits() {
        Some(b) => b as u64,
        None if matches!(kind, ColumnType::Real32Trunc | ColumnType::Real32Quant) && (1..=32).contains(&bits) => {
            bits as u64
        }
        None => return Err(Error::unsupported(format!("column type {kind:?} with {bits} bits on storage"))),
    };
    n.checked_mul(bits).map(|b| b.div_ceil(8)).ok_or_else(|| Error::corrupt(0, format!("page of {n} elements")))
}

/// Decodes one uncompressed page of `n` elements, appending to `out`.
///
/// `range` is the column's value range (Real32Quant).
pub fn decode_page(
    kind: ColumnType,
    bits: u16,
    range: Option<(f64, f64)>,
    data: &[u8],
    n: usize,
    out: &mut ColumnValues,
) -> Result<()> {
    use ColumnType as T;
    use ColumnValues as V;
    let need = page_bytes(kind, bits, n as u64)? as usize;
    if data.len() < need {
        return Err(Error::corrupt(0, format!("page has {} bytes, {n} {kind:?} elements need {need}", data.len())));
    }
    let data = &data[..need];
    match (kind, out) {
        (T::Bit, V::Bool(v)) => v.extend((0..n).map(|i| data[i / 8] >> (i % 8) & 1 == 1)),
        (T::Byte | T::UInt8, V::U8(v)) => v.extend_from_slice(data),
        (T::Char | T::Int8, V::I8(v)) => v.extend(data.iter().map(|&b| b as i8)),
        (T::Int16, V::I16(v)) => v.extend(plain::<2>(data).map(i16::from_le_bytes)),
        (T::UInt16, V::U16(v)) => v.extend(plain::<2>(data).map(u16::from_le_bytes)),
        (T::Int32, V::I32(v)) => v.extend(plain::<4>(data).map(i32::from_le_bytes)),
        (T::UInt32, V::U32(v)) => v.extend(plain::<4>(data).map(u32::from_le_bytes)),
        (T::Int64, V::I64(v)) => v.extend(plain::<8>(data).map(i64::from_le_bytes)),
        (T::UInt64, V::U64(v)) => v.extend(plain::<8>(data).map(u64::from_le_bytes)),
        (T::Real16, V::F32(v)) => v.extend(plain::<2>(data).map(|b| half_to_f32(u16::from_le_bytes(b)))),
        (T::Real32, V::F32(v)) => v.extend(plain::<4>(data).map(f32::from_le_bytes)),
        (T::Real64, V::F64(v)) => v.extend(plain::<8>(data).map(f64::from_le_bytes)),
        (T::Index32, V::Index(v)) => v.extend(plain::<4>(data).map(|b| u32::from_le_bytes(b) as u64)),
        (T::Index64, V::Index(v)) => v.extend(plain::<8>(data).map(u64::from_le_bytes)),
        (T::Switch, V::Switch(v)) => v.extend(plain::<12>(data).map(|b| {
            let (i, t) = b.split_at(8);
            let mut ib = [0u8; 8];
            ib.copy_from_slice(i);
            let mut tb = [0u8; 4];
            tb.copy_from_slice(t);
            (u64::from_le_bytes(ib), u32::from_le_bytes(tb))
        })),
        (T::SplitInt16, V::I16(v)) => v.extend(unsplit::<2>(data).map(|b| unzigzag16(u16::from_le_bytes(b)))),
        (T::SplitUInt16, V::U16(v)) => v.extend(unsplit::<2>(data).map(u16::from_le_bytes)),
        (T::SplitInt32, V::I32(v)) => v.extend(unsplit::<4>(data).map(|b| unzigzag32(u32::from_le_bytes(b)))),
        (T::SplitUInt32, V::U32(v)) => v.extend(unsplit::<4>(data).map(u32::from_le_bytes)),
        (T::SplitInt64, V::I64(v)) => v.extend(unsplit::<8>(data).map(|b| unzigzag64(u64::from_le_bytes(b)))),
        (T::SplitUInt64, V::U64(v)) => v.extend(unsplit::<8>(data).map(u64::from_le_bytes)),
        (T::SplitReal16, V::F32(v)) => v.extend(unsplit::<2>(data).map(|b| half_to_f32(u16::from_le_bytes(b)))),
        (T::SplitReal32, V::F32(v)) => v.extend(unsplit::<4>(data).map(f32::from_le_bytes)),
        (T::SplitReal64, V::F64(v)) => v.extend(unsplit::<8>(data).map(f64::from_le_bytes)),
        (T::SplitIndex32, V::Index(v)) => {
            undelta(v, unsplit::<4>(data).map(|b| u32::from_le_bytes(b) as u64));
        }
        (T::SplitIndex64, V::Index(v)) => undelta(v, unsplit::<8>(data).map(u64::from_le_bytes)),
        (T::Real32Trunc, V::F32(v)) => {
            let shift = 32 - bits as u32;
            v.extend(unpack_bits(data, bits as u32, n).map(|q| f32::from_bits(q << shift)));
        }
        (T::Real32Quant, V::F64(v)) => {
            let Some((min, max)) = range else {
                return Err(Error::corrupt(0, "Real32Quant column without a value range"));
            };
            let quant_max = ((1u64 << bits) - 1) as f64;
            let scale = (max - min) / quant_max;
            v.extend(unpack_bits(data, bits as u32, n).map(|q| q as f64 * scale + min));
        }
        (kind, out) => {
            return Err(Error::Internal(format!("column type {kind:?} decoded into a {} buffer", out.len())));
        }
    }
    Ok(())
}

/// Plain little-endian elements of `W` bytes.
fn plain<const W: usize>(data: &[u8]) -> impl Iterator<Item = [u8; W]> + '_ {
    data.chunks_exact(W).map(|c| {
        let mut a = [0u8; W];
        a.copy_from_slice(c);
        a
    })
}

/// Byte-transposed ("split") elements: byte `k` of element `i` is at `k * n + i`.
pub fn unsplit<const W: usize>(data: &[u8]) -> impl Iterator<Item = [u8; W]> + '_ {
    let n = data.len() / W;
    (0..n).map(move |i| {
        let mut a = [0u8; W];
        for (k, b) in a.iter_mut().enumerate() {
            *b = data[k * n + i];
        }
        a
    })
}

/// Undoes zigzag encoding: 0, 1, 2, 3, 4 → 0, -1, 1, -2, 2.
pub fn unzigzag64(u: u64) -> i64 {
    ((u >> 1) as i64) ^ -((u & 1) as i64)
}

/// Zigzag for 32 bits.
pub fn unzigzag32(u: u32) -> i32 {
    ((u >> 1) as i32) ^ -((u & 1) as i32)
}

/// Zigzag for 16 bits.
pub fn unzigzag16(u: u16) -> i16 {
    ((u >> 1) as i16) ^ -((u & 1) as i16)
}

/// Undoes delta encoding within one page: the first value as is, then running sums.
pub fn undelta(out: &mut Vec<u64>, deltas: impl Iterator<Item = u64>) {
    let mut acc = 0u64;
    for d in deltas {
        acc = acc.wrapping_add(d);
        out.push(acc);
    }
}

/// Values of `nbits` bits packed LSB-first (element `i` at stream bits `i*nbits..`), each returned as the
/// low `nbits` bits of a `u32`.
fn unpack_bits(data: &[u8], nbits: u32, n: usize) -> impl Iterator<Item = u32> + '_ {
    let mask = if nbits == 32 { u32::MAX as u64 } else { (1u64 << nbits) - 1 };
    (0..n).map(move |i| {
        let bit = i as u64 * nbits as u64;
        let byte = (bit / 8) as usize;
        let mut w = [0u8; 8];
        let end = (byte + 8).min(data.len());
        if byte < end {
            w[..end - byte].copy_from_slice(&data[byte..end]);
        }
        ((u64::from_le_bytes(w) >> (bit % 8)) & mask) as u32
    })
}

/// IEEE-754 half precision → single precision (exact).
pub fn half_to_f32(h: u16) -> f32 {
    let sign = ((h as u32) & 0x8000) << 16;
    let exp = ((h >> 10) & 0x1f) as u32;
    let mant = (h & 0x3ff) as u32;
    let bits = match (exp, mant) {
        (0, 0) => sign,
        (0, m) => {
            // Subnormal half: normalize.
            let shift = m.leading_zeros() - 21; // bring the top set bit to position 10
            let m = (m << shift) & 0x3ff;
            let e = 127 - 15 + 1 - shift;
            sign | (e << 23) | (m << 13)
        }
        (0x1f, m) => sign | 0x7f80_0000 | (m << 13),
        (e, m) => sign | ((e + 127 - 15) << 23) | (m << 13),
    };
    f32::from_bits(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_uint32_transposes_bytes() {
        // Elements 0x04030201 and 0x08070605 stored split: all first bytes, then all second bytes, ...
        let data = [0x01, 0x05, 0x02, 0x06, 0x03, 0x07, 0x04, 0x08];
        let mut out = ColumnValues::U32(Vec::new());
        decode_page(ColumnType::SplitUInt32, 32, None, &data, 2, &mut out).unwrap();
        assert_eq!(out, ColumnValues::U32(vec![0x0403_0201, 0x0807_0605]));
    }

    #[test]
    fn split_int16_is_zigzag() {
        // zigzag: 0→0, 1→-1, 2→1, 3→-2; 599 → -300 (599 = 0x0257).
        let data = [0, 1, 2, 3, 0x57, 0, 0, 0, 0, 0x02];
        let mut out = ColumnValues::I16(Vec::new());
        decode_page(ColumnType::SplitInt16, 16, None, &data, 5, &mut out).unwrap();
        assert_eq!(out, ColumnValues::I16(vec![0, -1, 1, -2, -300]));
        assert_eq!(unzigzag64(u64::MAX), i64::MIN);
        assert_eq!(unzigzag32(4), 2);
    }

    #[test]
    fn split_index32_is_delta() {
        // Offsets [1, 1, 3, 10] stored as deltas [1, 0, 2, 7], split (only low bytes non-zero).
        let data = [1, 0, 2, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let mut out = ColumnValues::Index(Vec::new());
        decode_page(ColumnType::SplitIndex32, 32, None, &data, 4, &mut out).unwrap();
        assert_eq!(out, ColumnValues::Index(vec![1, 1, 3, 10]));
    }

    #[test]
    fn bits_are_lsb_first() {
        let mut out = ColumnValues::Bool(Vec::new());
        decode_page(ColumnType::Bit, 1, None, &[0b0000_0101, 0b1], 9, &mut out).unwrap();
        assert_eq!(out, ColumnValues::Bool(vec![true, false, true, false, false, false, false, false, true]));
    }

    #[test]
    fn half_floats() {
        assert_eq!(half_to_f32(0x3c00), 1.0);
        assert_eq!(half_to_f32(0xc000), -2.0);
        assert_eq!(half_to_f32(0x7bff), 65504.0);
        assert_eq!(half_to_f32(0x0001), 2f32.powi(-24));
        assert!(half_to_f32(0x7e00).is_nan());
    }

    #[test]
    fn truncated_reals_keep_the_top_bits() {
        // 1.0f32 = 0x3f800000; with 12 bits on storage the stored value is 0x3f8 (top 12 bits).
        // Two elements 0x3f8 and 0xbfc (-1.5 = 0xbfc00000) packed LSB-first: 0xbfc3f8.
        let data = [0xf8, 0xc3, 0xbf];
        let mut out = ColumnValues::F32(Vec::new());
        decode_page(ColumnType::Real32Trunc, 12, None, &data, 2, &mut out).unwrap();
        assert_eq!(out, ColumnValues::F32(vec![1.0, -1.5]));
    }

    #[test]
    fn short_page_is_corrupt() {
        let mut out = ColumnValues::I32(Vec::new());
        assert!(decode_page(ColumnType::Int32, 32, None, &[0; 7], 2, &mut out).is_err());
    }
}
