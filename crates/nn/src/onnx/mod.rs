//! onnx: export of a trained [`Model`] to ONNX (opset 17): Gemm, Relu, Softmax, Concat; a masked GRU as a
//! `Scan` whose cell keeps the previous state on masked steps (exact Keras masking at any position, and
//! accepted by tract, which refuses a non-constant `sequence_lens`), an unmasked GRU as the fused `GRU` op
//! with `linear_before_reset=1`. Dropout is identity at inference and is not written.

mod graph;
mod gru;
pub mod proto;

use crate::dense::Activation;
use crate::error::{Error, Result};
use crate::model::{Model, Stage};
use graph::Builder;
use proto::{ModelProto, OperatorSetIdProto};

/// The ONNX opset written (tract is tested on 9..=18; 17 keeps `ReduceMax` axes as an attribute).
pub const OPSET: i64 = 17;

/// Name of the graph output (n × classes probabilities).
pub const OUTPUT: &str = "probabilities";

/// Export choices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Write a masked GRU as the fused `GRU` op, ignoring the mask. Exact only when no sample has a fully
    /// masked step; faster in tract. Default: false (the exact `Scan` form).
    pub ignore_masking: bool,
}

/// The ONNX model bytes for `model` with `params`. Inputs keep the model's input names with a symbolic
/// batch dimension `N`; the output is [`OUTPUT`].
pub fn export(model: &Model, params: &[f32], opts: ExportOptions) -> Result<Vec<u8>> {
    use prost::Message;
    if params.len() != model.num_params() {
        return Err(Error::shape(format!("{} parameters for a model of {}", params.len(), model.num_params())));
    }
    let mut b = Builder::default();
    for spec in &model.spec.inputs {
        b.graph_input(&spec.name, &spec.shape);
    }
    let mut outs = Vec::new();
    for (bi, br) in model.branches.iter().enumerate() {
        let mut x = model.spec.inputs[br.input].name.clone();
        if let Some((g, off)) = &br.gru {
            let p = &params[*off..*off + g.num_params()];
            x = if g.mask_value.is_some() && !opts.ignore_masking {
                gru::scan(&mut b, g, p, &x, &format!("gru_{bi}"))
            } else {
                gru::fused(&mut b, g, p, &x, &format!("gru_{bi}"))
            };
        }
        outs.push(stages(&mut b, &br.stages, params, x));
    }
    let x = if outs.len() == 1 { outs.remove(0) } else { b.node("Concat", &outs, vec![graph::int("axis", 1)]) };
    let last = stages(&mut b, &model.head, params, x);
    b.rename_output(&last, OUTPUT);
    b.graph_output(OUTPUT, &[model.classes]);
    let graph = b.finish(&model.spec.name);
    let m = ModelProto {
        ir_version: 8,
        producer_name: "hadron-nn".into(),
        producer_version: env!("CARGO_PKG_VERSION").into(),
        graph: Some(graph),
        opset_import: vec![OperatorSetIdProto { domain: String::new(), version: OPSET }],
    };
    Ok(m.encode_to_vec())
}

/// Writes [`export`]'s bytes to `path`.
pub fn write(model: &Model, params: &[f32], opts: ExportOptions, path: &std::path::Path) -> Result<()> {
    let bytes = export(model, params, opts)?;
    std::fs::write(path, bytes).map_err(|e| Error::io(format!("writing {}", path.display()), e))
}

fn stages(b: &mut Builder, stages: &[Stage], params: &[f32], mut x: String) -> String {
    for st in stages {
        let Stage::Dense(d, off) = st else { continue };
        let (w, bias) = params[*off..*off + d.num_params()].split_at(d.inputs * d.units);
        let w = b.constant(&[d.inputs, d.units], w);
        let bias = b.constant(&[d.units], bias);
        x = b.node("Gemm", &[x, w, bias], vec![]);
        x = match d.activation {
            Activation::Linear => x,
            Activation::Relu => b.node("Relu", &[x], vec![]),
            Activation::Softmax => b.node("Softmax", &[x], vec![graph::int("axis", -1)]),
        };
    }
    x
}
