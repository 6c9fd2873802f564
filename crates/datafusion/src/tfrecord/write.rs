//! write: the DataFrame side of the TFRecord sink — `write_tfrecord(df, "dir/", options)` plans the
//! same `COPY … STORED AS TFRECORD` as SQL.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{Array, UInt64Array};
use datafusion::dataframe::DataFrame;
use datafusion::datasource::file_format::format_as_file_type;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::LogicalPlanBuilder;

use super::file_format::{TfRecordFormatFactory, TfRecordOptions};

/// Writes every row of `df` to `path` (`x.tfrecord`, or a directory `dir/` of `options.shards`
/// shards); returns the number of records written.
pub async fn write_tfrecord(df: DataFrame, path: &str, options: TfRecordOptions) -> Result<u64> {
    let mut map = HashMap::new();
    if let Some(n) = options.shards {
        map.insert("shards".to_string(), n.to_string());
    }
    map.insert("compression".to_string(), format!("{:?}", options.compression).to_ascii_lowercase());
    let (state, plan) = df.into_parts();
    let file_type = format_as_file_type(Arc::new(TfRecordFormatFactory));
    let plan = LogicalPlanBuilder::copy_to(plan, path.to_string(), file_type, map, vec![])?.build()?;
    let batches = DataFrame::new(state, plan).collect().await?;
    let count = batches
        .first()
        .and_then(|b| b.column(0).as_any().downcast_ref::<UInt64Array>().filter(|a| !a.is_empty()).map(|a| a.value(0)))
        .ok_or_else(|| DataFusionError::Internal("COPY returned no row count".into()))?;
    Ok(count)
}
