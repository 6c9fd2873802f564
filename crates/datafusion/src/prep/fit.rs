//! fit: the `minmax_fit(x)` and `standard_fit(x)` aggregates — per-element count, min, max,
//! mean and M2 (Welford, merged with Chan et al.'s formula), finished as a JSON scaler state.

use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, ListArray};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Float64Type};
use datafusion::common::ScalarValue;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Documentation, Signature, Volatility};

use super::DOC_SECTION_PREP;
use super::features::{FeatureRows, shape_of};
use super::scaler::{MinMaxScaler, Scaler, ScalerKind, StandardScaler};

/// `minmax_fit(x)`: the MinMax scaler state of `x` as JSON.
pub fn minmax_fit_udaf() -> AggregateUDF {
    AggregateUDF::from(ScalerFit::new(ScalerKind::MinMax))
}

/// `standard_fit(x)`: the standard scaler state of `x` as JSON.
pub fn standard_fit_udaf() -> AggregateUDF {
    AggregateUDF::from(ScalerFit::new(ScalerKind::Standard))
}

static MINMAX_DOC: LazyLock<Documentation> = LazyLock::new(|| {
    Documentation::builder(
        DOC_SECTION_PREP,
        "Fits a MinMax scaler (Spark MinMaxScaler, output range [0, 1]) on a numeric column or \
         a feature-vector column (FixedSizeList / List of numbers, element-wise) and returns its \
         state as JSON: {\"kind\":\"min_max\",\"min\":[...],\"max\":[...]}. Nulls and NaNs are \
         skipped; all vectors must have the same length. Pass the state to minmax_scale.",
        "minmax_fit(expression)",
    )
    .with_argument("expression", "Numeric column or list of numbers to fit on.")
    .with_sql_example(
        "```sql\n> SELECT minmax_fit(x) FROM (VALUES (1.0), (3.0), (2.0)) AS t(x);\n\
         +-----------------------------------------+\n\
         | minmax_fit(t.x)                         |\n\
         +-----------------------------------------+\n\
         | {\"kind\":\"min_max\",\"min\":[1.0],\"max\":[3.0]} |\n\
         +-----------------------------------------+\n```",
    )
    .with_related_udf("minmax_scale")
    .build()
});

static STANDARD_DOC: LazyLock<Documentation> = LazyLock::new(|| {
    Documentation::builder(
        DOC_SECTION_PREP,
        "Fits a standard scaler on a numeric column or a feature-vector column (element-wise) \
         and returns its state as JSON: {\"kind\":\"standard\",\"mean\":[...],\"std\":[...],\
         \"with_mean\":true,\"with_std\":true}. std is the sample standard deviation (divisor \
         n - 1, as Spark's StandardScaler; 0 for a single value). Nulls and NaNs are skipped. \
         Pass the state to standard_scale.",
        "standard_fit(expression)",
    )
    .with_argument("expression", "Numeric column or list of numbers to fit on.")
    .with_sql_example(
        "```sql\n> SELECT standard_fit(x) FROM (VALUES (1.0), (2.0), (3.0)) AS t(x);\n\
         {\"kind\":\"standard\",\"mean\":[2.0],\"std\":[1.0],\"with_mean\":true,\"with_std\":true}\n```",
    )
    .with_related_udf("standard_scale")
    .build()
});

/// The fitting aggregate of one scaler kind.
#[derive(Debug, PartialEq, Eq, Hash)]
struct ScalerFit {
    kind: ScalerKind,
    signature: Signature,
}

impl ScalerFit {
    fn new(kind: ScalerKind) -> Self {
        Self { kind, signature: Signature::any(1, Volatility::Immutable) }
    }
}

const STATE_NAMES: [&str; 5] = ["count", "min", "max", "mean", "m2"];

impl AggregateUDFImpl for ScalerFit {
    fn name(&self) -> &str {
        self.kind.fit_name()
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        shape_of(&arg_types[0], self.name())?;
        Ok(DataType::Utf8)
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let list = DataType::List(Arc::new(Field::new_list_field(DataType::Float64, true)));
        Ok(STATE_NAMES
            .iter()
            .map(|n| Arc::new(Field::new(format_state_name(args.name, n), list.clone(), true)))
            .collect())
    }

    fn accumulator(&self, _args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(FitAccumulator { kind: self.kind, moments: Vec::new() }))
    }

    fn documentation(&self) -> Option<&Documentation> {
        Some(match self.kind {
            ScalerKind::MinMax => &MINMAX_DOC,
            ScalerKind::Standard => &STANDARD_DOC,
        })
    }
}

