//! model: a [`ModelSpec`] checked and laid out: one flat parameter vector (Keras weight order), named
//! parameter tensors, and Keras initialisation. The forward/backward pass is in `pass`.

use crate::dense::{Activation, Dense};
use crate::dropout::Dropout;
use crate::error::{Error, Result};
use crate::gru::Gru;
use crate::rng::Rng;
use crate::spec::{LayerSpec, ModelSpec};

/// A layer after any GRU: it maps vectors to vectors.
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    /// A dense layer and the offset of its parameters.
    Dense(Dense, usize),
    /// A dropout layer (no parameters).
    Dropout(Dropout),
}

impl Stage {
    /// Output width, given the input width.
    pub fn out_width(&self, input: usize) -> usize {
        match self {
            Stage::Dense(d, _) => d.units,
            Stage::Dropout(_) => input,
        }
    }
}

/// A branch: one input, an optional GRU (with the offset of its parameters), then vector stages.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    /// Index of the input in [`ModelSpec::inputs`].
    pub input: usize,
    /// The GRU reading a sequence input, and its parameter offset.
    pub gru: Option<(Gru, usize)>,
    /// The vector layers.
    pub stages: Vec<Stage>,
    /// Width entering the first stage (GRU units or the input width).
    pub in_width: usize,
    /// Width leaving the branch.
    pub out_width: usize,
}

/// A named parameter tensor inside the flat vector (Keras names: `gru_0/kernel`, `dense_1/bias`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct TensorInfo {
    /// `layer/param`.
    pub name: String,
    /// Keras shape.
    pub shape: Vec<usize>,
    /// Offset in the flat parameter vector.
    pub offset: usize,
}

impl TensorInfo {
    /// Number of values.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// True when the tensor has no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A built model.
#[derive(Debug, Clone)]
pub struct Model {
    /// The description it was built from.
    pub spec: ModelSpec,
    /// Values per sample of each input (steps·features for sequences).
    pub input_sizes: Vec<usize>,
    /// Branches, in concatenation order.
    pub branches: Vec<Branch>,
    /// Layers after the concatenation.
    pub head: Vec<Stage>,
    /// Width of the concatenation.
    pub concat_width: usize,
    /// Number of classes (units of the final softmax layer).
    pub classes: usize,
    /// Parameter tensors in Keras weight order.
    pub tensors: Vec<TensorInfo>,
    num_params: usize,
}

struct Layout {
    model: String,
    offset: usize,
    tensors: Vec<TensorInfo>,
    dense: usize,
    gru: usize,
}

impl Layout {
    fn add(&mut self, name: String, shape: Vec<usize>) -> usize {
        let start = self.offset;
        for (param, shape) in params_of(&name, &shape) {
            let len: usize = shape.iter().product();
            self.tensors.push(TensorInfo { name: format!("{name}/{param}"), shape, offset: self.offset });
            self.offset += len;
        }
        start
    }

