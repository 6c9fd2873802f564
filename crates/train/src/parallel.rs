//! parallel: data parallelism over threads with results that do not depend on the thread count. Every batch
//! is cut into a fixed number of micro-batches (independent of the threads); each micro-batch's gradient is
//! computed into its own buffer with its own dropout stream, then the buffers are summed in micro-batch
//! order. T threads each take a contiguous run of micro-batches, so any T gives bit-identical gradients.
//! With replicas ([`crate::dist`]) each process computes only its own run of micro-batches and a
//! [`Reducer`] adds all of them in the same order.

use std::ops::Range;

use hadron_nn::{Model, Rng, StepStats, Workspace};

use crate::compact::{Compactor, Skipper};
use crate::dist::Reducer;
use crate::error::{Error, Result};
use crate::loader::Batch;

#[derive(Debug)]
struct Worker {
    ws: Workspace,
    comp: Compactor,
}

/// The workers of one model: thread pool, per-thread workspaces, per-micro-batch gradient buffers.
#[derive(Debug)]
pub struct Engine {
    model: Model,
    skipper: Skipper,
    chunks: usize,
    cap: usize,
    pool: Option<rayon::ThreadPool>,
    workers: Vec<Worker>,
    /// The micro-batches this process computes (all of them without replicas).
    own: Range<usize>,
    reducer: Option<Box<dyn Reducer>>,
    grads: Vec<f32>,
    sum: Vec<f32>,
}

/// SplitMix64 finaliser: decorrelated seeds from (seed, step, micro-batch).
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn dropout_rng(seed: u64, step: u64, chunk: usize) -> Rng {
    Rng::seed(mix(mix(mix(seed) ^ step) ^ chunk as u64))
}

/// Rows of part `i` of `n` rows cut into `parts` near-equal contiguous parts.
fn part(n: usize, parts: usize, i: usize) -> Range<usize> {
    i * n / parts..(i + 1) * n / parts
}

fn slice_inputs<'a>(model: &Model, batch: &'a Batch, r: &Range<usize>) -> Vec<&'a [f32]> {
    batch.inputs.iter().zip(&model.input_sizes).map(|(x, s)| &x[r.start * s..r.end * s]).collect()
}

