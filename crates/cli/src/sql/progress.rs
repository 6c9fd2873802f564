//! progress: a one-line "elapsed, rows so far" display on stderr while a query streams, drawn only
//! when stderr is a terminal and the query has run for a while; erased before results are written.

use std::io::Write;
use std::time::{Duration, Instant};

/// Queries shorter than this draw nothing.
const DELAY: Duration = Duration::from_millis(500);
/// How often the line is redrawn.
pub const TICK: Duration = Duration::from_millis(200);

/// The progress line of one query.
#[derive(Debug)]
pub struct Progress {
    enabled: bool,
    start: Instant,
    shown: bool,
}

impl Progress {
    /// A progress line that draws only if `enabled` (stderr is a terminal and `--quiet` is off).
    pub fn new(enabled: bool, start: Instant) -> Self {
        Self { enabled, start, shown: false }
    }

    /// Redraws the line with `rows` rows so far.
    pub fn draw(&mut self, rows: usize, err: &mut dyn Write) {
        let elapsed = self.start.elapsed();
        if !self.enabled || elapsed < DELAY {
            return;
        }
        // Erase the line, then write it anew; a failing stderr is not worth failing the query.
        let _ = write!(err, "\r\x1b[2K{:.1} s, {rows} rows so far", elapsed.as_secs_f64());
        let _ = err.flush();
        self.shown = true;
    }

    /// Erases the line if it is shown.
    pub fn clear(&mut self, err: &mut dyn Write) {
        if self.shown {
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.shown = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_after_the_delay_and_erases() {
        let mut err = Vec::new();
        let mut p = Progress::new(true, Instant::now());
        p.draw(5, &mut err);
        assert!(err.is_empty(), "nothing before the delay");
        let mut p = Progress::new(true, Instant::now() - Duration::from_secs(2));
        p.draw(5, &mut err);
        let text = String::from_utf8(err.clone()).unwrap();
        assert!(text.starts_with("\r\x1b[2K2.") && text.ends_with(" s, 5 rows so far"), "{text:?}");
        p.clear(&mut err);
        assert!(err.ends_with(b"rows so far\r\x1b[2K"));
        let mut off = Progress::new(false, Instant::now() - Duration::from_secs(2));
        let mut none = Vec::new();
        off.draw(5, &mut none);
        off.clear(&mut none);
        assert!(none.is_empty(), "disabled: nothing");
    }
}
