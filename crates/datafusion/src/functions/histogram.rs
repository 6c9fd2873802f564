//! histogram: `histogram(x, nbins, lo, hi [, w])` — the contents of a fixed-bin 1-D histogram (ROOT's `TH1`
//! layout: underflow, nbins bins, overflow) filled in one pass, as RDataFrame's `Histo1D`: a list column fills
//! every element of every row; `w` weighs (numbers) or selects (booleans) what is filled. No hash table, no
//! per-row group key: the `GROUP BY floor(...)` of a binned count without the grouping.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use datafusion::arrow::array::{
    Array, ArrayRef, ArrowPrimitiveType, AsArray, BooleanArray, Float64Array, Int64Array, ListArray, PrimitiveArray,
    RecordBatch, RecordBatchOptions,
};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{self as types, DataType, Field, FieldRef, Float64Type, Int64Type, Schema};
use datafusion::common::ScalarValue;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{Accumulator, AggregateUDFImpl, ColumnarValue, Documentation, Signature, Volatility};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_expr::utils::collect_columns;

use super::HEP_SECTION;
use super::binning::{self, AsF64, Axis};
use super::lists::{ListView, is_list, list_field};

/// The most bins a histogram may have (the counts live in one list per partition).
const MAX_BINS: usize = 10_000_000;

/// The `histogram` aggregate.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct HistogramUdaf {
    signature: Signature,
}

impl Default for HistogramUdaf {
    fn default() -> Self {
        HistogramUdaf { signature: Signature::user_defined(Volatility::Immutable) }
    }
}

fn plan_err<T>(message: impl std::fmt::Display) -> Result<T> {
    Err(DataFusionError::Plan(format!("histogram: {message}")))
}

fn counts_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Int64, true)))
}

fn sums_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Float64, true)))
}

/// A boolean `w` (or list of booleans) selects what is counted; a numeric one weighs it.
fn is_selection(w: &DataType) -> bool {
    let item = if is_list(w) { list_field(w).data_type().clone() } else { w.clone() };
    item == DataType::Boolean
}

/// The value of a constant argument (no column in it), evaluated once.
fn constant(expr: &Arc<dyn PhysicalExpr>, what: &str) -> Result<ScalarValue> {
    if !collect_columns(expr).is_empty() {
        return plan_err(format!("{what} must be a constant, got {expr}"));
    }
    let one_row = RecordBatch::try_new_with_options(
        Arc::new(Schema::empty()),
        vec![],
        &RecordBatchOptions::new().with_row_count(Some(1)),
    )?;
    match expr.evaluate(&one_row)? {
        ColumnarValue::Scalar(s) => Ok(s),
        ColumnarValue::Array(a) => ScalarValue::try_from_array(&a, 0),
    }
}

fn axis_of(exprs: &[Arc<dyn PhysicalExpr>]) -> Result<Axis> {
    let nbins = match constant(&exprs[1], "nbins")?.cast_to(&DataType::Int64)? {
        ScalarValue::Int64(Some(n)) if n >= 1 && n as usize <= MAX_BINS => n as usize,
        other => return plan_err(format!("nbins must be an integer from 1 to {MAX_BINS}, got {other}")),
    };
    let edge = |i: usize, what: &str| -> Result<f64> {
        match constant(&exprs[i], what)?.cast_to(&DataType::Float64)? {
            ScalarValue::Float64(Some(v)) if v.is_finite() => Ok(v),
            other => plan_err(format!("{what} must be a finite number, got {other}")),
        }
    };
    let (lo, hi) = (edge(2, "lo")?, edge(3, "hi")?);
    if lo >= hi {
        return plan_err(format!("lo must be below hi, got [{lo}, {hi})"));
    }
    Ok(Axis::new(nbins, lo, hi))
}

/// Numbers the accumulator reads as they are; other numeric types (Float16, decimals) are cast to Float64.
fn read_as_is(t: &DataType) -> bool {
    t.is_integer() || matches!(t, DataType::Float32 | DataType::Float64 | DataType::Null)
}

