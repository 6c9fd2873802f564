//! arrow/object_read (layer 6): runs a compiled object decoder over entry bytes, appending into
//! growable columns that become Arrow arrays.

use std::sync::Arc;

use arrow_array::{ArrayRef, FixedSizeListArray, ListArray, StructArray};
use arrow_buffer::{OffsetBuffer, ScalarBuffer};
use arrow_schema::{Field, Fields};

use crate::arrow::decode::Piece;
use crate::arrow::object::{ClassNode, Layout, Node, ObjectDecoder, Part};
use crate::arrow::plan::item;
use crate::arrow::types::Prim;
use crate::arrow::values::{Strings, Values};
use crate::bytes::{Cursor, STREAMED_MEMBERWISE};
use crate::dict::tags::read_tobject;
use crate::error::{Error, Result};

/// Growable storage shaped like one decoder node.
#[derive(Debug)]
pub enum Col {
    /// Numbers.
    Prim(Values),
    /// Strings.
    Str(Strings),
    /// Fixed-size groups of the inner column.
    Fixed(usize, Box<Col>),
    /// Variable-size lists: offsets into the inner column.
    List(Vec<i32>, Box<Col>),
    /// Lists of key/value pairs.
    Map(Vec<i32>, Box<Col>, Box<Col>),
    /// Struct rows: row count and one column per field (names come from the node).
    Struct(usize, Vec<Col>),
}

fn to_i32(n: usize) -> Result<i32> {
    i32::try_from(n).map_err(|_| Error::unsupported("more than 2^31 list elements in one batch"))
}

impl Col {
    /// Empty storage for `node`.
    pub fn new(node: &Node) -> Col {
        match node {
            Node::Prim(p) => Col::Prim(Values::with_capacity(*p, 0)),
            Node::Str { .. } => Col::Str(Strings::new()),
            Node::Fixed(inner, n) => Col::Fixed(*n, Box::new(Col::new(inner))),
            Node::Pointer { prim, .. } => Col::List(vec![0], Box::new(Col::Prim(Values::with_capacity(*prim, 0)))),
            Node::Seq { items, .. } => Col::List(vec![0], Box::new(Col::new(items))),
            Node::Map { key, value, .. } => Col::Map(vec![0], Box::new(Col::new(key)), Box::new(Col::new(value))),
            Node::Class(c) => {
                let mut cols = Vec::new();
                class_cols(c, &mut cols);
                Col::Struct(0, cols)
            }
        }
    }

    /// The Arrow array of everything appended (field names and types from `node`).
    pub fn finish(self, node: &Node) -> Result<ArrayRef> {
        match (self, node) {
            (Col::Prim(v), _) => Ok(v.finish()),
            (Col::Str(s), _) => s.finish(),
            (Col::Fixed(n, inner), Node::Fixed(inner_node, _)) => {
                let values = inner.finish(inner_node)?;
                let dt = values.data_type().clone();
                Ok(Arc::new(FixedSizeListArray::try_new(item(dt), n as i32, values, None)?))
            }
            (Col::List(offsets, inner), Node::Seq { items, .. }) => list(offsets, inner.finish(items)?),
            (Col::List(offsets, inner), Node::Pointer { prim, .. }) => list(offsets, inner.finish(&Node::Prim(*prim))?),
            (Col::Map(offsets, k, v), Node::Map { key, value, .. }) => {
                let k = k.finish(key)?;
                let v = v.finish(value)?;
                let fields = Fields::from(vec![
                    Field::new("key", k.data_type().clone(), false),
                    Field::new("value", v.data_type().clone(), false),
                ]);
                list(offsets, Arc::new(StructArray::try_new(fields, vec![k, v], None)?))
            }
            (Col::Struct(len, cols), Node::Class(c)) => {
                let mut nodes = Vec::new();
                class_members(c, &mut nodes);
                if cols.is_empty() {
                    return Ok(Arc::new(StructArray::new_empty_fields(len, None)));
                }
                let mut fields = Vec::with_capacity(cols.len());
                let mut arrays = Vec::with_capacity(cols.len());
                for (col, (name, node)) in cols.into_iter().zip(nodes) {
                    let a = col.finish(node)?;
                    fields.push(Field::new(name, a.data_type().clone(), false));
                    arrays.push(a);
                }
                Ok(Arc::new(StructArray::try_new(Fields::from(fields), arrays, None)?))
            }
            _ => Err(Error::Internal("object column does not match its decoder node".into())),
        }
    }
}

