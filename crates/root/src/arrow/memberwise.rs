//! arrow/memberwise (layer 6): STL collections of objects streamed member-wise
//! (`kStreamedMemberWise`, bit 14 of the collection version): each member of the element class is
//! written for all elements before the next member (ROOT's member-wise action sequence).

use crate::arrow::object::{ClassNode, Node, Part};
use crate::arrow::object_read::{Col, prims, read_len};
use crate::bytes::Cursor;
use crate::dict::tags::read_tobject;
use crate::error::{Error, Result};

/// Reads the body of a member-wise streamed collection of objects (after its byte count and
/// version): the element class version (`int16`; 0 or less is followed by the layout's `uint32`
/// checksum), `int32 n`, then each member of the class for all `n` elements in turn; base classes
/// have no header and their members are looped the same way (ROOT's member-wise action sequence).
pub(super) fn read_memberwise(items: &Node, c: &mut Cursor, col: &mut Col) -> Result<()> {
    let Node::Class(cls) = items else {
        return Err(Error::unsupported(format!(
            "member-wise streamed collection of {:?} (only classes are streamed member-wise)",
            items.data_type()
        )));
    };
    let version = c.i16()?;
    let checksum = if version <= 0 { Some(c.u32()?) } else { None };
    let n = read_len(c)?;
    let layout = std::iter::once(cls).chain(cls.others.iter()).find(|l| match checksum {
        Some(sum) => l.checksum == sum,
        None => l.version == i32::from(version),
    });
    let cls = layout.ok_or_else(|| {
        let what = match checksum {
            Some(sum) => format!("checksum {sum:#010x}"),
            None => format!("v{version}"),
        };
        Error::unsupported(format!("{} {what} member-wise in the data; no such layout in the file", cls.name))
    })?;
    let Col::Struct(len, cols) = col else {
        return Err(Error::Internal("member-wise collection column is not a struct".into()));
    };
    let mut at = 0;
    read_members_n(cls, c, cols, &mut at, n)?;
    *len += n;
    Ok(())
}

/// Reads every member of `cls` for `n` elements, one member at a time (member-wise layout).
fn read_members_n(cls: &ClassNode, c: &mut Cursor, cols: &mut [Col], at: &mut usize, n: usize) -> Result<()> {
    for p in &cls.parts {
        match p {
            Part::Member { name, node, .. } => {
                let col = cols.get_mut(*at).ok_or_else(|| Error::Internal("class column missing".into()))?;
                match (node, col) {
                    (Node::Prim(p), Col::Prim(v)) => prims(c, *p, n, v)?,
                    (Node::Fixed(inner, k), Col::Fixed(_, col)) => match (inner.as_ref(), col.as_mut()) {
                        (Node::Prim(p), Col::Prim(v)) => {
                            prims(c, *p, n.checked_mul(*k).ok_or_else(|| c.error("array size overflows"))?, v)?
                        }
                        _ => return Err(memberwise_unsupported(cls, name, node)),
                    },
                    _ => return Err(memberwise_unsupported(cls, name, node)),
                }
                *at += 1;
            }
            Part::Base(b) => read_members_n(b, c, cols, at, n)?,
            // A TObject base keeps its own streamer: version, fUniqueID, fBits (+ pid) per element.
            Part::TObject => {
                for _ in 0..n {
                    read_tobject(c)?;
                }
            }
            Part::Skip(_) => {
                return Err(Error::unsupported(format!("member-wise streamed {} with a hand-streamed part", cls.name)));
            }
        }
    }
    Ok(())
}

