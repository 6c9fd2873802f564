//! model/read (layer 4): the streamer-driven object reader (`TStreamerInfo::ReadBuffer` for the
//! element types metadata classes use) and `ReadObjectAny` with its object map.

use std::collections::HashMap;
use std::sync::Arc;

use crate::bytes::{Cursor, STREAMED_MEMBERWISE};
use crate::dict::tags::{ClassTags, ObjectTag, read_tnamed, read_tobject};
use crate::dict::{ElementKind, FloatRange, StreamerDb, StreamerElement, StreamerInfo, code, stl};
use crate::error::{Error, Result, ResultExt};
use crate::model::{Object, Value};

/// Deepest object nesting accepted (guards the stack against crafted input).
const MAX_DEPTH: usize = 100;

/// Reads the object of class `class` at the cursor (its own version header included) with a fresh
/// object map.
pub fn read_object(c: &mut Cursor, class: &str, db: &StreamerDb) -> Result<Value> {
    ObjectReader::new(db).read_class(c, class)
}

/// Reads streamed objects from one buffer, remembering class tags and objects for back-references.
#[derive(Debug)]
pub struct ObjectReader<'d> {
    pub(super) db: &'d StreamerDb,
    tags: ClassTags,
    objects: HashMap<u64, Value>,
    depth: usize,
}

impl<'d> ObjectReader<'d> {
    /// A reader using the class layouts in `db`.
    pub fn new(db: &'d StreamerDb) -> Self {
        ObjectReader { db, tags: ClassTags::default(), objects: HashMap::new(), depth: 0 }
    }

    /// `ReadObjectAny`: an object tag, then (for a new object) the object itself.
    ///
    /// An object that cannot be decoded but has a byte count becomes [`Value::Skipped`]; a reference
    /// to an object not read (yet) becomes [`Value::Ref`].
    pub fn read_object_any(&mut self, c: &mut Cursor) -> Result<Value> {
        match self.tags.read(c)? {
            ObjectTag::Null => Ok(Value::Null),
            ObjectTag::Ref(at) => Ok(self.objects.get(&at).cloned().unwrap_or(Value::Ref(at))),
            ObjectTag::New { class, map_offset, end } => {
                let result = self.read_class(c, &class);
                let value = match (result, end) {
                    (Ok(v), Some(end)) if c.pos() <= end => {
                        c.seek(end)?;
                        v
                    }
                    (Ok(_), Some(end)) => {
                        let reason = format!("decoding read {} bytes past its byte count", c.pos() - end);
                        c.seek(end)?;
                        Value::Skipped { class, reason }
                    }
                    (Ok(v), None) => v,
                    (Err(e), Some(end)) => {
                        c.seek(end)?;
                        Value::Skipped { class, reason: e.to_string() }
                    }
                    (Err(e), None) => return Err(e),
                };
                let value = match value {
                    Value::Object(mut o) => {
                        if let Some(o) = Arc::get_mut(&mut o) {
                            o.map_offset = Some(map_offset);
                        }
                        Value::Object(o)
                    }
                    other => other,
                };
                self.objects.insert(map_offset, value.clone());
                Ok(value)
            }
        }
    }

    /// Reads an object of class `class` whose streamer starts at the cursor (no object tag).
    pub fn read_class(&mut self, c: &mut Cursor, class: &str) -> Result<Value> {
        if self.depth >= MAX_DEPTH {
            return Err(c.error(format!("objects nested deeper than {MAX_DEPTH} levels")));
        }
        self.depth += 1;
        let result = match self.read_builtin(c, class) {
            Ok(Some(v)) => Ok(v),
            Ok(None) => self.read_streamed(c, class),
            Err(e) => Err(e),
        };
        self.depth -= 1;
        result
    }

    /// Reads a class through its TStreamerInfo: version header, members, byte-count check.
    fn read_streamed(&mut self, c: &mut Cursor, class: &str) -> Result<Value> {
        let header = c.object_header()?;
        let db = self.db;
        let Some(info) = db.get_version(class, i32::from(header.version)) else {
            if header.byte_count.is_some() {
                c.skip_object(&header, class)?;
                return Ok(Value::Skipped { class: class.to_string(), reason: "no TStreamerInfo in the file".into() });
            }
            return Err(Error::unsupported(format!("{class} v{} has no TStreamerInfo in the file", header.version)));
        };
        let mut fields = Vec::with_capacity(info.elements.len() + 4);
        self.read_members(c, info, &mut fields).in_object_with(|| format!("{class} v{}", header.version))?;
        c.finish(&header, class)?;
        Ok(Value::Object(Arc::new(Object {
            class: class.to_string(),
            version: header.version,
            fields,
            map_offset: None,
        })))
    }

