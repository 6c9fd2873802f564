//! tree/build (layer 5): turning the streamed TTree / TBranch / TLeaf objects into [`Tree`] metadata.
//!
//! References (`fBranchCount`, `fLeafCount`) to objects that were still being read when the
//! reference was met are resolved by map offset after the whole tree is read.

use std::collections::HashMap;

use crate::dict::{StreamerDb, parse_float_range};
use crate::error::{Error, Result, ResultExt};
use crate::model::{BasketRecord, Object, Value};
use crate::tree::{BasketLocator, Branch, BranchElementInfo, BranchKind, EmbeddedBasket, Leaf, LeafKind, Tree};

/// Names of every branch and leaf object, by map offset (for resolving [`Value::Ref`]s).
type NameMap = HashMap<u64, String>;

/// Builds the [`Tree`] from a streamed TTree object.
pub fn build_tree(tree: &Object, db: &StreamerDb, path: String) -> Result<Tree> {
    let mut names = NameMap::new();
    collect_names(tree, &mut names);
    let branches = tree
        .list("fBranches")
        .unwrap_or_default()
        .iter()
        .map(|b| build_branch(b, db, &names))
        .collect::<Result<Vec<_>>>()?;
    let count = |name: &str| tree.int(name).map(|v| v.max(0) as u64).unwrap_or(0);
    Ok(Tree {
        name: tree.name().to_string(),
        title: tree.str("fTitle").unwrap_or("").to_string(),
        class_name: tree.class.clone(),
        path,
        entries: count("fEntries"),
        tot_bytes: count("fTotBytes"),
        zip_bytes: count("fZipBytes"),
        auto_flush: tree.int("fAutoFlush").unwrap_or(0),
        cluster_range_end: tree.get("fClusterRangeEnd").and_then(Value::to_ints).unwrap_or_default(),
        cluster_size: tree.get("fClusterSize").and_then(Value::to_ints).unwrap_or_default(),
        branches,
    })
}

fn collect_names(o: &Object, names: &mut NameMap) {
    if let Some(at) = o.map_offset {
        names.insert(at, o.name().to_string());
    }
    for list in ["fBranches", "fLeaves"] {
        for item in o.list(list).unwrap_or_default() {
            if let Value::Object(child) = item {
                collect_names(child, names);
            }
        }
    }
}

fn referenced_name(v: Option<&Value>, names: &NameMap) -> Option<String> {
    match v? {
        Value::Object(o) => Some(o.name().to_string()),
        Value::Ref(at) => names.get(at).cloned(),
        _ => None,
    }
}

fn expect_object<'v>(v: &'v Value, what: &str) -> Result<&'v Object> {
    match v {
        Value::Object(o) => Ok(o),
        Value::Skipped { class, reason } => Err(Error::unsupported(format!("{what} of class {class}: {reason}"))),
        other => Err(Error::corrupt(0, format!("expected a {what} object, found {}", describe(other)))),
    }
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "a null pointer",
        Value::Ref(_) => "a reference",
        Value::List(_) => "a list",
        Value::Basket(_) => "a TBasket",
        _ => "a plain value",
    }
}

fn build_branch(v: &Value, db: &StreamerDb, names: &NameMap) -> Result<Branch> {
    let o = expect_object(v, "branch")?;
    let name = o.name().to_string();
    build_branch_inner(o, db, names).in_object(&name)
}

