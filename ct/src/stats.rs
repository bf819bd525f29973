//! Welch's t-test, and the battery of tests dudect runs over one set of timings.
//!
//! dudect (Reparaz, Balasch, Verbauwhede, "Dude, is my code constant time?", 2017) decides
//! whether the timing distributions of two input classes differ with Welch's t statistic.
//! It runs the test on the raw timings, on timings cropped at a series of percentiles (the
//! upper tail of a timing distribution is mostly interrupts and other noise, which hides a
//! small shift of the body), and a second-order test on the squared deviations from each
//! class's mean (which sees a difference of spread). The statistic reported is the largest
//! |t| of the battery; |t| above 10 is strong evidence of a timing difference.

/// The two input classes of a measurement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    /// The first class (for example: equal digests).
    A = 0,
    /// The second class (for example: digests that differ at byte 0).
    B = 1,
}

impl Class {
    /// The class as an index, `0` for [`Class::A`] and `1` for [`Class::B`].
    ///
    /// ```
    /// assert_eq!(picket_ct::stats::Class::B.index(), 1);
    /// ```
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// Count, mean and sample variance of one class.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Moments {
    /// Number of values.
    pub count: u64,
    /// Arithmetic mean (0 when there are no values).
    pub mean: f64,
    /// Sample variance, with the n - 1 denominator (0 when there are fewer than 2 values).
    pub variance: f64,
}

impl Moments {
    /// Moments from exact integer sums: `count` values whose sum is `sum` and whose sum of
    /// squares is `sum_sq`. Integer sums make the variance exact up to the final division,
    /// with no cancellation however many values there are.
    ///
    /// ```
    /// // 1, 2, 3: mean 2, variance 1.
    /// let m = picket_ct::stats::Moments::from_sums(3, 6, 14);
    /// assert_eq!((m.mean, m.variance), (2.0, 1.0));
    /// ```
    pub fn from_sums(count: u64, sum: u128, sum_sq: u128) -> Moments {
        if count == 0 {
            return Moments::default();
        }
        let n = u128::from(count);
        let mean = sum as f64 / count as f64;
        let variance = if count < 2 {
            0.0
        } else {
            // n * sum_sq >= sum^2 by Cauchy-Schwarz, so this never underflows.
            let numerator = n * sum_sq - sum * sum;
            numerator as f64 / (count as f64 * (count - 1) as f64)
        };
        Moments {
            count,
            mean,
            variance,
        }
    }

    /// Moments of floating-point values, by Welford's running algorithm.
    ///
    /// ```
    /// let m = picket_ct::stats::Moments::of(&[2.0, 4.0, 6.0]);
    /// assert_eq!((m.count, m.mean, m.variance), (3, 4.0, 4.0));
    /// ```
    pub fn of(values: &[f64]) -> Moments {
        let mut count = 0u64;
        let mut mean = 0.0;
        let mut m2 = 0.0;
        for &x in values {
            count += 1;
            let delta = x - mean;
            mean += delta / count as f64;
            m2 += delta * (x - mean);
        }
        Moments {
            count,
            mean,
            variance: if count < 2 {
                0.0
            } else {
                m2 / (count - 1) as f64
            },
        }
    }
}

/// Welch's t statistic of two samples: `(mean_a - mean_b) / sqrt(var_a/n_a + var_b/n_b)`.
///
/// `None` when a sample has fewer than two values. When both variances are zero, the
/// statistic is 0 for equal means and infinite otherwise.
///
/// ```
/// use picket_ct::stats::{welch_t, Moments};
/// let a = Moments::of(&[1.0, 2.0, 3.0, 4.0, 5.0]);
/// let b = Moments::of(&[2.0, 4.0, 6.0, 8.0, 10.0]);
/// let t = welch_t(&a, &b).unwrap();
/// assert!((t + 1.897_366_596_101_027_5).abs() < 1e-12);
/// ```
pub fn welch_t(a: &Moments, b: &Moments) -> Option<f64> {
    if a.count < 2 || b.count < 2 {
        return None;
    }
    let diff = a.mean - b.mean;
    let se2 = a.variance / a.count as f64 + b.variance / b.count as f64;
    if se2 == 0.0 {
        return Some(if diff == 0.0 {
            0.0
        } else {
            f64::INFINITY.copysign(diff)
        });
    }
    Some(diff / se2.sqrt())
}

