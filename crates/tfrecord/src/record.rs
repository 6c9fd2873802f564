//! framing: TFRecord files, record by record: `u64 length (LE)`, `u32 masked_crc32c(length)`, payload,
//! `u32 masked_crc32c(payload)`; optionally the whole stream GZIP-compressed (TF `compression_type="GZIP"`).

use std::fs::File;
use std::io::{BufReader, BufWriter, ErrorKind, Read, Write};
use std::path::Path;
use std::str::FromStr;

use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;

use crate::crc::masked_crc32c;
use crate::error::{Error, Result};

/// Bytes before a record's payload: length (8) and its masked CRC (4).
pub const HEADER_LEN: usize = 12;
/// Bytes after a record's payload: its masked CRC.
pub const FOOTER_LEN: usize = 4;

/// Whole-file compression, as TensorFlow's `TFRecordOptions.compression_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compression {
    /// Plain records (`compression_type=""` or `None`).
    #[default]
    None,
    /// One GZIP stream around all records (`compression_type="GZIP"`), default level 6 as TensorFlow.
    Gzip,
}

impl FromStr for Compression {
    type Err = Error;

    /// `none` / empty, or `gzip` (case-insensitive, TensorFlow spells it `GZIP`).
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "" | "none" => Ok(Compression::None),
            "gzip" => Ok(Compression::Gzip),
            other => Err(Error::unsupported(format!("TFRecord compression '{other}' (use none or gzip)"))),
        }
    }
}

enum Sink<W: Write> {
    Plain(W),
    Gzip(Box<GzEncoder<W>>),
}

/// Writes TFRecord framing around payloads (usually serialized `tf.train.Example`s).
pub struct RecordWriter<W: Write> {
    sink: Sink<W>,
    label: String,
    records: u64,
    bytes: u64,
}

impl<W: Write> std::fmt::Debug for RecordWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordWriter").field("label", &self.label).field("records", &self.records).finish()
    }
}

impl RecordWriter<BufWriter<File>> {
    /// Creates (truncates) `path` and writes records into it.
    pub fn create(path: impl AsRef<Path>, compression: Compression) -> Result<Self> {
        let path = path.as_ref();
        let file = File::create(path).map_err(|e| Error::io(format!("creating {}", path.display()), e))?;
        Ok(RecordWriter::new(BufWriter::with_capacity(1 << 20, file), compression, path.display().to_string()))
    }
}

impl<W: Write> RecordWriter<W> {
    /// Writes records into `inner`; `label` names it in errors (a file name).
    pub fn new(inner: W, compression: Compression, label: impl Into<String>) -> Self {
        let sink = match compression {
            Compression::None => Sink::Plain(inner),
            Compression::Gzip => Sink::Gzip(Box::new(GzEncoder::new(inner, flate2::Compression::default()))),
        };
        RecordWriter { sink, label: label.into(), records: 0, bytes: 0 }
    }

    /// Appends one record holding `payload`.
    pub fn write_record(&mut self, payload: &[u8]) -> Result<()> {
        let mut header = [0u8; HEADER_LEN];
        let len = (payload.len() as u64).to_le_bytes();
        header[..8].copy_from_slice(&len);
        header[8..].copy_from_slice(&masked_crc32c(&len).to_le_bytes());
        let footer = masked_crc32c(payload).to_le_bytes();
        let w: &mut dyn Write = match &mut self.sink {
            Sink::Plain(w) => w,
            Sink::Gzip(w) => w.as_mut(),
        };
        let res = w.write_all(&header).and_then(|_| w.write_all(payload)).and_then(|_| w.write_all(&footer));
        res.map_err(|e| Error::io(format!("writing {}", self.label), e))?;
        self.records += 1;
        self.bytes += (HEADER_LEN + payload.len() + FOOTER_LEN) as u64;
        Ok(())
    }

    /// Records written so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Framed (uncompressed) bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Ends the GZIP stream (if any), flushes and returns the inner writer.
    pub fn finish(self) -> Result<W> {
        let label = self.label;
        let mut inner = match self.sink {
            Sink::Plain(w) => w,
            Sink::Gzip(g) => g.finish().map_err(|e| Error::io(format!("finishing GZIP stream of {label}"), e))?,
        };
        inner.flush().map_err(|e| Error::io(format!("flushing {label}"), e))?;
        Ok(inner)
    }
}

enum Source<R: Read> {
    Plain(R),
    Gzip(Box<MultiGzDecoder<R>>),
}