fn build_branch_inner(o: &Object, db: &StreamerDb, names: &NameMap) -> Result<Branch> {
    let kind = match o.class.as_str() {
        "TBranch" => BranchKind::Plain,
        "TBranchElement" => BranchKind::Element,
        "TBranchObject" => BranchKind::Object,
        "TBranchSTL" => BranchKind::Stl,
        _ => BranchKind::Other,
    };
    let entries = o.int("fEntries").unwrap_or(0).max(0) as u64;
    let leaves = o.list("fLeaves").unwrap_or_default().iter().map(|l| build_leaf(l, names)).collect::<Result<_>>()?;
    let branches =
        o.list("fBranches").unwrap_or_default().iter().map(|b| build_branch(b, db, names)).collect::<Result<_>>()?;
    let (baskets, embedded) = baskets(o, entries)?;
    let element = (kind == BranchKind::Element).then(|| element_info(o, db, names));
    let count = |name: &str| o.int(name).unwrap_or(0).max(0) as u64;
    Ok(Branch {
        name: o.name().to_string(),
        title: o.str("fTitle").unwrap_or("").to_string(),
        class_name: o.class.clone(),
        kind,
        entries,
        entry_offset_len: o.int("fEntryOffsetLen").unwrap_or(0) as i32,
        split_level: o.int("fSplitLevel").unwrap_or(0) as i32,
        tot_bytes: count("fTotBytes"),
        zip_bytes: count("fZipBytes"),
        leaves,
        branches,
        baskets,
        embedded,
        element,
    })
}

/// Free-standing baskets (uproot's rule: the prefix of `fBasketSeek` before a 0 or `fWriteBasket`)
/// and the baskets embedded in `fBaskets` when the free ones do not cover every entry.
fn baskets(o: &Object, entries: u64) -> Result<(Vec<BasketLocator>, Vec<EmbeddedBasket>)> {
    let seeks = o.get("fBasketSeek").and_then(Value::to_ints).unwrap_or_default();
    let bytes = o.get("fBasketBytes").and_then(Value::to_ints).unwrap_or_default();
    let starts = o.get("fBasketEntry").and_then(Value::to_ints).unwrap_or_default();
    let write_basket = o.int("fWriteBasket").unwrap_or(-1);
    let normal = seeks.iter().enumerate().take_while(|&(i, &s)| s != 0 && i as i64 != write_basket).count();
    let entry_at = |i: usize| starts.get(i).map(|&e| e.max(0) as u64);
    let mut free = Vec::with_capacity(normal);
    for (i, &seek) in seeks.iter().enumerate().take(normal) {
        free.push(BasketLocator {
            seek: seek as u64,
            bytes: bytes.get(i).copied().unwrap_or(0).max(0) as u32,
            first_entry: entry_at(i).unwrap_or(0),
            end_entry: entry_at(i + 1).unwrap_or(entries),
        });
    }
    let mut first = if normal == 0 { 0 } else { entry_at(normal).unwrap_or(entries) };
    let mut embedded = Vec::new();
    if first != entries {
        for item in o.list("fBaskets").unwrap_or_default() {
            match item {
                Value::Basket(b) => {
                    let basket =
                        embedded_basket(b, first).in_object_with(|| format!("fBaskets[{}]", embedded.len()))?;
                    first = basket.end_entry;
                    embedded.push(basket);
                }
                Value::Null => {}
                Value::Skipped { class, reason } => {
                    return Err(Error::unsupported(format!("embedded {class} could not be read: {reason}")));
                }
                other => return Err(Error::corrupt(0, format!("fBaskets holds {}", describe(other)))),
            }
        }
    }
    Ok((free, embedded))
}

fn embedded_basket(b: &BasketRecord, first_entry: u64) -> Result<EmbeddedBasket> {
    let n = usize::try_from(b.nev_buf).map_err(|_| Error::corrupt(0, format!("TBasket fNevBuf is {}", b.nev_buf)))?;
    let key_len = usize::from(b.key.key_len);
    let data = match &b.buffer {
        Some(buf) => {
            let last = usize::try_from(b.last).unwrap_or(usize::MAX);
            if key_len > last || last > buf.len() {
                return Err(Error::corrupt(
                    0,
                    format!("TBasket fKeylen {key_len} / fLast {} do not fit its {}-byte buffer", b.last, buf.len()),
                ));
            }
            buf.slice(key_len..last)
        }
        None if n == 0 => bytes::Bytes::new(),
        None => return Err(Error::unsupported("embedded TBasket without its buffer")),
    };
    let offsets = match &b.entry_offsets {
        Some(raw) if raw.len() >= n => {
            let mut out = Vec::with_capacity(n + 1);
            for &o in &raw[..n] {
                let rel = i64::from(o) - key_len as i64;
                if rel < 0 || rel > data.len() as i64 {
                    return Err(Error::corrupt(0, format!("TBasket entry offset {o} is outside its data")));
                }
                out.push(rel as u32);
            }
            out.push(data.len() as u32);
            Some(out)
        }
        Some(raw) => {
            return Err(Error::corrupt(0, format!("TBasket has {} entry offsets for {n} entries", raw.len())));
        }
        None => None,
    };
    Ok(EmbeddedBasket { first_entry, end_entry: first_entry + n as u64, data, offsets })
}