fn memberwise_unsupported(cls: &ClassNode, name: &str, node: &Node) -> Error {
    Error::unsupported(format!(
        "member '{name}' ({:?}) of {} streamed member-wise (only numbers and fixed arrays of numbers so far)",
        node.data_type(),
        cls.name
    ))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, UInt32Type};

    use crate::arrow::object::{ClassNode, Node, Part};
    use crate::arrow::object_read::{Col, read};
    use crate::arrow::types::Prim;
    use crate::bytes::Cursor;

    fn with_count(body: Vec<u8>) -> Vec<u8> {
        let mut v = (0x4000_0000u32 | body.len() as u32).to_be_bytes().to_vec();
        v.extend(body);
        v
    }

    #[test]
    fn member_wise_vector_of_element_links() {
        // `vector<ElementLink<xAOD::CutBookkeeperContainer_v1>>` entry of uproot-physlite-rntuple_v1-0-0-0.root
        // (MetaData, CutBookkeepersAux.parentLink): version 0x4009, element v0 + checksum, n = 4,
        // then ElementLinkBase's m_persKey ×4 and m_persIndex ×4. ROOT's TTree::Scan prints
        // m_persKey 0 and m_persIndex 4294967295 for all four instances.
        let base = ClassNode {
            name: "ElementLinkBase".into(),
            version: 1,
            header: true,
            parts: vec![
                Part::Member { name: "m_persKey".into(), node: Node::Prim(Prim::U32), counter: None },
                Part::Member { name: "m_persIndex".into(), node: Node::Prim(Prim::U32), counter: None },
            ],
            checksum: 0xfeb3_df9e,
            others: vec![],
        };
        let link = ClassNode {
            name: "ElementLink<xAOD::CutBookkeeperContainer_v1>".into(),
            version: 1,
            header: true,
            parts: vec![Part::Base(Arc::new(base))],
            checksum: 0x6977_7553,
            others: vec![],
        };
        let node = Node::Seq { header: true, items: Box::new(Node::Class(Arc::new(link))) };
        let hex = "4000002c40090000697775530000000400000000000000000000000000000000ffffffffffffffffffffffffffffffff";
        let data: Vec<u8> =
            (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
        let mut col = Col::new(&node);
        let mut c = Cursor::new(&data);
        read(&node, &mut c, &mut col, &[]).unwrap();
        assert!(c.is_empty());
        let a = col.finish(&node).unwrap();
        let links = a.as_list::<i32>().value(0);
        let links = links.as_struct();
        assert_eq!(links.len(), 4);
        assert_eq!(links.column(0).as_primitive::<UInt32Type>().values().as_ref(), &[0; 4]);
        assert_eq!(links.column(1).as_primitive::<UInt32Type>().values().as_ref(), &[u32::MAX; 4]);

        // Another checksum than the file's layouts: unsupported, never guessed.
        let mut other = data.clone();
        other[8] = 0x11;
        let err = read(&node, &mut Cursor::new(&other), &mut Col::new(&node), &[]).unwrap_err();
        assert!(err.is_unsupported());
    }

    #[test]
    fn member_wise_tobject_base_and_empty_member_wise_map() {
        // `vector<TRotation>` as BDSIM writes it (uproot-issue371.root, Model.staRot; ROOT's Draw gives
        // the same values): element v1 (no checksum), n = 2, TObject per element, then fxx for both.
        let rot = ClassNode {
            name: "TRotation".into(),
            version: 1,
            header: true,
            parts: vec![Part::TObject, Part::Member { name: "fxx".into(), node: Node::Prim(Prim::F64), counter: None }],
            checksum: 0,
            others: vec![],
        };
        let node = Node::Seq { header: true, items: Box::new(Node::Class(Arc::new(rot))) };
        let mut body = (0x4000u16 | 9).to_be_bytes().to_vec();
        body.extend(1i16.to_be_bytes());
        body.extend(2i32.to_be_bytes());
        for _ in 0..2 {
            body.extend([0, 1, 0, 0, 0, 0, 0x02, 0, 0, 0]); // TObject v1, fUniqueID 0, fBits 0x02000000
        }
        body.extend(0.5f64.to_be_bytes());
        body.extend(1.0f64.to_be_bytes());
        let data = with_count(body);
        let mut col = Col::new(&node);
        let mut c = Cursor::new(&data);
        read(&node, &mut c, &mut col, &[]).unwrap();
        assert!(c.is_empty());
        let a = col.finish(&node).unwrap();
        let rots = a.as_list::<i32>().value(0);
        assert_eq!(rots.as_struct().column(0).as_primitive::<Float64Type>().values().as_ref(), &[0.5, 1.0]);

        // An empty member-wise `map<string,int>` ends after its count (no per-member headers).
        let node = Node::Map {
            header: true,
            key: Box::new(Node::Str { header: false }),
            value: Box::new(Node::Prim(Prim::I32)),
            blocks: [true, false],
        };
        let data = with_count(vec![0x40, 0x09, 0, 0, 0x3a, 0x5a, 0x65, 0x72, 0, 0, 0, 0]);
        let mut col = Col::new(&node);
        let mut c = Cursor::new(&data);
        read(&node, &mut c, &mut col, &[]).unwrap();
        assert!(c.is_empty());
        assert_eq!(col.finish(&node).unwrap().as_list::<i32>().value(0).len(), 0);
    }

    #[test]
    fn member_wise_map_of_string_to_tstring() {
        // uproot-stl_containers.root `map_string_tstring` entry 1: pair v0 + checksum, n = 2, the
        // std::string keys behind one byte count + version, the TString values bare.
        let node = Node::Map {
            header: true,
            key: Box::new(Node::Str { header: false }),
            value: Box::new(Node::Str { header: false }),
            blocks: [true, false],
        };
        let hex = "40000022400900009cb11ada000000024000000a0009036f6e650374776f034f4e450354574f";
        let data: Vec<u8> =
            (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
        let mut col = Col::new(&node);
        let mut c = Cursor::new(&data);
        read(&node, &mut c, &mut col, &[]).unwrap();
        assert!(c.is_empty());
        let a = col.finish(&node).unwrap();
        let m = a.as_list::<i32>().value(0);
        let m = m.as_struct();
        let keys: Vec<&str> = m.column(0).as_string::<i32>().iter().flatten().collect();
        let values: Vec<&str> = m.column(1).as_string::<i32>().iter().flatten().collect();
        assert_eq!(keys, ["one", "two"]);
        assert_eq!(values, ["ONE", "TWO"]);
    }
}