impl Engine {
    /// `threads` workers over batches of up to `batch` events cut into `chunks` micro-batches; `skip`
    /// drops fully padded steps of masked sequence inputs per micro-batch.
    pub fn new(model: Model, threads: usize, chunks: usize, batch: usize, skip: bool) -> Result<Self> {
        if threads == 0 || chunks == 0 || batch == 0 {
            return Err(Error::Config("threads, micro-batches and batch must be at least 1".into()));
        }
        if threads > chunks {
            return Err(Error::Config(format!(
                "{threads} threads but {chunks} micro-batches per batch: use --micro-batches ≥ --threads"
            )));
        }
        let cap = batch.div_ceil(chunks);
        let skipper = if skip { Skipper::new(&model) } else { Skipper::default() };
        let workers = (0..threads).map(|_| Worker { ws: model.workspace(cap), comp: Compactor::default() }).collect();
        let pool = if threads > 1 {
            let p = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("hadron-train-{i}"))
                .build()
                .map_err(|e| Error::Config(format!("cannot start {threads} threads: {e}")))?;
            Some(p)
        } else {
            None
        };
        let p = model.num_params();
        Ok(Engine {
            model,
            skipper,
            chunks,
            cap,
            pool,
            workers,
            own: 0..chunks,
            reducer: None,
            grads: vec![0.0; chunks * p],
            sum: vec![0.0; p],
        })
    }

    /// Makes this engine replica `rank` of `world`: it computes micro-batches `rank·C/world … (rank+1)·C/world`
    /// and `reducer` sums the micro-batches of all replicas.
    pub fn with_replicas(mut self, rank: usize, world: usize, reducer: Box<dyn Reducer>) -> Result<Self> {
        if world == 0 || rank >= world || world > self.chunks {
            return Err(Error::Config(format!(
                "replica {rank} of {world} with {} micro-batches per batch: need rank < replicas ≤ micro-batches",
                self.chunks
            )));
        }
        self.own = part(self.chunks, world, rank);
        if self.workers.len() > self.own.len() {
            return Err(Error::Config(format!(
                "{} threads but {} micro-batches per replica: use --micro-batches ≥ threads × workers",
                self.workers.len(),
                self.own.len()
            )));
        }
        self.grads.truncate(self.own.len() * self.model.num_params());
        self.reducer = Some(reducer);
        Ok(self)
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Sequence steps run and sequence steps in the data, summed over all events so far.
    pub fn step_counts(&self) -> (u64, u64) {
        self.workers.iter().fold((0, 0), |(k, t), w| (k + w.comp.kept, t + w.comp.total))
    }

    /// Gradient of the batch-mean loss (in [`Engine::grad`]) and the batch's loss and accuracy. Dropout of
    /// micro-batch c at global step `step` draws from a stream seeded by (`seed`, `step`, c).
    pub fn gradient(&mut self, params: &[f32], batch: &Batch, seed: u64, step: u64) -> Result<StepStats> {
        let Engine { model, skipper, chunks, pool, workers, own, reducer, grads, sum, .. } = self;
        let (model, skipper, chunks) = (&*model, &*skipper, *chunks);
        let p = model.num_params();
        let n = batch.n;
        let scale = 1.0 / n.max(1) as f32;
        let own = own.clone();
        let mut stats: Vec<Option<Result<StepStats>>> = own.clone().map(|_| None).collect();
        let threads = workers.len();
        let job = |wk: &mut Worker, first: usize, g: &mut [f32], st: &mut [Option<Result<StepStats>>]| {
            for (j, (gc, sc)) in g.chunks_mut(p).zip(st.iter_mut()).enumerate() {
                let c = first + j;
                gc.fill(0.0);
                let r = part(n, chunks, c);
                let m = r.len();
                if m == 0 {
                    *sc = Some(Ok(StepStats::default()));
                    continue;
                }
                let classes = model.classes;
                let labels = &batch.labels[r.start * classes..r.end * classes];
                let inputs = slice_inputs(model, batch, &r);
                let Worker { ws, comp } = &mut *wk;
                *sc = Some(comp.apply(skipper, model, &inputs, m).and_then(|(mdl, ins)| {
                    let mut rng = dropout_rng(seed, step, c);
                    Ok(mdl.forward_backward(params, &ins, labels, m, ws, gc, Some(&mut rng), scale)?)
                }));
            }
        };
        match pool {
            None => job(&mut workers[0], own.start, grads, &mut stats),
            Some(pool) => pool.scope(|s| {
                let (mut g_rest, mut st_rest) = (&mut grads[..], &mut stats[..]);
                for (w, wk) in workers.iter_mut().enumerate() {
                    let r = part(own.len(), threads, w);
                    let (g, gr) = std::mem::take(&mut g_rest).split_at_mut(r.len() * p);
                    let (st, sr) = std::mem::take(&mut st_rest).split_at_mut(r.len());
                    (g_rest, st_rest) = (gr, sr);
                    let job = &job;
                    s.spawn(move |_| job(wk, own.start + r.start, g, st));
                }
            }),
        }
        let stats = stats
            .into_iter()
            .enumerate()
            .map(|(j, st)| {
                st.unwrap_or_else(|| Err(Error::Config(format!("micro-batch {} was not run", own.start + j))))
            })
            .collect::<Result<Vec<StepStats>>>()?;
        if let Some(reducer) = reducer {
            return reducer.reduce(step, own.start, grads, &stats, sum);
        }
        let mut total = StepStats::default();
        sum.copy_from_slice(&grads[..p]);
        for (c, st) in stats.iter().enumerate() {
            total.loss_sum += st.loss_sum;
            total.correct += st.correct;
            total.samples += st.samples;
            if c > 0 {
                for (a, b) in sum.iter_mut().zip(&grads[c * p..(c + 1) * p]) {
                    *a += b;
                }
            }
        }
        Ok(total)
    }

    /// The gradient of the last [`Engine::gradient`].
    pub fn grad(&self) -> &[f32] {
        &self.sum
    }

    /// Class probabilities (n × classes) of a batch, dropout off; the rows are split over the threads.
    pub fn predict(&mut self, params: &[f32], batch: &Batch) -> Result<Vec<f32>> {
        let Engine { model, skipper, cap, pool, workers, .. } = self;
        let (model, skipper, cap) = (&*model, &*skipper, *cap);
        let c = model.classes;
        let n = batch.n;
        let mut out = vec![0.0; n * c];
        let threads = workers.len();
        let job = |wk: &mut Worker, rows: Range<usize>, o: &mut [f32]| -> Result<()> {
            let mut start = rows.start;
            while start < rows.end {
                let r = start..(start + cap).min(rows.end);
                let inputs = slice_inputs(model, batch, &r);
                let Worker { ws, comp } = &mut *wk;
                let (mdl, ins) = comp.apply(skipper, model, &inputs, r.len())?;
                let probs = mdl.predict(params, &ins, r.len(), ws)?;
                let off = (r.start - rows.start) * c;
                o[off..off + probs.len()].copy_from_slice(&probs);
                start = r.end;
            }
            Ok(())
        };
        match pool {
            None => job(&mut workers[0], 0..n, &mut out)?,
            Some(pool) => {
                let mut res: Vec<Result<()>> = (0..threads).map(|_| Ok(())).collect();
                pool.scope(|s| {
                    let mut rest = &mut out[..];
                    for ((w, wk), rs) in workers.iter_mut().enumerate().zip(res.iter_mut()) {
                        let r = part(n, threads, w);
                        let (o, tail) = std::mem::take(&mut rest).split_at_mut(r.len() * c);
                        rest = tail;
                        let job = &job;
                        s.spawn(move |_| *rs = job(wk, r, o));
                    }
                });
                res.into_iter().collect::<Result<()>>()?;
            }
        }
        Ok(out)
    }
}
