//! inv_mass: invariant mass of the summed four-momentum of a list of objects per row
//! (`inv_mass(pt, eta, phi, m)`), or of two objects (`inv_mass(pt1, …, m2)`, element-wise).

use std::sync::{Arc, OnceLock};

use datafusion::arrow::array::Float64Array;
use datafusion::arrow::buffer::NullBuffer;
use datafusion::arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};

use super::kinematics::{FourMomentum, inv_mass_pair};
use super::lists::is_list;
use super::numeric::{Aligned, Operand, coerce_numeric, elementwise_return_type};
use super::{HEP_SECTION, TYPE_RULES};

/// `inv_mass`: 4 arguments (lists, summed per row) or 8 (two objects, element-wise).
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct InvMassUdf {
    signature: Signature,
}

impl Default for InvMassUdf {
    fn default() -> Self {
        InvMassUdf { signature: Signature::user_defined(Volatility::Immutable) }
    }
}

impl ScalarUDFImpl for InvMassUdf {
    fn name(&self) -> &str {
        "inv_mass"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let coerced = coerce_numeric(self.name(), &[4, 8], arg_types)?;
        if coerced.len() == 4 && !coerced.iter().any(is_list) {
            return Err(DataFusionError::Plan(
                "inv_mass(pt, eta, phi, m) sums the objects of a list per row: pass lists (m may be a number), \
                 or use inv_mass(pt1, eta1, phi1, m1, pt2, eta2, phi2, m2) for two objects"
                    .to_string(),
            ));
        }
        Ok(coerced)
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        Ok(if arg_types.len() == 4 { DataType::Float64 } else { elementwise_return_type(arg_types) })
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let operands = args
            .args
            .iter()
            .enumerate()
            .map(|(i, a)| Operand::from_arg(a, rows, self.name(), i + 1))
            .collect::<Result<Vec<_>>>()?;
        let aligned = Aligned::new(operands, rows, self.name())?;
        if aligned.columns.len() == 8 {
            let values = aligned.map(|[pt1, eta1, phi1, m1, pt2, eta2, phi2, m2]| {
                inv_mass_pair([pt1, eta1, phi1, m1], [pt2, eta2, phi2, m2])
            });
            return Ok(ColumnarValue::Array(aligned.finish(values, args.return_field.data_type(), rows)?));
        }
        Ok(ColumnarValue::Array(sum_per_row(&aligned, rows)?))
    }

    fn documentation(&self) -> Option<&Documentation> {
        static DOC: OnceLock<Documentation> = OnceLock::new();
        Some(DOC.get_or_init(|| {
            Documentation::builder(
                HEP_SECTION,
                format!(
                    "Invariant mass. With 4 list arguments: the mass of the summed four-momentum of the objects of \
                     each row's lists (an empty list gives 0; objects with a NULL component are skipped). With 8 \
                     arguments: the mass of the pair of objects (pt1, eta1, phi1, m1) + (pt2, eta2, phi2, m2), \
                     element-wise over lists. Four-momenta are built as px = pt cos(phi), py = pt sin(phi), \
                     pz = pt sinh(eta), E = sqrt((pt cosh(eta))^2 + m^2); the mass is sqrt(max(E^2 - p^2, 0)). \
                     {TYPE_RULES}"
                ),
                "inv_mass(pt, eta, phi, m)",
            )
            .with_alternative_syntax("inv_mass(pt1, eta1, phi1, m1, pt2, eta2, phi2, m2)")
            .with_sql_example(
                "> SELECT inv_mass([40.0, 40.0], [0.0, 0.0], [0.0, pi()], 0.0);\n80.0\n\
                 > SELECT inv_mass(array_transform(Muon, m -> m['PT']), array_transform(Muon, m -> m['Eta']), \
                 array_transform(Muon, m -> m['Phi']), 0.1057) FROM events;",
            )
            .with_argument("pt", "Transverse momenta (list, or number per row).")
            .with_argument("eta", "Pseudorapidities.")
            .with_argument("phi", "Azimuths, radians.")
            .with_argument("m", "Masses (a number such as 0 for massless objects, or a list).")
            .build()
        }))
    }
}

/// Σ four-momenta over each row's range of the lead list; rows NULL where any list row is NULL.
fn sum_per_row(aligned: &Aligned, rows: usize) -> Result<Arc<Float64Array>> {
    let Some(lead) = &aligned.lead else {
        return Err(DataFusionError::Internal("inv_mass: no list argument".to_string()));
    };
    if aligned.all_null {
        return Ok(Arc::new(Float64Array::new_null(rows)));
    }
    let [pt, eta, phi, m] = [0, 1, 2, 3].map(|k| &aligned.columns[k]);
    let valid = |j: usize| aligned.element_nulls.as_ref().is_none_or(|n| n.is_valid(j));
    let masses: Vec<f64> = (0..rows)
        .map(|i| {
            let mut sum = FourMomentum::default();
            for j in lead.offsets.range(i).filter(|&j| valid(j)) {
                sum.add(FourMomentum::from_pt_eta_phi_m(pt.at(j), eta.at(j), phi.at(j), m.at(j)));
            }
            sum.mass()
        })
        .collect();
    let nulls: Option<NullBuffer> = aligned.row_nulls.clone();
    Ok(Arc::new(Float64Array::new(masses.into(), nulls)))
}
