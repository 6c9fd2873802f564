//! dict (layer 3): TStreamerInfo records — how each class is laid out on disk — read from the file.
//!
//! The types here are the contract between the streamer reader (`dict::read`) and the layers above
//! (`model`, `tree`, `arrow`), which look classes and members up by name.

mod read;
pub mod tags;

pub use read::{parse_float_range, parse_streamer_list};

use std::collections::HashMap;

/// ROOT's `TStreamerElement::fType` codes (the `kXXX` of `TVirtualStreamerInfo`).
pub mod code {
    /// `kBase`: a base class.
    pub const BASE: i32 = 0;
    /// `kChar`.
    pub const CHAR: i32 = 1;
    /// `kShort`.
    pub const SHORT: i32 = 2;
    /// `kInt`.
    pub const INT: i32 = 3;
    /// `kLong` (8 bytes on disk).
    pub const LONG: i32 = 4;
    /// `kFloat`.
    pub const FLOAT: i32 = 5;
    /// `kCounter`: an int used as the length of a `[n]` array.
    pub const COUNTER: i32 = 6;
    /// `kCharStar`.
    pub const CHAR_STAR: i32 = 7;
    /// `kDouble`.
    pub const DOUBLE: i32 = 8;
    /// `kDouble32`.
    pub const DOUBLE32: i32 = 9;
    /// `kLegacyChar`.
    pub const LEGACY_CHAR: i32 = 10;
    /// `kUChar`.
    pub const UCHAR: i32 = 11;
    /// `kUShort`.
    pub const USHORT: i32 = 12;
    /// `kUInt`.
    pub const UINT: i32 = 13;
    /// `kULong`.
    pub const ULONG: i32 = 14;
    /// `kBits` (UInt_t with TObject bits).
    pub const BITS: i32 = 15;
    /// `kLong64`.
    pub const LONG64: i32 = 16;
    /// `kULong64`.
    pub const ULONG64: i32 = 17;
    /// `kBool`.
    pub const BOOL: i32 = 18;
    /// `kFloat16`.
    pub const FLOAT16: i32 = 19;
    /// `kOffsetL`: added for fixed-size arrays `x[N]`.
    pub const OFFSET_L: i32 = 20;
    /// `kOffsetP`: added for pointers to variable arrays `x[n]`.
    pub const OFFSET_P: i32 = 40;
    /// `kObject`.
    pub const OBJECT: i32 = 61;
    /// `kAny`.
    pub const ANY: i32 = 62;
    /// `kObjectp`.
    pub const OBJECTP: i32 = 63;
    /// `kObjectP`.
    pub const OBJECT_P: i32 = 64;
    /// `kTString`.
    pub const TSTRING: i32 = 65;
    /// `kTObject`.
    pub const TOBJECT: i32 = 66;
    /// `kTNamed`.
    pub const TNAMED: i32 = 67;
    /// `kAnyp`.
    pub const ANYP: i32 = 68;
    /// `kAnyP`.
    pub const ANY_P: i32 = 69;
    /// `kSTL`.
    pub const STL: i32 = 300;
    /// `kSTLstring`.
    pub const STL_STRING: i32 = 365;
    /// `kStreamer`.
    pub const STREAMER: i32 = 500;
    /// `kStreamLoop`.
    pub const STREAM_LOOP: i32 = 501;
}

/// ROOT's `ESTLType` values (`TStreamerSTL::fSTLtype`).
pub mod stl {
    /// `std::vector`.
    pub const VECTOR: i32 = 1;
    /// `std::list`.
    pub const LIST: i32 = 2;
    /// `std::deque`.
    pub const DEQUE: i32 = 3;
    /// `std::map`.
    pub const MAP: i32 = 4;
    /// `std::multimap`.
    pub const MULTIMAP: i32 = 5;
    /// `std::set`.
    pub const SET: i32 = 6;
    /// `std::multiset`.
    pub const MULTISET: i32 = 7;
    /// `std::bitset`.
    pub const BITSET: i32 = 8;
    /// `std::unordered_set`.
    pub const UNORDERED_SET: i32 = 10;
    /// `std::unordered_map`.
    pub const UNORDERED_MAP: i32 = 12;
    /// `std::string` (as an STL type).
    pub const STRING: i32 = 365;
}

/// Which `TStreamer*` class an element was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ElementKind {
    /// `TStreamerBase`.
    Base,
    /// `TStreamerBasicType`.
    BasicType,
    /// `TStreamerBasicPointer` (`T* x //[n]`).
    BasicPointer,
    /// `TStreamerLoop`.
    Loop,
    /// `TStreamerObject`.
    Object,
    /// `TStreamerObjectAny`.
    ObjectAny,
    /// `TStreamerObjectPointer`.
    ObjectPointer,
    /// `TStreamerObjectAnyPointer`.
    ObjectAnyPointer,
    /// `TStreamerString` (TString).
    String,
    /// `TStreamerSTL`.
    Stl,
    /// `TStreamerSTLstring`.
    StlString,
    /// `TStreamerArtificial`.
    Artificial,
}

