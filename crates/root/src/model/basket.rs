//! model/basket (layer 4): the custom `TBasket::Streamer` — a TKey header, the basket header, and
//! for baskets kept inside a TTree record the entry offsets and the buffer itself.

use bytes::Bytes;

use crate::bytes::Cursor;
use crate::error::Result;
use crate::file::Key;

/// `kDisplacementMask`: high bits of an entry offset that ROOT may use for flags.
const DISPLACEMENT_MASK: i32 = 0xFF00_0000u32 as i32;

/// A streamed `TBasket`: header fields, and when present its entry offsets and buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasketRecord {
    /// The TKey part (`fNbytes`, `fObjlen`, `fKeylen`, ...).
    pub key: Key,
    /// TBasket class version.
    pub version: i16,
    /// `fBufferSize`.
    pub buffer_size: i32,
    /// `fNevBufSize`: entry size for fixed-size entries, else the offset table capacity.
    pub nev_buf_size: i32,
    /// `fIOBits`, when streamed (negative `fNevBufSize`).
    pub io_bits: Option<u8>,
    /// `fNevBuf`: number of entries.
    pub nev_buf: i32,
    /// `fLast`: end of the data in the buffer (key header area included).
    pub last: i32,
    /// The streamer flag (with 80 removed when offsets must be generated).
    pub flag: i8,
    /// Whether entry offsets were left out to be regenerated from `fNevBufSize` (flag ≥ 80).
    pub generate_offsets: bool,
    /// `fEntryOffset` (positions in the buffer, key header area included), when streamed.
    pub entry_offsets: Option<Vec<i32>>,
    /// `fDisplacement`, when streamed.
    pub displacement: Option<Vec<i32>>,
    /// The first `fLast` bytes of the buffer (key header area, then data), when streamed.
    pub buffer: Option<Bytes>,
}

/// `TBasket::Streamer` (reading).
pub fn read_basket(c: &mut Cursor) -> Result<BasketRecord> {
    let key = Key::parse(c)?;
    let version = c.version_only()?;
    let buffer_size = c.i32()?;
    let mut nev_buf_size = c.i32()?;
    let mut io_bits = None;
    if nev_buf_size < 0 {
        nev_buf_size = nev_buf_size.saturating_neg();
        io_bits = Some(c.u8()?);
    }
    let nev_buf = c.i32()?;
    let last = c.i32()?;
    let mut flag = c.i8()?;
    let generate_offsets = flag >= 80;
    if generate_offsets {
        flag = flag.wrapping_sub(80);
    }
    let (mut entry_offsets, mut displacement) = (None, None);
    if !generate_offsets && flag != 0 && flag % 10 != 2 {
        if nev_buf != 0 {
            let mut offsets = read_int_array(c)?;
            if 20 < flag && flag < 40 {
                offsets.iter_mut().for_each(|o| *o &= !DISPLACEMENT_MASK);
            }
            entry_offsets = Some(offsets);
        }
        if flag > 40 {
            displacement = Some(read_int_array(c)?);
        }
    }
    let mut buffer = None;
    if flag == 1 || flag > 10 {
        let bytes = if version > 1 {
            let n = usize::try_from(last).map_err(|_| c.error(format!("TBasket fLast is {last}")))?;
            c.bytes(n)?
        } else {
            let n = c.i32()?;
            c.bytes(usize::try_from(n).map_err(|_| c.error(format!("TBasket buffer of {n} bytes")))?)?
        };
        buffer = Some(Bytes::copy_from_slice(bytes));
    }
    Ok(BasketRecord {
        key,
        version,
        buffer_size,
        nev_buf_size,
        io_bits,
        nev_buf,
        last,
        flag,
        generate_offsets,
        entry_offsets,
        displacement,
        buffer,
    })
}

/// `TBuffer::ReadArray(Int_t*&)`: `Int_t n`, then `n` values.
fn read_int_array(c: &mut Cursor) -> Result<Vec<i32>> {
    let n = c.i32()?;
    let n = usize::try_from(n).map_err(|_| c.error(format!("array of length {n}")))?;
    c.array(n, |c| c.i32())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_bytes(keylen: i16) -> Vec<u8> {
        let mut k = Vec::new();
        k.extend(100i32.to_be_bytes()); // fNbytes
        k.extend(4i16.to_be_bytes()); // version
        k.extend(20i32.to_be_bytes()); // fObjlen
        k.extend(0u32.to_be_bytes()); // fDatime
        k.extend(keylen.to_be_bytes());
        k.extend(1i16.to_be_bytes()); // fCycle
        k.extend(0i32.to_be_bytes());
        k.extend(0i32.to_be_bytes());
        k.extend([7, b'T', b'B', b'a', b's', b'k', b'e', b't', 1, b'x', 0]);
        k
    }

    #[test]
    fn embedded_basket_with_offsets() {
        let keylen = 37i16;
        let mut data = key_bytes(keylen);
        assert_eq!(data.len(), keylen as usize);
        data.extend(3i16.to_be_bytes()); // version
        data.extend(32000i32.to_be_bytes()); // fBufferSize
        data.extend((-10i32).to_be_bytes()); // fNevBufSize < 0: fIOBits follows
        data.push(0);
        data.extend(2i32.to_be_bytes()); // fNevBuf
        data.extend((i32::from(keylen) + 3).to_be_bytes()); // fLast
        data.push(11); // flag: offsets + buffer
        data.extend(2i32.to_be_bytes());
        data.extend(i32::from(keylen).to_be_bytes());
        data.extend((i32::from(keylen) + 1).to_be_bytes());
        data.extend(vec![0u8; keylen as usize]);
        data.extend([5, 6, 7]);
        let b = read_basket(&mut Cursor::new(&data)).unwrap();
        assert_eq!((b.nev_buf_size, b.io_bits, b.nev_buf, b.flag), (10, Some(0), 2, 11));
        assert_eq!(b.entry_offsets, Some(vec![37, 38]));
        let buf = b.buffer.unwrap();
        assert_eq!(&buf[keylen as usize..], &[5, 6, 7]);
    }

    #[test]
    fn free_basket_header_only() {
        let mut data = key_bytes(37);
        data.extend(3i16.to_be_bytes());
        data.extend(32000i32.to_be_bytes());
        data.extend(4i32.to_be_bytes());
        data.extend(0i32.to_be_bytes());
        data.extend(37i32.to_be_bytes());
        data.push(2);
        let b = read_basket(&mut Cursor::new(&data)).unwrap();
        assert_eq!((b.nev_buf_size, b.io_bits, b.entry_offsets, b.buffer), (4, None, None, None));
    }
}
