//! arrow/object (layer 6): compiled, streamer-driven decoders for branches whose entries are whole
//! objects or STL containers (uproot's "AsObjects" cases): the decoder tree and how it is built from
//! the file's TStreamerInfo records and C++ type names.
//!
//! Arrow mapping: class → `Struct` (base-class members inlined, `TObject` members left out as uproot
//! does); sequence (`vector`, `set`, `list`, `deque`, `RVec`, `bitset`) → `List`; `map` →
//! `List<Struct{key, value}>`; strings → `Utf8`; numbers → primitives; `x[N]` → `FixedSizeList`.

use std::sync::Arc;

use arrow_schema::{DataType, Field, Fields};

use crate::arrow::plan::item;
use crate::arrow::types::Prim;
use crate::dict::{ElementKind, StreamerDb, StreamerElement, code, normalize_class_name};
use crate::error::{Error, Result};
use crate::tree::{Branch, BranchElementInfo};

/// Deepest type nesting compiled (guards against recursive class layouts).
const MAX_DEPTH: usize = 32;

/// One node of a compiled decoder.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// One big-endian value.
    Prim(Prim),
    /// `n` values of the inner node back to back (`x[N]`).
    Fixed(Box<Node>, usize),
    /// A ROOT string (1-byte length, 255 ⇒ 4-byte length); `header`: preceded by byte count + version.
    Str { header: bool },
    /// A `T* x //[n]` array: one flag byte (when `flag`), then as many values as the earlier member
    /// `count` holds.
    Pointer { prim: Prim, count: usize, flag: bool },
    /// A sequence container: optional byte count + version, `int32 n`, `n` items.
    Seq { header: bool, items: Box<Node> },
    /// A map, written member-wise: byte count + version (+ 6 bytes), `int32 n`, `n` keys, `n` values;
    /// `blocks[0]`/`[1]`: whether the `n` keys/values (containers other than `TString`) are grouped
    /// behind one byte count + version (present only when `n > 0`).
    Map { header: bool, key: Box<Node>, value: Box<Node>, blocks: [bool; 2] },
    /// A class instance streamed through its TStreamerInfo.
    Class(Arc<ClassNode>),
}

/// A class: its name, the version it was compiled for, and its streamed parts.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassNode {
    /// Class name.
    pub name: String,
    /// The class version the parts follow (0: hand-written streamer, not checked).
    pub version: i32,
    /// Whether a byte count + version precedes the members.
    pub header: bool,
    /// Streamed parts in order.
    pub parts: Vec<Part>,
    /// `fCheckSum` of the TStreamerInfo the parts follow (0 for hand-written streamers).
    pub checksum: u32,
    /// Layouts of other versions of the class found in the file that give the same fields.
    pub others: Vec<Arc<ClassNode>>,
}

/// One streamed part of a class.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// A member that becomes a struct field; `slot` indexes the class's counter slots.
    Member { name: String, node: Node, counter: Option<usize> },
    /// A base class: its own header, then its parts (fields inlined into the derived struct).
    Base(Arc<ClassNode>),
    /// A `TObject` (base or member): version, `fUniqueID`, `fBits`, maybe a process id; not a field.
    TObject,
    /// Bytes skipped (parts of hand-written streamers that uproot does not expose either).
    Skip(usize),
}

impl ClassNode {
    /// The struct fields (members of bases inlined, in streaming order).
    pub fn fields(&self, out: &mut Vec<(String, DataType)>) {
        for p in &self.parts {
            match p {
                Part::Member { name, node, .. } => out.push((name.clone(), node.data_type())),
                Part::Base(b) => b.fields(out),
                Part::TObject | Part::Skip(_) => {}
            }
        }
    }

    /// Number of counter slots (members referred to by a `[n]` array).
    pub fn counters(&self) -> usize {
        self.parts.iter().filter_map(|p| if let Part::Member { counter, .. } = p { *counter } else { None }).count()
    }
}