/// Running statistics of one element of the feature vector.
#[derive(Debug, Clone, Copy)]
struct Moments {
    count: f64,
    min: f64,
    max: f64,
    mean: f64,
    m2: f64,
}

impl Moments {
    const EMPTY: Moments = Moments { count: 0.0, min: f64::INFINITY, max: f64::NEG_INFINITY, mean: 0.0, m2: 0.0 };

    fn push(&mut self, x: f64) {
        self.count += 1.0;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
        let delta = x - self.mean;
        self.mean += delta / self.count;
        self.m2 += delta * (x - self.mean);
    }

    fn merge(&mut self, o: &Moments) {
        if o.count == 0.0 {
            return;
        }
        if self.count == 0.0 {
            *self = *o;
            return;
        }
        let n = self.count + o.count;
        let delta = o.mean - self.mean;
        self.mean += delta * o.count / n;
        self.m2 += o.m2 + delta * delta * self.count * o.count / n;
        self.count = n;
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
    }
}

#[derive(Debug)]
struct FitAccumulator {
    kind: ScalerKind,
    /// One entry per element; empty until the first non-null row.
    moments: Vec<Moments>,
}

impl FitAccumulator {
    fn ensure_dim(&mut self, dim: usize) -> Result<()> {
        if self.moments.is_empty() {
            self.moments = vec![Moments::EMPTY; dim];
        } else if self.moments.len() != dim {
            return Err(DataFusionError::Execution(format!(
                "{}: feature vectors have different lengths ({} and {dim})",
                self.kind.fit_name(),
                self.moments.len()
            )));
        }
        Ok(())
    }
}

impl Accumulator for FitAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let rows = FeatureRows::new(&values[0], self.kind.fit_name())?;
        for range in rows.ranges.iter().flatten() {
            self.ensure_dim(range.len())?;
            for (m, j) in self.moments.iter_mut().zip(range.clone()) {
                if let Some(x) = rows.element(j) {
                    m.push(x);
                }
            }
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let lists: Vec<_> = states.iter().map(|s| s.as_list::<i32>()).collect();
        for row in 0..lists[0].len() {
            if lists[0].is_null(row) || lists[0].value_length(row) == 0 {
                continue;
            }
            let parts: Vec<ArrayRef> = lists.iter().map(|l| l.value(row)).collect();
            let p: Vec<&Float64Array> = parts.iter().map(|a| a.as_primitive::<Float64Type>()).collect();
            self.ensure_dim(p[0].len())?;
            for (j, m) in self.moments.iter_mut().enumerate() {
                m.merge(&Moments {
                    count: p[0].value(j),
                    min: p[1].value(j),
                    max: p[2].value(j),
                    mean: p[3].value(j),
                    m2: p[4].value(j),
                });
            }
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let column = |f: fn(&Moments) -> f64| -> ScalarValue {
            let values = Float64Array::from_iter_values(self.moments.iter().map(f));
            let list = ListArray::new(
                Arc::new(Field::new_list_field(DataType::Float64, true)),
                OffsetBuffer::from_lengths([values.len()]),
                Arc::new(values),
                None,
            );
            ScalarValue::List(Arc::new(list))
        };
        Ok(vec![column(|m| m.count), column(|m| m.min), column(|m| m.max), column(|m| m.mean), column(|m| m.m2)])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        if self.moments.is_empty() {
            return Ok(ScalarValue::Utf8(None));
        }
        if let Some(j) = self.moments.iter().position(|m| m.count == 0.0) {
            return Err(DataFusionError::Execution(format!(
                "{}: element {j} of the feature vector is null or NaN in every row",
                self.kind.fit_name()
            )));
        }
        let scaler = match self.kind {
            ScalerKind::MinMax => Scaler::MinMax(MinMaxScaler {
                min: self.moments.iter().map(|m| m.min).collect(),
                max: self.moments.iter().map(|m| m.max).collect(),
            }),
            ScalerKind::Standard => Scaler::Standard(StandardScaler {
                mean: self.moments.iter().map(|m| m.mean).collect(),
                std: self
                    .moments
                    .iter()
                    .map(|m| if m.count > 1.0 { (m.m2.max(0.0) / (m.count - 1.0)).sqrt() } else { 0.0 })
                    .collect(),
                with_mean: true,
                with_std: true,
            }),
        };
        Ok(ScalarValue::Utf8(Some(scaler.to_json())))
    }

    fn size(&self) -> usize {
        size_of_val(self) + self.moments.capacity() * size_of::<Moments>()
    }
}
