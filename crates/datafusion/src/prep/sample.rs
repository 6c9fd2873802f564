//! sample: seeded class undersampling, shuffle and train/test split of a DataFrame.
//!
//! A row's random key is `seeded_hash(seed', c1, c2, ...)` over *all* its columns, so results
//! depend on the seed and the rows' contents only — not on file order, partitioning or thread
//! timing. Each step derives its own seed from the user's ([`derive_seed`]) so that, say,
//! undersampling and then splitting with the same seed stay independent; `split` uses the seed
//! unchanged, so it equals `WHERE seeded_rand(seed, c1, c2, ...) < fraction` in SQL. Identical
//! rows get identical keys and are indistinguishable, so which copy is kept never matters.

use datafusion::common::{Column, ScalarValue};
use datafusion::dataframe::DataFrame;
use datafusion::functions_aggregate::expr_fn::{count, sum};
use datafusion::functions_window::expr_fn::row_number;
use datafusion::logical_expr::{Expr, ExprFunctionExt, case, lit, when};
use datafusion::prelude::col;

use super::error::{PrepError, Result};
use super::seeded::{derive_seed, seeded_hash_udf, seeded_rand_udf};

/// Step numbers for [`derive_seed`].
const UNDERSAMPLE_STEP: u64 = 1;
const SHUFFLE_STEP: u64 = 2;

fn all_columns(df: &DataFrame) -> Vec<Expr> {
    df.schema().columns().into_iter().map(Expr::Column).collect()
}

fn row_key(df: &DataFrame, seed: u64) -> Expr {
    let mut args = vec![lit(seed as i64)];
    args.extend(all_columns(df));
    seeded_hash_udf().call(args)
}

fn column(df: &DataFrame, name: &str, what: &str) -> Result<Expr> {
    let field = df
        .schema()
        .qualified_field_with_unqualified_name(name)
        .map_err(|e| PrepError::InvalidArgument(format!("{what}: {e}")))?;
    Ok(Expr::Column(Column::from(field)))
}

/// Rows of `df` in a seeded random order: sorted by `seeded_hash(derive_seed(seed, 2), all
/// columns)`. The same rows and seed give the same order; another seed, another order.
pub fn shuffle(df: DataFrame, seed: u64) -> Result<DataFrame> {
    let key = row_key(&df, derive_seed(seed, SHUFFLE_STEP));
    Ok(df.sort(vec![key.sort(true, true)])?)
}

/// Splits `df` into `(train, test)`: train holds the rows whose `seeded_rand(seed, all columns)`
/// is below `fraction`, test the others. Disjoint, their union is `df`, deterministic in the
/// seed and the rows; the train share is `fraction` up to binomial noise (like Spark's
/// `randomSplit`). Shuffle the parts afterwards if order matters.
pub fn split(df: DataFrame, fraction: f64, seed: u64) -> Result<(DataFrame, DataFrame)> {
    if !(0.0..=1.0).contains(&fraction) {
        return Err(PrepError::InvalidArgument(format!("split: fraction must be in [0, 1], got {fraction}")));
    }
    let mut args = vec![lit(seed as i64)];
    args.extend(all_columns(&df));
    let r = seeded_rand_udf().call(args);
    let train = df.clone().filter(r.clone().lt(lit(fraction)))?;
    let test = df.filter(r.gt_eq(lit(fraction)))?;
    Ok((train, test))
}

