//! loader: one pass over the events: files in a seeded order, a seeded shuffle buffer (as `tf.data`'s
//! `shuffle`), and events packed into flat batches for the workers. From shard files the pass runs on a
//! background thread that decodes; from a [`Table`] already in memory the order (row numbers) is drawn up
//! front and each batch is handed out as row numbers ([`Batches::next_ref`]) that the workers gather for their
//! own micro-batches, with no thread hand-off. Both give the same batches in the same order.

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

    /// The rows `rows` of `t`, in that order.
    fn gather(t: &Table, rows: &[usize], cols: &Columns) -> Batch {
        let mut b = Batch::default();
        b.gather_into(t, rows, cols);
        b
    }

    /// Replaces the contents with rows `rows` of `t` (in that order), reusing the vectors' memory.
    pub fn gather_into(&mut self, t: &Table, rows: &[usize], cols: &Columns) {
        self.inputs.resize(t.inputs.len(), Vec::new());
        for ((dst, src), &s) in self.inputs.iter_mut().zip(&t.inputs).zip(&cols.sizes) {
            dst.clear();
            dst.reserve(rows.len() * s);
            for &r in rows {
                dst.extend_from_slice(&src[r * s..(r + 1) * s]);
            }
        }
        let c = cols.classes;
        self.labels.clear();
        self.labels.reserve(rows.len() * c);
        for &r in rows {
            self.labels.extend_from_slice(&t.labels[r * c..(r + 1) * c]);
        }
        self.n = rows.len();
    }
}

/// Row numbers of a table in memory: a batch that each worker gathers for its own micro-batches (in parallel,
/// into memory that stays on its core).
#[derive(Debug, Clone, Copy)]
pub struct Rows<'a> {
    /// The decoded events.
    pub table: &'a Table,
    /// Their columns.
    pub columns: &'a Columns,
    /// The batch's row numbers, in batch order.
    pub rows: &'a [usize],
}

/// One batch as the workers receive it: packed, or as rows of a table.
#[derive(Debug, Clone, Copy)]
pub enum BatchRef<'a> {
    /// Packed events.
    Packed(&'a Batch),
    /// Rows of a table.
    Rows(Rows<'a>),
}

impl BatchRef<'_> {
    /// Events in the batch.
    pub fn len(&self) -> usize {
        match self {
            BatchRef::Packed(b) => b.n,
            BatchRef::Rows(r) => r.rows.len(),
        }
    }

    /// No events.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What [`Batches::next_ref`] hands out: a packed batch or rows of the table.
#[derive(Debug)]
pub enum Next<'a> {
    /// Decoded from files.
    Packed(Batch),
    /// Rows of the table in memory.
    Rows(Rows<'a>),
}

impl Next<'_> {
    /// The batch for [`crate::parallel::Engine`].
    pub fn as_ref(&self) -> BatchRef<'_> {
        match self {
            Next::Packed(b) => BatchRef::Packed(b),
            Next::Rows(r) => BatchRef::Rows(*r),
        }
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

/// How one pass reads its events.
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

/// The batches of one pass, in order (or the first error, after which it ends).
#[derive(Debug)]
pub enum Batches {
    /// Decoded on a background thread.
    Files(Receiver<Result<Batch>>),
    /// Gathered from a table on `next`.
    Table {
        /// The table.
        table: Arc<Table>,
        /// Its columns.
        columns: Columns,
        /// Row numbers in pass order.
        order: Vec<usize>,
        /// Rows already delivered.
        done: usize,
        /// Events per batch.
        batch: usize,
    },
}

impl Batches {
    /// The next batch without packing rows of a table (the workers gather them), or the first error.
    pub fn next_ref(&mut self) -> Option<Result<Next<'_>>> {
        match self {
            Batches::Files(rx) => rx.recv().ok().map(|b| b.map(Next::Packed)),
            Batches::Table { table, columns, order, done, batch } => {
                if *done >= order.len() {
                    return None;
                }
                let rows = &order[*done..(*done + *batch).min(order.len())];
                *done += rows.len();
                Some(Ok(Next::Rows(Rows { table, columns, rows })))
            }
        }
    }
}

impl Iterator for Batches {
    type Item = Result<Batch>;

    fn next(&mut self) -> Option<Result<Batch>> {
        Some(self.next_ref()?.map(|next| match next {
            Next::Packed(b) => b,
            Next::Rows(r) => Batch::gather(r.table, r.rows, r.columns),
        }))
    }
}

/// Starts the pass (from a table, its order is drawn here).
pub fn start(pass: Pass) -> Result<Batches> {
    let Pass { source, columns, batch, shuffle } = pass;
    let batch = batch.max(1);
    let files = match source {
        Source::Files(files) => files,
        Source::Table(table) => {
            let mut order = Vec::with_capacity(table.n);
            let mut rows =
                |f: usize, each: &mut dyn FnMut(usize) -> Result<()>| table.files[f].clone().try_for_each(each);
            run(table.files.len(), shuffle, &mut rows, &mut |r| {
                order.push(r);
                Ok(())
            })?;
            return Ok(Batches::Table { table, columns, order, done: 0, batch });
        }
    };
    let (tx, rx) = sync_channel(4);
    std::thread::spawn(move || {
        let mut sink = Sink { tx: tx.clone(), cur: Batch::default(), batch };
        let mut events =
            |f: usize, each: &mut dyn FnMut(Event) -> Result<()>| shards::read(&files[f], &columns, &mut |ev| each(ev));
        let sent = run(files.len(), shuffle, &mut events, &mut |ev| sink.emit(ev));
        if let Err(e) = sent.and_then(|()| sink.flush()) {
            let _ = tx.send(Err(e));
        }
    });
    Ok(Batches::Files(rx))
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

/// Reads file `f`'s items into the callback.
type ReadFile<'a, T> = dyn FnMut(usize, &mut dyn FnMut(T) -> Result<()>) -> Result<()> + 'a;

/// The pass's items in order: the `files` files (shuffled when asked), each file's items through the shuffle
/// buffer. Items are decoded events or table row numbers.
fn run<T>(
    files: usize,
    shuffle: Option<(usize, u64)>,
    read: &mut ReadFile<T>,
    emit: &mut dyn FnMut(T) -> Result<()>,
) -> Result<()> {
    let mut files: Vec<usize> = (0..files).collect();
    let Some((cap, seed)) = shuffle else {
        for &f in &files {
            read(f, emit)?;
        }
        return Ok(());
    };
    let mut rng = Rng::seed(seed);
    for i in (1..files.len()).rev() {
        files.swap(i, index(&mut rng, i + 1));
    }
    let cap = cap.max(1);
    let mut buf: Vec<T> = Vec::with_capacity(cap.min(1 << 16));
    for &f in &files {
        read(f, &mut |it| {
            if buf.len() < cap {
                buf.push(it);
                return Ok(());
            }
            let i = index(&mut rng, cap);
            let out = std::mem::replace(&mut buf[i], it);
            emit(out)
        })?;
    }
    while !buf.is_empty() {
        let i = index(&mut rng, buf.len());
        emit(buf.swap_remove(i))?;
    }
    Ok(())
}
