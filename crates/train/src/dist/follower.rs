//! follower: replicas 1…R−1. Each step sends its micro-batch gradients to replica 0 and receives the sum.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hadron_nn::StepStats;
use tonic::transport::{Channel, Endpoint};

use super::proto::gradient_exchange_client::GradientExchangeClient;
use super::proto::{Contribution, Farewell};
use super::{MAX_MESSAGE, PATIENCE, Reducer, net_error, runtime, to_parts};
use crate::error::Result;

/// A replica other than 0.
#[derive(Debug)]
pub struct Follower {
    rank: usize,
    run: String,
    params: usize,
    addr: SocketAddr,
    client: GradientExchangeClient<Channel>,
    runtime: tokio::runtime::Runtime,
}

impl Follower {
    /// Connects to replica 0 at `addr`, retrying until it listens (up to [`PATIENCE`]).
    pub fn connect(addr: SocketAddr, rank: usize, run: String, params: usize) -> Result<Self> {
        let runtime = runtime()?;
        let endpoint = Endpoint::from_shared(format!("http://{addr}"))
            .map_err(|e| net_error(format!("bad address {addr}: {e}")))?
            .tcp_nodelay(true);
        let deadline = Instant::now() + PATIENCE;
        let channel = runtime.block_on(async {
            loop {
                match endpoint.connect().await {
                    Ok(ch) => return Ok(ch),
                    Err(e) if Instant::now() >= deadline => {
                        return Err(net_error(format!("replica {rank}: cannot reach replica 0 at {addr}: {e}")));
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
                }
            }
        })?;
        let client = GradientExchangeClient::new(channel)
            .max_decoding_message_size(MAX_MESSAGE)
            .max_encoding_message_size(MAX_MESSAGE);
        Ok(Follower { rank, run, params, addr, client, runtime })
    }
}

impl Reducer for Follower {
    fn reduce(
        &mut self,
        step: u64,
        first: usize,
        grads: &[f32],
        stats: &[StepStats],
        sum: &mut [f32],
    ) -> Result<StepStats> {
        let contribution = Contribution {
            run: self.run.clone(),
            rank: self.rank as u32,
            step,
            first: first as u32,
            parts: to_parts(grads, stats, self.params),
        };
        let mut client = self.client.clone();
        let r = self
            .runtime
            .block_on(client.exchange(contribution))
            .map_err(|s| {
                net_error(format!("replica {} → replica 0 at {}: step {step}: {}", self.rank, self.addr, s.message()))
            })?
            .into_inner();
        if r.step != step || r.grad.len() != sum.len() {
            return Err(net_error(format!(
                "replica 0 answered step {} with {} gradients (expected step {step}, {})",
                r.step,
                r.grad.len(),
                sum.len()
            )));
        }
        sum.copy_from_slice(&r.grad);
        Ok(StepStats { loss_sum: r.loss_sum, correct: r.correct as usize, samples: r.samples as usize })
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        let mut client = self.client.clone();
        let rank = self.rank as u32;
        let _ = self
            .runtime
            .block_on(async { tokio::time::timeout(Duration::from_secs(10), client.leave(Farewell { rank })).await });
    }
}
