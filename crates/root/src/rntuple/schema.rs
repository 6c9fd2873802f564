//! rntuple/schema (layer 5): header, footer and page-list envelopes → field, column, cluster and page
//! descriptions (RNTuple binary format 1.0.x).

use xxhash_rust::xxh3::xxh3_64;

use crate::error::{Error, Location, Result};
use crate::rntuple::column::ColumnType;
use crate::rntuple::frame::{EnvelopeLink, LeReader, Locator};

/// Envelope type IDs.
pub const ENVELOPE_HEADER: u16 = 0x01;
/// Footer envelope.
pub const ENVELOPE_FOOTER: u16 = 0x02;
/// Page list envelope.
pub const ENVELOPE_PAGE_LIST: u16 = 0x03;

/// Field flag: repetitive (fixed-size array, `std::bitset`).
pub const FIELD_REPETITIVE: u16 = 0x01;
/// Field flag: projected (its columns are aliases).
pub const FIELD_PROJECTED: u16 = 0x02;
/// Field flag: carries a ROOT type checksum.
pub const FIELD_TYPE_CHECKSUM: u16 = 0x04;

/// Column flag: deferred (first element index follows).
pub const COLUMN_DEFERRED: u16 = 0x01;
/// Column flag: value range follows.
pub const COLUMN_RANGE: u16 = 0x02;

/// The structural role of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldRole {
    /// 0x00: a leaf (possibly with one `_0` subfield: atomics, enums).
    Leaf,
    /// 0x01: the parent of a collection.
    Collection,
    /// 0x02: the parent of a record.
    Record,
    /// 0x03: the parent of a variant.
    Variant,
    /// 0x04: objects serialized by the ROOT streamer.
    Streamer,
    /// Any other value (from a newer writer).
    Unknown(u16),
}

impl FieldRole {
    fn from_u16(v: u16) -> Self {
        match v {
            0 => FieldRole::Leaf,
            1 => FieldRole::Collection,
            2 => FieldRole::Record,
            3 => FieldRole::Variant,
            4 => FieldRole::Streamer,
            other => FieldRole::Unknown(other),
        }
    }
}

/// A field description.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRecord {
    /// Field version.
    pub field_version: u32,
    /// Type version.
    pub type_version: u32,
    /// Parent field ID (its own ID for top-level fields).
    pub parent: u32,
    /// Structural role.
    pub role: FieldRole,
    /// Flags (`FIELD_*`).
    pub flags: u16,
    /// Field name.
    pub name: String,
    /// Normalized C++ type name.
    pub type_name: String,
    /// Type alias (e.g. `Double32_t`).
    pub type_alias: String,
    /// Description.
    pub description: String,
    /// Array size, for repetitive fields.
    pub repetition: u64,
    /// Source field, for projected fields.
    pub source_field: Option<u32>,
    /// ROOT type checksum.
    pub type_checksum: Option<u32>,
}

/// A physical column description.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnRecord {
    /// Column type.
    pub kind: ColumnType,
    /// Bits on storage per element.
    pub bits: u16,
    /// The field this column belongs to.
    pub field: u32,
    /// Flags (`COLUMN_*`).
    pub flags: u16,
    /// Representation index.
    pub representation: u16,
    /// First element index of a deferred column (negative: deferred and suppressed).
    pub first_element: i64,
    /// Value range (Real32Quant).
    pub range: Option<(f64, f64)>,
}

/// An alias column: a projected field's view of a physical column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AliasColumn {
    /// Physical column ID.
    pub physical: u32,
    /// Projected field ID.
    pub field: u32,
}

/// Fields, columns and alias columns (header plus schema extension).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    /// Fields in ID order.
    pub fields: Vec<FieldRecord>,
    /// Physical columns in ID order.
    pub columns: Vec<ColumnRecord>,
    /// Alias columns in serialization order.
    pub aliases: Vec<AliasColumn>,
}

