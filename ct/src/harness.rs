//! Taking the measurements: a balanced, randomly interleaved schedule of the two classes,
//! and a timed batch of calls per measurement.
//!
//! `std::time::Instant` reads the TSC through the vDSO on Linux x86-64 (1 ns steps, some
//! 20 ns per read), too coarse for one call of a few nanoseconds. So each measurement times
//! a batch of consecutive calls, all of one class, on different freshly generated inputs;
//! the reading overhead is the same for both classes and only adds a constant.

use std::hint::black_box;
use std::time::Instant;

use crate::rng::Rng;
use crate::stats::Class;

/// How many measurements to take, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Measurements of each class (the total is twice this).
    pub per_class: usize,
    /// Calls timed together in one measurement.
    pub batch: usize,
    /// Measurements taken first and thrown away (caches, branch predictors, CPU clock).
    pub warmup: usize,
}

/// The measurements of one case: `times[i]` nanoseconds for a batch of class `classes[i]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timings {
    /// The class of each measurement, in the order taken.
    pub classes: Vec<Class>,
    /// The duration of each measurement's batch, in nanoseconds.
    pub times: Vec<u64>,
}

/// `per_class` of each class in a uniformly random order: every interleaving is equally
/// likely, and both classes get exactly the same number of measurements.
///
/// ```
/// use picket_ct::{harness::schedule, rng::Rng, stats::Class};
/// let s = schedule(1000, &mut Rng::new(1));
/// assert_eq!(s.iter().filter(|&&c| c == Class::A).count(), 1000);
/// assert_eq!(s.len(), 2000);
/// ```
pub fn schedule(per_class: usize, rng: &mut Rng) -> Vec<Class> {
    let mut classes = vec![Class::A; per_class];
    classes.resize(2 * per_class, Class::B);
    rng.shuffle(&mut classes);
    classes
}

/// Bytes of inputs generated ahead of a chunk of measurements: small enough to stay in the
/// L2 cache.
pub const CHUNK_BYTES: usize = 256 * 1024;

/// Measures `op` on the two classes of inputs.
///
/// As dudect does, the measurements are taken in chunks. Before a chunk (untimed), the
/// inputs of all its measurements are generated into one buffer: `generate` returns a pair,
/// one input of each class, and the measurement keeps the one of the class the shuffled
/// [`schedule`] gave it. Then the chunk's measurements are taken back to back, each timing
/// `op` on its `config.batch` inputs; nothing depends on the class between two timings.
/// Every input is fresh (a small pool of reused inputs per class has its own average cost,
/// which differs between the pools by chance: |t| reached 17 between two pools of 512
/// inputs from one generator), and the work of generating does not depend on the class.
/// Inputs and outputs go through [`black_box`] so that the calls are not hoisted, merged or
/// removed; the output is dropped inside the timed region (the same for both classes).
///
/// # Errors
/// When `config.batch` is 0.
///
/// ```
/// use picket_ct::harness::{measure, Config};
/// use picket_ct::rng::Rng;
/// let config = Config { per_class: 100, batch: 4, warmup: 10 };
/// let t = measure(&config, &mut Rng::new(5), |r| [r.next_u64(), 7], |x| x.wrapping_mul(3)).unwrap();
/// assert_eq!(t.times.len(), 200);
/// ```
pub fn measure<I, R>(
    config: &Config,
    rng: &mut Rng,
    mut generate: impl FnMut(&mut Rng) -> [I; 2],
    mut op: impl FnMut(&I) -> R,
) -> Result<Timings, String> {
    let batch = config.batch;
    if batch == 0 {
        return Err("the batch size must be at least 1".into());
    }
    let chunk = (CHUNK_BYTES / (batch * core::mem::size_of::<I>().max(1))).max(1);
    let mut inputs: Vec<I> = Vec::with_capacity(chunk * batch);
    let mut run = |classes: &[Class], times: &mut Vec<u64>, rng: &mut Rng| {
        for classes in classes.chunks(chunk) {
            inputs.clear();
            for &class in classes {
                for _ in 0..batch {
                    let [a, b] = generate(rng);
                    inputs.push(match class {
                        Class::A => a,
                        Class::B => b,
                    });
                }
            }
            for batch_inputs in inputs.chunks_exact(batch) {
                times.push(time_batch(batch_inputs, &mut op));
            }
        }
    };

    let mut discarded = Vec::with_capacity(config.warmup);
    run(
        &schedule(config.warmup.div_ceil(2), rng),
        &mut discarded,
        rng,
    );
    black_box(discarded);

    let classes = schedule(config.per_class, rng);
    let mut times = Vec::with_capacity(classes.len());
    run(&classes, &mut times, rng);
    Ok(Timings { classes, times })
}

/// Nanoseconds taken by `op` on every input of `inputs`.
#[inline(always)]
fn time_batch<I, R>(inputs: &[I], op: &mut impl FnMut(&I) -> R) -> u64 {
    let start = Instant::now();
    for input in inputs {
        black_box(op(black_box(input)));
    }
    u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_is_balanced_and_mixed() {
        let s = schedule(10_000, &mut Rng::new(3));
        assert_eq!(s.iter().filter(|&&c| c == Class::B).count(), 10_000);
        // Not sorted: the number of class changes is near its expectation (n / 2).
        let changes = s.windows(2).filter(|w| w[0] != w[1]).count();
        assert!((9_000..11_000).contains(&changes), "{changes}");
    }

    #[test]
    fn measure_times_each_class_on_its_own_inputs() {
        let mut seen = [0usize; 2];
        let config = Config {
            per_class: 50,
            batch: 3,
            warmup: 0,
        };
        let t = measure(
            &config,
            &mut Rng::new(8),
            |_| [0usize, 1],
            |&x| seen[x] += 1,
        )
        .unwrap();
        assert_eq!(seen, [150, 150]);
        assert_eq!(t.classes.len(), 100);
        assert_eq!(t.times.len(), 100);
        let none = Config { batch: 0, ..config };
        assert!(measure(&none, &mut Rng::new(8), |_| [0, 1], |_| ()).is_err());
    }
}
