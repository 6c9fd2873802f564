//! scaler: fitted MinMax and standard scalers — their JSON state, the element-wise formula,
//! fitting on a DataFrame, saving and loading (atomically) and the transform expression.
//!
//! JSON state (what `minmax_fit` / `standard_fit` return and `save_json` writes):
//!
//! ```json
//! {"kind":"min_max","min":[0.0,1.0],"max":[4.0,1.0]}
//! {"kind":"standard","mean":[2.0],"std":[1.5811388300841898],"with_mean":true,"with_std":true}
//! ```
//!
//! A scalar column is fitted as a vector of one element.

use std::path::Path;

use datafusion::common::Column;
use datafusion::dataframe::DataFrame;
use datafusion::logical_expr::{Expr, lit};
use serde::{Deserialize, Serialize};

use super::error::{PrepError, Result};

/// Which scaler to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalerKind {
    /// Spark `MinMaxScaler` to `[0, 1]`: `(x − min)/(max − min)`, `0.5` where `max == min`.
    MinMax,
    /// Spark `StandardScaler` with mean and std: `(x − mean)/std` with the *sample* std
    /// (n − 1), `0` where `std == 0`.
    Standard,
}

impl ScalerKind {
    /// The SQL name of the fitting aggregate.
    pub fn fit_name(self) -> &'static str {
        match self {
            ScalerKind::MinMax => "minmax_fit",
            ScalerKind::Standard => "standard_fit",
        }
    }

    /// The SQL name of the transform.
    pub fn scale_name(self) -> &'static str {
        match self {
            ScalerKind::MinMax => "minmax_scale",
            ScalerKind::Standard => "standard_scale",
        }
    }
}

/// A fitted MinMax scaler (Spark `MinMaxScaler`, output range `[0, 1]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinMaxScaler {
    /// Per-element minimum seen while fitting.
    pub min: Vec<f64>,
    /// Per-element maximum seen while fitting.
    pub max: Vec<f64>,
}

/// A fitted standard scaler (Spark `StandardScaler`, sample standard deviation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandardScaler {
    /// Per-element mean.
    pub mean: Vec<f64>,
    /// Per-element sample standard deviation (divisor n − 1; 0 for a single value).
    pub std: Vec<f64>,
    /// Subtract the mean (Spark's `withMean`; Spark's default is `false`, ours `true`).
    #[serde(default = "yes")]
    pub with_mean: bool,
    /// Divide by the std (Spark's `withStd`, default `true`).
    #[serde(default = "yes")]
    pub with_std: bool,
}

fn yes() -> bool {
    true
}

/// A fitted scaler: its state and the element-wise formula.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scaler {
    /// MinMax scaling to `[0, 1]`.
    MinMax(MinMaxScaler),
    /// Standardisation.
    Standard(StandardScaler),
}

impl Scaler {
    /// Which kind of scaler this is.
    pub fn kind(&self) -> ScalerKind {
        match self {
            Scaler::MinMax(_) => ScalerKind::MinMax,
            Scaler::Standard(_) => ScalerKind::Standard,
        }
    }

    /// Number of elements the scaler was fitted on (1 for a scalar column).
    pub fn dim(&self) -> usize {
        match self {
            Scaler::MinMax(s) => s.min.len(),
            Scaler::Standard(s) => s.mean.len(),
        }
    }

    /// Scales element `j` of a feature vector.
    ///
    /// MinMax follows Spark: values outside the fitted range are not clipped, and a constant
    /// feature (`max == min`) maps to `0.5`, the middle of the output range. Standard follows
    /// Spark: a feature with `std == 0` maps to `0` (its factor `1/std` is taken as 0).
    pub fn scale(&self, x: f64, j: usize) -> f64 {
        match self {
            Scaler::MinMax(s) => {
                let range = s.max[j] - s.min[j];
                if range == 0.0 { 0.5 } else { (x - s.min[j]) / range }
            }
            Scaler::Standard(s) => {
                let centred = if s.with_mean { x - s.mean[j] } else { x };
                if !s.with_std {
                    centred
                } else if s.std[j] == 0.0 {
                    0.0
                } else {
                    centred / s.std[j]
                }
            }
        }
    }

