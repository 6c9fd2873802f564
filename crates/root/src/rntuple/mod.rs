//! rntuple (layer 5, beside `tree`): RNTuple v1 (binary format 1.0.x) — anchor, envelopes, schema, pages —
//! read into Arrow record batches.
//!
//! `anchor` finds the header and footer; `frame` and `schema` parse the envelopes; `column` decodes pages;
//! `assemble` maps the field tree to Arrow (leaf → primitive, collection → List, record → Struct,
//! `std::string` → Utf8, fixed-size arrays → FixedSizeList, `std::optional` → nullable); `read` fetches the
//! pages of each cluster in one coalesced request and decodes its columns in parallel.

mod anchor;
mod assemble;
mod column;
mod frame;
mod read;
mod schema;

pub use anchor::{ANCHOR_CLASSES, Anchor};
pub use column::{
    ColumnType, ColumnValues, decode_page, half_to_f32, undelta, unsplit, unzigzag16, unzigzag32, unzigzag64,
};
pub use frame::{EnvelopeLink, Locator};
pub use read::read_rntuple;
pub use schema::{
    AliasColumn, ClusterGroup, ClusterSummary, ColumnPages, ColumnRecord, FieldRecord, FieldRole, Footer, Header,
    PageInfo, PageList, Schema,
};

use std::sync::Arc;

use arrow_schema::{DataType, Field, SchemaRef};

use crate::bytes::{SharedSource, read_range};
use crate::compress;
use crate::error::{Error, Result, ResultExt};
use crate::file::{Key, RootFile};

/// One cluster: its entry range and, per physical column, its pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Entry range.
    pub summary: ClusterSummary,
    /// Pages per physical column ID (shorter than the column list when later columns did not exist yet).
    pub columns: Vec<ColumnPages>,
}

/// An RNTuple: anchor, schema (header plus footer extension), clusters and page locations.
#[derive(Debug, Clone)]
pub struct RNTuple {
    /// Key name.
    pub name: String,
    /// Key path with cycle (`dir/name;1`), as used in errors.
    pub path: String,
    /// The anchor.
    pub anchor: Anchor,
    /// Header envelope, with the footer's schema extension appended to `header.schema`.
    pub header: Header,
    /// Footer envelope.
    pub footer: Footer,
    /// All clusters of all cluster groups, in entry order.
    pub clusters: Vec<Cluster>,
    /// Total entries.
    pub entries: u64,
    pub(crate) source: SharedSource,
    pub(crate) file_name: String,
    pub(crate) tree: assemble::FieldTree,
}

/// Names (`name;cycle`) of the RNTuple anchors in the root directory of `file`.
pub fn rntuple_names(file: &RootFile) -> Vec<String> {
    file.root_directory()
        .keys
        .iter()
        .filter(|k| ANCHOR_CLASSES.contains(&k.class_name.as_str()))
        .map(|k| k.path_name())
        .collect()
}

