//! onnx/graph: a small builder of ONNX graphs (unique value names, f32/i64 initializers, typed inputs and
//! outputs with a symbolic batch dimension).

use super::proto::{
    AttributeProto, DimValue, Dimension, GraphProto, NodeProto, TensorProto, TensorShapeProto, TensorTypeProto,
    TypeProto, ValueInfoProto, attr_type, data_type,
};

/// An INT attribute.
pub fn int(name: &str, i: i64) -> AttributeProto {
    AttributeProto { name: name.into(), i, r#type: attr_type::INT, ..Default::default() }
}

/// An INTS attribute.
pub fn ints(name: &str, v: &[i64]) -> AttributeProto {
    AttributeProto { name: name.into(), ints: v.to_vec(), r#type: attr_type::INTS, ..Default::default() }
}

/// A TENSOR attribute.
pub fn tensor(name: &str, t: TensorProto) -> AttributeProto {
    AttributeProto { name: name.into(), t: Some(t), r#type: attr_type::TENSOR, ..Default::default() }
}

/// A GRAPH attribute.
pub fn graph(name: &str, g: GraphProto) -> AttributeProto {
    AttributeProto { name: name.into(), g: Some(g), r#type: attr_type::GRAPH, ..Default::default() }
}

/// An f32 tensor.
pub fn f32_tensor(name: &str, dims: &[usize], values: &[f32]) -> TensorProto {
    TensorProto {
        dims: dims.iter().map(|&d| d as i64).collect(),
        data_type: data_type::FLOAT,
        name: name.into(),
        raw_data: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
    }
}

/// A typed value; `shape` None leaves the shape unknown, `Some` prefixes the symbolic batch `N`.
pub fn value_info(name: &str, elem: i32, shape: Option<&[usize]>) -> ValueInfoProto {
    let shape = shape.map(|s| {
        let mut dim = vec![Dimension { value: Some(DimValue::DimParam("N".into())) }];
        dim.extend(s.iter().map(|&d| Dimension { value: Some(DimValue::DimValue(d as i64)) }));
        TensorShapeProto { dim }
    });
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto { tensor_type: Some(TensorTypeProto { elem_type: elem, shape }) }),
    }
}

/// A graph under construction.
#[derive(Debug, Default)]
pub struct Builder {
    nodes: Vec<NodeProto>,
    inits: Vec<TensorProto>,
    inputs: Vec<ValueInfoProto>,
    outputs: Vec<ValueInfoProto>,
    next: usize,
    prefix: String,
}

impl Builder {
    /// A builder whose generated names start with `prefix` (subgraphs use their own, so names stay unique).
    pub fn with_prefix(prefix: &str) -> Self {
        Builder { prefix: prefix.into(), ..Default::default() }
    }

    /// A fresh value name.
    pub fn fresh(&mut self, hint: &str) -> String {
        self.next += 1;
        format!("{}{hint}_{}", self.prefix, self.next)
    }

    /// Adds a node with one output; returns the output name.
    pub fn node(&mut self, op: &str, inputs: &[String], attribute: Vec<AttributeProto>) -> String {
        let out = self.fresh(&op.to_lowercase());
        self.node_n(op, inputs, std::slice::from_ref(&out), attribute);
        out
    }

    /// Adds a node with the given outputs.
    pub fn node_n(&mut self, op: &str, inputs: &[String], outputs: &[String], attribute: Vec<AttributeProto>) {
        let name = self.fresh(&format!("{op}_node"));
        self.nodes.push(NodeProto {
            input: inputs.to_vec(),
            output: outputs.to_vec(),
            name,
            op_type: op.into(),
            attribute,
        });
    }

    /// An f32 initializer; returns its name.
    pub fn constant(&mut self, dims: &[usize], values: &[f32]) -> String {
        let name = self.fresh("w");
        self.inits.push(f32_tensor(&name, dims, values));
        name
    }

    /// An i64 initializer; returns its name.
    pub fn constant_i64(&mut self, dims: &[usize], values: &[i64]) -> String {
        let name = self.fresh("c");
        self.inits.push(TensorProto {
            dims: dims.iter().map(|&d| d as i64).collect(),
            data_type: data_type::INT64,
            name: name.clone(),
            raw_data: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        });
        name
    }

    /// A graph input of f32 with shape [N, shape...].
    pub fn graph_input(&mut self, name: &str, shape: &[usize]) {
        self.inputs.push(value_info(name, data_type::FLOAT, Some(shape)));
    }

    /// A graph input given in full (subgraphs).
    pub fn raw_input(&mut self, v: ValueInfoProto) {
        self.inputs.push(v);
    }

    /// A graph output of f32 with shape [N, shape...].
    pub fn graph_output(&mut self, name: &str, shape: &[usize]) {
        self.outputs.push(value_info(name, data_type::FLOAT, Some(shape)));
    }

    /// A graph output given in full (subgraphs).
    pub fn raw_output(&mut self, v: ValueInfoProto) {
        self.outputs.push(v);
    }

    /// Renames the value `from` (the output of the last node producing it) to `to`, or adds an Identity
    /// when `from` is not produced by a node (a graph input).
    pub fn rename_output(&mut self, from: &str, to: &str) {
        for n in self.nodes.iter_mut().rev() {
            if let Some(o) = n.output.iter_mut().find(|o| *o == from) {
                *o = to.into();
                return;
            }
        }
        self.node_n("Identity", &[from.into()], &[to.into()], vec![]);
    }

    /// The finished graph.
    pub fn finish(self, name: &str) -> GraphProto {
        GraphProto {
            node: self.nodes,
            name: name.into(),
            initializer: self.inits,
            input: self.inputs,
            output: self.outputs,
        }
    }
}