fn list(offsets: Vec<i32>, values: ArrayRef) -> Result<ArrayRef> {
    let dt = values.data_type().clone();
    Ok(Arc::new(ListArray::try_new(item(dt), OffsetBuffer::new(ScalarBuffer::from(offsets)), values, None)?))
}

fn class_cols(c: &ClassNode, out: &mut Vec<Col>) {
    for p in &c.parts {
        match p {
            Part::Member { node, .. } => out.push(Col::new(node)),
            Part::Base(b) => class_cols(b, out),
            Part::TObject | Part::Skip(_) => {}
        }
    }
}

fn class_members<'a>(c: &'a ClassNode, out: &mut Vec<(&'a str, &'a Node)>) {
    for p in &c.parts {
        match p {
            Part::Member { name, node, .. } => out.push((name, node)),
            Part::Base(b) => class_members(b, out),
            Part::TObject | Part::Skip(_) => {}
        }
    }
}

/// Reads a collection size and checks it can fit in what is left.
pub(super) fn read_len(c: &mut Cursor) -> Result<usize> {
    let n = c.i32()?;
    if n < 0 || n as usize > c.remaining() {
        return Err(c.error(format!("collection of {n} elements in {} bytes", c.remaining())));
    }
    Ok(n as usize)
}

pub(super) fn prims(c: &mut Cursor, prim: Prim, n: usize, v: &mut Values) -> Result<()> {
    let bytes = c.bytes(n.checked_mul(prim.disk_size()).ok_or_else(|| c.error("array size overflows"))?)?;
    v.extend_from_be(prim, bytes)
}

/// Reads one value of `node` at the cursor into `col`; `counters` are the enclosing class's `[n]` counts.
pub fn read(node: &Node, c: &mut Cursor, col: &mut Col, counters: &[i64]) -> Result<()> {
    match (node, col) {
        (Node::Prim(p), Col::Prim(v)) => prims(c, *p, 1, v),
        (Node::Str { header }, Col::Str(s)) => {
            if *header {
                let h = c.object_header()?;
                s.push_root_string(c)?;
                c.finish(&h, "string")
            } else {
                s.push_root_string(c)
            }
        }
        (Node::Fixed(inner, n), Col::Fixed(_, col)) => {
            if let (Node::Prim(p), Col::Prim(v)) = (inner.as_ref(), col.as_mut()) {
                return prims(c, *p, *n, v);
            }
            for _ in 0..*n {
                read(inner, c, col, counters)?;
            }
            Ok(())
        }
        (Node::Pointer { prim, count, flag }, Col::List(offsets, col)) => {
            let present = if *flag { c.u8()? != 0 } else { true };
            let n = if present { counters.get(*count).copied().unwrap_or(0).max(0) as usize } else { 0 };
            let Col::Prim(v) = col.as_mut() else {
                return Err(Error::Internal("pointer column is not numeric".into()));
            };
            prims(c, *prim, n, v)?;
            offsets.push(to_i32(v.len())?);
            Ok(())
        }
        (Node::Seq { header, items }, Col::List(offsets, col)) => {
            let h = if *header { Some(c.object_header()?) } else { None };
            if let Some(h) = h
                && (h.version as u16) & STREAMED_MEMBERWISE != 0
            {
                crate::arrow::memberwise::read_memberwise(items, c, col)?;
                offsets.push(to_i32(col.len())?);
                return c.finish(&h, "member-wise STL collection");
            }
            let n = read_len(c)?;
            let len = if let (Node::Prim(p), Col::Prim(v)) = (items.as_ref(), col.as_mut()) {
                prims(c, *p, n, v)?;
                v.len()
            } else {
                for _ in 0..n {
                    read(items, c, col, counters)?;
                }
                col.len()
            };
            offsets.push(to_i32(len)?);
            if let Some(h) = h {
                c.finish(&h, "STL collection")?;
            }
            Ok(())
        }
        (Node::Map { header, key, value, blocks }, Col::Map(offsets, kc, vc)) => {
            if !*header {
                return Err(Error::unsupported("std::map nested without its own header"));
            }
            let h = c.object_header()?;
            if (h.version as u16) & STREAMED_MEMBERWISE == 0 {
                return Err(Error::unsupported("std::map streamed object-wise"));
            }
            c.skip(6)?;
            let n = read_len(c)?;
            for ((node, col), block) in [(key, &mut **kc), (value, &mut **vc)].into_iter().zip(*blocks) {
                // An empty map ends after its count (BDSIM's empty `map<string,int>`: the byte count says so).
                if block && n > 0 {
                    c.skip(6)?;
                }
                for _ in 0..n {
                    read(node, c, col, counters)?;
                }
            }
            offsets.push(to_i32(kc.len())?);
            c.finish(&h, "std::map")
        }
        (Node::Class(cls), Col::Struct(len, cols)) => {
            let mut at = 0;
            read_class(cls, c, cols, &mut at)?;
            *len += 1;
            Ok(())
        }
        _ => Err(Error::Internal("object column does not match its decoder node".into())),
    }
}