impl RNTuple {
    /// Opens the RNTuple `name` (`dir/name` or `name;cycle`) of `file`: anchor, header, footer, page lists.
    pub async fn open(file: &RootFile, name: &str) -> Result<Self> {
        let key = find_anchor_key(file, name).await?;
        let path = match name.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/{}", key.path_name()),
            None => key.path_name(),
        };
        Self::open_key(file, &key, path.clone()).await.in_object(&path).in_file(file.name())
    }

    async fn open_key(file: &RootFile, key: &Key, path: String) -> Result<Self> {
        let payload = file.read_payload(key).await?;
        let anchor = Anchor::parse(&payload, key.seek_key + key.key_len as u64)?;
        let source = file.source().clone();
        let header_bytes =
            read_envelope(&source, anchor.seek_header, anchor.nbytes_header, anchor.len_header, &anchor).await?;
        let mut header =
            schema::parse_header(&header_bytes, anchor.seek_header).map_err(|e| e.in_object("header envelope"))?;
        let footer_bytes =
            read_envelope(&source, anchor.seek_footer, anchor.nbytes_footer, anchor.len_footer, &anchor).await?;
        let footer =
            schema::parse_footer(&footer_bytes, anchor.seek_footer).map_err(|e| e.in_object("footer envelope"))?;
        let header_checksum = schema::envelope_checksum(&header_bytes);
        if footer.header_checksum != header_checksum {
            return Err(Error::corrupt_at_file(
                anchor.seek_footer,
                format!(
                    "footer belongs to another header (header checksum {:#018x}, footer says {:#018x})",
                    header_checksum, footer.header_checksum
                ),
            ));
        }
        let ext = footer.extension.clone();
        header.schema.fields.extend(ext.fields);
        header.schema.columns.extend(ext.columns);
        header.schema.aliases.extend(ext.aliases);

        let mut clusters = Vec::new();
        for (g, group) in footer.groups.iter().enumerate() {
            let link = group.page_list;
            let bytes = read_envelope(&source, link.locator.offset, link.locator.size, link.length, &anchor).await?;
            let pl = schema::parse_page_list(&bytes, link.locator.offset)
                .map_err(|e| e.in_object(&format!("page list of cluster group {g}")))?;
            if pl.header_checksum != header_checksum {
                return Err(Error::corrupt_at_file(
                    link.locator.offset,
                    format!("page list of cluster group {g} belongs to another header"),
                ));
            }
            for (summary, columns) in pl.clusters.into_iter().zip(pl.columns) {
                clusters.push(Cluster { summary, columns });
            }
        }
        clusters.sort_by_key(|c| c.summary.first_entry);
        let entries = clusters.last().map(|c| c.summary.first_entry + c.summary.entries).unwrap_or(0);
        let tree = assemble::FieldTree::new(&header.schema)?;
        Ok(RNTuple {
            name: key.name.clone(),
            path,
            anchor,
            header,
            footer,
            clusters,
            entries,
            source,
            file_name: file.name().to_string(),
            tree,
        })
    }

    /// All fields (header then schema extension), indexed by field ID.
    pub fn fields(&self) -> &[FieldRecord] {
        &self.header.schema.fields
    }

    /// Names of the top-level fields, in field-ID order.
    pub fn field_names(&self) -> Vec<&str> {
        self.tree.top.iter().filter_map(|&id| self.fields().get(id).map(|f| f.name.as_str())).collect()
    }

    /// The Arrow field of top-level field `name` (`Error::Unsupported` naming the field and its type when it
    /// cannot be mapped yet).
    pub fn arrow_field(&self, name: &str) -> Result<Field> {
        let id = self.top_level_id(name)?;
        self.tree.arrow_field(&self.header.schema, id).in_object(&self.path).in_file(&self.file_name)
    }

    /// The Arrow schema of all top-level fields (fails on the first field that cannot be mapped).
    pub fn arrow_schema(&self) -> Result<SchemaRef> {
        let fields =
            self.tree.top.iter().map(|&id| self.tree.arrow_field(&self.header.schema, id)).collect::<Result<Vec<_>>>();
        Ok(Arc::new(arrow_schema::Schema::new(fields.in_object(&self.path).in_file(&self.file_name)?)))
    }

    /// The Arrow type of top-level field `name`.
    pub fn arrow_type(&self, name: &str) -> Result<DataType> {
        Ok(self.arrow_field(name)?.data_type().clone())
    }

    pub(crate) fn top_level_id(&self, name: &str) -> Result<usize> {
        let fields = self.fields();
        self.tree.top.iter().copied().find(|&id| fields.get(id).is_some_and(|f| f.name == name)).ok_or_else(|| {
            Error::not_found("field", name, self.field_names()).in_object(&self.path).in_file(&self.file_name)
        })
    }
}

async fn find_anchor_key(file: &RootFile, name: &str) -> Result<Key> {
    let trimmed = name.trim_start_matches('/');
    let (dir_path, base) = trimmed.rsplit_once('/').unwrap_or(("", trimmed));
    let dir = file.directory(dir_path).await?;
    let candidates: Vec<&str> =
        dir.keys.iter().filter(|k| ANCHOR_CLASSES.contains(&k.class_name.as_str())).map(|k| k.name.as_str()).collect();
    match dir.key(base) {
        Ok(k) if ANCHOR_CLASSES.contains(&k.class_name.as_str()) => Ok(k.clone()),
        Ok(k) => Err(Error::unsupported(format!("'{}' is a {}, not an RNTuple", k.name, k.class_name))
            .in_object(trimmed)
            .in_file(file.name())),
        Err(_) => Err(Error::not_found("RNTuple", name, candidates).in_file(file.name())),
    }
}

/// Reads and decompresses an envelope of `nbytes` on disk and `len` bytes uncompressed at `seek`.
async fn read_envelope(source: &SharedSource, seek: u64, nbytes: u64, len: u64, anchor: &Anchor) -> Result<Vec<u8>> {
    if anchor.max_key_size > 0 && nbytes > anchor.max_key_size {
        return Err(Error::Unsupported {
            at: crate::error::Location { offset: Some(seek), ..Default::default() }.into(),
            what: format!("envelope of {nbytes} bytes split over several keys (max key size {})", anchor.max_key_size),
        });
    }
    let end = seek.checked_add(nbytes).filter(|&e| e <= source.len()).ok_or_else(|| {
        Error::corrupt_at_file(seek, format!("envelope of {nbytes} bytes runs past the end of the file"))
    })?;
    let usize_len = usize::try_from(len).map_err(|_| Error::corrupt_at_file(seek, "envelope too large"))?;
    let raw = read_range(source.as_ref(), seek..end).await?;
    compress::decompress(&raw, usize_len).map_err(|e| relocate(e, seek))
}

/// Turns a payload-relative corrupt error of a block at file offset `base` into a file-offset error.
pub(crate) fn relocate(e: Error, base: u64) -> Error {
    match e {
        Error::Corrupt { mut at, msg } if at.in_payload => {
            at.offset = at.offset.map(|o| o + base);
            at.in_payload = false;
            Error::Corrupt { at, msg }
        }
        other => other,
    }
}