/// Which test of the battery a statistic comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TestKind {
    /// All timings.
    Raw,
    /// Only the timings below the pooled `percentile` (a fraction in 0..1) of all timings.
    Cropped {
        /// The crop point, as a fraction of the pooled timings kept.
        percentile: f64,
    },
    /// Squared deviations from each class's mean: a difference of spread.
    SecondOrder,
}

impl core::fmt::Display for TestKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            TestKind::Raw => f.write_str("raw"),
            TestKind::Cropped { percentile } => write!(f, "crop p{:.1}", percentile * 100.0),
            TestKind::SecondOrder => f.write_str("2nd order"),
        }
    }
}

/// One test of the battery and its statistic.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TestResult {
    /// Which test.
    pub kind: TestKind,
    /// Welch's t (class A minus class B).
    pub t: f64,
    /// How many timings of each class the test used.
    pub counts: [u64; 2],
}

/// The outcome of the whole battery on one set of timings.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// Every test that had enough timings in both classes, raw first.
    pub tests: Vec<TestResult>,
    /// Moments of the raw timings of class A and class B.
    pub raw: [Moments; 2],
    /// Median raw timing of class A and class B (0 for an empty class).
    pub median: [u64; 2],
}

impl Analysis {
    /// The test with the largest |t|, if any test had enough timings.
    ///
    /// ```
    /// use picket_ct::stats::{analyze, Class};
    /// let classes: Vec<Class> = (0..400).map(|i| if i % 2 == 0 { Class::A } else { Class::B }).collect();
    /// let times: Vec<u64> = (0..400).map(|i| 100 + (i % 7) + if i % 2 == 0 { 0 } else { 50 }).collect();
    /// let worst = analyze(&classes, &times, 10).worst().unwrap();
    /// assert!(worst.t.abs() > 10.0);
    /// ```
    pub fn worst(&self) -> Option<TestResult> {
        self.tests
            .iter()
            .copied()
            .max_by(|x, y| x.t.abs().total_cmp(&y.t.abs()))
    }
}

/// Number of crop points, as in dudect.
pub const CROPS: usize = 100;

/// The crop points dudect uses: `1 - 0.5^(10 (i + 1) / 100)` for `i` in `0..100`, from
/// about 6.7 % (only the fastest timings) up to 99.9 %, denser near the top.
///
/// ```
/// let p = picket_ct::stats::crop_percentiles();
/// assert!((p[0] - 0.066_967).abs() < 1e-6 && p[99] > 0.999 && p[99] < 1.0);
/// ```
pub fn crop_percentiles() -> [f64; CROPS] {
    core::array::from_fn(|i| 1.0 - 0.5f64.powf(10.0 * (i + 1) as f64 / CROPS as f64))
}