fn read_class(cls: &ClassNode, c: &mut Cursor, cols: &mut [Col], at: &mut usize) -> Result<()> {
    let h = if cls.header { Some(c.object_header()?) } else { None };
    let mut cls = cls;
    if let Some(h) = h
        && h.version > 0
        && cls.version > 0
        && i32::from(h.version) != cls.version
    {
        cls = cls.others.iter().find(|o| o.version == i32::from(h.version)).ok_or_else(|| {
            Error::unsupported(format!("{} v{} in the data; the decoder follows v{}", cls.name, h.version, cls.version))
        })?;
    }
    let mut counters = vec![0i64; cls.counters()];
    for p in &cls.parts {
        match p {
            Part::Member { node, counter, .. } => {
                if let Some(k) = counter {
                    let mut peek = c.clone();
                    let v = match node {
                        Node::Prim(Prim::I16 | Prim::U16) => i64::from(peek.i16()?),
                        Node::Prim(Prim::I64 | Prim::U64) => peek.i64()?,
                        _ => i64::from(peek.i32()?),
                    };
                    if let Some(slot) = counters.get_mut(*k) {
                        *slot = v;
                    }
                }
                let col = cols.get_mut(*at).ok_or_else(|| Error::Internal("class column missing".into()))?;
                read(node, c, col, &counters)?;
                *at += 1;
            }
            Part::Base(b) => read_class(b, c, cols, at)?,
            Part::TObject => {
                read_tobject(c)?;
            }
            Part::Skip(n) => c.skip(*n)?,
        }
    }
    if let Some(h) = h {
        c.finish(&h, &cls.name)?;
    }
    Ok(())
}

impl Col {
    /// Number of rows appended.
    fn len(&self) -> usize {
        match self {
            Col::Prim(v) => v.len(),
            Col::Str(s) => s.len(),
            Col::Fixed(n, inner) => inner.len() / (*n).max(1),
            Col::List(o, _) | Col::Map(o, _, _) => o.len() - 1,
            Col::Struct(n, _) => *n,
        }
    }
}

fn leftover(c: &Cursor) -> Result<()> {
    if c.is_empty() {
        Ok(())
    } else {
        Err(c.error(format!("object decoding stopped {} bytes before the end of the entry", c.remaining())))
    }
}

