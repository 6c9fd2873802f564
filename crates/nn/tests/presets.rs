//! Presets and model descriptions: parameter counts equal Keras `model.summary()` of the reference models
//! (hand-worked below), widths change without code, and bad descriptions are refused with a reason.

use hadron_nn::{Model, ModelSpec};

#[test]
fn hlf_has_2013_parameters() {
    // (14·50+50) + (50·20+20) + (20·10+10) + (10·3+3)
    assert_eq!(750 + 1020 + 210 + 33, 2013);
    assert_eq!(Model::preset("hlf").unwrap().num_params(), 2013);
}

#[test]
fn gru_has_10803_parameters() {
    // GRU reset_after: 3·(19·50 + 50·50 + 2·50) = 10,650; Dense 3: 50·3+3 = 153.
    assert_eq!(Model::preset("gru").unwrap().num_params(), 10_650 + 153);
}

#[test]
fn inclusive_has_12353_parameters() {
    // GRU 10,650 + Dense 25 on 64 = 1,625 + Dense 3 on 25 = 78.
    assert_eq!(10_650 + 1_625 + 78, 12_353);
    let m = Model::preset("inclusive").unwrap();
    assert_eq!(m.num_params(), 12_353);
    assert_eq!(m.concat_width, 64);
    let names: Vec<&str> = m.tensors.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "gru_0/kernel",
            "gru_0/recurrent_kernel",
            "gru_0/bias",
            "dense_0/kernel",
            "dense_0/bias",
            "dense_1/kernel",
            "dense_1/bias"
        ]
    );
    assert_eq!(m.tensors[2].shape, [2, 150]);
}

#[test]
fn widths_and_depths_change_without_code() {
    let mut spec = ModelSpec::preset("hlf").unwrap();
    let text = spec.to_json().replace("\"units\": 50", "\"units\": 150");
    spec = ModelSpec::from_json("wide", &text).unwrap();
    // (14·150+150) + (150·20+20) + 210 + 33
    assert_eq!(Model::new(spec).unwrap().num_params(), 2250 + 3020 + 210 + 33);
}

#[test]
fn bad_descriptions_are_refused() {
    let cases = [
        (
            r#"{"name":"a","inputs":[{"name":"x","shape":[4]}],"branches":[{"input":"y","layers":[]}]}"#,
            "no input named y",
        ),
        (
            r#"{"name":"a","inputs":[{"name":"x","shape":[4,2]}],"branches":[{"input":"x","layers":[{"type":"dense","units":3,"activation":"softmax"}]}]}"#,
            "must go through a gru",
        ),
        (
            r#"{"name":"a","inputs":[{"name":"x","shape":[4]}],"branches":[{"input":"x","layers":[{"type":"dense","units":3,"activation":"relu"}]}]}"#,
            "last layer",
        ),
        (
            r#"{"name":"a","inputs":[{"name":"x","shape":[4]}],"branches":[{"input":"x","layers":[{"type":"dropout","rate":1.5},{"type":"dense","units":3,"activation":"softmax"}]}]}"#,
            "rate",
        ),
        (
            r#"{"name":"a","inputs":[{"name":"x","shape":[4]}],"branches":[{"input":"x","layers":[{"type":"conv","units":3}]}]}"#,
            "invalid model description",
        ),
    ];
    for (json, want) in cases {
        let err = ModelSpec::from_json("t", json).and_then(Model::new).unwrap_err().to_string();
        assert!(err.contains(want), "{err} does not mention {want}");
    }
    assert!(Model::preset("nope").unwrap_err().to_string().contains("hlf, gru, inclusive"));
}