/// Reads TFRecord framing, checking both CRCs of every record.
pub struct RecordReader<R: Read> {
    source: Source<R>,
    label: String,
    offset: u64,
    records: u64,
}

impl<R: Read> std::fmt::Debug for RecordReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordReader").field("label", &self.label).field("offset", &self.offset).finish()
    }
}

impl RecordReader<BufReader<File>> {
    /// Opens `path` (compression is not guessed: TensorFlow's readers also take it as an option).
    pub fn open(path: impl AsRef<Path>, compression: Compression) -> Result<Self> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
        Ok(RecordReader::new(BufReader::with_capacity(1 << 20, file), compression, path.display().to_string()))
    }
}

impl<R: Read> RecordReader<R> {
    /// Reads records from `inner`; `label` names it in errors (a file name).
    pub fn new(inner: R, compression: Compression, label: impl Into<String>) -> Self {
        let source = match compression {
            Compression::None => Source::Plain(inner),
            Compression::Gzip => Source::Gzip(Box::new(MultiGzDecoder::new(inner))),
        };
        RecordReader { source, label: label.into(), offset: 0, records: 0 }
    }

    /// The name used in errors.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Records read so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Byte offset of the next record (in the decompressed stream for GZIP files).
    pub fn offset(&self) -> u64 {
        self.offset
    }

    fn corrupt(&self, offset: u64, what: impl Into<String>) -> Error {
        let mut what = what.into();
        if matches!(self.source, Source::Gzip(_)) {
            what.push_str(" (offset in the decompressed GZIP stream)");
        }
        Error::Corrupt { file: self.label.clone(), offset, what }
    }

    /// Reads as many bytes as available up to `buf.len()`; returns how many (less only at end of input).
    fn read_full(&mut self, buf: &mut [u8], start: u64) -> Result<usize> {
        let mut filled = 0;
        while filled < buf.len() {
            let r = match &mut self.source {
                Source::Plain(r) => r.read(&mut buf[filled..]),
                Source::Gzip(r) => r.read(&mut buf[filled..]),
            };
            match r {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(self.read_error(e, start)),
            }
        }
        Ok(filled)
    }

