//! parallel: data parallelism over threads with results that do not depend on the thread count. Every batch
//! is cut into a fixed number of micro-batches (independent of the threads); each micro-batch's gradient is
//! computed into its own buffer with its own dropout stream, and the buffers are added along a fixed binary
//! tree ([`sum_order`]). T threads ([`Team`]: the caller and T−1 spinning helpers) each take a contiguous run
//! of micro-batches, gather their rows, and add the tree's nodes inside their run; then each thread adds the
//! remaining nodes and takes the Adam step over its own range of the parameters. Every parameter sees the
//! same additions in the same order for any T, so any T gives bit-identical weights, and little memory moves
//! between cores: batches of a table are gathered by the thread that uses them, Adam moments stay with one
//! thread. With replicas ([`crate::dist`]) each process computes only its own run of micro-batches and a
//! [`Reducer`] adds all of them along the same tree.

use std::ops::Range;

use hadron_nn::{Adam, Model, Rng, StepStats, Workspace};

use crate::compact::{Compactor, Skipper};
use crate::dist::Reducer;
use crate::error::{Error, Result};
use crate::loader::{Batch, BatchRef};
use crate::team::Team;

#[derive(Debug)]
struct Worker {
    ws: Workspace,
    comp: Compactor,
    /// Rows of a table gathered for one micro-batch.
    rows: Batch,
}

/// One addition of the fixed-order gradient sum: buffer `dst` += buffer `src`, completing the sum of the
/// micro-batches `node` (in `dst`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Add {
    /// Buffer that receives the sum (the node's first micro-batch).
    pub dst: usize,
    /// Buffer added to it (the first micro-batch of the node's right half).
    pub src: usize,
    /// The micro-batches summed once this addition is done.
    pub node: Range<usize>,
}

/// The additions that sum `chunks` micro-batch buffers into buffer 0: a binary tree (each node split at its
/// middle) in post-order, so each node's additions come after its children's.
pub fn sum_order(chunks: usize) -> Vec<Add> {
    fn walk(node: Range<usize>, out: &mut Vec<Add>) {
        if node.len() < 2 {
            return;
        }
        let mid = node.start + node.len() / 2;
        walk(node.start..mid, out);
        walk(mid..node.end, out);
        out.push(Add { dst: node.start, src: mid, node });
    }
    let mut out = Vec::with_capacity(chunks.saturating_sub(1));
    walk(0..chunks, &mut out);
    out
}

/// Applies `adds` to the buffers `bufs` (buffer i = micro-batch `first + i`, all the same length).
pub fn add_in_order<'a>(bufs: &mut [&mut [f32]], first: usize, adds: impl IntoIterator<Item = &'a Add>) {
    for a in adds {
        let (lo, hi) = bufs.split_at_mut(a.src - first);
        for (x, y) in lo[a.dst - first].iter_mut().zip(hi[0].iter()) {
            *x += y;
        }
    }
}