impl Node {
    /// The Arrow type of decoded values.
    pub fn data_type(&self) -> DataType {
        match self {
            Node::Prim(p) => p.data_type(),
            Node::Fixed(inner, n) => DataType::FixedSizeList(item(inner.data_type()), *n as i32),
            Node::Str { .. } => DataType::Utf8,
            Node::Pointer { prim, .. } => DataType::List(item(prim.data_type())),
            Node::Seq { items, .. } => DataType::List(item(items.data_type())),
            Node::Map { key, value, .. } => DataType::List(item(DataType::Struct(Fields::from(vec![
                Field::new("key", key.data_type(), false),
                Field::new("value", value.data_type(), false),
            ])))),
            Node::Class(c) => {
                let mut fs = Vec::new();
                c.fields(&mut fs);
                DataType::Struct(fs.into_iter().map(|(n, t)| Field::new(n, t, false)).collect::<Fields>())
            }
        }
    }

    /// Whether uproot treats this node as a container with its own header (maps skip 6 bytes for it).
    pub fn is_container(&self) -> bool {
        matches!(self, Node::Str { .. } | Node::Seq { .. } | Node::Map { .. })
    }

    /// A copy whose outermost header flag is `header` (classes keep theirs: they always have one).
    pub fn with_header(self, header: bool) -> Node {
        match self {
            Node::Str { .. } => Node::Str { header },
            Node::Seq { items, .. } => Node::Seq { header, items },
            Node::Map { key, value, blocks, .. } => Node::Map { header, key, value, blocks },
            other => other,
        }
    }
}

/// Builds decoder nodes from one file's streamers.
#[derive(Debug)]
pub struct Compiler<'d> {
    db: &'d StreamerDb,
    depth: usize,
}

fn unsupported(what: impl Into<String>) -> Error {
    Error::unsupported(what.into())
}

/// `name<args>` → (`name`, args).
fn template(name: &str) -> Option<(&str, Vec<String>)> {
    let open = name.find('<')?;
    let inner = name[open + 1..].strip_suffix('>')?;
    Some((
        &name[..open],
        crate::arrow::types::split_top_level(inner).into_iter().map(|a| a.trim().to_string()).collect(),
    ))
}

impl<'d> Compiler<'d> {
    /// A compiler over `db`.
    pub fn new(db: &'d StreamerDb) -> Self {
        Compiler { db, depth: 0 }
    }

