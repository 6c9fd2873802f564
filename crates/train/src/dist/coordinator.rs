//! coordinator: replica 0. Serves `GradientExchange`, collects each step's micro-batch gradients (its own
//! and the followers'), adds them along the engine's fixed tree ([`crate::parallel::sum_order`]) and hands the sum
//! to every follower.

use std::net::SocketAddr;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use hadron_nn::StepStats;
use tokio::sync::{oneshot, watch};
use tonic::{Request, Response, Status};

use super::proto::gradient_exchange_server::{GradientExchange, GradientExchangeServer};
use super::proto::{Contribution, Farewell, MicroBatch, Reduction};
use super::{MAX_MESSAGE, PATIENCE, Reducer, net_error, runtime, to_parts};
use crate::error::Result;
use crate::parallel::{add_in_order, sum_order};

/// The micro-batches of the step being gathered.
#[derive(Debug)]
struct Round {
    step: u64,
    parts: Vec<Option<MicroBatch>>,
    ranks_in: Vec<bool>,
    left: usize,
    /// Why a replica was refused (another run's replica): replica 0 stops too.
    refused: Option<String>,
}

#[derive(Debug)]
struct Shared {
    run: String,
    world: usize,
    params: usize,
    round: Mutex<Round>,
    arrived: Condvar,
    done: watch::Sender<Option<Arc<Reduction>>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Round> {
        self.round.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Files a follower's contribution, or says why it does not fit the step being gathered.
    fn file(&self, c: Contribution) -> std::result::Result<(), Status> {
        if c.run != self.run {
            let msg = format!(
                "replica {} runs {}, replica 0 runs {} (same model, seed, batch, micro-batches and learning rate needed)",
                c.rank, c.run, self.run
            );
            self.lock().refused = Some(msg.clone());
            self.arrived.notify_all();
            return Err(Status::failed_precondition(msg));
        }
        let rank = c.rank as usize;
        if rank == 0 || rank >= self.world {
            return Err(Status::invalid_argument(format!("rank {rank}: the run has ranks 1..{}", self.world)));
        }
        let mut round = self.lock();
        if c.step != round.step {
            return Err(Status::failed_precondition(format!(
                "replica {rank} sent step {}, replica 0 is at step {}",
                c.step, round.step
            )));
        }
        if round.ranks_in[rank] {
            return Err(Status::already_exists(format!("replica {rank} already sent step {}", c.step)));
        }
        let first = c.first as usize;
        if first + c.parts.len() > round.parts.len() {
            return Err(Status::invalid_argument(format!(
                "replica {rank}: micro-batches {first}..{} of {}",
                first + c.parts.len(),
                round.parts.len()
            )));
        }
        for (i, p) in c.parts.into_iter().enumerate() {
            if p.grad.len() != self.params {
                return Err(Status::invalid_argument(format!(
                    "replica {rank}: micro-batch {}: {} gradients, the model has {} parameters",
                    first + i,
                    p.grad.len(),
                    self.params
                )));
            }
            let slot = &mut round.parts[first + i];
            if slot.is_some() {
                return Err(Status::already_exists(format!("micro-batch {} sent twice", first + i)));
            }
            *slot = Some(p);
        }
        round.ranks_in[rank] = true;
        drop(round);
        self.arrived.notify_all();
        Ok(())
    }
}

#[derive(Debug, Clone)]
struct Service(Arc<Shared>);

#[tonic::async_trait]
impl GradientExchange for Service {
    async fn exchange(&self, request: Request<Contribution>) -> std::result::Result<Response<Reduction>, Status> {
        let c = request.into_inner();
        let step = c.step;
        let mut rx = self.0.done.subscribe();
        self.0.file(c)?;
        let wait = rx.wait_for(|r| r.as_ref().is_some_and(|r| r.step == step));
        match tokio::time::timeout(PATIENCE, wait).await {
            Ok(Ok(r)) => Ok(Response::new(Reduction::clone(r.as_ref().expect("checked by wait_for")))),
            Ok(Err(_)) => Err(Status::unavailable("replica 0 stopped")),
            Err(_) => Err(Status::deadline_exceeded(format!("step {step} was not completed in {PATIENCE:?}"))),
        }
    }

