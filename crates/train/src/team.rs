//! team: a fork-join pool for work items of a few microseconds. The calling thread runs share 0 and T−1
//! persistent helpers run the others; a helper waits for the next job spinning for a short while before it
//! parks, so back-to-back batches hand over work in well under a microsecond instead of a wake-up per task.
//! Jobs borrow from the caller's stack, so the slot that hands them to the helpers erases their lifetime:
//! the unsafe code is that slot and the per-thread item pointer, each with its invariant stated.
#![allow(unsafe_code)]

use std::any::Any;
use std::cell::UnsafeCell;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle, Thread};
use std::time::{Duration, Instant};

/// How long an idle helper spins before it parks (and how long the caller spins before yielding).
const SPIN: Duration = Duration::from_micros(200);

type Job = &'static (dyn Fn(usize) + Sync);

struct Shared {
    /// Bumped once per job (and once to stop); helpers wait for it to change.
    generation: AtomicU64,
    /// Helpers that finished the current job.
    done: AtomicUsize,
    /// The current job; written by the caller before `generation` is bumped, read by helpers after.
    job: UnsafeCell<Option<Job>>,
    stop: AtomicBool,
    sleeping: Vec<AtomicBool>,
    panic: Mutex<Option<Box<dyn Any + Send>>>,
}

// SAFETY: `job` is written only by the caller while no helper reads it (before the generation bump that
// publishes it with release ordering, after every helper reported done with release ordering) and read by
// helpers only between those two points.
unsafe impl Sync for Shared {}

/// T threads (the caller and T−1 helpers) that run one job over shares 0..T at a time.
pub struct Team {
    shared: Arc<Shared>,
    helpers: Vec<(Thread, JoinHandle<()>)>,
}

impl std::fmt::Debug for Team {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Team").field("threads", &self.threads()).finish()
    }
}

/// A raw pointer that may cross threads: [`Team::for_each`] hands element i to exactly one thread.
struct Items<T>(*mut T);
// SAFETY: each element is reached by one thread only, and `T: Send`.
unsafe impl<T: Send> Sync for Items<T> {}

impl Team {
    /// A team of `threads` (≥ 1) threads; helpers are named `{name}-1`, `{name}-2`, ….
    pub fn new(threads: usize, name: &str) -> std::io::Result<Self> {
        let threads = threads.max(1);
        let shared = Arc::new(Shared {
            generation: AtomicU64::new(0),
            done: AtomicUsize::new(0),
            job: UnsafeCell::new(None),
            stop: AtomicBool::new(false),
            sleeping: (1..threads).map(|_| AtomicBool::new(false)).collect(),
            panic: Mutex::new(None),
        });
        let mut team = Team { shared, helpers: Vec::with_capacity(threads - 1) };
        for i in 1..threads {
            let sh = Arc::clone(&team.shared);
            let handle = thread::Builder::new().name(format!("{name}-{i}")).spawn(move || helper(&sh, i))?;
            team.helpers.push((handle.thread().clone(), handle));
        }
        Ok(team)
    }

    /// Threads in the team, the caller included.
    pub fn threads(&self) -> usize {
        self.helpers.len() + 1
    }

    /// Runs `f(i, &mut items[i])` for every i, item i on thread i (item 0 on the caller), and returns when
    /// all are done. A panic in any share is re-raised here after every share has finished.
    ///
    /// # Panics
    /// If `items.len()` is not [`Team::threads`], or re-raising a share's panic.
    pub fn for_each<T: Send>(&mut self, items: &mut [T], f: impl Fn(usize, &mut T) + Sync) {
        assert_eq!(items.len(), self.threads(), "one item per thread");
        let base = Items(items.as_mut_ptr());
        let base = &base;
        // SAFETY: i < items.len() and share i runs on one thread only, so the &mut are disjoint.
        let call = move |i: usize| f(i, unsafe { &mut *base.0.add(i) });
        self.run(&call);
    }