    fn nested<T>(&mut self, what: &str, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if self.depth >= MAX_DEPTH {
            return Err(unsupported(format!("type '{what}' nested deeper than {MAX_DEPTH} levels")));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    /// The node of a C++ type name; `header`: whether an outermost container carries byte count + version.
    pub fn type_node(&mut self, name: &str, header: bool) -> Result<Node> {
        let norm = normalize_class_name(name);
        let n = norm.trim().trim_start_matches("const ").trim();
        if n.ends_with('*') {
            return Err(unsupported(format!("pointer type '{n}' (object references)")));
        }
        if let Some(p) = Prim::from_type_name(n) {
            return Ok(Node::Prim(p));
        }
        match n {
            "string" => return Ok(Node::Str { header }),
            "TString" => return Ok(Node::Str { header: false }),
            _ => {}
        }
        if let Some((base, args)) = template(n) {
            let seq = matches!(
                base,
                "vector"
                    | "list"
                    | "deque"
                    | "set"
                    | "multiset"
                    | "unordered_set"
                    | "unordered_multiset"
                    | "RVec"
                    | "ROOT::VecOps::RVec"
            );
            if seq {
                let inner = args.first().ok_or_else(|| unsupported(format!("type '{n}'")))?;
                let items = self.nested(n, |s| s.type_node(inner, false))?;
                return Ok(Node::Seq { header, items: Box::new(items) });
            }
            if base == "bitset" {
                return Ok(Node::Seq { header, items: Box::new(Node::Prim(Prim::Bool)) });
            }
            if matches!(base, "map" | "multimap" | "unordered_map" | "unordered_multimap") && args.len() >= 2 {
                let key = self.nested(n, |s| s.type_node(&args[0], false))?;
                let value = self.nested(n, |s| s.type_node(&args[1], false))?;
                // A `TString` is no container: its values follow one another without a block header.
                let block = |arg: &str, node: &Node| node.is_container() && normalize_class_name(arg) != "TString";
                let blocks = [block(&args[0], &key), block(&args[1], &value)];
                return Ok(Node::Map { header, key: Box::new(key), value: Box::new(value), blocks });
            }
        }
        self.nested(n, |s| s.class_node(n, None)).map(Node::Class)
    }

    /// The node of class `class` (at `version` when given, else the newest layout in the file).
    pub fn class_node(&mut self, class: &str, version: Option<i32>) -> Result<Arc<ClassNode>> {
        match class {
            "TObject" => {
                return Ok(Arc::new(ClassNode {
                    name: class.into(),
                    version: 1,
                    header: false,
                    parts: vec![Part::TObject],
                    checksum: 0,
                    others: Vec::new(),
                }));
            }
            "TNamed" => {
                return Ok(Arc::new(ClassNode {
                    name: class.into(),
                    version: 0,
                    header: true,
                    parts: vec![
                        Part::TObject,
                        Part::Member { name: "fName".into(), node: Node::Str { header: false }, counter: None },
                        Part::Member { name: "fTitle".into(), node: Node::Str { header: false }, counter: None },
                    ],
                    checksum: 0,
                    others: Vec::new(),
                }));
            }
            "TRef" => {
                // TRef::Streamer: version, fUniqueID (the reference), fBits, process id.
                return Ok(Arc::new(ClassNode {
                    name: class.into(),
                    version: 1,
                    header: false,
                    parts: vec![
                        Part::Skip(2),
                        Part::Member { name: "ref".into(), node: Node::Prim(Prim::U32), counter: None },
                        Part::Skip(6),
                    ],
                    checksum: 0,
                    others: Vec::new(),
                }));
            }
            "TRefArray" => {
                // TRefArray::Streamer: header, TObject, fName, fSize, fLowerBound and process id, fSize uids.
                return Ok(Arc::new(ClassNode {
                    name: class.into(),
                    version: 0,
                    header: true,
                    parts: vec![
                        Part::Skip(10),
                        Part::Member { name: "fName".into(), node: Node::Str { header: false }, counter: None },
                        Part::Member { name: "fSize".into(), node: Node::Prim(Prim::I32), counter: Some(0) },
                        Part::Skip(6),
                        Part::Member {
                            name: "refs".into(),
                            node: Node::Pointer { prim: Prim::I32, count: 0, flag: false },
                            counter: None,
                        },
                    ],
                    checksum: 0,
                    others: Vec::new(),
                }));
            }
            "TDatime" => {
                // TDatime::Streamer: the packed date and time alone, no version.
                return Ok(Arc::new(ClassNode {
                    name: class.into(),
                    version: 0,
                    header: false,
                    parts: vec![Part::Member { name: "fDatime".into(), node: Node::Prim(Prim::U32), counter: None }],
                    checksum: 0,
                    others: Vec::new(),
                }));
            }
            "TClonesArray" | "TObjArray" | "TList" | "THashList" | "TMap" | "TArrayC" | "TArrayS" | "TArrayI"
            | "TArrayL" | "TArrayL64" | "TArrayF" | "TArrayD" | "TBits" => {
                return Err(unsupported(format!("class {class} (custom streamer) inside an object")));
            }
            _ => {}
        }
        let info = match version {
            Some(v) => self.db.get_version(class, v).filter(|i| i.class_version == v),
            None => self.db.get(class),
        }
        .or_else(|| self.same_template(class, version))
        .ok_or_else(|| unsupported(format!("class {class} has no TStreamerInfo in the file")))?;
        let mut node = self.compile_info(class, info)?;
        let target = Node::Class(Arc::new(node.clone())).data_type();
        let norm = normalize_class_name(class);
        let db = self.db;
        for other in
            db.infos().filter(|i| i.class_version != info.class_version && normalize_class_name(&i.name) == norm)
        {
            if let Ok(alt) = self.compile_info(class, other)
                && Node::Class(Arc::new(alt.clone())).data_type() == target
            {
                node.others.push(Arc::new(alt));
            }
        }
        Ok(Arc::new(node))
    }

    /// The layout of another instance of a template whose persistent layout does not depend on its
    /// argument, for an instance the file has no TStreamerInfo of: ATLAS `ElementLink<T>` is always
    /// `ElementLinkBase` (`m_persKey`, `m_persIndex`), so `ElementLink<DataVector<xAOD::MuonSegment_v1>>`
    /// is read with the file's `ElementLink<DataVector<xAOD::Muon_v1>>` (as uproot's built-in form does).
    fn same_template(&self, class: &str, version: Option<i32>) -> Option<&'d crate::dict::StreamerInfo> {
        const TEMPLATES: &[&str] = &["ElementLink<"];
        let prefix = TEMPLATES.iter().find(|t| class.starts_with(**t))?;
        let db = self.db;
        let mut same: Vec<&crate::dict::StreamerInfo> =
            db.infos().filter(|i| i.name.starts_with(prefix) && version.is_none_or(|v| i.class_version == v)).collect();
        // Deterministic choice (the database is a hash map): the newest version, then by name.
        same.sort_by(|a, b| b.class_version.cmp(&a.class_version).then_with(|| a.name.cmp(&b.name)));
        let first = *same.first()?;
        // Only when every instance in the file agrees on the layout.
        let shape = |i: &crate::dict::StreamerInfo| {
            i.elements.iter().map(|e| (e.name.clone(), e.type_code, e.type_name.clone())).collect::<Vec<_>>()
        };
        same.iter().all(|i| shape(i) == shape(first)).then_some(first)
    }

    fn compile_info(&mut self, class: &str, info: &crate::dict::StreamerInfo) -> Result<ClassNode> {
        let mut parts = Vec::with_capacity(info.elements.len());
        let mut counters: Vec<String> = Vec::new();
        for e in &info.elements {
            if let Some(k) = &e.count
                && !counters.contains(&k.name)
            {
                counters.push(k.name.clone());
            }
        }
        for e in &info.elements {
            let part = self.element_part(e, &counters).map_err(|err| err.in_object(&format!("{class}::{}", e.name)))?;
            parts.push(part);
        }
        Ok(ClassNode {
            name: class.to_string(),
            version: info.class_version,
            header: true,
            parts,
            checksum: info.checksum,
            others: Vec::new(),
        })
    }

    fn element_part(&mut self, e: &StreamerElement, counters: &[String]) -> Result<Part> {
        if e.kind == ElementKind::Base || e.type_code == code::BASE {
            return match e.name.as_str() {
                "TObject" => Ok(Part::TObject),
                name => {
                    let v = e.base_version.filter(|&v| v > 0);
                    self.nested(name, |s| s.class_node(name, v)).map(Part::Base)
                }
            };
        }
        if e.type_code == code::TOBJECT {
            return Ok(Part::TObject);
        }
        let counter = counters.iter().position(|c| *c == e.name);
        let node = self.element_node(e, counters)?;
        Ok(Part::Member { name: e.name.clone(), node, counter })
    }

    /// The node of one (non-base) member of a class, as the class streamer writes it.
    pub fn element_node(&mut self, e: &StreamerElement, counters: &[String]) -> Result<Node> {
        let t = e.type_code;
        let dims = || -> Vec<usize> {
            let d: Vec<usize> =
                e.max_index.iter().take(e.array_dim.max(0) as usize).map(|&n| n.max(0) as usize).collect();
            if d.is_empty() { vec![e.array_length.max(0) as usize] } else { d }
        };
        let wrap = |node: Node, dims: Vec<usize>| dims.iter().rev().fold(node, |n, &d| Node::Fixed(Box::new(n), d));
        let prim = |c: i32| {
            Prim::from_code(c, e.range).ok_or_else(|| unsupported(format!("member '{}' of basic type {c}", e.name)))
        };
        Ok(match t {
            1..=19 => Node::Prim(prim(t)?),
            21..=39 => wrap(Node::Prim(prim(t - code::OFFSET_L)?), dims()),
            41..=59 => {
                let name = e.count.as_ref().map(|k| k.name.as_str()).unwrap_or("");
                let count = counters
                    .iter()
                    .position(|c| c == name)
                    .ok_or_else(|| unsupported(format!("member '{}' counted by unknown '{name}'", e.name)))?;
                Node::Pointer { prim: prim(t - code::OFFSET_P)?, count, flag: true }
            }
            code::TSTRING => Node::Str { header: false },
            code::TNAMED => Node::Class(self.class_node("TNamed", None)?),
            code::OBJECT | code::ANY => {
                let name = e.type_name.trim();
                Node::Class(self.nested(name, |s| s.class_node(name, None))?)
            }
            81..=89 if matches!(t - code::OFFSET_L, code::OBJECT | code::ANY) => {
                let name = e.type_name.trim();
                wrap(Node::Class(self.nested(name, |s| s.class_node(name, None))?), dims())
            }
            code::STL | code::STL_STRING => self.type_node(&e.type_name, true)?,
            // STL members of foreign classes are often marked kStreamer; they are streamed like kSTL.
            code::STREAMER if e.kind == ElementKind::Stl || e.stl.is_some() => self.type_node(&e.type_name, true)?,
            other => {
                return Err(unsupported(format!(
                    "member '{}' of type '{}' (streamer type {other})",
                    e.name, e.type_name
                )));
            }
        })
    }
}

/// How a branch's entry bytes hold the decoded values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Each entry is one value of the node.
    Entry,
    /// Each entry holds as many values as the collection counter says (member of a split
    /// collection); `header`: the values are preceded by one byte count + version.
    Counted { header: bool },
}

