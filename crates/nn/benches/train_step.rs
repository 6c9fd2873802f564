//! One training step (forward, backward, Adam) per preset at batch 128 on one thread, with dropout on;
//! GRU inputs have ~10% masked steps (leading, middle, trailing), like the parity tests.

use criterion::{Criterion, criterion_group, criterion_main};
use hadron_nn::{Adam, Model, Rng};

fn batch(model: &Model, n: usize) -> (Vec<Vec<f32>>, Vec<f32>) {
    let mut rng = Rng::seed(5);
    let inputs = model
        .spec
        .inputs
        .iter()
        .map(|s| {
            let size: usize = s.shape.iter().product();
            let mut x: Vec<f32> = (0..n * size).map(|_| rng.uniform()).collect();
            if let [t, f] = s.shape[..] {
                for b in 0..n {
                    for st in 0..t {
                        if (st * 7 + b) % 11 == 0 {
                            x[(b * t + st) * f..(b * t + st + 1) * f].fill(0.0);
                        }
                    }
                }
            }
            x
        })
        .collect();
    let c = model.classes;
    let labels = (0..n * c).map(|i| if i % c == (i / c) % c { 1.0 } else { 0.0 }).collect();
    (inputs, labels)
}

fn step(c: &mut Criterion) {
    let mut g = c.benchmark_group("train_step_b128");
    g.sample_size(10);
    for name in ["hlf", "gru", "inclusive"] {
        let model = Model::preset(name).unwrap();
        let n = 128;
        let (inputs, labels) = batch(&model, n);
        let refs: Vec<&[f32]> = inputs.iter().map(|v| v.as_slice()).collect();
        let mut params = model.init_params(1);
        let mut grads = vec![0.0; model.num_params()];
        let mut adam = Adam::new(model.num_params());
        let mut ws = model.workspace(n);
        let mut rng = Rng::seed(9);
        g.bench_function(name, |b| {
            b.iter(|| {
                grads.fill(0.0);
                model
                    .forward_backward(&params, &refs, &labels, n, &mut ws, &mut grads, Some(&mut rng), 1.0 / n as f32)
                    .unwrap();
                adam.step(&mut params, &grads);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, step);
criterion_main!(benches);