    fn read_error(&self, e: std::io::Error, start: u64) -> Error {
        let gzip = matches!(self.source, Source::Gzip(_));
        if gzip && matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::InvalidData | ErrorKind::UnexpectedEof) {
            self.corrupt(start, format!("bad GZIP stream: {e}"))
        } else {
            Error::io(format!("reading {} at byte {start}", self.label), e)
        }
    }

    /// Reads the next record's payload into `buf` (replacing its contents). Returns the record's byte
    /// offset, or `None` at a clean end of input (exactly after a record).
    pub fn read_record(&mut self, buf: &mut Vec<u8>) -> Result<Option<u64>> {
        let start = self.offset;
        let mut header = [0u8; HEADER_LEN];
        match self.read_full(&mut header, start)? {
            0 => return Ok(None),
            HEADER_LEN => {}
            n => return Err(self.corrupt(start, format!("truncated record header: {n} of {HEADER_LEN} bytes"))),
        }
        let mut len8 = [0u8; 8];
        len8.copy_from_slice(&header[..8]);
        let mut crc4 = [0u8; 4];
        crc4.copy_from_slice(&header[8..]);
        let (stored, computed) = (u32::from_le_bytes(crc4), masked_crc32c(&len8));
        if stored != computed {
            return Err(
                self.corrupt(start, format!("length CRC mismatch (stored {stored:#010x}, computed {computed:#010x})"))
            );
        }
        let len = u64::from_le_bytes(len8);
        buf.clear();
        let got = match &mut self.source {
            Source::Plain(r) => r.by_ref().take(len).read_to_end(buf),
            Source::Gzip(r) => r.by_ref().take(len).read_to_end(buf),
        };
        let got = got.map_err(|e| self.read_error(e, start))? as u64;
        if got < len {
            return Err(self.corrupt(start, format!("truncated record: {len} payload bytes announced, {got} present")));
        }
        let mut footer = [0u8; FOOTER_LEN];
        let n = self.read_full(&mut footer, start)?;
        if n < FOOTER_LEN {
            return Err(self.corrupt(start, format!("truncated record: payload CRC has {n} of {FOOTER_LEN} bytes")));
        }
        let (stored, computed) = (u32::from_le_bytes(footer), masked_crc32c(buf));
        if stored != computed {
            return Err(self.corrupt(
                start,
                format!("payload CRC mismatch over {len} bytes (stored {stored:#010x}, computed {computed:#010x})"),
            ));
        }
        self.offset = start + HEADER_LEN as u64 + len + FOOTER_LEN as u64;
        self.records += 1;
        Ok(Some(start))
    }

    /// The next record's payload as a new vector, or `None` at the end.
    pub fn next_record(&mut self) -> Result<Option<Vec<u8>>> {
        let mut buf = Vec::new();
        Ok(self.read_record(&mut buf)?.map(|_| buf))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(payloads: &[&[u8]], compression: Compression) -> Vec<u8> {
        let mut w = RecordWriter::new(Vec::new(), compression, "mem");
        for p in payloads {
            w.write_record(p).unwrap();
        }
        w.finish().unwrap()
    }

    #[test]
    #[allow(clippy::manual_rotate)] // the mask written out as TensorFlow's crc32c.h, on purpose
    fn framing_by_hand() {
        let bytes = frame(&[b"abc"], Compression::None);
        assert_eq!(bytes.len(), 12 + 3 + 4);
        assert_eq!(&bytes[..8], &[3, 0, 0, 0, 0, 0, 0, 0]);
        let m = |b: &[u8]| {
            let c = crc32c::crc32c(b);
            ((c >> 15) | (c << 17)).wrapping_add(0xa282_ead8).to_le_bytes()
        };
        assert_eq!(&bytes[8..12], &m(&bytes[..8]));
        assert_eq!(&bytes[12..15], b"abc");
        assert_eq!(&bytes[15..], &m(b"abc"));
    }

    #[test]
    fn round_trip_plain_and_gzip() {
        let payloads: [&[u8]; 3] = [b"", b"x", &[7u8; 70_000]];
        for c in [Compression::None, Compression::Gzip] {
            let bytes = frame(&payloads, c);
            let mut r = RecordReader::new(bytes.as_slice(), c, "mem");
            let mut offsets = Vec::new();
            let mut buf = Vec::new();
            let mut i = 0;
            while let Some(off) = r.read_record(&mut buf).unwrap() {
                assert_eq!(buf.as_slice(), payloads[i]);
                offsets.push(off);
                i += 1;
            }
            assert_eq!(offsets, vec![0, 16, 33]);
        }
    }

    #[test]
    fn corrupt_and_truncated_are_located() {
        let bytes = frame(&[b"first", b"second"], Compression::None);
        // Second record starts at 12 + 5 + 4 = 21; flip a payload byte of it.
        let mut bad = bytes.clone();
        bad[21 + 12 + 2] ^= 0x40;
        let mut r = RecordReader::new(bad.as_slice(), Compression::None, "f.tfrecord");
        assert_eq!(r.next_record().unwrap().unwrap(), b"first");
        let e = r.next_record().unwrap_err().to_string();
        assert!(e.starts_with("f.tfrecord: corrupt TFRecord at byte 21: payload CRC mismatch"), "{e}");
        // Flip a length byte of the first record.
        let mut bad = bytes.clone();
        bad[0] ^= 1;
        let e = RecordReader::new(bad.as_slice(), Compression::None, "f").next_record().unwrap_err().to_string();
        assert!(e.contains("at byte 0: length CRC mismatch"), "{e}");
        // Cut inside the second payload, and inside the second header.
        for (cut, what) in [(bytes.len() - 6, "truncated record: 6 payload bytes announced, 4 present"), (25, "header")]
        {
            let mut r = RecordReader::new(&bytes[..cut], Compression::None, "f");
            r.next_record().unwrap();
            let e = r.next_record().unwrap_err().to_string();
            assert!(e.contains("at byte 21: truncated") && e.contains(what), "{e}");
        }
    }

    #[test]
    fn truncated_gzip_is_located() {
        let payload: Vec<u8> = (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect();
        let bytes = frame(&[b"first", &payload], Compression::Gzip);
        let cut = &bytes[..bytes.len() - 20];
        let mut r = RecordReader::new(cut, Compression::Gzip, "f.tfrecord.gz");
        assert_eq!(r.next_record().unwrap().unwrap(), b"first");
        let e = r.next_record().unwrap_err().to_string();
        assert!(e.starts_with("f.tfrecord.gz: corrupt TFRecord at byte 21: "), "{e}");
        assert!(e.ends_with("(offset in the decompressed GZIP stream)"), "{e}");
    }
}
