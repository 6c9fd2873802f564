//! dist: data parallelism across processes. Replica `r` of `R` computes the micro-batches
//! `r·C/R … (r+1)·C/R` of every batch (every replica reads the same shuffled stream, so the batches agree);
//! replica 0 serves the gRPC `GradientExchange` (`proto/hadron_train.proto`), gathers every replica's
//! micro-batch gradients of a step and answers each with their sum, added along the fixed tree of
//! [`crate::parallel::sum_order`] — the same
//! additions as a one-process run, so all replicas, and a one-process run with the same global batch, hold
//! bit-identical weights.

mod coordinator;
mod follower;

use std::net::SocketAddr;
use std::time::Duration;

use hadron_nn::StepStats;

use crate::error::{Error, Result};

pub use coordinator::Coordinator;
pub use follower::Follower;

#[allow(missing_docs, clippy::all, clippy::pedantic, missing_debug_implementations)]
mod proto {
    include!(concat!(env!("OUT_DIR"), "/hadron.train.rs"));
}

/// How long a replica waits for the others (start-up, a slow step) before it gives up.
pub const PATIENCE: Duration = Duration::from_secs(600);
/// Largest gRPC message (a step's gradients of all micro-batches of one replica).
const MAX_MESSAGE: usize = 1 << 30;

/// The replicas of a run: every replica's address (replica 0 serves the exchange) and this one's rank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// `host:port` of every replica, in rank order (only replica 0's is listened on).
    pub workers: Vec<String>,
    /// This replica's index in `workers`.
    pub rank: usize,
}

impl Cluster {
    /// Parses `--workers host:port,host:port,…` and `--rank N`.
    pub fn parse(workers: &str, rank: usize) -> Result<Self> {
        let workers: Vec<String> = workers.split(',').map(|w| w.trim().to_string()).filter(|w| !w.is_empty()).collect();
        if workers.is_empty() {
            return Err(Error::Config("--workers: no host:port given".into()));
        }
        if rank >= workers.len() {
            return Err(Error::Config(format!("--rank {rank}: only {} workers are listed", workers.len())));
        }
        for w in &workers {
            if !w.contains(':') {
                return Err(Error::Config(format!("--workers: {w:?} is not host:port")));
            }
        }
        Ok(Cluster { workers, rank })
    }

    /// Number of replicas.
    pub fn size(&self) -> usize {
        self.workers.len()
    }

    /// The address replica 0 listens on.
    fn coordinator_addr(&self) -> Result<SocketAddr> {
        use std::net::ToSocketAddrs;
        let w = &self.workers[0];
        w.to_socket_addrs()
            .map_err(|e| Error::Config(format!("--workers: cannot resolve {w}: {e}")))?
            .next()
            .ok_or_else(|| Error::Config(format!("--workers: {w} resolves to no address")))
    }
}

/// Sums the micro-batch gradients of a step over all replicas.
pub trait Reducer: Send + std::fmt::Debug {
    /// `grads` holds this replica's micro-batch gradients (`stats.len()` consecutive buffers of `sum.len()`
    /// floats, the first being micro-batch `first`); on return `sum` holds the sum over every micro-batch of
    /// the step added along [`crate::parallel::sum_order`], and the result the step's summed statistics.
    fn reduce(
        &mut self,
        step: u64,
        first: usize,
        grads: &[f32],
        stats: &[StepStats],
        sum: &mut [f32],
    ) -> Result<StepStats>;
}

/// Connects this replica: replica 0 starts serving, the others connect to it. `run` identifies the run
/// (replicas of different runs refuse each other); `step` is the first training step (non-zero on resume).
pub fn connect(
    cluster: &Cluster,
    run: String,
    micro_batches: usize,
    params: usize,
    step: u64,
) -> Result<Box<dyn Reducer>> {
    if micro_batches < cluster.size() {
        return Err(Error::Config(format!(
            "{} workers but {micro_batches} micro-batches per batch: use --micro-batches ≥ the number of workers",
            cluster.size()
        )));
    }
    let addr = cluster.coordinator_addr()?;
    if cluster.rank == 0 {
        Ok(Box::new(Coordinator::start(addr, cluster.size(), run, micro_batches, params, step)?))
    } else {
        Ok(Box::new(Follower::connect(addr, cluster.rank, run, params)?))
    }
}

/// A short description of what must agree between replicas (the spec enters as a hash).
pub fn run_identity(key: &crate::checkpoint::RunKey) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{:?}", key.model).hash(&mut h);
    format!(
        "model {} (spec {:016x}), seed {}, batch {}, micro-batches {}, learning rate {}",
        key.model.name,
        h.finish(),
        key.seed,
        key.batch,
        key.micro_batches,
        key.learning_rate
    )
}

fn net_error(what: impl std::fmt::Display) -> Error {
    Error::Config(format!("gradient exchange: {what}"))
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("hadron-train-net")
        .enable_all()
        .build()
        .map_err(|e| net_error(format!("cannot start the network runtime: {e}")))
}

fn to_parts(grads: &[f32], stats: &[StepStats], params: usize) -> Vec<proto::MicroBatch> {
    grads
        .chunks(params.max(1))
        .zip(stats)
        .map(|(g, s)| proto::MicroBatch {
            grad: g.to_vec(),
            loss_sum: s.loss_sum,
            correct: s.correct as u64,
            samples: s.samples as u64,
        })
        .collect()
}
