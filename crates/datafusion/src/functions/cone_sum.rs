//! cone_sum: isolation sums — Σ `field` over the particles of a row that lie inside a ΔR cone
//! around a reference object (or around each object of a list of them).
//!
//! Definition (PIPELINE.md §3, with Hadron's default of a wrapped Δφ): a particle counts when
//! `min_dr < ΔR < radius` (strict both sides; without `min_dr` every particle with ΔR < radius
//! counts, including one at ΔR = 0 such as the reference object's own track, exactly as the
//! reference `PFIso` sums "all map entries, including the particle itself"). ΔR uses Δφ wrapped
//! into [−π, π). The reference's isolation is then `cone_sum(...) / ref.PT` (minus 1 for the
//! charged map where the object's own track is in the sum); pass `min_dr` (e.g. 1e-4, the
//! reference's own-track match) to leave the object itself out instead.

use std::sync::{Arc, OnceLock};

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, StructArray};
use datafusion::arrow::buffer::NullBuffer;
use datafusion::arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};

use super::HEP_SECTION;
use super::kinematics::delta_r;
use super::lists::{ListView, list_field, list_type_like};
use super::numeric::Operand;
use super::structs::{field_f64, is_string, string_literal, to_array};

/// `cone_sum(particles, ref, radius, field [, min_dr])`.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ConeSumUdf {
    signature: Signature,
}

impl Default for ConeSumUdf {
    fn default() -> Self {
        ConeSumUdf { signature: Signature::user_defined(Volatility::Immutable) }
    }
}

fn is_struct_list(t: &DataType) -> bool {
    matches!(t, DataType::List(f) | DataType::LargeList(f) if matches!(f.data_type(), DataType::Struct(_)))
}

impl ScalarUDFImpl for ConeSumUdf {
    fn name(&self) -> &str {
        "cone_sum"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let plan_err = |m: String| Err(DataFusionError::Plan(format!("cone_sum: {m}")));
        if !(4..=5).contains(&arg_types.len()) {
            return plan_err(format!(
                "takes 4 or 5 arguments (particles, ref, radius, field [, min_dr]), got {}",
                arg_types.len()
            ));
        }
        if !is_struct_list(&arg_types[0]) {
            return plan_err(format!("particles must be a list of structs, got {}", arg_types[0]));
        }
        if !matches!(arg_types[1], DataType::Struct(_)) && !is_struct_list(&arg_types[1]) {
            return plan_err(format!("ref must be a struct or a list of structs, got {}", arg_types[1]));
        }
        for (i, t) in arg_types.iter().enumerate().skip(2) {
            let ok = if i == 3 { is_string(t) || *t == DataType::Null } else { t.is_numeric() || *t == DataType::Null };
            if !ok {
                return plan_err(format!("argument {} has type {t}", i + 1));
            }
        }
        let mut coerced = arg_types.to_vec();
        coerced[2] = DataType::Float64;
        coerced[3] = DataType::Utf8;
        if coerced.len() == 5 {
            coerced[4] = DataType::Float64;
        }
        Ok(coerced)
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        Ok(match &arg_types[1] {
            DataType::Struct(_) => DataType::Float64,
            list => list_type_like(list, DataType::Float64),
        })
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let particles_array = to_array(&args.args[0], rows)?;
        let particles = ListView::try_new(&particles_array)
            .ok_or_else(|| DataFusionError::Execution("cone_sum: particles must be a list of structs".to_string()))?;
        let field = string_literal(&args.args[3], self.name(), "field")?;
        let cloud = Cloud::new(&particles, &field)?;
        let radius = PerRow::new(&args.args[2], rows, "radius")?;
        let min_dr = match args.args.get(4) {
            Some(arg) => Some(PerRow::new(arg, rows, "min_dr")?),
            None => None,
        };
        let mut row_nulls = NullBuffer::union(particles.nulls.as_ref(), radius.nulls());
        if let Some(m) = &min_dr {
            row_nulls = NullBuffer::union(row_nulls.as_ref(), m.nulls());
        }
        let cone = |i: usize, eta: f64, phi: f64| -> f64 {
            let (r, lower) = (radius.at(i), min_dr.as_ref().map(|m| m.at(i)));
            cloud.sum(particles.offsets.range(i), eta, phi, r, lower)
        };

        let reference = to_array(&args.args[1], rows)?;
        let result: ArrayRef = match ListView::try_new(&reference) {
            Some(refs) => {
                let centres = refs.values.as_struct();
                let (eta, phi) = (field_f64(centres, "eta", "cone_sum")?, field_f64(centres, "phi", "cone_sum")?);
                let mut element_nulls = NullBuffer::union(centres.nulls(), eta.nulls());
                element_nulls = NullBuffer::union(element_nulls.as_ref(), phi.nulls());
                let mut sums = vec![0.0; centres.len()];
                for i in 0..rows {
                    if row_nulls.as_ref().is_some_and(|n| n.is_null(i)) || refs.is_null(i) {
                        continue;
                    }
                    for j in refs.offsets.range(i) {
                        sums[j] = cone(i, eta.value(j), phi.value(j));
                    }
                }
                let values = Arc::new(Float64Array::new(sums.into(), element_nulls));
                let nulls = NullBuffer::union(row_nulls.as_ref(), refs.nulls.as_ref());
                refs.with_values(list_field(args.return_field.data_type()), values, nulls)?
            }
            None => {
                let centres: &StructArray = reference.as_struct();
                let (eta, phi) = (field_f64(centres, "eta", "cone_sum")?, field_f64(centres, "phi", "cone_sum")?);
                let mut nulls = NullBuffer::union(row_nulls.as_ref(), centres.nulls());
                nulls = NullBuffer::union(nulls.as_ref(), eta.nulls());
                nulls = NullBuffer::union(nulls.as_ref(), phi.nulls());
                let sums: Vec<f64> = (0..rows)
                    .map(|i| {
                        if nulls.as_ref().is_some_and(|n| n.is_null(i)) {
                            0.0
                        } else {
                            cone(i, eta.value(i), phi.value(i))
                        }
                    })
                    .collect();
                Arc::new(Float64Array::new(sums.into(), nulls))
            }
        };
        Ok(ColumnarValue::Array(result))
    }