/// Decodes the `n` entries of `pieces` with `dec` (each entry one value, or per-element values of a
/// split collection member with `counts` elements per entry).
pub fn decode_object(dec: &ObjectDecoder, pieces: &[Piece], n: usize, counts: Option<&[i32]>) -> Result<ArrayRef> {
    let mut col = Col::new(&dec.node);
    // A top-level object may be written without byte count and version (its members directly).
    let bare = match &dec.node {
        Node::Class(cls) if cls.header => Some(Node::Class(Arc::new(ClassNode { header: false, ..(**cls).clone() }))),
        _ => None,
    };
    let mut entry = 0usize;
    for p in pieces {
        for i in p.entries.clone() {
            let bytes = &p.basket.data[p.basket.entry_range(i)];
            let mut c = Cursor::new(bytes);
            match (dec.layout, counts) {
                (Layout::Entry, _) => {
                    let counted = bytes.len() >= 4 && bytes[0] & 0x40 != 0;
                    match &bare {
                        Some(bare) if !counted => read(bare, &mut c, &mut col, &[])?,
                        _ => read(&dec.node, &mut c, &mut col, &[])?,
                    }
                }
                (Layout::Counted { header }, Some(counts)) => {
                    let k = counts.get(entry).copied().unwrap_or(0).max(0);
                    if !(bytes.is_empty() && k == 0) {
                        let h = if header { Some(c.object_header()?) } else { None };
                        for _ in 0..k {
                            read(&dec.node, &mut c, &mut col, &[])?;
                        }
                        if let Some(h) = h {
                            c.finish(&h, "collection member")?;
                        }
                    }
                }
                (Layout::Counted { .. }, None) => {
                    return Err(Error::Internal("collection member decoded without its counts".into()));
                }
            }
            leftover(&c)?;
            entry += 1;
        }
    }
    if entry != n {
        return Err(Error::Internal(format!("pieces hold {entry} entries, {n} expected")));
    }
    col.finish(&dec.node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, Int16Type, Int32Type};
    use arrow_array::{Array, StructArray};

    fn with_count(body: Vec<u8>) -> Vec<u8> {
        let mut v = (0x4000_0000u32 | body.len() as u32).to_be_bytes().to_vec();
        v.extend(body);
        v
    }

    #[test]
    fn class_with_tobject_base_counter_array_and_map() {
        // class C : TObject { Int_t n; Double_t* x; //[n]  map<int,short> m; } (version 2)
        let cls = ClassNode {
            name: "C".into(),
            version: 2,
            header: true,
            parts: vec![
                Part::TObject,
                Part::Member { name: "n".into(), node: Node::Prim(Prim::I32), counter: Some(0) },
                Part::Member {
                    name: "x".into(),
                    node: Node::Pointer { prim: Prim::F64, count: 0, flag: true },
                    counter: None,
                },
                Part::Member {
                    name: "m".into(),
                    node: Node::Map {
                        header: true,
                        key: Box::new(Node::Prim(Prim::I32)),
                        value: Box::new(Node::Prim(Prim::I16)),
                        blocks: [false, false],
                    },
                    counter: None,
                },
            ],
            checksum: 0,
            others: vec![],
        };
        let node = Node::Class(Arc::new(cls));
        let mut body = 2i16.to_be_bytes().to_vec();
        body.extend([0, 1, 0, 0, 0, 0, 0x03, 0, 0, 0]); // TObject v1, fUniqueID 0, fBits 0x03000000
        body.extend(2i32.to_be_bytes()); // n = 2
        body.push(1); // array flag
        body.extend(1.5f64.to_be_bytes());
        body.extend((-2.0f64).to_be_bytes());
        let mut map = (0x4000u16 | 9).to_be_bytes().to_vec(); // member-wise version bit
        map.extend([0x40, 0, 0, 2, 0, 1]); // the pair's 6 header bytes
        map.extend(2i32.to_be_bytes());
        map.extend(7i32.to_be_bytes());
        map.extend(8i32.to_be_bytes());
        map.extend(70i16.to_be_bytes());
        map.extend(80i16.to_be_bytes());
        body.extend(with_count(map));
        let data = with_count(body);
        let mut col = Col::new(&node);
        let mut c = Cursor::new(&data);
        read(&node, &mut c, &mut col, &[]).unwrap();
        assert!(c.is_empty());
        let a = col.finish(&node).unwrap();
        assert_eq!(a.data_type(), &node.data_type());
        let s = a.as_any().downcast_ref::<StructArray>().unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s.column_names(), vec!["n", "x", "m"]);
        assert_eq!(s.column(0).as_primitive::<Int32Type>().value(0), 2);
        let x = s.column(1).as_list::<i32>().value(0);
        assert_eq!(x.as_primitive::<Float64Type>().values().as_ref(), &[1.5, -2.0]);
        let m = s.column(2).as_list::<i32>().value(0);
        let m = m.as_struct();
        assert_eq!(m.column(0).as_primitive::<Int32Type>().values().as_ref(), &[7, 8]);
        assert_eq!(m.column(1).as_primitive::<Int16Type>().values().as_ref(), &[70, 80]);
    }

    #[test]
    fn nested_vectors_and_wrong_version() {
        // vector<vector<string>> with the outer header only.
        let node = Node::Seq {
            header: true,
            items: Box::new(Node::Seq { header: false, items: Box::new(Node::Str { header: false }) }),
        };
        let mut body = 9i16.to_be_bytes().to_vec();
        body.extend(2i32.to_be_bytes());
        body.extend(1i32.to_be_bytes());
        body.extend([2, b'a', b'b']);
        body.extend(0i32.to_be_bytes());
        let data = with_count(body);
        let mut col = Col::new(&node);
        read(&node, &mut Cursor::new(&data), &mut col, &[]).unwrap();
        let a = col.finish(&node).unwrap();
        let outer = a.as_list::<i32>().value(0);
        let outer = outer.as_list::<i32>();
        assert_eq!(outer.len(), 2);
        assert_eq!(outer.value(0).as_string::<i32>().value(0), "ab");
        assert_eq!(outer.value(1).len(), 0);

        let cls = ClassNode { name: "D".into(), version: 3, header: true, parts: vec![], checksum: 0, others: vec![] };
        let node = Node::Class(Arc::new(cls));
        let data = with_count(2i16.to_be_bytes().to_vec());
        let err = read(&node, &mut Cursor::new(&data), &mut Col::new(&node), &[]).unwrap_err();
        assert!(err.is_unsupported());
    }
}