/// One member of a class, as `TStreamerElement` and its subclasses describe it.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamerElement {
    /// Which element class this was.
    pub kind: ElementKind,
    /// Member name (`fPx`; for bases, the base class name).
    pub name: String,
    /// Title: the comment, holding `[n]` counters and `[min,max,nbits]` ranges.
    pub title: String,
    /// `fType` (see [`code`]).
    pub type_code: i32,
    /// `fSize` in memory.
    pub size: i32,
    /// `fArrayLength`: total elements of a fixed array (0 when scalar).
    pub array_length: i32,
    /// `fArrayDim`: number of dimensions.
    pub array_dim: i32,
    /// `fMaxIndex[0..array_dim]`.
    pub max_index: Vec<i32>,
    /// `fTypeName` (`vector<float>`, `TLorentzVector`, `Int_t`, ...).
    pub type_name: String,
    /// For `Base`: the base class version.
    pub base_version: Option<i32>,
    /// For `BasicPointer` / `Loop`: the counter member name, its class and class version.
    pub count: Option<CountInfo>,
    /// For `Stl` / `StlString`: `fSTLtype` (see [`stl`]) and `fCtype` (contained basic type code).
    pub stl: Option<(i32, i32)>,
    /// For Double32/Float16 with a `[min,max(,nbits)]` title: (xmin, xmax, factor-or-nbits).
    pub range: Option<FloatRange>,
}

/// The counter of a variable-length array member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountInfo {
    /// `fCountName`.
    pub name: String,
    /// `fCountClass`.
    pub class: String,
    /// `fCountVersion`.
    pub version: i32,
}

/// Packing of a Double32_t / Float16_t member (from its title `[xmin, xmax, nbits]`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FloatRange {
    /// Lower bound.
    pub xmin: f64,
    /// Upper bound.
    pub xmax: f64,
    /// Number of bits (2..=32); 0 when only the bounds were given.
    pub nbits: u32,
}

/// One class layout (`TStreamerInfo`).
#[derive(Debug, Clone, PartialEq)]
pub struct StreamerInfo {
    /// Class name.
    pub name: String,
    /// Title.
    pub title: String,
    /// `fCheckSum`.
    pub checksum: u32,
    /// `fClassVersion`.
    pub class_version: i32,
    /// Members in streaming order.
    pub elements: Vec<StreamerElement>,
}

/// All class layouts of one file, by class name.
#[derive(Debug, Clone, Default)]
pub struct StreamerDb {
    infos: HashMap<String, Vec<StreamerInfo>>,
}

impl StreamerDb {
    /// Builds the database from parsed infos (several versions of one class may exist).
    pub fn new(infos: impl IntoIterator<Item = StreamerInfo>) -> Self {
        let mut db = StreamerDb::default();
        for info in infos {
            db.infos.entry(normalize_class_name(&info.name)).or_default().push(info);
        }
        db
    }

    /// The layout of `class` (any version; the newest when there are several).
    pub fn get(&self, class: &str) -> Option<&StreamerInfo> {
        self.infos.get(&normalize_class_name(class)).and_then(|v| v.iter().max_by_key(|i| i.class_version))
    }

    /// The layout of `class` at `version`, falling back to any version.
    pub fn get_version(&self, class: &str, version: i32) -> Option<&StreamerInfo> {
        // Class names without spaces or `std::` (TTree, TBranch, …) are their own normalised form.
        let v = match class.contains([' ', ':']) {
            false => self.infos.get(class)?,
            true => self.infos.get(&normalize_class_name(class))?,
        };
        v.iter().find(|i| i.class_version == version).or_else(|| v.iter().max_by_key(|i| i.class_version))
    }

    /// Every layout (all classes, all versions), in no particular order.
    pub fn infos(&self) -> impl Iterator<Item = &StreamerInfo> {
        self.infos.values().flatten()
    }

    /// Every class name, sorted.
    pub fn class_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.infos.keys().map(String::as_str).collect();
        v.sort();
        v
    }

    /// Number of classes.
    pub fn len(&self) -> usize {
        self.infos.len()
    }

    /// Whether the file had no streamers.
    pub fn is_empty(&self) -> bool {
        self.infos.is_empty()
    }
}

/// Canonical spelling of a C++ class name: no spaces except where needed (`vector<vector<float> >` →
/// `vector<vector<float>>`), no `std::` prefix.
pub fn normalize_class_name(name: &str) -> String {
    let s = name.replace("std::", "");
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    for (i, &ch) in chars.iter().enumerate() {
        if ch == ' ' {
            let prev = out.chars().last();
            let next = chars.get(i + 1).copied();
            let keep = matches!((prev, next), (Some(p), Some(n)) if p.is_alphanumeric() && n.is_alphanumeric());
            if keep {
                out.push(' ');
            }
            continue;
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names_are_normalized() {
        assert_eq!(normalize_class_name("std::vector<std::vector<float> >"), "vector<vector<float>>");
        assert_eq!(normalize_class_name("vector<unsigned int>"), "vector<unsigned int>");
        assert_eq!(normalize_class_name("map<int, string>"), "map<int,string>");
    }
}