/// Undersamples every class of `label_col` to the size of the smallest class: all rows of the
/// smallest class and, of every other class, exactly that many rows — those with the smallest
/// `seeded_hash(derive_seed(seed, 1), all columns)`. Rows with a null label are dropped.
///
/// Runs two small queries eagerly (the `(label, key)` pairs are cached in memory, 16 bytes a
/// row, to find each class's cut); the returned DataFrame is lazy and reads `df` once more.
/// The set of rows kept is deterministic; their order is not (use [`shuffle`]).
pub async fn undersample(df: DataFrame, label_col: &str, seed: u64) -> Result<DataFrame> {
    let label = column(&df, label_col, "undersample")?;
    let df = df.filter(label.clone().is_not_null())?;
    let key = row_key(&df, derive_seed(seed, UNDERSAMPLE_STEP));
    let keys = df.clone().select(vec![label.clone().alias("l"), key.clone().alias("k")])?.cache().await?;

    // Smallest class size m.
    let counts = keys.clone().aggregate(vec![col("l")], vec![count(lit(1)).alias("n")])?.collect().await?;
    let mut m = None::<i64>;
    for batch in &counts {
        for i in 0..batch.num_rows() {
            let n = ScalarValue::try_from_array(batch.column(1), i)?;
            if let ScalarValue::Int64(Some(n)) = n {
                m = Some(m.map_or(n, |m| m.min(n)));
            }
        }
    }
    let Some(m) = m else {
        return Ok(df); // no labelled rows
    };

    // Each class's cut: the key ranked m-th within the class.
    let rank = row_number().partition_by(vec![col("l")]).order_by(vec![col("k").sort(true, true)]).build()?.alias("r");
    let cuts = keys
        .clone()
        .window(vec![rank])?
        .filter(col("r").eq(lit(m as u64)))?
        .select(vec![col("l"), col("k")])?
        .collect()
        .await?;
    let mut classes: Vec<(ScalarValue, ScalarValue)> = Vec::new();
    for batch in &cuts {
        for i in 0..batch.num_rows() {
            classes.push((
                ScalarValue::try_from_array(batch.column(0), i)?,
                ScalarValue::try_from_array(batch.column(1), i)?,
            ));
        }
    }
    if classes.is_empty() {
        return Err(PrepError::InvalidArgument(format!(
            "undersample: no class of `{label_col}` reached its cut of {m} rows"
        )));
    }

    // Equal keys only come from identical rows (or a 64-bit collision); count the keys below
    // and at each cut so that exactly m rows are kept even then.
    let mut cut_of = case(col("l"));
    for (l, k) in &classes {
        cut_of = cut_of.when(lit(l.clone()), lit(k.clone()));
    }
    let cut_of = cut_of.end()?;
    let flag = |e: Expr| when(e, lit(1i64)).otherwise(lit(0i64));
    let ties = keys
        .aggregate(
            vec![col("l")],
            vec![sum(flag(col("k").lt(cut_of.clone()))?).alias("below"), sum(flag(col("k").eq(cut_of))?).alias("at")],
        )?
        .collect()
        .await?;
    let mut below_at = Vec::new();
    for batch in &ties {
        for i in 0..batch.num_rows() {
            let get = |c: usize| -> Result<i64> {
                Ok(match ScalarValue::try_from_array(batch.column(c), i)? {
                    ScalarValue::Int64(Some(v)) => v,
                    _ => 0,
                })
            };
            below_at.push((ScalarValue::try_from_array(batch.column(0), i)?, get(1)?, get(2)?));
        }
    }

    let mut keep: Option<Expr> = None;
    let mut tied_parts = Vec::new();
    for (l, k) in &classes {
        let (below, at) = below_at.iter().find(|(c, _, _)| c == l).map_or((m - 1, 1), |(_, b, a)| (*b, *a));
        let in_class = label.clone().eq(lit(l.clone()));
        let cond = if below + at == m {
            in_class.and(key.clone().lt_eq(lit(k.clone())))
        } else {
            tied_parts.push(
                df.clone()
                    .filter(in_class.clone().and(key.clone().eq(lit(k.clone()))))?
                    .limit(0, Some((m - below) as usize))?,
            );
            in_class.and(key.clone().lt(lit(k.clone())))
        };
        keep = Some(match keep {
            None => cond,
            Some(e) => e.or(cond),
        });
    }
    let mut out = df.clone().filter(keep.unwrap_or(lit(false)))?;
    for part in tied_parts {
        out = out.union(part)?;
    }
    Ok(out)
}