/// The workers of one model: thread team, per-thread workspaces, per-micro-batch gradient buffers.
#[derive(Debug)]
pub struct Engine {
    model: Model,
    skipper: Skipper,
    chunks: usize,
    cap: usize,
    team: Team,
    workers: Vec<Worker>,
    /// The micro-batches this process computes (all of them without replicas).
    own: Range<usize>,
    reducer: Option<Box<dyn Reducer>>,
    /// `own.len()` buffers of the parameters' size; after a step without replicas buffer 0 holds the sum.
    grads: Vec<f32>,
    /// The sum from the reducer (with replicas).
    sum: Vec<f32>,
    /// The additions of the sum inside each worker's run of micro-batches (without replicas).
    inside: Vec<Vec<Add>>,
    /// The additions across runs, done per parameter range after the workers' runs.
    across: Vec<Add>,
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

/// Splits `n` buffers of `p` floats each into `threads` column ranges: item w holds range w of every buffer.
fn columns_of(grads: &mut [f32], p: usize, threads: usize) -> Vec<Vec<&mut [f32]>> {
    let mut out: Vec<Vec<&mut [f32]>> = (0..threads).map(|_| Vec::new()).collect();
    for buf in grads.chunks_mut(p) {
        let mut rest = buf;
        for (w, cols) in out.iter_mut().enumerate() {
            let (a, b) = std::mem::take(&mut rest).split_at_mut(part(p, threads, w).len());
            cols.push(a);
            rest = b;
        }
    }
    out
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
        let workers = (0..threads)
            .map(|_| Worker { ws: model.workspace(cap), comp: Compactor::default(), rows: Batch::default() })
            .collect();
        let team = Team::new(threads, "hadron-train")
            .map_err(|e| Error::Config(format!("cannot start {threads} threads: {e}")))?;
        let p = model.num_params();
        let runs: Vec<Range<usize>> = (0..threads).map(|w| part(chunks, threads, w)).collect();
        let within = |a: &Add, r: &Range<usize>| r.start <= a.node.start && a.node.end <= r.end;
        let order = sum_order(chunks);
        let inside = runs.iter().map(|r| order.iter().filter(|a| within(a, r)).cloned().collect()).collect();
        let across = order.iter().filter(|a| !runs.iter().any(|r| within(a, r))).cloned().collect();
        Ok(Engine {
            model,
            skipper,
            chunks,
            cap,
            team,
            workers,
            own: 0..chunks,
            reducer: None,
            grads: vec![0.0; chunks * p],
            sum: vec![0.0; p],
            inside,
            across,
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

    /// One training step: the gradient of the batch-mean loss (then in [`Engine::grad`]) and one Adam update
    /// of `params`; returns the batch's loss and accuracy. Dropout of micro-batch c at global step `adam.t`
    /// draws from a stream seeded by (`seed`, `adam.t`, c).
    pub fn step(&mut self, params: &mut [f32], adam: &mut Adam, batch: BatchRef<'_>, seed: u64) -> Result<StepStats> {
        let Engine { model, skipper, chunks, team, workers, own, reducer, grads, sum, inside, across, .. } = self;
        let (model, skipper, chunks) = (&*model, &*skipper, *chunks);
        let step = adam.t;
        let p = model.num_params();
        let n = batch.len();
        let scale = 1.0 / n.max(1) as f32;
        let own = own.clone();
        let local = reducer.is_none();
        let mut stats: Vec<Option<Result<StepStats>>> = own.clone().map(|_| None).collect();
        let threads = workers.len();
        let theta = &*params;
        let job =
            |wk: &mut Worker, w: usize, run: Range<usize>, g: &mut [f32], st: &mut [Option<Result<StepStats>>]| {
                let Worker { ws, comp, rows } = wk;
                for (j, (gc, sc)) in g.chunks_mut(p).zip(st.iter_mut()).enumerate() {
                    let c = run.start + j;
                    gc.fill(0.0);
                    let r = part(n, chunks, c);
                    let m = r.len();
                    if m == 0 {
                        *sc = Some(Ok(StepStats::default()));
                        continue;
                    }
                    let classes = model.classes;
                    let (inputs, labels) = match batch {
                        BatchRef::Packed(b) => {
                            (slice_inputs(model, b, &r), &b.labels[r.start * classes..r.end * classes])
                        }
                        BatchRef::Rows(all) => {
                            rows.gather_into(all.table, &all.rows[r.clone()], all.columns);
                            (slice_inputs(model, rows, &(0..m)), &rows.labels[..])
                        }
                    };
                    *sc = Some(comp.apply(skipper, model, &inputs, m).and_then(|(mdl, ins)| {
                        let mut rng = dropout_rng(seed, step, c);
                        Ok(mdl.forward_backward(theta, &ins, labels, m, ws, gc, Some(&mut rng), scale)?)
                    }));
                }
                if local {
                    // The nodes of the sum inside this run, while the buffers are still in this core's cache.
                    let mut bufs: Vec<&mut [f32]> = g.chunks_mut(p).collect();
                    add_in_order(&mut bufs, run.start, &inside[w]);
                }
            };
        let mut shares = Vec::with_capacity(threads);
        let (mut g_rest, mut st_rest) = (&mut grads[..], &mut stats[..]);
        for (w, wk) in workers.iter_mut().enumerate() {
            let r = part(own.len(), threads, w);
            let (g, gr) = std::mem::take(&mut g_rest).split_at_mut(r.len() * p);
            let (st, sr) = std::mem::take(&mut st_rest).split_at_mut(r.len());
            (g_rest, st_rest) = (gr, sr);
            shares.push((wk, own.start + r.start..own.start + r.end, g, st));
        }
        team.for_each(&mut shares, |w, (wk, run, g, st)| job(wk, w, run.clone(), g, st));
        drop(shares);
        let stats = stats
            .into_iter()
            .enumerate()
            .map(|(j, st)| {
                st.unwrap_or_else(|| Err(Error::Config(format!("micro-batch {} was not run", own.start + j))))
            })
            .collect::<Result<Vec<StepStats>>>()?;
        if let Some(reducer) = reducer {
            let total = reducer.reduce(step, own.start, grads, &stats, sum)?;
            adam.step(params, sum);
            return Ok(total);
        }
        let mut total = StepStats::default();
        for st in &stats {
            total.loss_sum += st.loss_sum;
            total.correct += st.correct;
            total.samples += st.samples;
        }
        // The nodes across runs, then Adam, each thread over its own range of the parameters.
        let k = adam.begin();
        let (m, v) = adam.moments();
        let mut shares = Vec::with_capacity(threads);
        let (mut p_rest, mut m_rest, mut v_rest) = (&mut params[..], m, v);
        for (w, cols) in columns_of(grads, p, threads).into_iter().enumerate() {
            let len = part(p, threads, w).len();
            let (pw, pr) = std::mem::take(&mut p_rest).split_at_mut(len);
            let (mw, mr) = std::mem::take(&mut m_rest).split_at_mut(len);
            let (vw, vr) = std::mem::take(&mut v_rest).split_at_mut(len);
            (p_rest, m_rest, v_rest) = (pr, mr, vr);
            shares.push((cols, pw, mw, vw));
        }
        team.for_each(&mut shares, |_, (cols, pw, mw, vw)| {
            add_in_order(cols, 0, across.iter());
            k.update(pw, cols[0], mw, vw);
        });
        Ok(total)
    }

    /// The summed gradient of the last [`Engine::step`].
    pub fn grad(&self) -> &[f32] {
        let p = self.model.num_params();
        if self.reducer.is_some() { &self.sum } else { &self.grads[..p] }
    }

    /// Class probabilities (n × classes) of a batch, dropout off; the rows are split over the threads.
    pub fn predict(&mut self, params: &[f32], batch: &Batch) -> Result<Vec<f32>> {
        let Engine { model, skipper, cap, team, workers, .. } = self;
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
                let Worker { ws, comp, .. } = &mut *wk;
                let (mdl, ins) = comp.apply(skipper, model, &inputs, r.len())?;
                let probs = mdl.predict(params, &ins, r.len(), ws)?;
                let off = (r.start - rows.start) * c;
                o[off..off + probs.len()].copy_from_slice(&probs);
                start = r.end;
            }
            Ok(())
        };
        let mut res: Vec<Result<()>> = (0..threads).map(|_| Ok(())).collect();
        let mut shares = Vec::with_capacity(threads);
        let mut rest = &mut out[..];
        for ((w, wk), rs) in workers.iter_mut().enumerate().zip(res.iter_mut()) {
            let r = part(n, threads, w);
            let (o, tail) = std::mem::take(&mut rest).split_at_mut(r.len() * c);
            rest = tail;
            shares.push((wk, r, o, rs));
        }
        team.for_each(&mut shares, |_, (wk, r, o, rs)| **rs = job(wk, r.clone(), o));
        drop(shares);
        res.into_iter().collect::<Result<()>>()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sum_is_a_fixed_tree_in_post_order() {
        let pairs = |c| sum_order(c).into_iter().map(|a| (a.dst, a.src)).collect::<Vec<_>>();
        // ((0+1)+(2+3)) + ((4+5)+(6+7)), children first.
        assert_eq!(pairs(8), [(0, 1), (2, 3), (0, 2), (4, 5), (6, 7), (4, 6), (0, 4)]);
        // 5 = [0,2) + [2,5), [2,5) = 2 + [3,5).
        assert_eq!(pairs(5), [(0, 1), (3, 4), (2, 3), (0, 2)]);
        assert!(sum_order(1).is_empty());
        let mut bufs = [vec![1.0f32], vec![2.0], vec![4.0], vec![8.0], vec![16.0]];
        let mut refs: Vec<&mut [f32]> = bufs.iter_mut().map(|b| &mut b[..]).collect();
        add_in_order(&mut refs, 0, &sum_order(5));
        assert_eq!(bufs[0], [31.0]);
    }
}