    async fn leave(&self, request: Request<Farewell>) -> std::result::Result<Response<Farewell>, Status> {
        self.0.lock().left += 1;
        self.0.arrived.notify_all();
        Ok(Response::new(Farewell { rank: request.into_inner().rank }))
    }
}

/// Replica 0: the exchange server and its own share of the work.
#[derive(Debug)]
pub struct Coordinator {
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Coordinator {
    /// Listens on `addr` for the `world − 1` followers of run `run`, whose first step is `step`.
    pub fn start(
        addr: SocketAddr,
        world: usize,
        run: String,
        micro_batches: usize,
        params: usize,
        step: u64,
    ) -> Result<Self> {
        let runtime = runtime()?;
        let (done, _) = watch::channel(None);
        let shared = Arc::new(Shared {
            run,
            world,
            params,
            round: Mutex::new(Round {
                step,
                parts: (0..micro_batches).map(|_| None).collect(),
                ranks_in: vec![false; world],
                left: 0,
                refused: None,
            }),
            arrived: Condvar::new(),
            done,
        });
        let incoming = {
            let _guard = runtime.enter();
            tonic::transport::server::TcpIncoming::bind(addr)
                .map_err(|e| net_error(format!("cannot listen on {addr}: {e}")))?
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let svc = GradientExchangeServer::new(Service(shared.clone()))
            .max_decoding_message_size(MAX_MESSAGE)
            .max_encoding_message_size(MAX_MESSAGE);
        runtime.spawn(async move {
            let server = tonic::transport::Server::builder();
            if let Err(e) = server
                .serve_with_incoming_shutdown(svc, incoming, async {
                    let _ = stopped.await;
                })
                .await
            {
                log_error(&format!("gradient exchange server on {addr}: {e}"));
            }
        });
        Ok(Coordinator { shared, stop: Some(stop), runtime: Some(runtime) })
    }
}

fn log_error(msg: &str) {
    eprintln!("hadron-train: {msg}");
}

impl Reducer for Coordinator {
    fn reduce(
        &mut self,
        step: u64,
        first: usize,
        grads: &[f32],
        stats: &[StepStats],
        sum: &mut [f32],
    ) -> Result<StepStats> {
        let sh = &*self.shared;
        let mut round = sh.lock();
        if round.step != step {
            return Err(net_error(format!("replica 0 at step {step}, the exchange at step {}", round.step)));
        }
        for (i, p) in to_parts(grads, stats, sh.params).into_iter().enumerate() {
            round.parts[first + i] = Some(p);
        }
        round.ranks_in[0] = true;
        let deadline = Instant::now() + PATIENCE;
        while !round.ranks_in.iter().all(|&r| r) {
            if let Some(why) = &round.refused {
                return Err(net_error(why));
            }
            let now = Instant::now();
            if now >= deadline {
                let missing: Vec<String> =
                    round.ranks_in.iter().enumerate().filter(|(_, r)| !**r).map(|(i, _)| i.to_string()).collect();
                return Err(net_error(format!(
                    "step {step}: no gradients from replica(s) {} after {PATIENCE:?}",
                    missing.join(", ")
                )));
            }
            round = sh.arrived.wait_timeout(round, deadline - now).unwrap_or_else(|p| p.into_inner()).0;
        }
        let mut total = StepStats::default();
        let mut parts = Vec::with_capacity(round.parts.len());
        for (c, slot) in round.parts.iter_mut().enumerate() {
            let part =
                slot.take().ok_or_else(|| net_error(format!("step {step}: micro-batch {c} was sent by no replica")))?;
            total.loss_sum += part.loss_sum;
            total.correct += part.correct as usize;
            total.samples += part.samples as usize;
            parts.push(part.grad);
        }
        let order = sum_order(parts.len());
        let mut bufs: Vec<&mut [f32]> = parts.iter_mut().map(|g| &mut g[..]).collect();
        add_in_order(&mut bufs, 0, &order);
        sum.copy_from_slice(&parts[0]);
        round.ranks_in.fill(false);
        round.step = step + 1;
        drop(round);
        let reduction = Reduction {
            step,
            grad: sum.to_vec(),
            loss_sum: total.loss_sum,
            correct: total.correct as u64,
            samples: total.samples as u64,
        };
        sh.done.send_replace(Some(Arc::new(reduction)));
        Ok(total)
    }
}

impl Drop for Coordinator {
    fn drop(&mut self) {
        // Serve until every follower has its last reduction and said so (or a minute has passed).
        let followers = self.shared.world - 1;
        let refused = self.shared.lock().refused.is_some();
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut round = self.shared.lock();
        while !refused && round.left < followers && Instant::now() < deadline {
            round = self
                .shared
                .arrived
                .wait_timeout(round, Duration::from_millis(200))
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        drop(round);
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_secs(5));
        }
    }
}