/// Runs dudect's battery on timings `times[i]` of class `classes[i]`: the raw test, one test
/// per crop point of [`crop_percentiles`] (keeping timings strictly below the pooled
/// percentile value), and the second-order test on the raw timings. A test counts only when
/// each class keeps at least `min_per_class` timings.
///
/// # Panics
/// If `classes` and `times` have different lengths.
///
/// ```
/// use picket_ct::stats::{analyze, Class};
/// let classes = [Class::A, Class::B, Class::A, Class::B];
/// let analysis = analyze(&classes, &[10, 10, 11, 11], 2);
/// assert_eq!(analysis.tests[0].t, 0.0);
/// ```
pub fn analyze(classes: &[Class], times: &[u64], min_per_class: u64) -> Analysis {
    assert_eq!(classes.len(), times.len(), "one class per timing");
    let mut by_class: [Vec<u64>; 2] = [Vec::new(), Vec::new()];
    for (&c, &t) in classes.iter().zip(times) {
        by_class[c.index()].push(t);
    }
    for v in &mut by_class {
        v.sort_unstable();
    }
    let mut pooled = times.to_vec();
    pooled.sort_unstable();

    let enough = |counts: [u64; 2]| counts.iter().all(|&n| n >= min_per_class.max(2));
    let mut tests = Vec::with_capacity(CROPS + 2);

    // Raw.
    let raw = [0, 1].map(|c| {
        let (n, s, q) = sums(&by_class[c]);
        Moments::from_sums(n, s, q)
    });
    if enough([raw[0].count, raw[1].count]) {
        if let Some(t) = welch_t(&raw[0], &raw[1]) {
            tests.push(TestResult {
                kind: TestKind::Raw,
                t,
                counts: [raw[0].count, raw[1].count],
            });
        }
    }

    // Cropped: the sorted classes are walked once, thresholds ascending.
    if !pooled.is_empty() {
        let mut acc = [(0usize, 0u128, 0u128); 2];
        for p in crop_percentiles() {
            let index = ((p * pooled.len() as f64) as usize).min(pooled.len() - 1);
            let threshold = pooled[index];
            let m = [0, 1].map(|c| {
                let (ref mut i, ref mut s, ref mut q) = acc[c];
                let v = &by_class[c];
                while *i < v.len() && v[*i] < threshold {
                    let x = u128::from(v[*i]);
                    *s += x;
                    *q += x * x;
                    *i += 1;
                }
                Moments::from_sums(*i as u64, *s, *q)
            });
            let counts = [m[0].count, m[1].count];
            if enough(counts) {
                if let Some(t) = welch_t(&m[0], &m[1]) {
                    tests.push(TestResult {
                        kind: TestKind::Cropped { percentile: p },
                        t,
                        counts,
                    });
                }
            }
        }
    }

    // Second order: squared deviation from the class's own mean.
    let second = [0, 1].map(|c| {
        let mean = raw[c].mean;
        let dev: Vec<f64> = by_class[c]
            .iter()
            .map(|&x| (x as f64 - mean).powi(2))
            .collect();
        Moments::of(&dev)
    });
    if enough([second[0].count, second[1].count]) {
        if let Some(t) = welch_t(&second[0], &second[1]) {
            tests.push(TestResult {
                kind: TestKind::SecondOrder,
                t,
                counts: [second[0].count, second[1].count],
            });
        }
    }

    let median = [0, 1].map(|c| by_class[c].get(by_class[c].len() / 2).copied().unwrap_or(0));
    Analysis { tests, raw, median }
}