/// A compiled decoder of one branch.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectDecoder {
    /// What one value is.
    pub node: Node,
    /// How values sit in the entries.
    pub layout: Layout,
}

impl ObjectDecoder {
    /// The Arrow type of one value.
    pub fn data_type(&self) -> DataType {
        self.node.data_type()
    }
}

fn element_of(b: &Branch) -> Result<&BranchElementInfo> {
    b.element.as_ref().ok_or_else(|| Error::Internal(format!("element branch '{}' without element info", b.name)))
}

/// The decoder of an element branch without sub-branches whose entries are whole objects, STL
/// containers or class members (`Unsupported` names what cannot be decoded).
pub fn plan_object(b: &Branch, db: &StreamerDb) -> Result<ObjectDecoder> {
    let e = element_of(b)?;
    let mut comp = Compiler::new(db);
    let node = if e.id < 0 {
        let name = e.class_name.as_str();
        match comp.type_node(name, true)? {
            Node::Class(_) => Node::Class(comp.class_node(&normalize_class_name(name), Some(e.class_version))?),
            other => other,
        }
    } else {
        let el = e.streamer.as_ref().ok_or_else(|| {
            unsupported(format!("branch '{}': member {} of {} not found", b.name, e.id, e.class_name))
        })?;
        if el.kind == ElementKind::Base || el.type_code == code::BASE {
            let v = el.base_version.filter(|&v| v > 0);
            Node::Class(comp.class_node(&el.name, v)?)
        } else if el.type_code == code::TOBJECT {
            Node::Class(comp.class_node("TObject", None)?)
        } else {
            comp.element_node(el, &[])?
        }
    };
    if let Node::Fixed(inner, _) = &node
        && matches!(inner.as_ref(), Node::Class(_))
    {
        // `TLorentzVector pg[6]` members: the array nesting does not match ROOT's yet.
        return Err(unsupported(format!("branch '{}': fixed-size array of objects", b.name)));
    }
    Ok(ObjectDecoder { node, layout: Layout::Entry })
}

