//! loader: one pass over the events on a background thread: files in a seeded order, a seeded shuffle buffer
//! (as `tf.data`'s `shuffle`), and events packed into flat batches for the workers. The events come from the
//! shard files or from a [`Table`] already in memory; both give the same batches in the same order.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use hadron_nn::Rng;

use crate::error::{Error, Result};
use crate::shards::{self, Columns, Event};
use crate::table::Table;

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

    fn push_row(&mut self, t: &Table, row: usize, cols: &Columns) {
        if self.inputs.len() < t.inputs.len() {
            self.inputs.resize(t.inputs.len(), Vec::new());
        }
        for ((dst, src), s) in self.inputs.iter_mut().zip(&t.inputs).zip(&cols.sizes) {
            dst.extend_from_slice(&src[row * s..(row + 1) * s]);
        }
        let c = cols.classes;
        self.labels.extend_from_slice(&t.labels[row * c..(row + 1) * c]);
        self.n += 1;
    }
}

/// Where a pass takes its events from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Decoding these shard files.
    Files(Vec<PathBuf>),
    /// Gathering rows of a table already decoded (its files in the same order).
    Table(Arc<Table>),
}

impl Source {
    fn files(&self) -> usize {
        match self {
            Source::Files(f) => f.len(),
            Source::Table(t) => t.files.len(),
        }
    }
}

/// How one pass reads its files.
#[derive(Debug, Clone)]
pub struct Pass {
    /// The events.
    pub source: Source,
    /// Columns and sizes.
    pub columns: Columns,
    /// Events per batch (the last batch may be smaller).
    pub batch: usize,
    /// `Some((buffer, seed))`: shuffle the file order and the events through a buffer of that many events.
    pub shuffle: Option<(usize, u64)>,
}

struct Sink<'a> {
    tx: SyncSender<Result<Batch>>,
    cur: Batch,
    batch: usize,
    cols: &'a Columns,
}

/// An event on its way through the shuffle buffer: decoded, or a row of the table.
enum Item {
    Event(Event),
    Row(usize),
}

impl Sink<'_> {
    fn emit(&mut self, item: Item, table: Option<&Table>) -> Result<()> {
        match (item, table) {
            (Item::Event(ev), _) => self.cur.push(ev),
            (Item::Row(r), Some(t)) => self.cur.push_row(t, r, self.cols),
            (Item::Row(_), None) => return Err(Error::Config("a table row without a table".into())),
        }
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
        let mut sink = Sink { tx: tx.clone(), cur: Batch::default(), batch: pass.batch.max(1), cols: &pass.columns };
        if let Err(e) = run(&pass, &mut sink) {
            let _ = tx.send(Err(e));
        }
    });
    rx
}

/// Feeds the items of file `f` (in the source's file numbering) to `each`.
fn read_file(pass: &Pass, f: usize, each: &mut dyn FnMut(Item) -> Result<()>) -> Result<()> {
    match &pass.source {
        Source::Files(files) => shards::read(&files[f], &pass.columns, &mut |ev| each(Item::Event(ev))),
        Source::Table(t) => t.files[f].clone().try_for_each(|r| each(Item::Row(r))),
    }
}

fn run(pass: &Pass, sink: &mut Sink) -> Result<()> {
    let table = match &pass.source {
        Source::Table(t) => Some(&**t),
        Source::Files(_) => None,
    };
    let mut files: Vec<usize> = (0..pass.source.files()).collect();
    let Some((cap, seed)) = pass.shuffle else {
        for &f in &files {
            read_file(pass, f, &mut |it| sink.emit(it, table))?;
        }
        return sink.flush();
    };
    let mut rng = Rng::seed(seed);
    for i in (1..files.len()).rev() {
        files.swap(i, index(&mut rng, i + 1));
    }
    let cap = cap.max(1);
    let mut buf: Vec<Item> = Vec::with_capacity(cap.min(1 << 16));
    for &f in &files {
        read_file(pass, f, &mut |it| {
            if buf.len() < cap {
                buf.push(it);
                return Ok(());
            }
            let i = index(&mut rng, cap);
            let out = std::mem::replace(&mut buf[i], it);
            sink.emit(out, table)
        })?;
    }
    while !buf.is_empty() {
        let i = index(&mut rng, buf.len());
        let it = buf.swap_remove(i);
        sink.emit(it, table)?;
    }
    sink.flush()
}