/// The header envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// RNTuple name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Writer identifier.
    pub writer: String,
    /// Schema (the footer's extension is appended by the reader).
    pub schema: Schema,
}

/// A cluster group: its entry range and where its page list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterGroup {
    /// Minimum entry number.
    pub min_entry: u64,
    /// Entries covered.
    pub entry_span: u64,
    /// Number of clusters.
    pub clusters: u32,
    /// Page list envelope.
    pub page_list: EnvelopeLink,
}

/// The footer envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct Footer {
    /// XXH3 of the header envelope.
    pub header_checksum: u64,
    /// Schema extension.
    pub extension: Schema,
    /// Cluster groups.
    pub groups: Vec<ClusterGroup>,
}

/// The entry range of a cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterSummary {
    /// First entry.
    pub first_entry: u64,
    /// Number of entries.
    pub entries: u64,
}

/// One page: element count and locator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageInfo {
    /// Number of elements.
    pub elements: u32,
    /// Whether an XXH3 checksum follows the page bytes.
    pub has_checksum: bool,
    /// Where the (compressed) page is.
    pub locator: Locator,
}

/// The pages of one column in one cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnPages {
    /// Pages in element order.
    pub pages: Vec<PageInfo>,
    /// Index of the first element in this cluster (column-global); negative if suppressed.
    pub element_offset: i64,
    /// Compression settings (absent when suppressed).
    pub compression: Option<u32>,
}

impl ColumnPages {
    /// Whether this column representation is inactive in the cluster.
    pub fn is_suppressed(&self) -> bool {
        self.element_offset < 0
    }
    /// Total elements in the cluster.
    pub fn elements(&self) -> u64 {
        self.pages.iter().map(|p| p.elements as u64).sum()
    }
}

/// A page list envelope: clusters of a group and, per cluster, per column, the pages.
#[derive(Debug, Clone, PartialEq)]
pub struct PageList {
    /// XXH3 of the header envelope.
    pub header_checksum: u64,
    /// Cluster summaries.
    pub clusters: Vec<ClusterSummary>,
    /// `columns[cluster][column]`.
    pub columns: Vec<Vec<ColumnPages>>,
}

/// Checks an envelope (type+length word, trailing XXH3-64) and returns a reader over its payload.
///
/// `at` is the file offset of the envelope, used in errors.
pub fn open_envelope(data: &[u8], expected: u16, at: u64) -> Result<LeReader<'_>> {
    if data.len() < 16 {
        return Err(Error::corrupt_at_file(at, format!("envelope of {} bytes is too short", data.len())));
    }
    let (body, sum) = data.split_at(data.len() - 8);
    let mut stored = [0u8; 8];
    stored.copy_from_slice(sum);
    let stored = u64::from_le_bytes(stored);
    let computed = xxh3_64(body);
    if stored != computed {
        return Err(Error::corrupt_at_file(
            at,
            format!(
                "{} envelope checksum mismatch: stored {stored:#018x}, computed {computed:#018x}",
                envelope_name(expected)
            ),
        ));
    }
    let mut r = LeReader::new(body);
    let word = r.u64()?;
    let kind = (word & 0xffff) as u16;
    let length = word >> 16;
    if kind != expected {
        return Err(Error::corrupt_at_file(
            at,
            format!("expected a {} envelope (type {expected}), found type {kind}", envelope_name(expected)),
        ));
    }
    if length != data.len() as u64 {
        return Err(Error::corrupt_at_file(
            at,
            format!("{} envelope says {length} bytes but has {}", envelope_name(expected), data.len()),
        ));
    }
    Ok(r)
}

fn envelope_name(kind: u16) -> &'static str {
    match kind {
        ENVELOPE_HEADER => "header",
        ENVELOPE_FOOTER => "footer",
        ENVELOPE_PAGE_LIST => "page list",
        _ => "unknown",
    }
}

