//! elementwise: the SQL functions that apply one kinematics formula per object — `delta_phi`,
//! `delta_r`, `px`, `py`, `pz`, `energy`, `mt` — on numbers or lists (list in → list out).

use std::sync::OnceLock;

use datafusion::arrow::datatypes::DataType;
use datafusion::error::Result;
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};

use super::kinematics;
use super::numeric::{Aligned, Operand, coerce_numeric, elementwise_return_type};
use super::{HEP_SECTION, TYPE_RULES};

/// Which formula an [`ElementwiseUdf`] applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kinematic {
    DeltaPhi,
    DeltaR,
    Px,
    Py,
    Pz,
    Energy,
    Mt,
}

impl Kinematic {
    pub const ALL: [Kinematic; 7] = [
        Kinematic::DeltaPhi,
        Kinematic::DeltaR,
        Kinematic::Px,
        Kinematic::Py,
        Kinematic::Pz,
        Kinematic::Energy,
        Kinematic::Mt,
    ];

    fn name(self) -> &'static str {
        match self {
            Kinematic::DeltaPhi => "delta_phi",
            Kinematic::DeltaR => "delta_r",
            Kinematic::Px => "px",
            Kinematic::Py => "py",
            Kinematic::Pz => "pz",
            Kinematic::Energy => "energy",
            Kinematic::Mt => "mt",
        }
    }

    fn arity(self) -> usize {
        match self {
            Kinematic::Px | Kinematic::Py | Kinematic::Pz | Kinematic::DeltaPhi => 2,
            Kinematic::Energy => 3,
            Kinematic::DeltaR | Kinematic::Mt => 4,
        }
    }

    fn documentation(self) -> &'static Documentation {
        static CELLS: [OnceLock<Documentation>; 7] = [const { OnceLock::new() }; 7];
        let index = Kinematic::ALL.iter().position(|k| *k == self).unwrap_or(0);
        CELLS[index].get_or_init(|| self.build_documentation())
    }

    fn build_documentation(self) -> Documentation {
        let (description, syntax, example, arguments): (&str, &str, &str, &[(&str, &str)]) = match self {
            Kinematic::DeltaPhi => (
                "Azimuthal difference phi1 - phi2 wrapped into [-pi, pi).",
                "delta_phi(phi1, phi2)",
                "> SELECT delta_phi(3.0, -3.0);\n-0.28318530717958623",
                &[("phi1", "Azimuth of the first object(s), radians."), ("phi2", "Azimuth of the second object(s).")],
            ),
            Kinematic::DeltaR => (
                "Angular distance sqrt((eta1 - eta2)^2 + delta_phi(phi1, phi2)^2), with the azimuthal difference wrapped.",
                "delta_r(eta1, phi1, eta2, phi2)",
                "> SELECT delta_r(0.5, 3.1, -0.5, -3.1);\n1.003453932839252",
                &[
                    ("eta1", "Pseudorapidity of the first object(s)."),
                    ("phi1", "Azimuth of the first object(s)."),
                    ("eta2", "Pseudorapidity of the second object(s)."),
                    ("phi2", "Azimuth of the second object(s)."),
                ],
            ),
            Kinematic::Px => (
                "x component of the momentum, pt * cos(phi).",
                "px(pt, phi)",
                "> SELECT px([10.0, 20.0], [0.0, pi()/3]);\n[10.0, 10.000000000000002]",
                &[("pt", "Transverse momentum."), ("phi", "Azimuth, radians.")],
            ),
            Kinematic::Py => (
                "y component of the momentum, pt * sin(phi).",
                "py(pt, phi)",
                "> SELECT py(10.0, pi()/2);\n10.0",
                &[("pt", "Transverse momentum."), ("phi", "Azimuth, radians.")],
            ),
            Kinematic::Pz => (
                "Longitudinal momentum, pt * sinh(eta).",
                "pz(pt, eta)",
                "> SELECT pz(10.0, 1.0);\n11.752011936438013",
                &[("pt", "Transverse momentum."), ("eta", "Pseudorapidity.")],
            ),
            Kinematic::Energy => (
                "Energy sqrt((pt * cosh(eta))^2 + m^2).",
                "energy(pt, eta, m)",
                "> SELECT energy(10.0, 0.0, 0.0);\n10.0",
                &[("pt", "Transverse momentum."), ("eta", "Pseudorapidity."), ("m", "Mass (0 for massless).")],
            ),
            Kinematic::Mt => (
                "Transverse mass sqrt(2 * pt1 * pt2 * (1 - cos(phi1 - phi2))), e.g. of a lepton and the missing \
                 transverse energy (the reference pipeline's MT omits the square root: square this for its value).",
                "mt(pt1, phi1, pt2, phi2)",
                "> SELECT mt(40.0, 0.0, 30.0, pi());\n69.2820323027551",
                &[
                    ("pt1", "Transverse momentum of the first object (e.g. the lepton)."),
                    ("phi1", "Its azimuth."),
                    ("pt2", "Transverse momentum of the second object (e.g. MissingET.MET)."),
                    ("phi2", "Its azimuth."),
                ],
            ),
        };
        let mut builder = Documentation::builder(HEP_SECTION, format!("{description} {TYPE_RULES}"), syntax)
            .with_sql_example(example);
        for (name, text) in arguments {
            builder = builder.with_argument(*name, *text);
        }
        builder.build()
    }
}

/// A scalar UDF applying one [`Kinematic`] formula element by element.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ElementwiseUdf {
    kind: Kinematic,
    signature: Signature,
}

impl ElementwiseUdf {
    pub fn new(kind: Kinematic) -> Self {
        ElementwiseUdf { kind, signature: Signature::user_defined(Volatility::Immutable) }
    }
}

impl ScalarUDFImpl for ElementwiseUdf {
    fn name(&self) -> &str {
        self.kind.name()
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        coerce_numeric(self.name(), &[self.kind.arity()], arg_types)
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        Ok(elementwise_return_type(arg_types))
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
        let values = match self.kind {
            Kinematic::DeltaPhi => aligned.map(|[a, b]| kinematics::delta_phi(a, b)),
            Kinematic::DeltaR => aligned.map(|[a, b, c, d]| kinematics::delta_r(a, b, c, d)),
            Kinematic::Px => aligned.map(|[pt, phi]| kinematics::px(pt, phi)),
            Kinematic::Py => aligned.map(|[pt, phi]| kinematics::py(pt, phi)),
            Kinematic::Pz => aligned.map(|[pt, eta]| kinematics::pz(pt, eta)),
            Kinematic::Energy => aligned.map(|[pt, eta, m]| kinematics::energy(pt, eta, m)),
            Kinematic::Mt => aligned.map(|[a, b, c, d]| kinematics::mt(a, b, c, d)),
        };
        Ok(ColumnarValue::Array(aligned.finish(values, args.return_field.data_type(), rows)?))
    }

    fn documentation(&self) -> Option<&Documentation> {
        Some(self.kind.documentation())
    }
}