    /// Reads the members of `info` into `fields` (bases flattened in).
    pub fn read_members(
        &mut self,
        c: &mut Cursor,
        info: &StreamerInfo,
        fields: &mut Vec<(String, Value)>,
    ) -> Result<()> {
        for e in &info.elements {
            if e.kind == ElementKind::Base || e.type_code == code::BASE {
                self.read_base(c, e, fields).in_object_with(|| format!("base {}", e.name))?;
                continue;
            }
            let value = self.read_member(c, e, fields).in_object_with(|| e.name.clone())?;
            fields.push((e.name.clone(), value));
        }
        Ok(())
    }

    fn read_base(&mut self, c: &mut Cursor, e: &StreamerElement, fields: &mut Vec<(String, Value)>) -> Result<()> {
        match e.name.as_str() {
            "TObject" => {
                let o = read_tobject(c)?;
                fields.push(("fUniqueID".into(), Value::UInt(u64::from(o.unique_id))));
                fields.push(("fBits".into(), Value::UInt(u64::from(o.bits))));
            }
            "TNamed" => {
                let (name, title) = read_tnamed(c)?;
                fields.push(("fName".into(), Value::String(name)));
                fields.push(("fTitle".into(), Value::String(title)));
            }
            class => {
                if let Some(v) = self.read_builtin(c, class)? {
                    fields.push((class.to_string(), v));
                    return Ok(());
                }
                let header = c.object_header()?;
                let db = self.db;
                match db.get_version(class, i32::from(header.version)) {
                    Some(info) => self.read_members(c, info, fields)?,
                    None => {
                        c.skip_object(&header, class)?;
                        return Ok(());
                    }
                }
                c.finish(&header, class)?;
            }
        }
        Ok(())
    }

    /// Reads one non-base member.
    fn read_member(&mut self, c: &mut Cursor, e: &StreamerElement, fields: &[(String, Value)]) -> Result<Value> {
        let t = e.type_code;
        match t {
            code::CHAR_STAR => {
                let n = c.i32()?;
                if n < 0 {
                    return Err(c.error(format!("char* of length {n}")));
                }
                Ok(Value::String(String::from_utf8_lossy(c.bytes(n as usize)?).into_owned()))
            }
            1..=19 => read_basic(c, t, e.range),
            21..=39 => {
                let n = usize::try_from(e.array_length).unwrap_or(0);
                read_basic_array(c, t - code::OFFSET_L, n, e.range)
            }
            41..=59 => {
                let is_array = c.u8()?;
                let count = e.count.as_ref().map(|k| k.name.as_str()).unwrap_or("");
                let n = fields
                    .iter()
                    .rev()
                    .find(|(name, _)| name == count)
                    .and_then(|(_, v)| v.as_int())
                    .ok_or_else(|| c.error(format!("counter '{count}' of '{}' was not read before it", e.name)))?;
                let n = if is_array == 0 { 0 } else { usize::try_from(n).unwrap_or(0) };
                read_basic_array(c, t - code::OFFSET_P, n, e.range)
            }
            code::TSTRING => Ok(Value::String(c.string()?)),
            code::TOBJECT => Ok(self.read_builtin(c, "TObject")?.unwrap_or(Value::Null)),
            code::TNAMED => Ok(self.read_builtin(c, "TNamed")?.unwrap_or(Value::Null)),
            code::OBJECT | code::ANY | code::OBJECTP | code::ANYP | code::OBJECT_P | code::ANY_P => {
                self.read_object_member(c, e, t, 1).map(|mut v| v.pop().unwrap_or(Value::Null))
            }
            81..=89 => {
                let n = usize::try_from(e.array_length).unwrap_or(0);
                self.read_object_member(c, e, t - code::OFFSET_L, n).map(Value::List)
            }
            code::STL => self.read_stl(c, e),
            code::STL_STRING => Ok(Value::String(c.string()?)),
            code::STREAMER | code::STREAM_LOOP => {
                let header = c.object_header()?;
                c.skip_object(&header, &e.type_name)?;
                Ok(Value::Skipped { class: e.type_name.clone(), reason: "custom streamer".into() })
            }
            other => Err(Error::unsupported(format!("member '{}' of streamer type {other} ({})", e.name, e.type_name))),
        }
    }