impl AggregateUDFImpl for HistogramUdaf {
    fn name(&self) -> &str {
        "histogram"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        if !(4..=5).contains(&arg_types.len()) {
            return plan_err(format!("takes 4 or 5 arguments (x, nbins, lo, hi [, w]), got {}", arg_types.len()));
        }
        let x = &arg_types[0];
        let filled = if is_list(x) { list_field(x).data_type().clone() } else { x.clone() };
        let weighted = arg_types.len() == 5;
        let x = match filled {
            t if read_as_is(&t) && !(weighted && matches!(x, DataType::FixedSizeList(..))) => x.clone(),
            t if t.is_numeric() && is_list(x) => {
                DataType::List(Arc::new(Field::new_list_field(DataType::Float64, true)))
            }
            t if t.is_numeric() => DataType::Float64,
            _ => return plan_err(format!("x must be a number or a list of numbers, got {x}")),
        };
        if !arg_types[1].is_integer() {
            return plan_err(format!("nbins must be an integer constant, got {}", arg_types[1]));
        }
        for (t, what) in [(&arg_types[2], "lo"), (&arg_types[3], "hi")] {
            if !t.is_numeric() {
                return plan_err(format!("{what} must be a numeric constant, got {t}"));
            }
        }
        let mut coerced = vec![x, DataType::Int64, DataType::Float64, DataType::Float64];
        if let Some(w) = arg_types.get(4) {
            let item = if is_list(w) { list_field(w).data_type().clone() } else { w.clone() };
            let item = match item {
                DataType::Boolean => DataType::Boolean,
                t if t.is_numeric() || t == DataType::Null => DataType::Float64,
                _ => return plan_err(format!("w must be a number, a boolean or a list of them, got {w}")),
            };
            coerced.push(if is_list(w) { DataType::List(Arc::new(Field::new_list_field(item, true))) } else { item });
        }
        Ok(coerced)
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        Ok(match arg_types.get(4) {
            Some(w) if !is_selection(w) => sums_type(),
            _ => counts_type(),
        })
    }

    fn is_nullable(&self) -> bool {
        false
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let contents = args.return_field.data_type().clone();
        Ok(vec![Arc::new(Field::new(format_state_name(args.name, "counts"), contents, true))])
    }

    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        if args.is_distinct {
            return plan_err("DISTINCT is not supported");
        }
        let axis = axis_of(args.exprs)?;
        let bins = axis.len();
        let contents = match args.expr_fields.get(4) {
            Some(w) if !is_selection(w.data_type()) => Contents::Sums(vec![0.0; bins]),
            _ => Contents::Counts(vec![0; bins]),
        };
        Ok(Box::new(HistogramAccumulator { axis, contents }))
    }

    fn documentation(&self) -> Option<&Documentation> {
        static DOC: OnceLock<Documentation> = OnceLock::new();
        Some(DOC.get_or_init(|| {
            Documentation::builder(
                HEP_SECTION,
                "Fills a histogram of nbins equal bins over [lo, hi) and returns its counts as a list of nbins + 2 \
                 numbers in ROOT's layout: element 1 the underflow (x < lo), elements 2 … nbins + 1 the bins, the \
                 last the overflow (x ≥ hi, and NaN); the list position of x is 1 + ROOT's TAxis::FindBin(x), \
                 which is 1 + floor(nbins (x − lo) / (hi − lo)) computed in double precision. A list argument \
                 fills every element of every row (as RDataFrame's Histo1D of an RVec). NULL rows and NULL \
                 elements are not counted; with no rows every count is 0. nbins, lo and hi must be constants. \
                 With w, numbers weigh each fill (the result holds Float64 sums of weights, as Histo1D with a \
                 weight column) and booleans select what is counted (only where w is true, e.g. \
                 array_transform(Jet_eta, e -> abs(e) < 1)); w is one value per row (an event weight, applied to \
                 every element of a list x) or a list as long as x's row; a NULL w fills nothing. For a table of \
                 (bin, count) rows: unnest(range(0, nbins + 2)) beside unnest(histogram(...)).",
                "histogram(x, nbins, lo, hi [, w])",
            )
            .with_sql_example(
                "> SELECT histogram(x, 4, 0.0, 2.0) FROM (VALUES (-1.0), (0.1), (0.6), (1.9), (2.0), (NULL)) AS t(x);\n\
                 [1, 1, 1, 0, 1, 1]\n\
                 > SELECT unnest(range(0, 102)) AS bin, unnest(h) AS n \
                 FROM (SELECT histogram(Jet_pt, 100, 15.0, 60.0) AS h FROM events);",
            )
            .with_argument("x", "The values: numbers, or lists of numbers (every element is filled).")
            .with_argument("nbins", "Number of bins, an integer constant ≥ 1.")
            .with_argument("lo", "Lower edge of the first bin (included), a constant.")
            .with_argument("hi", "Upper edge of the last bin (excluded), a constant above lo.")
            .with_argument("w", "Optional: weights (numbers) or selections (booleans), per row or per element.")
            .build()
        }))
    }
}

