//! metrics: per-epoch training and test figures, one-vs-rest ROC curves and their AUC (ties handled as one
//! step, trapezoids), Keras-style test cross-entropy, and the `metrics.json` document.

use serde::{Deserialize, Serialize};

/// Figures of one epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochMetrics {
    /// Epoch number, from 1.
    pub epoch: usize,
    /// Mean training cross-entropy over the epoch (dropout on, weights moving, as Keras reports it).
    pub loss: f64,
    /// Training categorical accuracy over the epoch.
    pub accuracy: f64,
    /// Mean test cross-entropy after the epoch.
    pub test_loss: f64,
    /// Test categorical accuracy after the epoch.
    pub test_accuracy: f64,
    /// Test ROC AUC of each class against the rest (null when the test set lacks a class).
    #[serde(with = "nan_as_null")]
    pub auc: Vec<f64>,
    /// Training events seen.
    pub events: u64,
    /// Wall seconds of the training pass (without the test pass).
    pub seconds: f64,
    /// Training events per second.
    pub events_per_second: f64,
    /// Fraction of sequence steps run after skipping fully padded ones (1.0: none skipped).
    pub steps_kept: f64,
}

/// The `metrics.json` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Model name.
    pub model: String,
    /// Class names, in label order.
    pub classes: Vec<String>,
    /// Worker threads.
    pub threads: usize,
    /// Events per batch.
    pub batch: usize,
    /// Adam learning rate.
    pub learning_rate: f32,
    /// Seed of initialisation, shuffling and dropout.
    pub seed: u64,
    /// Test events.
    pub test_events: u64,
    /// One entry per epoch.
    pub epochs: Vec<EpochMetrics>,
    /// Test AUC per class after the last epoch.
    #[serde(with = "nan_as_null")]
    pub auc: Vec<f64>,
}

/// AUCs in JSON: NaN (a class absent from the test set) as `null`, and back.
mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
        v.iter().map(|x| if x.is_nan() { None } else { Some(*x) }).collect::<Vec<_>>().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        Ok(Vec::<Option<f64>>::deserialize(d)?.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect())
    }
}

/// The class names: `qcd`, `tt`, `wjets` for the reference's three classes, else `class_k`.
pub fn class_names(classes: usize) -> Vec<String> {
    if classes == 3 {
        ["qcd", "tt", "wjets"].iter().map(|s| s.to_string()).collect()
    } else {
        (0..classes).map(|k| format!("class_{k}")).collect()
    }
}

/// ROC curve of `scores` against the binary `positive`: (false-positive rate, true-positive rate) points from
/// (0, 0) to (1, 1), one point per distinct score (descending). `None` when either class is absent.
pub fn roc(scores: &[f32], positive: &[bool]) -> Option<Vec<(f64, f64)>> {
    let p = positive.iter().filter(|&&b| b).count();
    let n = positive.len() - p;
    if p == 0 || n == 0 {
        return None;
    }
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut pts = vec![(0.0, 0.0)];
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut i = 0;
    while i < idx.len() {
        let s = scores[idx[i]];
        while i < idx.len() && scores[idx[i]] == s {
            if positive[idx[i]] {
                tp += 1;
            } else {
                fp += 1;
            }
            i += 1;
        }
        pts.push((fp as f64 / n as f64, tp as f64 / p as f64));
    }
    Some(pts)
}

/// Area under a ROC curve by trapezoids.
pub fn area(points: &[(f64, f64)]) -> f64 {
    points.windows(2).map(|w| (w[1].0 - w[0].0) * (w[1].1 + w[0].1) / 2.0).sum()
}

/// ROC AUC of `scores` against `positive` (NaN when either class is absent).
pub fn auc(scores: &[f32], positive: &[bool]) -> f64 {
    roc(scores, positive).map_or(f64::NAN, |p| area(&p))
}

/// Test figures from probabilities and one-hot labels (both n × classes).
#[derive(Debug, Clone, PartialEq)]
pub struct TestScores {
    /// Test events.
    pub events: usize,
    /// Mean cross-entropy (probabilities clipped to [1e-7, 1 − 1e-7] as Keras does).
    pub loss: f64,
    /// Fraction of events whose arg-max probability is the label's class.
    pub accuracy: f64,
    /// Per-class one-vs-rest AUC.
    pub auc: Vec<f64>,
    /// Per-class ROC curves (empty when the class is absent).
    pub roc: Vec<Vec<(f64, f64)>>,
}

fn argmax(v: &[f32]) -> usize {
    v.iter().enumerate().fold(0, |best, (i, &x)| if x > v[best] { i } else { best })
}

/// Scores `probs` against `labels` for `classes` classes.
pub fn score(probs: &[f32], labels: &[f32], classes: usize) -> TestScores {
    let n = probs.len() / classes.max(1);
    let (mut loss, mut correct) = (0.0f64, 0usize);
    for (p, y) in probs.chunks_exact(classes).zip(labels.chunks_exact(classes)) {
        for (pv, yv) in p.iter().zip(y) {
            if *yv != 0.0 {
                loss -= f64::from(*yv) * f64::from(pv.clamp(1e-7, 1.0 - 1e-7)).ln();
            }
        }
        correct += usize::from(argmax(p) == argmax(y));
    }
    let truth: Vec<usize> = labels.chunks_exact(classes).map(argmax).collect();
    let mut aucs = Vec::new();
    let mut rocs = Vec::new();
    for k in 0..classes {
        let s: Vec<f32> = probs.chunks_exact(classes).map(|p| p[k]).collect();
        let pos: Vec<bool> = truth.iter().map(|&t| t == k).collect();
        let curve = roc(&s, &pos).unwrap_or_default();
        aucs.push(if curve.is_empty() { f64::NAN } else { area(&curve) });
        rocs.push(curve);
    }
    let d = n.max(1) as f64;
    TestScores { events: n, loss: loss / d, accuracy: correct as f64 / d, auc: aucs, roc: rocs }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_worked_examples() {
        // scikit-learn's roc_auc_score doc example: pairs (pos, neg) ranked right: 3 of 4.
        assert_eq!(auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]), 0.75);
        // Perfect and reversed rankings.
        assert_eq!(auc(&[0.9, 0.8, 0.2], &[true, true, false]), 1.0);
        assert_eq!(auc(&[0.1, 0.8, 0.9], &[true, false, false]), 0.0);
        // A tie between a positive and a negative counts one half: pairs (p@.5,n@.5)=½, (p@.5,n@.2)=1,
        // (p@.9,n@.5)=1, (p@.9,n@.2)=1 → 3.5 / 4.
        assert_eq!(auc(&[0.5, 0.5, 0.9, 0.2], &[true, false, true, false]), 0.875);
        assert!(auc(&[0.5, 0.6], &[true, true]).is_nan());
    }

    #[test]
    fn roc_points_of_worked_example() {
        let pts = roc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]).unwrap();
        assert_eq!(pts, vec![(0.0, 0.0), (0.0, 0.5), (0.5, 0.5), (0.5, 1.0), (1.0, 1.0)]);
    }

    #[test]
    fn scores_loss_and_accuracy() {
        let probs = [0.7, 0.2, 0.1, 0.1, 0.1, 0.8];
        let labels = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0];
        let s = score(&probs, &labels, 3);
        let want = -(f64::from(0.7f32).ln() + f64::from(0.1f32).ln()) / 2.0;
        assert!((s.loss - want).abs() < 1e-12);
        assert_eq!(s.accuracy, 0.5);
        assert_eq!(s.auc[0], 1.0);
        assert!(s.auc[2].is_nan());
    }
}
