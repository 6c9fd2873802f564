//! model/builtin (layer 4): classes with custom streamers, read by hand: TObject, TNamed, TString,
//! TObjString, TObjArray, TList/THashList, TArray*, TBasket.

use std::sync::Arc;

use crate::bytes::Cursor;
use crate::dict::code;
use crate::dict::tags::{read_objarray_head, read_tnamed, read_tobject};
use crate::error::{Error, Result};
use crate::model::read::read_basic_array;
use crate::model::{Object, ObjectReader, Value, basket};

impl ObjectReader<'_> {
    /// Reads `class` if it has a hand-coded streamer; `Ok(None)` for every other class.
    pub(super) fn read_builtin(&mut self, c: &mut Cursor, class: &str) -> Result<Option<Value>> {
        let value = match class {
            "TObject" => {
                let o = read_tobject(c)?;
                object(
                    class,
                    vec![("fUniqueID", Value::UInt(u64::from(o.unique_id))), ("fBits", Value::UInt(u64::from(o.bits)))],
                )
            }
            "TNamed" => {
                let (name, title) = read_tnamed(c)?;
                object(class, vec![("fName", Value::String(name)), ("fTitle", Value::String(title))])
            }
            "TString" => Value::String(c.string()?),
            "TObjString" => {
                let header = c.object_header()?;
                read_tobject(c)?;
                let s = c.string()?;
                c.finish(&header, class)?;
                Value::String(s)
            }
            "TObjArray" => self.read_objarray(c)?,
            "TList" | "THashList" => self.read_list(c)?,
            "TArrayC" => read_tarray(c, code::CHAR)?,
            "TArrayS" => read_tarray(c, code::SHORT)?,
            "TArrayI" => read_tarray(c, code::INT)?,
            "TArrayL" | "TArrayL64" => read_tarray(c, code::LONG64)?,
            "TArrayF" => read_tarray(c, code::FLOAT)?,
            "TArrayD" => read_tarray(c, code::DOUBLE)?,
            "TBasket" => Value::Basket(Arc::new(basket::read_basket(c)?)),
            "TClonesArray" | "TMap" | "TRefTable" | "TStreamerInfo" => {
                return Err(Error::unsupported(format!("reading a {class} object")));
            }
            _ => return Ok(None),
        };
        Ok(Some(value))
    }

    /// `TObjArray::Streamer`: version, TObject, name, count, lower bound, then tagged objects.
    fn read_objarray(&mut self, c: &mut Cursor) -> Result<Value> {
        let (header, n) = read_objarray_head(c)?;
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(self.read_object_any(c)?);
        }
        c.finish(&header, "TObjArray")?;
        Ok(Value::List(items))
    }

    /// `TList::Streamer`: version, TObject, name, count, then tagged objects each with an option string.
    fn read_list(&mut self, c: &mut Cursor) -> Result<Value> {
        let header = c.object_header()?;
        if header.version > 2 {
            read_tobject(c)?;
            c.string()?;
        }
        let n = c.i32()?;
        if n < 0 || n as usize > c.remaining() {
            return Err(c.error(format!("TList claims {n} objects in {} bytes", c.remaining())));
        }
        let mut items = Vec::with_capacity(n as usize);
        for _ in 0..n {
            items.push(self.read_object_any(c)?);
            if header.version > 3 {
                c.string_bytes()?;
            }
        }
        c.finish(&header, "TList")?;
        Ok(Value::List(items))
    }
}

fn object(class: &str, fields: Vec<(&str, Value)>) -> Value {
    Value::Object(Arc::new(Object {
        class: class.to_string(),
        version: 0,
        fields: fields.into_iter().map(|(n, v)| (n.to_string(), v)).collect(),
        map_offset: None,
    }))
}

/// `TArray*::Streamer`: `Int_t n`, then `n` values (no version header).
fn read_tarray(c: &mut Cursor, t: i32) -> Result<Value> {
    let n = c.i32()?;
    if n < 0 {
        return Err(c.error(format!("TArray of length {n}")));
    }
    read_basic_array(c, t, n as usize, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::StreamerDb;

    #[test]
    fn list_of_strings_and_null() {
        let mut data = vec![0x40, 0, 0, 0, 0, 5]; // byte count patched below, TList v5
        data.extend([0, 1, 0, 0, 0, 0, 0x03, 0, 0, 0, 0]); // TObject, empty name
        data.extend(2i32.to_be_bytes());
        let mut item = 0xffff_ffffu32.to_be_bytes().to_vec();
        item.extend(b"TObjString\0");
        item.extend([0x40, 0, 0, 15, 0, 1, 0, 1, 0, 0, 0, 0, 0x03, 0, 0, 0, 2, b'h', b'i']);
        data.extend((0x4000_0000u32 | item.len() as u32).to_be_bytes());
        data.extend(item);
        data.push(0); // option
        data.extend([0, 0, 0, 0, 0]); // null object, option
        let count = (data.len() - 4) as u32 | 0x4000_0000;
        data[..4].copy_from_slice(&count.to_be_bytes());
        let db = StreamerDb::default();
        let mut c = Cursor::new(&data);
        let v = ObjectReader::new(&db).read_class(&mut c, "TList").unwrap();
        assert_eq!(v, Value::List(vec![Value::String("hi".into()), Value::Null]));
        assert!(c.is_empty());
    }

    #[test]
    fn tarray_d() {
        let mut data = 2i32.to_be_bytes().to_vec();
        data.extend(1.0f64.to_be_bytes());
        data.extend((-2.5f64).to_be_bytes());
        let db = StreamerDb::default();
        let v = ObjectReader::new(&db).read_class(&mut Cursor::new(&data), "TArrayD").unwrap();
        assert_eq!(v, Value::Floats(vec![1.0, -2.5]));
    }
}