fn element_info(o: &Object, db: &StreamerDb, names: &NameMap) -> BranchElementInfo {
    let s = |name: &str| o.str(name).unwrap_or("").to_string();
    let i = |name: &str| o.int(name).unwrap_or(0) as i32;
    let class_name = s("fClassName");
    let (class_version, id) = (i("fClassVersion"), i("fID"));
    let streamer = usize::try_from(id)
        .ok()
        .and_then(|id| db.get_version(&class_name, class_version).and_then(|info| info.elements.get(id)))
        .cloned();
    BranchElementInfo {
        class_name,
        parent_name: s("fParentName"),
        clones_name: s("fClonesName"),
        class_version,
        id,
        btype: i("fType"),
        streamer_type: i("fStreamerType"),
        maximum: i("fMaximum"),
        count_branch: referenced_name(o.get("fBranchCount"), names),
        streamer,
    }
}

fn build_leaf(v: &Value, names: &NameMap) -> Result<Leaf> {
    let o = expect_object(v, "leaf")?;
    let kind = match o.class.as_str() {
        "TLeafB" => LeafKind::B,
        "TLeafS" => LeafKind::S,
        "TLeafI" => LeafKind::I,
        "TLeafL" => LeafKind::L,
        "TLeafF" => LeafKind::F,
        "TLeafD" => LeafKind::D,
        "TLeafO" => LeafKind::O,
        "TLeafC" => LeafKind::C,
        "TLeafF16" => LeafKind::F16,
        "TLeafD32" => LeafKind::D32,
        "TLeafElement" => LeafKind::Element,
        "TLeafObject" => LeafKind::Object,
        "TLeafG" => LeafKind::G,
        other => return Err(Error::unsupported(format!("leaf class {other}")).in_object(o.name())),
    };
    let title = o.str("fTitle").unwrap_or("").to_string();
    let flag = |name: &str| o.int(name).unwrap_or(0) != 0;
    Ok(Leaf {
        kind,
        name: o.name().to_string(),
        len: o.int("fLen").unwrap_or(1) as i32,
        len_type: o.int("fLenType").unwrap_or(0) as i32,
        offset: o.int("fOffset").unwrap_or(0) as i32,
        is_range: flag("fIsRange"),
        is_unsigned: flag("fIsUnsigned"),
        count_leaf: referenced_name(o.get("fLeafCount"), names),
        dims: title_dims(&title),
        element: (kind == LeafKind::Element)
            .then(|| (o.int("fID").unwrap_or(-1) as i32, o.int("fType").unwrap_or(0) as i32)),
        range: if matches!(kind, LeafKind::F16 | LeafKind::D32) { parse_float_range(&title) } else { None },
        title,
    })
}

/// The numeric bracket dimensions of a leaf title (`x[n][3][4]` → `[3, 4]`; `x[2][5]/F` → `[2, 5]`).
pub fn title_dims(title: &str) -> Vec<usize> {
    let head = title.split('/').next().unwrap_or("");
    let mut dims = Vec::new();
    let mut rest = head;
    while let Some(left) = rest.find('[') {
        let Some(len) = rest[left..].find(']') else { break };
        if let Ok(d) = rest[left + 1..left + len].trim().parse::<usize>() {
            dims.push(d);
        }
        rest = &rest[left + len + 1..];
    }
    dims
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dims_from_titles() {
        assert_eq!(title_dims("Jet_Px[nJet]"), Vec::<usize>::new());
        assert_eq!(title_dims("x[n][3][4]"), vec![3, 4]);
        assert_eq!(title_dims("x[2][5]/F"), vec![2, 5]);
        assert_eq!(title_dims("d[-2.71,10,30]"), Vec::<usize>::new());
    }
}