/// The decoder of one member branch of a split collection (each entry holds one value per element).
pub fn plan_member(s: &Branch, db: &StreamerDb) -> Result<ObjectDecoder> {
    let e = element_of(s)?;
    let el = e.streamer.as_ref().ok_or_else(|| unsupported(format!("member '{}' without its streamer", s.name)))?;
    let node = Compiler::new(db).element_node(el, &[])?;
    // Objects inside containers or fixed arrays of a split collection's member have a layout not
    // verified against ROOT yet (ATLAS `vector<coral::AttributeList>`, `TLorentzVector[6]`): say so.
    let objects_inside = match &node {
        Node::Seq { items, .. } => matches!(items.as_ref(), Node::Class(_)),
        _ => false,
    };
    if objects_inside {
        return Err(unsupported(format!(
            "member '{}' of type '{}': objects in a container or array inside a split collection",
            s.name, el.type_name
        )));
    }
    let header = node.is_container();
    Ok(ObjectDecoder { node: node.with_header(false), layout: Layout::Counted { header } })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::StreamerInfo;

    fn element(kind: ElementKind, name: &str, type_code: i32, type_name: &str) -> StreamerElement {
        StreamerElement {
            kind,
            name: name.into(),
            title: String::new(),
            type_code,
            size: 4,
            array_length: 0,
            array_dim: 0,
            max_index: Vec::new(),
            type_name: type_name.into(),
            base_version: (kind == ElementKind::Base).then_some(1),
            count: None,
            stl: None,
            range: None,
        }
    }

    fn info(name: &str, elements: Vec<StreamerElement>) -> StreamerInfo {
        StreamerInfo { name: name.into(), title: String::new(), checksum: 1, class_version: 1, elements }
    }

    fn link(name: &str) -> StreamerInfo {
        info(name, vec![element(ElementKind::Base, "ElementLinkBase", code::BASE, "BASE")])
    }

    #[test]
    fn element_link_without_streamer_borrows_another_instance() {
        let base = info(
            "ElementLinkBase",
            vec![
                element(ElementKind::BasicType, "m_persKey", code::UINT, "unsigned int"),
                element(ElementKind::BasicType, "m_persIndex", code::UINT, "unsigned int"),
            ],
        );
        let db = StreamerDb::new([base.clone(), link("ElementLink<DataVector<xAOD::Muon_v1>>")]);
        let node = Compiler::new(&db).type_node("ElementLink<DataVector<xAOD::MuonSegment_v1>>", true).unwrap();
        let DataType::Struct(fields) = node.data_type() else { panic!("not a struct: {node:?}") };
        let names: Vec<&str> = fields.iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, ["m_persKey", "m_persIndex"]);

        // Instances that disagree on the layout: nothing is borrowed.
        let mut odd = link("ElementLink<Odd>");
        odd.elements.push(element(ElementKind::BasicType, "extra", code::INT, "int"));
        let db = StreamerDb::new([base, link("ElementLink<DataVector<xAOD::Muon_v1>>"), odd]);
        let err = Compiler::new(&db).type_node("ElementLink<Other>", true).unwrap_err();
        assert!(err.is_unsupported());
        // Other templates are never borrowed.
        let err = Compiler::new(&db).type_node("DataVector<Other>", true).unwrap_err();
        assert!(err.is_unsupported());
    }
}
