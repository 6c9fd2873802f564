//! arrow/plan (layer 6): how each top-level branch becomes one Arrow column (the schema mapping).

use std::sync::Arc;

use arrow_schema::{DataType, Field, Fields};

use crate::arrow::object::{ObjectDecoder, plan_member, plan_object};
use crate::arrow::types::{Prim, TypeName};
use crate::dict::{StreamerDb, StreamerElement, code};
use crate::error::{Error, Result};
use crate::tree::{Branch, BranchKind, Leaf, LeafKind, Tree};

/// The layout of one branch's entries.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// `product(dims)` values per entry, no header (scalars when `dims` is empty).
    Fixed { prim: Prim, dims: Vec<usize> },
    /// `header` bytes, then a variable number of `product(inner)`-value groups per entry.
    Jagged { prim: Prim, header: usize, inner: Vec<usize> },
    /// `header` bytes, then one ROOT string per entry.
    Str { header: usize },
    /// `std::vector<std::string>`: 6-byte header, `int32 n`, `n` strings.
    VecStr,
    /// `std::vector<std::vector<T>>`: 6-byte header, `int32 n`, then `n` × (`int32 m`, `m` values).
    VecVec { prim: Prim },
    /// A leaf-list: fixed-size interleaved fields per entry.
    LeafList { fields: Vec<(String, Prim, Vec<usize>)> },
    /// `TObject::fBits`: one `u32` per entry, followed by a 2-byte process id when `kIsReferenced`.
    Bits,
}

/// One element-wise member of a split TClonesArray / collection of objects.
#[derive(Debug, Clone, PartialEq)]
pub enum Member {
    /// `product(inner)` values per element.
    Values { prim: Prim, inner: Vec<usize> },
    /// One string per element.
    Str,
    /// Streamer-decoded values (objects, STL containers), one per element.
    Object(Arc<ObjectDecoder>),
    /// `TObject::fBits` per element: `u32`, plus a 2-byte process id when `kIsReferenced` is set.
    Bits,
    /// A `TRef` per element (see `arrow/refs.rs`).
    Ref,
    /// A `TRefArray` per element (see `arrow/refs.rs`).
    RefArray,
}

/// How to build one column from one or more branches (indexes into [`BranchIndex`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// One branch, one array.
    Branch { branch: usize, content: Content },
    /// A split object: one field per member branch, aligned per entry.
    Struct { fields: Vec<(String, Plan)> },
    /// A split TClonesArray or collection: counts from `count`, one field per member branch.
    Clones { count: usize, members: Vec<(String, usize, Member)> },
    /// One branch decoded through the file's streamers (whole objects, nested STL containers).
    Object { branch: usize, decoder: Arc<ObjectDecoder> },
}

/// Every branch of a tree, flattened, with name lookup.
#[derive(Debug)]
pub struct BranchIndex {
    /// Branches in depth-first order, without their sub-branches (see `children`).
    pub branches: Vec<Branch>,
    /// Sub-branch indexes of each branch.
    pub children: Vec<Vec<usize>>,
    /// Indexes of the top-level branches.
    pub top: Vec<usize>,
}

impl BranchIndex {
    /// Flattens the tree's branches.
    pub fn new(tree: &Tree) -> Self {
        let mut idx = BranchIndex { branches: Vec::new(), children: Vec::new(), top: Vec::new() };
        for b in &tree.branches {
            let i = idx.push(b);
            idx.top.push(i);
        }
        idx
    }

    fn push(&mut self, b: &Branch) -> usize {
        let i = self.branches.len();
        let mut shallow = b.clone();
        shallow.branches.clear();
        self.branches.push(shallow);
        self.children.push(Vec::new());
        let kids: Vec<usize> = b.branches.iter().map(|s| self.push(s)).collect();
        self.children[i] = kids;
        i
    }

    /// The top-level branch called `name`.
    pub fn top_level(&self, name: &str) -> Result<usize> {
        self.top
            .iter()
            .copied()
            .find(|&i| self.branches[i].name == name)
            .ok_or_else(|| Error::not_found("branch", name, self.top.iter().map(|&i| self.branches[i].name.as_str())))
    }

    /// The branches a plan reads.
    pub fn plan_branches(plan: &Plan, out: &mut Vec<usize>) {
        match plan {
            Plan::Branch { branch, .. } | Plan::Object { branch, .. } => out.push(*branch),
            Plan::Struct { fields } => fields.iter().for_each(|(_, p)| Self::plan_branches(p, out)),
            Plan::Clones { count, members } => {
                out.push(*count);
                out.extend(members.iter().map(|(_, b, _)| *b));
            }
        }
    }
}