    fn read_object_member(&mut self, c: &mut Cursor, e: &StreamerElement, t: i32, n: usize) -> Result<Vec<Value>> {
        let class = e.type_name.trim_end_matches('*').trim();
        let mut out = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            out.push(match t {
                code::OBJECT_P | code::ANY_P => self.read_object_any(c)?,
                _ => self.read_class(c, class)?,
            });
        }
        Ok(out)
    }

    /// An STL member: `vector` of numbers or strings, or `std::string`; anything else is skipped.
    fn read_stl(&mut self, c: &mut Cursor, e: &StreamerElement) -> Result<Value> {
        let (stl_type, ctype) = e.stl.unwrap_or((0, 0));
        if stl_type == stl::STRING {
            return Ok(Value::String(c.string()?));
        }
        let header = c.object_header()?;
        let memberwise = (header.version as u16) & STREAMED_MEMBERWISE != 0;
        let value = if !memberwise && stl_type == stl::VECTOR && (1..=19).contains(&ctype) {
            let n = c.i32()?;
            read_basic_array(c, ctype, usize::try_from(n).unwrap_or(0), None)?
        } else if !memberwise && stl_type == stl::VECTOR && e.type_name.replace(' ', "").contains("<string>") {
            let n = usize::try_from(c.i32()?).unwrap_or(0);
            Value::List(c.array(n, |c| c.string().map(Value::String))?)
        } else {
            c.skip_object(&header, &e.type_name)?;
            return Ok(Value::Skipped { class: e.type_name.clone(), reason: "STL collection not decoded".into() });
        };
        c.finish(&header, &e.type_name)?;
        Ok(value)
    }
}

/// Reads one basic value of type code `t` (1..=19).
pub fn read_basic(c: &mut Cursor, t: i32, range: Option<FloatRange>) -> Result<Value> {
    Ok(match t {
        code::CHAR | code::LEGACY_CHAR => Value::Int(i64::from(c.i8()?)),
        code::SHORT => Value::Int(i64::from(c.i16()?)),
        code::INT | code::COUNTER => Value::Int(i64::from(c.i32()?)),
        code::LONG | code::LONG64 => Value::Int(c.i64()?),
        code::FLOAT => Value::Float(f64::from(c.f32()?)),
        code::DOUBLE => Value::Float(c.f64()?),
        code::DOUBLE32 => Value::Float(read_double32(c, range)?),
        code::UCHAR => Value::UInt(u64::from(c.u8()?)),
        code::USHORT => Value::UInt(u64::from(c.u16()?)),
        code::UINT | code::BITS => Value::UInt(u64::from(c.u32()?)),
        code::ULONG | code::ULONG64 => Value::UInt(c.u64()?),
        code::BOOL => Value::Bool(c.bool()?),
        code::FLOAT16 => Value::Float(f64::from(read_float16(c, range)?)),
        other => return Err(c.error(format!("{other} is not a basic type code"))),
    })
}

/// Reads `n` basic values of type code `t` into [`Value::Ints`] or [`Value::Floats`].
pub fn read_basic_array(c: &mut Cursor, t: i32, n: usize, range: Option<FloatRange>) -> Result<Value> {
    if let Some(width) = fixed_width(t) {
        // Plain big-endian numbers (a branch's basket tables: thousands per TTree): converted straight from the
        // bytes, without a `Value` per element.
        let len = n
            .checked_mul(width)
            .filter(|&len| len <= c.remaining())
            .ok_or_else(|| c.error(format!("array of {n} elements is longer than the {} bytes left", c.remaining())))?;
        return Ok(numbers(c.bytes(len)?, t));
    }
    let floating = matches!(t, code::FLOAT | code::DOUBLE | code::DOUBLE32 | code::FLOAT16);
    let values = c.array(n, |c| read_basic(c, t, range))?;
    Ok(if floating {
        Value::Floats(values.iter().map(|v| if let Value::Float(f) = v { *f } else { 0.0 }).collect())
    } else {
        Value::Ints(values.iter().map(|v| v.as_int().unwrap_or(0)).collect())
    })
}

