//! loader: one pass over shard files on a background thread: files in a seeded order, a seeded shuffle buffer
//! (as `tf.data`'s `shuffle`), and events packed into flat batches for the workers.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use hadron_nn::Rng;

use crate::error::{Error, Result};
use crate::shards::{self, Columns, Event};

/// `n` events packed flat: one `n × size` vector per model input and `n × classes` labels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    /// Number of events.
    pub n: usize,
    /// One flat vector per model input.
    pub inputs: Vec<Vec<f32>>,
    /// One-hot labels, flat.
    pub labels: Vec<f32>,
}

impl Batch {
    fn push(&mut self, ev: Event) {
        if self.inputs.len() < ev.inputs.len() {
            self.inputs.resize(ev.inputs.len(), Vec::new());
        }
        for (dst, src) in self.inputs.iter_mut().zip(ev.inputs) {
            dst.extend_from_slice(&src);
        }
        self.labels.extend_from_slice(&ev.label);
        self.n += 1;
    }
}

/// How one pass reads its files.
#[derive(Debug, Clone)]
pub struct Pass {
    /// Shard files.
    pub files: Vec<PathBuf>,
    /// Columns and sizes.
    pub columns: Columns,
    /// Events per batch (the last batch may be smaller).
    pub batch: usize,
    /// `Some((buffer, seed))`: shuffle the file order and the events through a buffer of that many events.
    pub shuffle: Option<(usize, u64)>,
}

struct Sink {
    tx: SyncSender<Result<Batch>>,
    cur: Batch,
    batch: usize,
}

impl Sink {
    fn emit(&mut self, ev: Event) -> Result<()> {
        self.cur.push(ev);
        if self.cur.n == self.batch {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.cur.n == 0 {
            return Ok(());
        }
        let b = std::mem::take(&mut self.cur);
        self.tx.send(Ok(b)).map_err(|_| Error::Config("batch receiver dropped".into()))
    }
}

fn index(rng: &mut Rng, len: usize) -> usize {
    ((rng.uniform_f64() * len as f64) as usize).min(len - 1)
}

/// Starts the pass; batches (or the first error) arrive on the receiver, which closes at the end.
pub fn start(pass: Pass) -> Receiver<Result<Batch>> {
    let (tx, rx) = sync_channel(4);
    std::thread::spawn(move || {
        let mut sink = Sink { tx: tx.clone(), cur: Batch::default(), batch: pass.batch.max(1) };
        if let Err(e) = run(&pass, &mut sink) {
            let _ = tx.send(Err(e));
        }
    });
    rx
}

fn run(pass: &Pass, sink: &mut Sink) -> Result<()> {
    let mut files = pass.files.clone();
    let Some((cap, seed)) = pass.shuffle else {
        for f in &files {
            shards::read(f, &pass.columns, &mut |ev| sink.emit(ev))?;
        }
        return sink.flush();
    };
    let mut rng = Rng::seed(seed);
    for i in (1..files.len()).rev() {
        files.swap(i, index(&mut rng, i + 1));
    }
    let cap = cap.max(1);
    let mut buf: Vec<Event> = Vec::with_capacity(cap.min(1 << 16));
    for f in &files {
        shards::read(f, &pass.columns, &mut |ev| {
            if buf.len() < cap {
                buf.push(ev);
                return Ok(());
            }
            let i = index(&mut rng, cap);
            let out = std::mem::replace(&mut buf[i], ev);
            sink.emit(out)
        })?;
    }
    while !buf.is_empty() {
        let i = index(&mut rng, buf.len());
        let ev = buf.swap_remove(i);
        sink.emit(ev)?;
    }
    sink.flush()
}