    fn stage(&mut self, spec: &LayerSpec, width: usize, where_: &str) -> Result<Stage> {
        match spec {
            LayerSpec::Dense { units, activation } => {
                if *units == 0 {
                    return Err(Error::spec(&self.model, format!("{where_}: dense with 0 units")));
                }
                let name = format!("dense_{}", self.dense);
                self.dense += 1;
                let off = self.add(name, vec![width, *units]);
                Ok(Stage::Dense(Dense { inputs: width, units: *units, activation: *activation }, off))
            }
            LayerSpec::Dropout { rate } => {
                if !(0.0..1.0).contains(rate) {
                    return Err(Error::spec(&self.model, format!("{where_}: dropout rate {rate} not in [0, 1)")));
                }
                Ok(Stage::Dropout(Dropout { rate: *rate }))
            }
            LayerSpec::Masking { .. } | LayerSpec::Gru { .. } => Err(Error::spec(
                &self.model,
                format!("{where_}: masking and gru must open a branch on a sequence input"),
            )),
        }
    }
}

/// Parameter tensors of a layer named `dense_i` (shape [in, out]) or `gru_i` (shape [steps, in, units]).
fn params_of(name: &str, shape: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
    if name.starts_with("gru") {
        let (f, h) = (shape[1], shape[2]);
        vec![("kernel", vec![f, 3 * h]), ("recurrent_kernel", vec![h, 3 * h]), ("bias", vec![2, 3 * h])]
    } else {
        vec![("kernel", vec![shape[0], shape[1]]), ("bias", vec![shape[1]])]
    }
}

impl Model {
    /// Checks a description and lays out its parameters.
    pub fn new(spec: ModelSpec) -> Result<Self> {
        let mut lay = Layout { model: spec.name.clone(), offset: 0, tensors: Vec::new(), dense: 0, gru: 0 };
        let mut input_sizes = Vec::new();
        for inp in &spec.inputs {
            if inp.shape.is_empty() || inp.shape.len() > 2 || inp.shape.contains(&0) {
                return Err(Error::spec(
                    &spec.name,
                    format!("input {}: shape {:?} not [n] or [steps, n]", inp.name, inp.shape),
                ));
            }
            input_sizes.push(inp.shape.iter().product());
        }
        if spec.branches.is_empty() {
            return Err(Error::spec(&spec.name, "no branches"));
        }
        let mut branches = Vec::new();
        for (bi, br) in spec.branches.iter().enumerate() {
            let where_ = format!("branch {bi} ({})", br.input);
            let input = spec.inputs.iter().position(|i| i.name == br.input).ok_or_else(|| {
                let known: Vec<&str> = spec.inputs.iter().map(|i| i.name.as_str()).collect();
                Error::spec(&spec.name, format!("{where_}: no input named {} (inputs: {})", br.input, known.join(", ")))
            })?;
            let shape = &spec.inputs[input].shape;
            let mut layers = br.layers.as_slice();
            let mut mask_value = None;
            if let Some((LayerSpec::Masking { value }, rest)) = layers.split_first() {
                mask_value = Some(*value);
                layers = rest;
            }
            let mut gru = None;
            let mut width = shape[shape.len() - 1];
            if shape.len() == 2 {
                let Some((LayerSpec::Gru { units }, rest)) = layers.split_first() else {
                    return Err(Error::spec(
                        &spec.name,
                        format!("{where_}: a sequence input must go through a gru first"),
                    ));
                };
                if *units == 0 {
                    return Err(Error::spec(&spec.name, format!("{where_}: gru with 0 units")));
                }
                let name = format!("gru_{}", lay.gru);
                lay.gru += 1;
                let off = lay.add(name, vec![shape[0], shape[1], *units]);
                gru = Some((Gru { steps: shape[0], inputs: shape[1], units: *units, mask_value }, off));
                width = *units;
                layers = rest;
            } else if mask_value.is_some() {
                return Err(Error::spec(&spec.name, format!("{where_}: masking needs a sequence input and a gru")));
            }
            let in_width = width;
            let mut stages = Vec::new();
            for (li, l) in layers.iter().enumerate() {
                let st = lay.stage(l, width, &format!("{where_} layer {li}"))?;
                width = st.out_width(width);
                stages.push(st);
            }
            branches.push(Branch { input, gru, stages, in_width, out_width: width });
        }
        let concat_width = branches.iter().map(|b| b.out_width).sum();
        let mut width = concat_width;
        let mut head = Vec::new();
        for (li, l) in spec.head.iter().enumerate() {
            let st = lay.stage(l, width, &format!("head layer {li}"))?;
            width = st.out_width(width);
            head.push(st);
        }
        let last = if head.is_empty() {
            if branches.len() != 1 {
                return Err(Error::spec(&spec.name, "several branches need a head ending in a softmax dense"));
            }
            branches[0].stages.last()
        } else {
            head.last()
        };
        let classes = match last {
            Some(Stage::Dense(d, _)) if d.activation == Activation::Softmax => d.units,
            _ => return Err(Error::spec(&spec.name, "the last layer must be a dense with softmax activation")),
        };
        let all = branches.iter().flat_map(|b| b.stages.iter()).chain(head.iter());
        let softmaxes = all.filter(|s| matches!(s, Stage::Dense(d, _) if d.activation == Activation::Softmax)).count();
        if softmaxes != 1 {
            return Err(Error::spec(&spec.name, "softmax is only supported on the last layer"));
        }
        let num_params = lay.offset;
        Ok(Model { spec, input_sizes, branches, head, concat_width, classes, tensors: lay.tensors, num_params })
    }

    /// A reference preset (`hlf`, `gru`, `inclusive`).
    pub fn preset(name: &str) -> Result<Self> {
        Self::new(ModelSpec::preset(name)?)
    }

    /// Total number of parameters.
    pub fn num_params(&self) -> usize {
        self.num_params
    }

    /// Keras-initialised parameters from a seed (layers in weight order, each from the same stream).
    pub fn init_params(&self, seed: u64) -> Vec<f32> {
        let mut rng = Rng::seed(seed);
        let mut p = vec![0.0; self.num_params];
        for b in &self.branches {
            if let Some((g, off)) = &b.gru {
                g.init(&mut rng, &mut p[*off..*off + g.num_params()]);
            }
            for s in &b.stages {
                if let Stage::Dense(d, off) = s {
                    d.init(&mut rng, &mut p[*off..*off + d.num_params()]);
                }
            }
        }
        for s in &self.head {
            if let Stage::Dense(d, off) = s {
                d.init(&mut rng, &mut p[*off..*off + d.num_params()]);
            }
        }
        p
    }
}