/// The width in bytes of basic type code `t` when its values are stored as they are (not packed).
fn fixed_width(t: i32) -> Option<usize> {
    match t {
        code::CHAR | code::LEGACY_CHAR | code::UCHAR | code::BOOL => Some(1),
        code::SHORT | code::USHORT => Some(2),
        code::INT | code::COUNTER | code::UINT | code::BITS | code::FLOAT => Some(4),
        code::LONG | code::LONG64 | code::ULONG | code::ULONG64 | code::DOUBLE => Some(8),
        _ => None,
    }
}

/// `bytes` as big-endian numbers of fixed-width type code `t` ([`fixed_width`]): floats as [`Value::Floats`],
/// integers as [`Value::Ints`] (unsigned 64-bit values wrap, as `read_basic`'s `UInt`s did through `as i64`).
fn numbers(bytes: &[u8], t: i32) -> Value {
    fn be<const N: usize>(bytes: &[u8]) -> impl Iterator<Item = [u8; N]> + '_ {
        bytes.chunks_exact(N).map(|c| {
            let mut a = [0u8; N];
            a.copy_from_slice(c);
            a
        })
    }
    match t {
        code::FLOAT => Value::Floats(be::<4>(bytes).map(|a| f64::from(f32::from_be_bytes(a))).collect()),
        code::DOUBLE => Value::Floats(be::<8>(bytes).map(f64::from_be_bytes).collect()),
        code::CHAR | code::LEGACY_CHAR => Value::Ints(bytes.iter().map(|&b| i64::from(b as i8)).collect()),
        code::UCHAR => Value::Ints(bytes.iter().map(|&b| i64::from(b)).collect()),
        code::BOOL => Value::Ints(bytes.iter().map(|&b| i64::from(b != 0)).collect()),
        code::SHORT => Value::Ints(be::<2>(bytes).map(|a| i64::from(i16::from_be_bytes(a))).collect()),
        code::USHORT => Value::Ints(be::<2>(bytes).map(|a| i64::from(u16::from_be_bytes(a))).collect()),
        code::INT | code::COUNTER => Value::Ints(be::<4>(bytes).map(|a| i64::from(i32::from_be_bytes(a))).collect()),
        code::UINT | code::BITS => Value::Ints(be::<4>(bytes).map(|a| i64::from(u32::from_be_bytes(a))).collect()),
        code::LONG | code::LONG64 => Value::Ints(be::<8>(bytes).map(i64::from_be_bytes).collect()),
        _ => Value::Ints(be::<8>(bytes).map(|a| u64::from_be_bytes(a) as i64).collect()),
    }
}

fn packing_factor(range: &FloatRange) -> f64 {
    let nbits = if range.nbits == 0 { 32 } else { range.nbits };
    let bigint = if nbits < 32 { f64::from(1u32 << nbits) } else { f64::from(u32::MAX) };
    bigint / (range.xmax - range.xmin)
}

/// Reads a `Double32_t` packed according to its range (`TBufferFile::ReadDouble32`).
pub fn read_double32(c: &mut Cursor, range: Option<FloatRange>) -> Result<f64> {
    match range {
        Some(r) if r.xmin < r.xmax => Ok(f64::from(c.u32()?) / packing_factor(&r) + r.xmin),
        Some(r) if r.nbits != 0 && r.nbits < 15 => Ok(f64::from(read_with_nbits(c, r.nbits)?)),
        _ => Ok(f64::from(c.f32()?)),
    }
}

/// Reads a `Float16_t` packed according to its range (`TBufferFile::ReadFloat16`).
pub fn read_float16(c: &mut Cursor, range: Option<FloatRange>) -> Result<f32> {
    match range {
        Some(r) if r.xmin < r.xmax => Ok((f64::from(c.u32()?) / packing_factor(&r) + r.xmin) as f32),
        Some(r) if r.nbits != 0 && r.nbits < 15 => read_with_nbits(c, r.nbits),
        _ => read_with_nbits(c, 12),
    }
}