/// nbins + 2 bin contents — underflow, the bins, overflow: counts, or sums of weights.
#[derive(Debug)]
enum Contents {
    Counts(Vec<i64>),
    Sums(Vec<f64>),
}

/// The contents of one partition (or of the final merge).
#[derive(Debug)]
struct HistogramAccumulator {
    axis: Axis,
    contents: Contents,
}

/// Runs `$body` with `$array` as the primitive array of its number type (`x` is read in its own type); an array
/// of type Null holds nothing to fill.
macro_rules! with_numbers {
    ($array:expr, |$x:ident| $body:expr) => {
        match $array.data_type() {
            DataType::Float64 => {
                let $x = $array.as_primitive::<types::Float64Type>();
                $body
            }
            DataType::Float32 => {
                let $x = $array.as_primitive::<types::Float32Type>();
                $body
            }
            DataType::Int64 => {
                let $x = $array.as_primitive::<types::Int64Type>();
                $body
            }
            DataType::Int32 => {
                let $x = $array.as_primitive::<types::Int32Type>();
                $body
            }
            DataType::Int16 => {
                let $x = $array.as_primitive::<types::Int16Type>();
                $body
            }
            DataType::Int8 => {
                let $x = $array.as_primitive::<types::Int8Type>();
                $body
            }
            DataType::UInt64 => {
                let $x = $array.as_primitive::<types::UInt64Type>();
                $body
            }
            DataType::UInt32 => {
                let $x = $array.as_primitive::<types::UInt32Type>();
                $body
            }
            DataType::UInt16 => {
                let $x = $array.as_primitive::<types::UInt16Type>();
                $body
            }
            DataType::UInt8 => {
                let $x = $array.as_primitive::<types::UInt8Type>();
                $body
            }
            DataType::Null => Ok(()),
            other => plan_err(format!("x must be a number or a list of numbers, got {other}")),
        }
    };
}

impl HistogramAccumulator {
    /// Counts every valid element of `values` in `range` (no weights).
    fn fill(&mut self, values: &ArrayRef, range: Range<usize>) -> Result<()> {
        let axis = self.axis;
        let Contents::Counts(counts) = &mut self.contents else {
            return Err(DataFusionError::Internal("histogram: unweighted fill of a weighted histogram".to_string()));
        };
        with_numbers!(values, |x| {
            fill_primitive(counts, axis, x, range);
            Ok(())
        })
    }