    fn run(&mut self, job: &(dyn Fn(usize) + Sync)) {
        if self.helpers.is_empty() {
            return job(0);
        }
        let sh = &*self.shared;
        // SAFETY: the reference is erased to 'static only while this call blocks: every helper reports done
        // (below, even when a share panics) before `job` goes out of scope, and the slot is cleared then.
        let erased: Job = unsafe { std::mem::transmute::<&(dyn Fn(usize) + Sync), Job>(job) };
        // SAFETY: no helper reads the slot now (all reported done for the previous generation).
        unsafe { *sh.job.get() = Some(erased) };
        sh.done.store(0, Ordering::Relaxed);
        sh.generation.fetch_add(1, Ordering::SeqCst);
        for (i, (t, _)) in self.helpers.iter().enumerate() {
            if sh.sleeping[i].load(Ordering::SeqCst) {
                t.unpark();
            }
        }
        let mine = catch_unwind(AssertUnwindSafe(|| job(0)));
        let helpers = self.helpers.len();
        let start = Instant::now();
        let mut spins = 0u32;
        while sh.done.load(Ordering::Acquire) < helpers {
            spins = spins.wrapping_add(1);
            if !spins.is_multiple_of(64) || start.elapsed() < SPIN {
                std::hint::spin_loop();
            } else {
                thread::yield_now();
            }
        }
        // SAFETY: every helper is done with this generation's job.
        unsafe { *sh.job.get() = None };
        let theirs = sh.panic.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        if let Err(p) = mine {
            resume_unwind(p);
        }
        if let Some(p) = theirs {
            resume_unwind(p);
        }
    }
}

fn helper(sh: &Shared, i: usize) {
    let mut seen = 0u64;
    loop {
        let start = Instant::now();
        let mut spins = 0u32;
        loop {
            let g = sh.generation.load(Ordering::Acquire);
            if g != seen {
                seen = g;
                break;
            }
            spins = spins.wrapping_add(1);
            if !spins.is_multiple_of(64) || start.elapsed() < SPIN {
                std::hint::spin_loop();
                continue;
            }
            sh.sleeping[i - 1].store(true, Ordering::SeqCst);
            if sh.generation.load(Ordering::SeqCst) == seen {
                thread::park();
            }
            sh.sleeping[i - 1].store(false, Ordering::SeqCst);
        }
        if sh.stop.load(Ordering::Acquire) {
            return;
        }
        // SAFETY: the caller published the job before bumping the generation and clears it only after this
        // helper reports done.
        if let Some(job) = unsafe { *sh.job.get() }
            && let Err(p) = catch_unwind(AssertUnwindSafe(|| job(i)))
        {
            *sh.panic.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(p);
        }
        sh.done.fetch_add(1, Ordering::Release);
    }
}

impl Drop for Team {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Release);
        self.shared.generation.fetch_add(1, Ordering::SeqCst);
        for (t, h) in self.helpers.drain(..) {
            t.unpark();
            let _ = h.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_share_runs_once_on_its_own_item() {
        for threads in [1, 2, 3, 5] {
            let mut team = Team::new(threads, "t").unwrap();
            for round in 0..200usize {
                let mut items: Vec<Vec<usize>> = vec![Vec::new(); threads];
                team.for_each(&mut items, |i, v| v.push(i * 1000 + round));
                let want: Vec<Vec<usize>> = (0..threads).map(|i| vec![i * 1000 + round]).collect();
                assert_eq!(items, want);
            }
        }
    }

    #[test]
    fn helpers_wake_after_parking() {
        let mut team = Team::new(2, "t").unwrap();
        for _ in 0..3 {
            thread::sleep(SPIN * 5);
            let mut items = [0u64; 2];
            team.for_each(&mut items, |i, x| *x = (i as u64 + 1) * 7);
            assert_eq!(items, [7, 14]);
        }
    }

    #[test]
    fn a_helper_panic_reaches_the_caller_and_the_team_goes_on() {
        let mut team = Team::new(2, "t").unwrap();
        let mut items = [0u8; 2];
        let r = catch_unwind(AssertUnwindSafe(|| {
            team.for_each(&mut items, |i, _| assert!(i != 1, "share one fails"));
        }));
        let msg = r.expect_err("the panic is re-raised");
        assert_eq!(msg.downcast_ref::<&str>().copied(), Some("share one fails"));
        team.for_each(&mut items, |i, x| *x = i as u8 + 1);
        assert_eq!(items, [1, 2]);
    }
}
