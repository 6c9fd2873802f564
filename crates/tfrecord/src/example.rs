//! example: `tf.train.Example` and its parts as prost messages (generated from `proto/tensorflow_example.proto`),
//! with small constructors. Map keys are kept sorted, so encoding equals protobuf's deterministic serialization.

#[allow(missing_docs, clippy::all, clippy::pedantic)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/tensorflow.rs"));
}

pub use generated::feature::Kind;
pub use generated::{
    BytesList, Example, Feature, FeatureList, FeatureLists, Features, FloatList, Int64List, SequenceExample,
};

pub use prost::Message;

impl Feature {
    /// A `FloatList` feature.
    pub fn floats(values: Vec<f32>) -> Self {
        Feature { kind: Some(Kind::FloatList(FloatList { value: values })) }
    }

    /// An `Int64List` feature.
    pub fn int64s(values: Vec<i64>) -> Self {
        Feature { kind: Some(Kind::Int64List(Int64List { value: values })) }
    }

    /// A `BytesList` feature.
    pub fn bytes(values: Vec<Vec<u8>>) -> Self {
        Feature { kind: Some(Kind::BytesList(BytesList { value: values })) }
    }

    /// Number of values, whatever the kind (0 when no kind is set).
    pub fn len(&self) -> usize {
        match &self.kind {
            Some(Kind::FloatList(l)) => l.value.len(),
            Some(Kind::Int64List(l)) => l.value.len(),
            Some(Kind::BytesList(l)) => l.value.len(),
            None => 0,
        }
    }

    /// True when the feature holds no value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The kind's name as in the proto (`float_list`, `int64_list`, `bytes_list`, or `none`).
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            Some(Kind::FloatList(_)) => "float_list",
            Some(Kind::Int64List(_)) => "int64_list",
            Some(Kind::BytesList(_)) => "bytes_list",
            None => "none",
        }
    }
}

impl Example {
    /// An Example holding `features` (name, feature) pairs; a repeated name keeps the last.
    pub fn from_features(features: impl IntoIterator<Item = (String, Feature)>) -> Self {
        Example { features: Some(Features { feature: features.into_iter().collect() }) }
    }

    /// The feature called `name`, if present.
    pub fn feature(&self, name: &str) -> Option<&Feature> {
        self.features.as_ref().and_then(|f| f.feature.get(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_by_hand() {
        // Example{features{feature{key:"a" value{float_list{value:[1.0]}}}}}, bytes worked out from the proto:
        // Feature = 12 06 | 0a 04 | 00 00 80 3f  (float_list=2, packed value=1)
        // entry   = 0a 01 'a' | 12 08 <Feature>
        // Features= 0a 0d <entry>; Example = 0a 0f <Features>
        let ex = Example::from_features([("a".to_string(), Feature::floats(vec![1.0]))]);
        let want =
            [0x0a, 0x0f, 0x0a, 0x0d, 0x0a, 0x01, b'a', 0x12, 0x08, 0x12, 0x06, 0x0a, 0x04, 0x00, 0x00, 0x80, 0x3f];
        assert_eq!(ex.encode_to_vec(), want);
        assert_eq!(Example::decode(&want[..]).unwrap(), ex);
        // int64 -1 is a 10-byte varint; bytes are not packed.
        let f = Feature::int64s(vec![-1]);
        assert_eq!(
            f.encode_to_vec(),
            [0x1a, 0x0c, 0x0a, 0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]
        );
        let f = Feature::bytes(vec![b"x".to_vec(), vec![]]);
        assert_eq!(f.encode_to_vec(), [0x0a, 0x05, 0x0a, 0x01, b'x', 0x0a, 0x00]);
    }
}
