//! Times one training epoch of a preset on seeded, separable synthetic data (single thread, batch 128,
//! dropout on) and, with `--save DIR`, writes the same data as `.npy` for `benches/compare/keras_epoch.py`.
//!
//! `cargo run --release -p hadron-nn --example epoch -- PRESET EVENTS [--save DIR]`

use std::time::Instant;

use hadron_nn::{Adam, Model, Rng};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let preset = args.get(1).map_or("hlf", String::as_str);
    let events: usize = args.get(2).map_or(Ok(20_000), |s| s.parse())?;
    let save = args.iter().position(|a| a == "--save").and_then(|i| args.get(i + 1));
    let model = Model::preset(preset)?;
    let (inputs, labels) = synthetic(&model, events, 3);
    if let Some(dir) = save {
        std::fs::create_dir_all(dir)?;
        for (i, (x, s)) in inputs.iter().zip(&model.spec.inputs).enumerate() {
            let mut shape = vec![events];
            shape.extend(&s.shape);
            write_npy(&format!("{dir}/in{i}.npy"), &shape, x)?;
        }
        write_npy(&format!("{dir}/labels.npy"), &[events, model.classes], &labels)?;
        std::fs::write(format!("{dir}/spec.json"), model.spec.to_json())?;
    }
    let batch = 128;
    let mut params = model.init_params(1);
    let mut grads = vec![0.0; model.num_params()];
    let mut adam = Adam::new(model.num_params());
    let mut ws = model.workspace(batch);
    let mut rng = Rng::seed(2);
    let start = Instant::now();
    let (mut loss, mut correct) = (0.0, 0);
    for b0 in (0..events).step_by(batch) {
        let n = batch.min(events - b0);
        let refs: Vec<&[f32]> = inputs.iter().zip(&model.input_sizes).map(|(x, s)| &x[b0 * s..(b0 + n) * s]).collect();
        let y = &labels[b0 * model.classes..(b0 + n) * model.classes];
        grads.fill(0.0);
        let st = model.forward_backward(&params, &refs, y, n, &mut ws, &mut grads, Some(&mut rng), 1.0 / n as f32)?;
        adam.step(&mut params, &grads);
        loss += st.loss_sum;
        correct += st.correct;
    }
    let secs = start.elapsed().as_secs_f64();
    let line = format!(
        "{{\"preset\":\"{preset}\",\"events\":{events},\"seconds\":{secs:.3},\"loss\":{:.4},\"accuracy\":{:.4}}}",
        loss / events as f64,
        correct as f64 / events as f64
    );
    std::io::Write::write_all(&mut std::io::stdout(), format!("{line}\n").as_bytes())?;
    Ok(())
}

/// Class k shifts the HLF features by 0.15·k in a class-specific direction and the sequence features of the
/// live steps likewise; ~10% of the steps are all-zero (masked) at varying positions.
fn synthetic(model: &Model, events: usize, seed: u64) -> (Vec<Vec<f32>>, Vec<f32>) {
    let mut rng = Rng::seed(seed);
    let c = model.classes;
    let label: Vec<usize> = (0..events).map(|_| (rng.uniform() * c as f32) as usize % c).collect();
    let inputs = model
        .spec
        .inputs
        .iter()
        .map(|s| {
            let f = *s.shape.last().unwrap_or(&1);
            let size: usize = s.shape.iter().product();
            let mut x = vec![0.0f32; events * size];
            for (e, k) in label.iter().enumerate() {
                for (i, v) in x[e * size..(e + 1) * size].iter_mut().enumerate() {
                    let shift = if (i % f) % c == *k { 0.3 } else { 0.0 };
                    *v = rng.uniform() * 0.7 + shift;
                }
                if let [t, _] = s.shape[..] {
                    for st in 0..t {
                        if rng.uniform() < 0.1 {
                            x[(e * t + st) * f..(e * t + st + 1) * f].fill(0.0);
                        }
                    }
                }
            }
            x
        })
        .collect();
    let mut labels = vec![0.0; events * c];
    for (e, k) in label.iter().enumerate() {
        labels[e * c + k] = 1.0;
    }
    (inputs, labels)
}

fn write_npy(path: &str, shape: &[usize], data: &[f32]) -> std::io::Result<()> {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let tuple = if dims.len() == 1 { format!("({},)", dims[0]) } else { format!("({})", dims.join(", ")) };
    let mut header = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': {tuple}, }}");
    while (11 + header.len()) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend(data.iter().flat_map(|v| v.to_le_bytes()));
    std::fs::write(path, bytes)
}