/// XXH3-64 stored at the end of an envelope.
pub fn envelope_checksum(data: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    if data.len() >= 8 {
        b.copy_from_slice(&data[data.len() - 8..]);
    }
    u64::from_le_bytes(b)
}

/// Parses a header envelope (already decompressed).
pub fn parse_header(data: &[u8], at: u64) -> Result<Header> {
    let mut r = open_envelope(data, ENVELOPE_HEADER, at)?;
    r.feature_flags()?;
    let name = r.string()?;
    let description = r.string()?;
    let writer = r.string()?;
    let mut schema = Schema::default();
    read_schema_lists(&mut r, &mut schema)?;
    Ok(Header { name, description, writer, schema })
}

/// Reads the four schema list frames (fields, columns, alias columns, extra type info).
fn read_schema_lists(r: &mut LeReader, schema: &mut Schema) -> Result<()> {
    let (f, n) = r.list_frame()?;
    for _ in 0..n {
        let item = r.record_frame()?;
        schema.fields.push(read_field(r)?);
        r.end_frame(item)?;
    }
    r.end_frame(f)?;
    let (f, n) = r.list_frame()?;
    for _ in 0..n {
        let item = r.record_frame()?;
        schema.columns.push(read_column(r)?);
        r.end_frame(item)?;
    }
    r.end_frame(f)?;
    let (f, n) = r.list_frame()?;
    for _ in 0..n {
        let item = r.record_frame()?;
        let physical = r.u32()?;
        let field = r.u32()?;
        schema.aliases.push(AliasColumn { physical, field });
        r.end_frame(item)?;
    }
    r.end_frame(f)?;
    // Extra type information (streamer infos for streamer fields): not needed for decoding.
    let (f, _) = r.list_frame()?;
    r.end_frame(f)?;
    Ok(())
}

fn read_field(r: &mut LeReader) -> Result<FieldRecord> {
    let field_version = r.u32()?;
    let type_version = r.u32()?;
    let parent = r.u32()?;
    let role = FieldRole::from_u16(r.u16()?);
    let flags = r.u16()?;
    let name = r.string()?;
    let type_name = r.string()?;
    let type_alias = r.string()?;
    let description = r.string()?;
    let repetition = if flags & FIELD_REPETITIVE != 0 { r.u64()? } else { 0 };
    let source_field = if flags & FIELD_PROJECTED != 0 { Some(r.u32()?) } else { None };
    let type_checksum = if flags & FIELD_TYPE_CHECKSUM != 0 { Some(r.u32()?) } else { None };
    Ok(FieldRecord {
        field_version,
        type_version,
        parent,
        role,
        flags,
        name,
        type_name,
        type_alias,
        description,
        repetition,
        source_field,
        type_checksum,
    })
}

fn read_column(r: &mut LeReader) -> Result<ColumnRecord> {
    let kind = ColumnType::from_u16(r.u16()?);
    let bits = r.u16()?;
    let field = r.u32()?;
    let flags = r.u16()?;
    let representation = r.u16()?;
    let first_element = if flags & COLUMN_DEFERRED != 0 { r.i64()? } else { 0 };
    let range = if flags & COLUMN_RANGE != 0 { Some((r.f64()?, r.f64()?)) } else { None };
    Ok(ColumnRecord { kind, bits, field, flags, representation, first_element, range })
}

/// Parses a footer envelope (already decompressed).
pub fn parse_footer(data: &[u8], at: u64) -> Result<Footer> {
    let mut r = open_envelope(data, ENVELOPE_FOOTER, at)?;
    r.feature_flags()?;
    let header_checksum = r.u64()?;
    let ext = r.record_frame()?;
    let mut extension = Schema::default();
    // An empty record frame (only its size) means no extension.
    if r.pos() < ext.end {
        read_schema_lists(&mut r, &mut extension)?;
    }
    r.end_frame(ext)?;
    let (f, n) = r.list_frame()?;
    let mut groups = Vec::with_capacity(n.min(1 << 16) as usize);
    for _ in 0..n {
        let item = r.record_frame()?;
        let min_entry = r.u64()?;
        let entry_span = r.u64()?;
        let clusters = r.u32()?;
        let page_list = r.envelope_link()?;
        groups.push(ClusterGroup { min_entry, entry_span, clusters, page_list });
        r.end_frame(item)?;
    }
    r.end_frame(f)?;
    // Later minor versions append more frames (linked attribute sets): ignored.
    Ok(Footer { header_checksum, extension, groups })
}