    /// Fills `x` with weights (or selections) `w`: one per row, or a list as long as each row of a list `x`.
    fn fill_weighted(&mut self, x: &ArrayRef, w: &ArrayRef) -> Result<()> {
        if let (Some(xl), Some(wl)) = (ListView::try_new(x), ListView::try_new(w))
            && xl.nulls.is_none()
            && wl.nulls.is_none()
        {
            return self.fill_weighted_lists(&xl, &wl);
        }
        let (xs, rows) = elements(x)?;
        let (ws, w_rows) = elements(w)?;
        let w_is_list = ListView::try_new(w).is_some();
        let axis = self.axis;
        let mut add = |x: f64, w: f64| match &mut self.contents {
            Contents::Counts(c) => c[axis.bin(x)] += (w != 0.0) as i64,
            Contents::Sums(s) => s[axis.bin(x)] += w,
        };
        for (i, (r, wr)) in rows.iter().zip(&w_rows).enumerate() {
            let (Some(r), Some(wr)) = (r, wr) else { continue };
            if !w_is_list {
                if ws.is_valid(wr.start) {
                    let weight = ws.value(wr.start);
                    r.clone().filter(|&j| xs.is_valid(j)).for_each(|j| add(xs.value(j), weight));
                }
                continue;
            }
            if r.len() != wr.len() {
                return plan_err(format!("x and w differ in length at row {i} ({} vs {})", r.len(), wr.len()));
            }
            for (j, k) in r.clone().zip(wr.clone()) {
                if xs.is_valid(j) && ws.is_valid(k) {
                    add(xs.value(j), ws.value(k));
                }
            }
        }
        Ok(())
    }

    /// [`Self::fill_weighted`] for a list `x` and a list `w` without NULL rows: the rows' elements pair up over
    /// one contiguous range each; booleans select through their bits (only selected elements are binned),
    /// `x` is read in its own type.
    fn fill_weighted_lists(&mut self, x: &ListView, w: &ListView) -> Result<()> {
        let rows = x.rows();
        if let Some(i) = (0..rows).find(|&i| x.offsets.range(i).len() != w.offsets.range(i).len()) {
            let (a, b) = (x.offsets.range(i).len(), w.offsets.range(i).len());
            return plan_err(format!("x and w differ in length at row {i} ({a} vs {b})"));
        }
        if rows == 0 {
            return Ok(());
        }
        let xr = x.offsets.range(0).start..x.offsets.range(rows - 1).end;
        let wr = w.offsets.range(0).start..w.offsets.range(rows - 1).end;
        let numbers;
        let weights = match w.values.data_type() {
            DataType::Boolean => Weights::Select(w.values.as_boolean()),
            _ => {
                numbers = cast(&w.values, &DataType::Float64)?;
                Weights::Weigh(numbers.as_primitive::<Float64Type>())
            }
        };
        with_numbers!(x.values, |xs| fill_pairs(&mut self.contents, self.axis, xs, xr, weights, wr.start))
    }
}

/// The elements of `x` row by row: each valid row's range in `values` (cast to Float64).
fn elements(x: &ArrayRef) -> Result<(Float64Array, Vec<Option<Range<usize>>>)> {
    let rows = x.len();
    Ok(match ListView::try_new(x) {
        Some(list) => (
            cast(&list.values, &DataType::Float64)?.as_primitive::<Float64Type>().clone(),
            (0..rows).map(|i| (!list.is_null(i)).then(|| list.offsets.range(i))).collect(),
        ),
        None => (
            cast(x, &DataType::Float64)?.as_primitive::<Float64Type>().clone(),
            (0..rows).map(|i| Some(i..i + 1)).collect(),
        ),
    })
}

fn fill_primitive<T: ArrowPrimitiveType>(
    counts: &mut [i64],
    axis: Axis,
    values: &PrimitiveArray<T>,
    range: Range<usize>,
) where
    T::Native: AsF64,
{
    let keep = values.nulls().filter(|n| n.null_count() > 0).map(|n| n.inner().slice(range.start, range.len()));
    binning::count(counts, axis, &values.values()[range], keep.as_ref());
}