/// A float stored as an 8-bit exponent and a truncated `nbits`-bit mantissa with the sign above it.
fn read_with_nbits(c: &mut Cursor, nbits: u32) -> Result<f32> {
    let exponent = u32::from(c.u8()?);
    let mantissa = u32::from(c.u16()?);
    let nbits = nbits.min(22);
    let bits = (exponent << 23) | ((mantissa & ((1 << (nbits + 1)) - 1)) << (23 - nbits));
    let v = f32::from_bits(bits);
    Ok(if (1 << (nbits + 1)) & mantissa != 0 { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_floats() {
        // Double32 in [0, 10] with 32 bits: 2^32-1 maps to 10.
        let data = u32::MAX.to_be_bytes();
        let r = FloatRange { xmin: 0.0, xmax: 10.0, nbits: 0 };
        assert!((read_double32(&mut Cursor::new(&data), Some(r)).unwrap() - 10.0).abs() < 1e-6);
        // No range: a plain float.
        let data = 1.5f32.to_be_bytes();
        assert_eq!(read_double32(&mut Cursor::new(&data), None).unwrap(), 1.5);
        // Float16 without range: exponent byte 127 (2^0), mantissa 0b1 << (12 - 1) = 0.5 → 1.5.
        let data = [127, 0x08, 0x00];
        assert_eq!(read_float16(&mut Cursor::new(&data), None).unwrap(), 1.5);
        // Sign bit above the 12-bit mantissa.
        let data = [127, 0x20, 0x00];
        assert_eq!(read_float16(&mut Cursor::new(&data), None).unwrap(), -1.0);
    }

    #[test]
    fn basic_arrays_of_every_width() {
        // Hand-written big-endian bytes for each fixed-width code, and the values they hold.
        let ints = |t: i32, bytes: &[u8]| read_basic_array(&mut Cursor::new(bytes), t, 2, None).unwrap();
        assert_eq!(ints(code::CHAR, &[0xff, 0x05]), Value::Ints(vec![-1, 5]));
        assert_eq!(ints(code::UCHAR, &[0xff, 0x05]), Value::Ints(vec![255, 5]));
        assert_eq!(ints(code::BOOL, &[0x00, 0x02]), Value::Ints(vec![0, 1]));
        assert_eq!(ints(code::SHORT, &[0xff, 0xfe, 0x01, 0x00]), Value::Ints(vec![-2, 256]));
        assert_eq!(ints(code::USHORT, &[0xff, 0xfe, 0x01, 0x00]), Value::Ints(vec![65534, 256]));
        assert_eq!(ints(code::INT, &[0xff, 0xff, 0xff, 0xfd, 0, 1, 0, 0]), Value::Ints(vec![-3, 65536]));
        assert_eq!(ints(code::UINT, &[0xff, 0xff, 0xff, 0xfd, 0, 1, 0, 0]), Value::Ints(vec![4294967293, 65536]));
        let longs = [[0xff; 8], [0, 0, 0, 1, 0, 0, 0, 0]].concat();
        assert_eq!(ints(code::LONG64, &longs), Value::Ints(vec![-1, 1 << 32]));
        assert_eq!(ints(code::ULONG64, &longs), Value::Ints(vec![-1, 1 << 32]));
        // 1.5 = 0x3fc00000 (f32), -2.0 = 0xc000000000000000 (f64).
        assert_eq!(ints(code::FLOAT, &[0x3f, 0xc0, 0, 0, 0xc0, 0, 0, 0]), Value::Floats(vec![1.5, -2.0]));
        let doubles = [[0x3f, 0xf8, 0, 0, 0, 0, 0, 0], [0xc0, 0, 0, 0, 0, 0, 0, 0]].concat();
        assert_eq!(ints(code::DOUBLE, &doubles), Value::Floats(vec![1.5, -2.0]));
        // The cursor moves past the array; an array longer than the buffer is an error naming the offset.
        let mut c = Cursor::new(&[0, 0, 0, 7, 9]);
        assert_eq!(read_basic_array(&mut c, code::INT, 1, None).unwrap(), Value::Ints(vec![7]));
        assert_eq!(c.pos(), 4);
        let err = read_basic_array(&mut c, code::INT, 1, None).unwrap_err().to_string();
        assert!(err.contains("longer than the 1 bytes left"), "{err}");
        assert!(read_basic_array(&mut Cursor::new(&[]), code::INT, usize::MAX, None).is_err());
    }
}