    fn documentation(&self) -> Option<&Documentation> {
        static DOC: OnceLock<Documentation> = OnceLock::new();
        Some(DOC.get_or_init(|| {
            Documentation::builder(
                HEP_SECTION,
                "Isolation sum: the sum of `field` over the particles of the row with min_dr < ΔR < radius from the \
                 reference object (without min_dr: ΔR < radius, the object's own entry at ΔR = 0 included, as in the \
                 reference pipeline's PFIso). ΔR = sqrt(Δη² + Δφ²) with Δφ wrapped into [-π, π). Fields Eta and Phi \
                 (and `field`) are looked up by exact name, else ignoring case; they may be any numeric type. A \
                 struct `ref` gives a Float64 per row; a list of structs gives a list of sums, one per object. NULL \
                 particle lists, references or radius give NULL; particles that are NULL or have a NULL Eta, Phi or \
                 field are skipped; an empty particle list sums to 0.",
                "cone_sum(particles, ref, radius, field [, min_dr])",
            )
            .with_sql_example(
                "> SELECT cone_sum(EFlowTrack, Electron[1], 0.3, 'PT') / Electron[1]['PT'] - 1 AS iso_ch FROM events;\n\
                 > SELECT cone_sum(EFlowPhoton, EFlowTrack, 0.3, 'ET') FROM events;  -- one sum per track",
            )
            .with_argument("particles", "List<Struct> with fields Eta, Phi and `field` (e.g. EFlowTrack).")
            .with_argument("ref", "Struct with fields Eta and Phi (one object), or a list of them.")
            .with_argument("radius", "Cone size in ΔR (strict upper bound), e.g. 0.3.")
            .with_argument("field", "Name of the particle field to sum, e.g. 'PT' or 'ET'.")
            .with_argument("min_dr", "Optional strict lower bound on ΔR (leave out the object's own entry).")
            .build()
        }))
    }
}

/// The particles of all rows: Eta, Phi and the summed field, and which particles are usable.
struct Cloud {
    eta: Float64Array,
    phi: Float64Array,
    value: Float64Array,
    usable: Option<NullBuffer>,
}

impl Cloud {
    fn new(particles: &ListView, field: &str) -> Result<Cloud> {
        let structs = particles.values.as_struct();
        let eta = field_f64(structs, "eta", "cone_sum")?;
        let phi = field_f64(structs, "phi", "cone_sum")?;
        let value = field_f64(structs, field, "cone_sum")?;
        let mut usable = NullBuffer::union(structs.nulls(), eta.nulls());
        usable = NullBuffer::union(usable.as_ref(), phi.nulls());
        usable = NullBuffer::union(usable.as_ref(), value.nulls());
        Ok(Cloud { eta, phi, value, usable })
    }

    fn sum(&self, range: std::ops::Range<usize>, eta: f64, phi: f64, radius: f64, min_dr: Option<f64>) -> f64 {
        let (etas, phis, values) = (self.eta.values(), self.phi.values(), self.value.values());
        let lower = min_dr.unwrap_or(f64::NEG_INFINITY);
        let mut sum = 0.0;
        for j in range {
            if self.usable.as_ref().is_some_and(|n| n.is_null(j)) {
                continue;
            }
            let dr = delta_r(etas[j], phis[j], eta, phi);
            // A select, not a jump: whether a particle is inside the cone is anyone's guess.
            sum += if dr < radius && dr > lower { values[j] } else { 0.0 };
        }
        sum
    }
}

/// A numeric argument that is constant or one value per row.
struct PerRow(Operand);

impl PerRow {
    fn new(arg: &ColumnarValue, rows: usize, what: &str) -> Result<PerRow> {
        match Operand::from_arg(arg, rows, "cone_sum", 0)? {
            Operand::List(_) => Err(DataFusionError::Execution(format!("cone_sum: {what} must be a number"))),
            Operand::Const(None) => Ok(PerRow(Operand::Rows(Float64Array::new_null(rows)))),
            operand => Ok(PerRow(operand)),
        }
    }

    fn at(&self, i: usize) -> f64 {
        match &self.0 {
            Operand::Const(c) => c.unwrap_or(f64::NAN),
            Operand::Rows(values) => values.value(i),
            Operand::List(_) => f64::NAN,
        }
    }

    /// Row nulls; a NULL constant makes every row NULL.
    fn nulls(&self) -> Option<&NullBuffer> {
        match &self.0 {
            Operand::Rows(values) => values.nulls(),
            _ => None,
        }
    }
}