/// The weights of a weighted fill: booleans select, numbers weigh.
#[derive(Clone, Copy)]
enum Weights<'a> {
    Select(&'a BooleanArray),
    Weigh(&'a Float64Array),
}

/// Fills `xs[range]` paired with the weights from position `w_start` on.
fn fill_pairs<T: ArrowPrimitiveType>(
    contents: &mut Contents,
    axis: Axis,
    xs: &PrimitiveArray<T>,
    range: Range<usize>,
    weights: Weights,
    w_start: usize,
) -> Result<()>
where
    T::Native: AsF64,
{
    let n = range.len();
    let values = &xs.values()[range.clone()];
    let x_valid = xs.nulls().map(|v| v.inner().slice(range.start, n));
    match (weights, contents) {
        (Weights::Select(b), Contents::Counts(counts)) => {
            let mut keep = b.values().slice(w_start, n);
            if let Some(v) = b.nulls() {
                keep = &keep & &v.inner().slice(w_start, n);
            }
            if let Some(v) = &x_valid {
                keep = &keep & v;
            }
            binning::count(counts, axis, values, Some(&keep));
        }
        (Weights::Weigh(f), Contents::Sums(sums)) => {
            let ws = &f.values()[w_start..w_start + n];
            let keep = match (x_valid, f.nulls()) {
                (None, None) => None,
                (Some(x), None) => Some(x),
                (None, Some(w)) => Some(w.inner().slice(w_start, n)),
                (Some(x), Some(w)) => Some(&x & &w.inner().slice(w_start, n)),
            };
            binning::sum(sums, axis, values, ws, keep.as_ref());
        }
        // Booleans count, numbers sum: the accumulator was made for the type of w.
        _ => return Err(DataFusionError::Internal("histogram: the weights do not match the contents".to_string())),
    }
    Ok(())
}

impl Accumulator for HistogramAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let x = &values[0];
        if let Some(w) = values.get(4) {
            return self.fill_weighted(x, w);
        }
        match ListView::try_new(x) {
            Some(list) => {
                let rows = list.rows();
                if rows == 0 {
                    return Ok(());
                }
                match list.nulls.as_ref().filter(|n| n.null_count() > 0) {
                    // Every row's elements are contiguous from the first row's start to the last row's end.
                    None => self.fill(&list.values, list.offsets.range(0).start..list.offsets.range(rows - 1).end),
                    Some(_) => {
                        for i in (0..rows).filter(|&i| !list.is_null(i)) {
                            self.fill(&list.values, list.offsets.range(i))?;
                        }
                        Ok(())
                    }
                }
            }
            None if matches!(x.data_type(), DataType::FixedSizeList(..)) => {
                let fixed = x.as_fixed_size_list();
                let width = fixed.value_length() as usize;
                for i in (0..fixed.len()).filter(|&i| fixed.is_valid(i)) {
                    let start = (fixed.offset() + i) * width;
                    self.fill(fixed.values(), start..start + width)?;
                }
                Ok(())
            }
            None => self.fill(x, 0..x.len()),
        }
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let lists = states[0].as_list::<i32>();
        for i in (0..lists.len()).filter(|&i| lists.is_valid(i)) {
            let part = lists.value(i);
            let expected = match &self.contents {
                Contents::Counts(c) => c.len(),
                Contents::Sums(s) => s.len(),
            };
            if part.len() != expected {
                return Err(DataFusionError::Internal(format!(
                    "histogram: a partial histogram has {} bins, expected {expected}",
                    part.len()
                )));
            }
            match &mut self.contents {
                Contents::Counts(c) => {
                    c.iter_mut().zip(part.as_primitive::<Int64Type>().values()).for_each(|(c, p)| *c += p)
                }
                Contents::Sums(s) => {
                    s.iter_mut().zip(part.as_primitive::<Float64Type>().values()).for_each(|(s, p)| *s += p)
                }
            }
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![self.evaluate()?])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let values: ArrayRef = match &self.contents {
            Contents::Counts(c) => Arc::new(Int64Array::from(c.clone())),
            Contents::Sums(s) => Arc::new(Float64Array::from(s.clone())),
        };
        Ok(ScalarValue::List(Arc::new(ListArray::new(
            Arc::new(Field::new_list_field(values.data_type().clone(), true)),
            OffsetBuffer::from_lengths([values.len()]),
            values,
            None,
        ))))
    }

    fn size(&self) -> usize {
        size_of_val(self)
            + match &self.contents {
                Contents::Counts(c) => c.capacity() * size_of::<i64>(),
                Contents::Sums(s) => s.capacity() * size_of::<f64>(),
            }
    }
}