/// The Arrow field of a list item.
pub fn item(dt: DataType) -> Arc<Field> {
    Arc::new(Field::new_list_field(dt, true))
}

fn fixed_type(prim_type: DataType, dims: &[usize]) -> DataType {
    dims.iter().rev().fold(prim_type, |dt, &n| DataType::FixedSizeList(item(dt), n as i32))
}

impl Content {
    /// The Arrow type of the column.
    pub fn data_type(&self) -> DataType {
        match self {
            Content::Fixed { prim, dims } => fixed_type(prim.data_type(), dims),
            Content::Jagged { prim, inner, .. } => DataType::List(item(fixed_type(prim.data_type(), inner))),
            Content::Str { .. } => DataType::Utf8,
            Content::VecStr => DataType::List(item(DataType::Utf8)),
            Content::VecVec { prim } => DataType::List(item(DataType::List(item(prim.data_type())))),
            Content::LeafList { fields } => DataType::Struct(
                fields.iter().map(|(n, p, d)| Field::new(n, fixed_type(p.data_type(), d), false)).collect::<Fields>(),
            ),
            Content::Bits => DataType::UInt32,
        }
    }
}

impl Member {
    /// The Arrow type of one element's member.
    pub fn data_type(&self) -> DataType {
        match self {
            Member::Values { prim, inner } => fixed_type(prim.data_type(), inner),
            Member::Str => DataType::Utf8,
            Member::Object(d) => d.data_type(),
            Member::Bits => DataType::UInt32,
            Member::Ref => crate::arrow::refs::ref_type(),
            Member::RefArray => crate::arrow::refs::ref_array_type(),
        }
    }
}

impl Plan {
    /// The Arrow type of the column.
    pub fn data_type(&self) -> DataType {
        match self {
            Plan::Branch { content, .. } => content.data_type(),
            Plan::Struct { fields } => {
                DataType::Struct(fields.iter().map(|(n, p)| Field::new(n, p.data_type(), false)).collect::<Fields>())
            }
            Plan::Clones { members, .. } => DataType::List(item(DataType::Struct(
                members.iter().map(|(n, _, m)| Field::new(n, m.data_type(), false)).collect::<Fields>(),
            ))),
            Plan::Object { decoder, .. } => decoder.data_type(),
        }
    }
}

/// Members of split objects and collections left out of a column, with why (see [`plan_column_lenient`]).
pub type Skipped = Vec<(String, Error)>;

/// Plans the column of top-level branch `i`; `Unsupported` names the type that cannot be decoded yet.
pub fn plan_column(idx: &BranchIndex, db: &StreamerDb, i: usize) -> Result<Plan> {
    plan_branch(idx, db, i, None).map_err(|e| e.in_object(&idx.branches[i].name))
}

/// Plans the column of top-level branch `i` like [`plan_column`], except that a member sub-branch of
/// a split object or collection whose type is not supported yet is left out of the column (its
/// own branch holds its bytes, so the other members stay readable); each one left out is pushed
/// to `skipped` as (sub-branch name, `Unsupported` error naming the type). A column all of whose
/// members would be left out is an error.
pub fn plan_column_lenient(idx: &BranchIndex, db: &StreamerDb, i: usize, skipped: &mut Skipped) -> Result<Plan> {
    plan_branch(idx, db, i, Some(skipped)).map_err(|e| e.in_object(&idx.branches[i].name))
}

/// Moves the members left out of one object into `skipped`, or fails when nothing is left.
fn keep_some<T>(kept: Vec<T>, mut left_out: Skipped, skipped: Option<&mut Skipped>) -> Result<Vec<T>> {
    if left_out.is_empty() {
        return Ok(kept);
    }
    match skipped {
        Some(skipped) if !kept.is_empty() => {
            skipped.append(&mut left_out);
            Ok(kept)
        }
        _ => Err(left_out.swap_remove(0).1),
    }
}

fn plan_branch(idx: &BranchIndex, db: &StreamerDb, i: usize, skipped: Option<&mut Skipped>) -> Result<Plan> {
    let b = &idx.branches[i];
    match b.kind {
        BranchKind::Plain if idx.children[i].is_empty() => Ok(Plan::Branch { branch: i, content: plain_content(b)? }),
        BranchKind::Element => plan_element(idx, db, i, skipped),
        _ => Err(Error::unsupported(format!("{} branch '{}' ({})", b.class_name, b.name, b.title))),
    }
}

fn leaf_prim(l: &Leaf) -> Result<Prim> {
    Prim::from_leaf(l.kind, l.is_unsigned, l.range)
        .ok_or_else(|| Error::unsupported(format!("leaf '{}' of class {:?}", l.name, l.kind)))
}

