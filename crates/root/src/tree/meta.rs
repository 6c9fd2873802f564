//! tree/meta (layer 5): TTree, TBranch, TLeaf as plain data — what the arrow layer needs to decode.

use crate::dict::StreamerElement;

/// A TTree (or TNtuple / TNtupleD) as stored: entries, clusters, branches.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    /// `fName`.
    pub name: String,
    /// `fTitle`.
    pub title: String,
    /// Class of the key (`TTree`, `TNtuple`, `TNtupleD`).
    pub class_name: String,
    /// Key path in the file, `dir/name;cycle`.
    pub path: String,
    /// `fEntries`.
    pub entries: u64,
    /// `fTotBytes` (uncompressed bytes of all baskets).
    pub tot_bytes: u64,
    /// `fZipBytes` (compressed).
    pub zip_bytes: u64,
    /// `fAutoFlush` (> 0: entries per cluster; < 0: bytes).
    pub auto_flush: i64,
    /// `fClusterRangeEnd` (last entry of each cluster range, inclusive).
    pub cluster_range_end: Vec<i64>,
    /// `fClusterSize` (cluster size within each range).
    pub cluster_size: Vec<i64>,
    /// Top-level branches, in order.
    pub branches: Vec<Branch>,
}

/// Which TBranch class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BranchKind {
    /// `TBranch`: leaves of basic types.
    Plain,
    /// `TBranchElement`: a class member, STL collection or TClonesArray (split or not).
    Element,
    /// `TBranchObject`: a TObject-derived object (old style).
    Object,
    /// `TBranchSTL`.
    Stl,
    /// `TBranchRef` and anything else we do not decode.
    Other,
}

/// A TBranch (or subclass), with its sub-branches.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    /// `fName` (for split members the full dotted name, e.g. `Electron.PT`).
    pub name: String,
    /// `fTitle`.
    pub title: String,
    /// Class name of the branch object (`TBranch`, `TBranchElement`, ...).
    pub class_name: String,
    /// Class kind.
    pub kind: BranchKind,
    /// `fEntries`.
    pub entries: u64,
    /// `fEntryOffsetLen` (0 ⇒ fixed-size entries, no offset table).
    pub entry_offset_len: i32,
    /// `fSplitLevel`.
    pub split_level: i32,
    /// `fTotBytes`.
    pub tot_bytes: u64,
    /// `fZipBytes`.
    pub zip_bytes: u64,
    /// Leaves (`fLeaves`), in order.
    pub leaves: Vec<Leaf>,
    /// Sub-branches (`fBranches`), in order.
    pub branches: Vec<Branch>,
    /// Free-standing baskets, in entry order.
    pub baskets: Vec<BasketLocator>,
    /// Baskets stored inside the TTree record (`fBaskets`), in entry order, after the free-standing ones.
    pub embedded: Vec<EmbeddedBasket>,
    /// TBranchElement fields, for element branches.
    pub element: Option<BranchElementInfo>,
}

/// Where one free-standing basket is and which entries it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BasketLocator {
    /// `fBasketSeek[i]`: file offset of the basket's TKey.
    pub seek: u64,
    /// `fBasketBytes[i]`: TKey + compressed payload bytes.
    pub bytes: u32,
    /// `fBasketEntry[i]`: first entry.
    pub first_entry: u64,
    /// `fBasketEntry[i+1]` (or the branch's entries for the last one): one past the last entry.
    pub end_entry: u64,
}

/// A basket kept inside the TTree record (recovered baskets, NanoAOD skims), already decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedBasket {
    /// First entry.
    pub first_entry: u64,
    /// One past the last entry.
    pub end_entry: u64,
    /// The entry data: the `fLast - fKeylen` bytes after the basket's key header.
    pub data: bytes::Bytes,
    /// Entry start offsets into `data` (`fEntryOffset[i] - fKeylen`), `end_entry - first_entry + 1`
    /// values with the last equal to `data.len()`; `None` for fixed-size entries.
    pub offsets: Option<Vec<u32>>,
}

/// `TBranchElement`'s own fields.
#[derive(Debug, Clone, PartialEq)]
pub struct BranchElementInfo {
    /// `fClassName`: class of the object this branch (or its parent) holds.
    pub class_name: String,
    /// `fParentName`.
    pub parent_name: String,
    /// `fClonesName`: class in the TClonesArray / STL collection.
    pub clones_name: String,
    /// `fClassVersion`.
    pub class_version: i32,
    /// `fID`: index of the member in the class's streamer info (-1 = whole object, -2 = split STL/TClonesArray top).
    pub id: i32,
    /// `fType`: 0 = member, 3 = TClonesArray top, 4 = STL collection top, 31/41 = member of a
    /// TClonesArray / STL collection, ...
    pub btype: i32,
    /// `fStreamerType` (a [`crate::dict::code`] value).
    pub streamer_type: i32,
    /// `fMaximum`: largest collection size seen.
    pub maximum: i32,
    /// Name of the counter branch (`fBranchCount`), if any.
    pub count_branch: Option<String>,
    /// The streamer element this branch reads (resolved from `class_name` and `id`), if found.
    pub streamer: Option<StreamerElement>,
}

/// Which TLeaf class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeafKind {
    /// `TLeafB`: 8-bit integer.
    B,
    /// `TLeafS`: 16-bit integer.
    S,
    /// `TLeafI`: 32-bit integer.
    I,
    /// `TLeafL`: 64-bit integer.
    L,
    /// `TLeafF`: 32-bit float.
    F,
    /// `TLeafD`: 64-bit float.
    D,
    /// `TLeafO`: bool.
    O,
    /// `TLeafC`: string.
    C,
    /// `TLeafF16`: Float16_t.
    F16,
    /// `TLeafD32`: Double32_t.
    D32,
    /// `TLeafElement`: member read through a TBranchElement.
    Element,
    /// `TLeafObject`.
    Object,
    /// `TLeafG`: `Long_t` stored as 64 bits.
    G,
}

/// A TLeaf.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    /// Leaf class.
    pub kind: LeafKind,
    /// `fName`.
    pub name: String,
    /// `fTitle` (e.g. `Jet_Px[NJet]`, `x[3][4]`, `d32[5]/d[0,10,20]`).
    pub title: String,
    /// `fLen`: number of fixed elements per entry (product of the fixed dimensions).
    pub len: i32,
    /// `fLenType`: bytes per element.
    pub len_type: i32,
    /// `fOffset`.
    pub offset: i32,
    /// `fIsRange`.
    pub is_range: bool,
    /// `fIsUnsigned`.
    pub is_unsigned: bool,
    /// Name of the counter leaf (`fLeafCount`) for `x[n]` leaves.
    pub count_leaf: Option<String>,
    /// Fixed dimensions after the first from the title (`x[n][3][4]` → `[3, 4]`), all dims for fixed arrays.
    pub dims: Vec<usize>,
    /// For `TLeafElement`: `fID` and `fType`.
    pub element: Option<(i32, i32)>,
    /// For `TLeafF16` / `TLeafD32`: the packing range from the title, if any.
    pub range: Option<crate::dict::FloatRange>,
}