/// Parses a page list envelope (already decompressed).
pub fn parse_page_list(data: &[u8], at: u64) -> Result<PageList> {
    let mut r = open_envelope(data, ENVELOPE_PAGE_LIST, at)?;
    let header_checksum = r.u64()?;
    let (f, n) = r.list_frame()?;
    let mut clusters = Vec::with_capacity(n.min(1 << 16) as usize);
    for _ in 0..n {
        let item = r.record_frame()?;
        let first_entry = r.u64()?;
        let word = r.u64()?;
        let flags = (word >> 56) as u8;
        if flags & 0x01 != 0 {
            return Err(Error::Unsupported {
                at: Location { offset: Some(r.pos() as u64), in_payload: true, ..Default::default() }.into(),
                what: "sharded clusters".into(),
            });
        }
        clusters.push(ClusterSummary { first_entry, entries: word & 0x00ff_ffff_ffff_ffff });
        r.end_frame(item)?;
    }
    r.end_frame(f)?;
    let (top, n_clusters) = r.list_frame()?;
    let mut columns = Vec::with_capacity(n_clusters.min(1 << 16) as usize);
    for _ in 0..n_clusters {
        let (outer, n_columns) = r.list_frame()?;
        let mut cols = Vec::with_capacity(n_columns.min(1 << 20) as usize);
        for _ in 0..n_columns {
            let (inner, n_pages) = r.list_frame()?;
            let mut pages = Vec::with_capacity(n_pages.min(1 << 20) as usize);
            for _ in 0..n_pages {
                let raw = r.i32()?;
                let locator = r.locator()?;
                pages.push(PageInfo { elements: raw.unsigned_abs(), has_checksum: raw < 0, locator });
            }
            let element_offset = r.i64()?;
            let compression = if element_offset >= 0 { Some(r.u32()?) } else { None };
            cols.push(ColumnPages { pages, element_offset, compression });
            r.end_frame(inner)?;
        }
        r.end_frame(outer)?;
        columns.push(cols);
    }
    r.end_frame(top)?;
    if columns.len() != clusters.len() {
        return Err(r.error(format!(
            "page list has {} cluster summaries but page locations for {} clusters",
            clusters.len(),
            columns.len()
        )));
    }
    Ok(PageList { header_checksum, clusters, columns })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(kind: u16, payload: &[u8]) -> Vec<u8> {
        let len = (8 + payload.len() + 8) as u64;
        let mut b = ((len << 16) | kind as u64).to_le_bytes().to_vec();
        b.extend_from_slice(payload);
        let sum = xxh3_64(&b);
        b.extend_from_slice(&sum.to_le_bytes());
        b
    }

    #[test]
    fn envelope_checksum_is_verified() {
        let mut e = envelope(ENVELOPE_PAGE_LIST, &[1, 2, 3, 4]);
        assert!(open_envelope(&e, ENVELOPE_PAGE_LIST, 100).is_ok());
        e[9] ^= 0x10;
        let err = open_envelope(&e, ENVELOPE_PAGE_LIST, 100).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("checksum mismatch") && msg.contains("byte 100"), "{msg}");
    }

    #[test]
    fn envelope_type_is_checked() {
        let e = envelope(ENVELOPE_FOOTER, &[0; 4]);
        let err = open_envelope(&e, ENVELOPE_HEADER, 0).unwrap_err();
        assert!(err.to_string().contains("found type 2"), "{err}");
    }
}