fn leaf_dims(l: &Leaf) -> Vec<usize> {
    if l.dims.is_empty() && l.len > 1 && l.count_leaf.is_none() { vec![l.len as usize] } else { l.dims.clone() }
}

fn plain_content(b: &Branch) -> Result<Content> {
    match b.leaves.as_slice() {
        [] => Err(Error::unsupported(format!("branch '{}' has no leaves", b.name))),
        [l] if l.kind == LeafKind::C => Ok(Content::Str { header: 0 }),
        [l] => {
            let prim = leaf_prim(l)?;
            if l.count_leaf.is_some() {
                Ok(Content::Jagged { prim, header: 0, inner: l.dims.clone() })
            } else {
                Ok(Content::Fixed { prim, dims: leaf_dims(l) })
            }
        }
        leaves => {
            let mut fields = Vec::with_capacity(leaves.len());
            for l in leaves {
                if l.count_leaf.is_some() || l.kind == LeafKind::C {
                    return Err(Error::unsupported(format!("leaf-list member '{}' of variable size", l.title)));
                }
                fields.push((l.name.clone(), leaf_prim(l)?, leaf_dims(l)));
            }
            Ok(Content::LeafList { fields })
        }
    }
}

/// The field name of sub-branch `child` of `parent` (the rule in the module docs of `arrow`): the
/// child's name minus `parent.` (or `parent` when it ends in a dot), minus trailing `[N]` dimensions.
fn member_name(parent: &str, child: &str) -> String {
    let mut name = child;
    if let Some(rest) = child.strip_prefix(parent) {
        if parent.ends_with('.') && !rest.is_empty() {
            name = rest;
        } else if let Some(rest) = rest.strip_prefix('.').filter(|r| !r.is_empty()) {
            name = rest;
        }
    }
    match name.find('[') {
        Some(i) if i > 0 && name.ends_with(']') => name[..i].to_string(),
        _ => name.to_string(),
    }
}

fn plan_element(idx: &BranchIndex, db: &StreamerDb, i: usize, mut skipped: Option<&mut Skipped>) -> Result<Plan> {
    let b = &idx.branches[i];
    let e = b
        .element
        .as_ref()
        .ok_or_else(|| Error::Internal(format!("element branch '{}' without element info", b.name)))?;
    let kids = &idx.children[i];
    if kids.is_empty() {
        return match element_content(b) {
            Ok(content) => Ok(Plan::Branch { branch: i, content }),
            Err(e) if e.is_unsupported() => {
                plan_object(b, db).map(|decoder| Plan::Object { branch: i, decoder: Arc::new(decoder) })
            }
            Err(e) => Err(e),
        };
    }
    // A member branch that was never filled while its parent was (disabled when the tree was
    // written: ROOT refuses to read it, "has to be enabled") holds no data: it is left out.
    let kids: Vec<usize> = kids.iter().copied().filter(|&k| !never_filled(b, &idx.branches[k])).collect();
    let lenient = skipped.is_some();
    let mut left_out = Skipped::new();
    if e.btype == 3 || e.btype == 4 {
        let mut members = Vec::with_capacity(kids.len());
        for &k in &kids {
            let s = &idx.branches[k];
            let member = if idx.children[k].is_empty() {
                match member_content(s) {
                    Ok(m) => Ok(m),
                    Err(e) if e.is_unsupported() => plan_member(s, db).map(|d| Member::Object(Arc::new(d))),
                    Err(e) => Err(e),
                }
            } else {
                Err(Error::unsupported(format!("nested split member '{}' inside collection '{}'", s.name, b.name)))
            };
            match member {
                Ok(m) => members.push((member_name(&b.name, &s.name), k, m)),
                Err(e) if e.is_unsupported() && lenient => left_out.push((s.name.clone(), e.in_object(&s.name))),
                Err(e) => return Err(e),
            }
        }
        let members = keep_some(members, left_out, skipped)?;
        return Ok(Plan::Clones { count: i, members });
    }
    let mut fields = Vec::with_capacity(kids.len());
    for &k in &kids {
        let s = &idx.branches[k];
        match plan_branch(idx, db, k, skipped.as_deref_mut()) {
            Ok(p) => fields.push((member_name(&b.name, &s.name), p)),
            Err(e) if e.is_unsupported() && lenient => left_out.push((s.name.clone(), e.in_object(&s.name))),
            Err(e) => return Err(e.in_object(&s.name)),
        }
    }
    let fields = keep_some(fields, left_out, skipped)?;
    Ok(Plan::Struct { fields })
}