    /// The state as a JSON string (the format `minmax_fit` / `standard_fit` return).
    pub fn to_json(&self) -> String {
        // A derived Serialize of Vec<f64> and bools cannot fail; finite values are checked on
        // construction, and serde_json writes non-finite floats as null rather than failing.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Parses and checks a JSON state; `origin` (a path, `SQL argument`) goes in errors.
    pub fn from_json(json: &str, origin: &str) -> Result<Self> {
        let scaler: Scaler =
            serde_json::from_str(json).map_err(|source| PrepError::Json { origin: origin.to_string(), source })?;
        scaler.check(origin)?;
        Ok(scaler)
    }

    fn check(&self, origin: &str) -> Result<()> {
        let bad = |reason: String| PrepError::InvalidState { origin: origin.to_string(), reason };
        let (a, b, names) = match self {
            Scaler::MinMax(s) => (&s.min, &s.max, ("min", "max")),
            Scaler::Standard(s) => (&s.mean, &s.std, ("mean", "std")),
        };
        if a.is_empty() || a.len() != b.len() {
            return Err(bad(format!(
                "`{}` has {} elements and `{}` {}; both must have the same, non-zero length",
                names.0,
                a.len(),
                names.1,
                b.len()
            )));
        }
        if let Some(j) = a.iter().chain(b).position(|x| !x.is_finite()) {
            return Err(bad(format!("element {} is not finite", j % a.len())));
        }
        if let Scaler::Standard(s) = self
            && let Some(j) = s.std.iter().position(|&x| x < 0.0)
        {
            return Err(bad(format!("std[{j}] = {} is negative", s.std[j])));
        }
        Ok(())
    }

    /// Fits a scaler of `kind` on `column` of `df` (all rows; nulls and NaNs skipped), by
    /// running the `minmax_fit` / `standard_fit` aggregate.
    pub async fn fit(df: &DataFrame, column: &str, kind: ScalerKind) -> Result<Self> {
        let fit = match kind {
            ScalerKind::MinMax => super::fit::minmax_fit_udaf(),
            ScalerKind::Standard => super::fit::standard_fit_udaf(),
        };
        let target = df
            .schema()
            .qualified_field_with_unqualified_name(column)
            .map_err(|e| PrepError::InvalidArgument(format!("{}: {e}", kind.fit_name())))?;
        let column_expr = Expr::Column(target.into());
        let batches = df.clone().aggregate(vec![], vec![fit.call(vec![column_expr]).alias("state")])?.collect().await?;
        let state = batches
            .iter()
            .find(|b| b.num_rows() > 0)
            .map(|b| {
                datafusion::common::ScalarValue::try_from_array(b.column(0), 0)
                    .map(|v| v.try_as_str().flatten().map(str::to_string))
            })
            .transpose()?
            .flatten()
            .ok_or_else(|| {
                PrepError::InvalidArgument(format!(
                    "{}: column `{column}` has no non-null values to fit on",
                    kind.fit_name()
                ))
            })?;
        Self::from_json(&state, kind.fit_name())
    }

    /// Writes the JSON state to `path` atomically: to a temporary name beside it, then renamed.
    pub fn save_json(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let io = |source| PrepError::Io { path: path.to_path_buf(), source };
        let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
        tmp_name.push(format!(".tmp-{}", std::process::id()));
        let tmp = path.with_file_name(tmp_name);
        std::fs::write(&tmp, self.to_json() + "\n").map_err(io)?;
        std::fs::rename(&tmp, path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            io(e)
        })
    }

    /// Reads a JSON state written by [`Self::save_json`] (or returned by a `*_fit` aggregate).
    pub fn load_json(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let json =
            std::fs::read_to_string(path).map_err(|source| PrepError::Io { path: path.to_path_buf(), source })?;
        Self::from_json(&json, &path.display().to_string())
    }

    /// `minmax_scale(column, '<state>')` or `standard_scale(column, '<state>')`: an expression
    /// that scales `column` (numeric or feature vector) with this scaler.
    pub fn transform_expr(&self, column: Expr) -> Expr {
        let udf = match self.kind() {
            ScalerKind::MinMax => super::scale::minmax_scale_udf(),
            ScalerKind::Standard => super::scale::standard_scale_udf(),
        };
        udf.call(vec![column, lit(self.to_json())])
    }

    /// [`Self::transform_expr`] of the column named `name`.
    pub fn transform_column(&self, name: &str) -> Expr {
        self.transform_expr(Expr::Column(Column::from_name(name)))
    }
}
