//! scale: the `minmax_scale(x, state)` and `standard_scale(x, state)` transforms — apply a
//! fitted scaler state (JSON, from `minmax_fit` / `standard_fit` / `Scaler::save_json`)
//! element-wise to a numeric or feature-vector column.

use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{Array, ArrayRef, Float64Builder};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

use super::DOC_SECTION_PREP;
use super::features::{FeatureRows, output_type};
use super::scaler::{Scaler, ScalerKind};

/// `minmax_scale(x, state)`.
pub fn minmax_scale_udf() -> ScalarUDF {
    ScalarUDF::from(ScalerApply::new(ScalerKind::MinMax))
}

/// `standard_scale(x, state)`.
pub fn standard_scale_udf() -> ScalarUDF {
    ScalarUDF::from(ScalerApply::new(ScalerKind::Standard))
}

static MINMAX_DOC: LazyLock<Documentation> = LazyLock::new(|| {
    Documentation::builder(
        DOC_SECTION_PREP,
        "Scales a numeric or feature-vector column to [0, 1] with a state fitted by minmax_fit: \
         (x - min) / (max - min) element-wise, as Spark's MinMaxScaler. A constant feature \
         (max = min) gives 0.5; values outside the fitted range are not clipped. Returns the \
         same shape (Float32 elements stay Float32, others become Float64); nulls stay null.",
        "minmax_scale(expression, state)",
    )
    .with_argument("expression", "Numeric column or list of numbers.")
    .with_argument("state", "JSON state from minmax_fit (a constant or a scalar subquery).")
    .with_sql_example(
        "```sql\n> SELECT minmax_scale(x, '{\"kind\":\"min_max\",\"min\":[1.0],\"max\":[3.0]}') AS s\n\
         FROM (VALUES (1.0), (2.0), (3.0)) AS t(x);\n\
         -- 0.0, 0.5, 1.0\n\
         > SELECT minmax_scale(hlf, (SELECT minmax_fit(hlf) FROM train)) FROM test;\n```",
    )
    .with_related_udf("minmax_fit")
    .build()
});

static STANDARD_DOC: LazyLock<Documentation> = LazyLock::new(|| {
    Documentation::builder(
        DOC_SECTION_PREP,
        "Standardises a numeric or feature-vector column with a state fitted by standard_fit: \
         (x - mean) / std element-wise (sample std, as Spark's StandardScaler). A feature with \
         std = 0 gives 0. with_mean / with_std = false in the state skip centring / scaling. \
         Returns the same shape (Float32 elements stay Float32, others become Float64).",
        "standard_scale(expression, state)",
    )
    .with_argument("expression", "Numeric column or list of numbers.")
    .with_argument("state", "JSON state from standard_fit (a constant or a scalar subquery).")
    .with_sql_example(
        "```sql\n> SELECT standard_scale(x, '{\"kind\":\"standard\",\"mean\":[2.0],\"std\":[1.0]}')\n\
         FROM (VALUES (1.0), (2.0), (3.0)) AS t(x);\n\
         -- -1.0, 0.0, 1.0\n```",
    )
    .with_related_udf("standard_fit")
    .build()
});

/// The transform of one scaler kind.
#[derive(Debug, PartialEq, Eq, Hash)]
struct ScalerApply {
    kind: ScalerKind,
    signature: Signature,
}

impl ScalerApply {
    fn new(kind: ScalerKind) -> Self {
        Self { kind, signature: Signature::any(2, Volatility::Immutable) }
    }

    fn parse(&self, json: &str) -> Result<Scaler> {
        let scaler = Scaler::from_json(json, &format!("{} state argument", self.name()))?;
        if scaler.kind() != self.kind {
            return Err(DataFusionError::Execution(format!(
                "{}: the state is a {:?} scaler; apply it with {}",
                self.name(),
                scaler.kind(),
                scaler.kind().scale_name()
            )));
        }
        Ok(scaler)
    }
}

fn state_text(v: &ScalarValue) -> Option<&str> {
    v.try_as_str().flatten()
}

impl ScalarUDFImpl for ScalerApply {
    fn name(&self) -> &str {
        self.kind.scale_name()
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        if !matches!(arg_types[1], DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null) {
            return Err(DataFusionError::Plan(format!(
                "{}: the state must be a JSON string, got {}",
                self.name(),
                arg_types[1]
            )));
        }
        output_type(&arg_types[0], self.name())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let n = args.number_rows;
        let input = args.args[0].to_array(n)?;
        let rows = FeatureRows::new(&input, self.name())?;
        // One state for all rows (a literal), or one per row (a joined scalar subquery); parse
        // each distinct consecutive state once.
        let states: Vec<Option<String>> = match &args.args[1] {
            ColumnarValue::Scalar(v) => vec![state_text(v).map(str::to_string); 1],
            ColumnarValue::Array(a) => (0..a.len())
                .map(|i| ScalarValue::try_from_array(a, i).map(|v| state_text(&v).map(str::to_string)))
                .collect::<Result<_>>()?,
        };
        let mut out = Float64Builder::with_capacity(rows.values.len());
        let mut cached: Option<(String, Scaler)> = None;
        let mut filled = 0;
        for (row, range) in rows.ranges.iter().enumerate() {
            let Some(range) = range else { continue };
            let text = if states.len() == 1 { &states[0] } else { &states[row] };
            let Some(text) = text else {
                // Null state: null row elements.
                out.append_nulls(range.end - filled);
                filled = range.end;
                continue;
            };
            if cached.as_ref().is_none_or(|(t, _)| t != text) {
                cached = Some((text.clone(), self.parse(text)?));
            }
            let scaler = cached
                .as_ref()
                .map(|(_, s)| s)
                .ok_or_else(|| DataFusionError::Internal(format!("{}: no parsed state", self.name())))?;
            if range.len() != scaler.dim() {
                return Err(DataFusionError::Execution(format!(
                    "{}: row {row} has {} elements but the scaler was fitted on {}",
                    self.name(),
                    range.len(),
                    scaler.dim()
                )));
            }
            out.append_nulls(range.start - filled);
            for (k, j) in range.clone().enumerate() {
                out.append_option(rows.value(j).map(|x| scaler.scale(x, k)));
            }
            filled = range.end;
        }
        out.append_nulls(rows.values.len() - filled);
        let result: ArrayRef = rows.rebuild(out.finish())?;
        debug_assert_eq!(result.len(), rows.len());
        Ok(ColumnarValue::Array(Arc::clone(&result)))
    }

    fn documentation(&self) -> Option<&Documentation> {
        Some(match self.kind {
            ScalerKind::MinMax => &MINMAX_DOC,
            ScalerKind::Standard => &STANDARD_DOC,
        })
    }
}