/// Whether sub-branch `s` of `parent` was never filled although `parent` was (no entries, no baskets).
fn never_filled(parent: &Branch, s: &Branch) -> bool {
    parent.entries > 0 && s.entries == 0 && s.baskets.is_empty() && s.embedded.is_empty()
}

fn streamer_prim(st: i32, el: Option<&StreamerElement>) -> Option<Prim> {
    Prim::from_code(st, el.and_then(|e| e.range))
}

fn element_dims(el: Option<&StreamerElement>) -> Vec<usize> {
    match el {
        Some(e) if e.array_length > 0 => {
            let d: Vec<usize> =
                e.max_index.iter().take(e.array_dim.max(0) as usize).map(|&n| n.max(0) as usize).collect();
            if d.is_empty() { vec![e.array_length as usize] } else { d }
        }
        _ => Vec::new(),
    }
}

fn member_content(s: &Branch) -> Result<Member> {
    let e = s.element.as_ref();
    let st = e.map_or(-1, |e| e.streamer_type);
    let el = e.and_then(|e| e.streamer.as_ref());
    match st {
        code::BITS => Some(Member::Bits),
        1..=19 => streamer_prim(st, el).map(|prim| Member::Values { prim, inner: Vec::new() }),
        21..=39 => streamer_prim(st - code::OFFSET_L, el).map(|prim| Member::Values { prim, inner: element_dims(el) }),
        code::TSTRING => Some(Member::Str),
        code::OBJECT => match el.map(|x| x.type_name.as_str()) {
            Some("TRef") => Some(Member::Ref),
            Some("TRefArray") => Some(Member::RefArray),
            _ => None,
        },
        _ => None,
    }
    .ok_or_else(|| {
        Error::unsupported(format!(
            "member '{}' of type '{}' (streamer type {st}) inside a split collection",
            s.name,
            el.map_or("?", |e| e.type_name.as_str())
        ))
    })
}

fn content_of_type(name: &str) -> Option<Content> {
    match TypeName::parse(name) {
        TypeName::String => Some(Content::Str { header: 6 }),
        TypeName::Seq(inner) => match *inner {
            TypeName::Prim(prim) => Some(Content::Jagged { prim, header: 10, inner: Vec::new() }),
            TypeName::String => Some(Content::VecStr),
            TypeName::Seq(inner2) => match *inner2 {
                TypeName::Prim(prim) => Some(Content::VecVec { prim }),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

fn element_content(b: &Branch) -> Result<Content> {
    let e = b
        .element
        .as_ref()
        .ok_or_else(|| Error::Internal(format!("element branch '{}' without element info", b.name)))?;
    let el = e.streamer.as_ref();
    let st = e.streamer_type;
    let unsupported = || {
        Error::unsupported(format!(
            "branch '{}' of type '{}' (streamer type {st}, class {})",
            b.name,
            el.map_or(e.class_name.as_str(), |x| x.type_name.as_str()),
            e.class_name
        ))
    };
    let content = match st {
        code::BITS => Some(Content::Bits),
        1..=19 => streamer_prim(st, el).map(|prim| Content::Fixed { prim, dims: Vec::new() }),
        21..=39 => streamer_prim(st - code::OFFSET_L, el).map(|prim| Content::Fixed { prim, dims: element_dims(el) }),
        41..=59 => {
            streamer_prim(st - code::OFFSET_P, el).map(|prim| Content::Jagged { prim, header: 1, inner: Vec::new() })
        }
        code::TSTRING => Some(Content::Str { header: 0 }),
        code::STL | code::STL_STRING => el.and_then(|x| content_of_type(&x.type_name)),
        // A top-level `std::string`/`TString` branch holds bare strings (no version header).
        -1 | 0 if e.id < 0 => match TypeName::parse(&e.class_name) {
            TypeName::String => Some(Content::Str { header: 0 }),
            _ => content_of_type(&e.class_name),
        },
        _ => None,
    };
    content.ok_or_else(unsupported)
}

#[cfg(test)]
mod tests {
    use super::member_name;

    #[test]
    fn member_names_are_relative_to_the_parent() {
        assert_eq!(member_name("evt", "ArrayI16[10]"), "ArrayI16");
        assert_eq!(member_name("P3", "P3.Px"), "Px");
        assert_eq!(member_name("evt.", "evt.P3"), "P3");
        // Nested split members flattened under a collection keep their dotted path (mu2e's `demtch`).
        assert_eq!(member_name("demtch", "demtch.poca.fCoordinates.fX"), "poca.fCoordinates.fX");
        assert_eq!(member_name("fTracks", "fTracks.fP[3]"), "fP");
        assert_eq!(member_name("a", "b"), "b");
    }
}