/// Count, sum and sum of squares of `v`, exactly.
fn sums(v: &[u64]) -> (u64, u128, u128) {
    v.iter().fold((0, 0, 0), |(n, s, q), &x| {
        let x = u128::from(x);
        (n + 1, s + x, q + x * x)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn welch_known_values() {
        // Equal sizes: means 3 and 6, variances 2.5 and 10: t = -3 / sqrt(0.5 + 2).
        let a = Moments::of(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        let b = Moments::of(&[2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(
            (a.mean, a.variance, b.mean, b.variance),
            (3.0, 2.5, 6.0, 10.0)
        );
        assert!(close(welch_t(&a, &b).unwrap(), -1.897_366_596_101_027_5));
        assert!(close(welch_t(&b, &a).unwrap(), 1.897_366_596_101_027_5));

        // Unequal sizes: means 12 and 3.5, variances 4 and 3.5:
        // t = 8.5 / sqrt(4/3 + 3.5/6) = 8.5 / sqrt(23/12).
        let a = Moments::of(&[10.0, 12.0, 14.0]);
        let b = Moments::of(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert!(close(welch_t(&a, &b).unwrap(), 6.139_678_507_374_229));
        assert!(close(
            welch_t(&a, &b).unwrap(),
            8.5 / (23.0f64 / 12.0).sqrt()
        ));

        // Degenerate inputs.
        assert_eq!(welch_t(&Moments::of(&[1.0]), &b), None);
        let flat = Moments::of(&[7.0, 7.0, 7.0]);
        assert_eq!(welch_t(&flat, &flat), Some(0.0));
        assert_eq!(
            welch_t(&flat, &Moments::of(&[8.0, 8.0])),
            Some(f64::NEG_INFINITY)
        );
    }

    #[test]
    fn integer_sums_match_welford() {
        let values: Vec<u64> = (0..10_000u64).map(|i| 1_000 + (i * 7919) % 613).collect();
        let s: u128 = values.iter().map(|&x| u128::from(x)).sum();
        let q: u128 = values.iter().map(|&x| u128::from(x) * u128::from(x)).sum();
        let exact = Moments::from_sums(values.len() as u64, s, q);
        let floats: Vec<f64> = values.iter().map(|&x| x as f64).collect();
        let welford = Moments::of(&floats);
        assert_eq!(exact.count, welford.count);
        assert!(close(exact.mean, welford.mean));
        assert!(close(exact.variance, welford.variance));
        assert_eq!(sums(&[1, 2, 3, 9]), (4, 15, 95));
    }

    /// Class A and class B timings from the same deterministic pattern.
    fn interleaved(n: usize, a: impl Fn(usize) -> u64, b: impl Fn(usize) -> u64) -> Analysis {
        let mut classes = Vec::new();
        let mut times = Vec::new();
        for i in 0..n {
            // A fixed but irregular interleaving.
            let class = if (i * 2_654_435_761) % 7 < 3 {
                Class::A
            } else {
                Class::B
            };
            classes.push(class);
            times.push(match class {
                Class::A => a(i),
                Class::B => b(i),
            });
        }
        analyze(&classes, &times, 100)
    }

    #[test]
    fn battery_same_distribution_is_quiet() {
        let noise = |i: usize| 1_000 + ((i * 48_271) % 97) as u64;
        let analysis = interleaved(50_000, noise, noise);
        assert_eq!(analysis.tests[0].kind, TestKind::Raw);
        assert!(analysis.tests.len() > 50);
        let worst = analysis.worst().unwrap();
        assert!(worst.t.abs() < 10.0, "{worst:?}");
    }

    #[test]
    fn battery_sees_a_small_shift() {
        // B is 3 units slower than A, under noise of spread ~97, plus rare huge outliers in
        // both classes that swamp the raw test; the cropped tests must still see the shift.
        let noise = |i: usize| {
            let outlier = if i % 50 == 0 { 1_000_000 } else { 0 };
            1_000 + ((i * 48_271) % 97) as u64 + outlier
        };
        let analysis = interleaved(200_000, noise, |i| noise(i) + 3);
        let raw = analysis.tests[0];
        assert!(raw.t.abs() < 10.0, "{raw:?}");
        let worst = analysis.worst().unwrap();
        assert!(matches!(worst.kind, TestKind::Cropped { .. }), "{worst:?}");
        assert!(worst.t < -10.0, "{worst:?}");
    }

    #[test]
    fn battery_sees_a_spread_difference() {
        // Same mean, B twice as spread: only the second-order test sees it.
        let a = |i: usize| 1_000 + ((i * 48_271) % 101) as u64;
        let b = |i: usize| 950 + 2 * ((i * 48_271) % 101) as u64;
        let analysis = interleaved(100_000, a, b);
        let second = analysis
            .tests
            .iter()
            .find(|t| t.kind == TestKind::SecondOrder)
            .unwrap();
        assert!(second.t < -10.0, "{second:?}");
        assert!(analysis.tests[0].t.abs() < 10.0, "{:?}", analysis.tests[0]);
    }

    #[test]
    fn tests_below_the_minimum_are_dropped() {
        let classes = [Class::A, Class::A, Class::A, Class::B];
        let analysis = analyze(&classes, &[1, 2, 3, 4], 2);
        assert!(analysis.tests.is_empty());
        assert_eq!(analysis.worst(), None);
        assert_eq!(analysis.raw[0].count, 3);
        assert_eq!(analysis.median, [2, 4]);
    }
}
