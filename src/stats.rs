//! Streaming, mergeable accumulators and the statistics drawn from them: no I/O.
//!
//! Every per-timeline figure is added as an integer (a fixed-point fraction of the
//! horizon, or a count), so merging is exact integer addition: associative and
//! commutative. Results are therefore bit-identical whatever the thread count,
//! the order in which rayon combines chunks, or how timelines are split into
//! shards. Memory does not grow with the number of timelines.

use crate::results::{DurationStats, Estimate, HistBin, SurvivalPoint};

/// Fixed-point scale for fractions in [0, 1]: 2^40 (resolution 9e-13 of the horizon).
pub const FP: f64 = (1u64 << 40) as f64;
/// Duration histogram: log bins from 1 ms, `PER_DECADE` per decade, `DECADES` decades.
pub const PER_DECADE: usize = 40;
pub const DECADES: usize = 13;
pub const DUR_BINS: usize = PER_DECADE * DECADES;
const DUR_MIN: f64 = 1e-3;
/// Survival curve grid points over [0, horizon].
pub const SURV_POINTS: usize = 200;

/// Sum and sum of squares of integer samples.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Moment {
    pub s1: u128,
    pub s2: u128,
}

impl Moment {
    #[inline]
    pub fn add(&mut self, q: u64) {
        self.s1 += q as u128;
        self.s2 += (q as u128) * (q as u128);
    }
    pub fn merge(&mut self, o: &Moment) {
        self.s1 += o.s1;
        self.s2 += o.s2;
    }
    /// Mean and 95% CI of the samples, each divided by `scale`.
    /// CI: mean ± t_{0.975,n-1} · s/√n across timelines (MODELS.md §9).
    pub fn estimate(&self, n: u64, scale: f64) -> Estimate {
        if n == 0 {
            return Estimate {
                mean: f64::NAN,
                lo: f64::NAN,
                hi: f64::NAN,
            };
        }
        let nf = n as f64;
        let s1 = self.s1 as f64;
        let mean = s1 / nf;
        let var = if n > 1 {
            ((self.s2 as f64 - s1 * mean) / (nf - 1.0)).max(0.0)
        } else {
            0.0
        };
        let half = if n > 1 {
            t975(n - 1) * (var / nf).sqrt()
        } else {
            f64::INFINITY
        };
        Estimate {
            mean: mean / scale,
            lo: (mean - half) / scale,
            hi: (mean + half) / scale,
        }
    }
    /// Standard error of the mean, divided by `scale`.
    pub fn std_error(&self, n: u64, scale: f64) -> f64 {
        if n < 2 {
            return f64::INFINITY;
        }
        let nf = n as f64;
        let s1 = self.s1 as f64;
        let var = ((self.s2 as f64 - s1 * s1 / nf) / (nf - 1.0)).max(0.0);
        (var / nf).sqrt() / scale
    }
}

/// Converts a fraction in [0, 1] to fixed point.
#[inline]
pub fn fixed(frac: f64) -> u64 {
    (frac.clamp(0.0, 1.0) * FP).round() as u64
}

/// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom
/// (Cornish–Fisher expansion around the normal quantile; error < 1e-4 for df >= 3).
pub fn t975(df: u64) -> f64 {
    const Z: f64 = 1.959_963_984_540_054;
    match df {
        0 => f64::INFINITY,
        1 => 12.706_204_736,
        2 => 4.302_652_730,
        _ => {
            let v = df as f64;
            let z3 = Z.powi(3);
            let z5 = Z.powi(5);
            let z7 = Z.powi(7);
            Z + (z3 + Z) / (4.0 * v)
                + (5.0 * z5 + 16.0 * z3 + 3.0 * Z) / (96.0 * v * v)
                + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * Z) / (384.0 * v * v * v)
        }
    }
}

/// Wilson score interval (95%) for `k` successes in `n` trials (Wilson 1927).
pub fn wilson(k: u64, n: u64) -> Estimate {
    if n == 0 {
        return Estimate {
            mean: f64::NAN,
            lo: 0.0,
            hi: 1.0,
        };
    }
    let z = 1.959_963_984_540_054f64;
    let nf = n as f64;
    let p = k as f64 / nf;
    let z2 = z * z;
    let denom = 1.0 + z2 / nf;
    let centre = (p + z2 / (2.0 * nf)) / denom;
    let half = z * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
    Estimate {
        mean: p,
        lo: (centre - half).max(0.0),
        hi: (centre + half).min(1.0),
    }
}

/// Index of the log-spaced duration bin holding `d` seconds.
#[inline]
pub fn dur_bin(d: f64) -> usize {
    if d <= DUR_MIN {
        return 0;
    }
    let b = ((d / DUR_MIN).log10() * PER_DECADE as f64) as usize;
    b.min(DUR_BINS - 1)
}

/// Lower edge (seconds) of duration bin `b`.
pub fn dur_edge(b: usize) -> f64 {
    DUR_MIN * 10f64.powf(b as f64 / PER_DECADE as f64)
}

/// Everything accumulated over a set of timelines.
#[derive(Clone, Debug, PartialEq)]
pub struct Acc {
    pub n: u64,
    pub events: u64,
    /// Service downtime, fixed-point fraction of the horizon.
    pub down: Moment,
    pub degraded: Moment,
    /// Time integral of the share of failed requests, fixed-point fraction.
    pub req_loss: Moment,
    /// Outage count per timeline.
    pub outages: Moment,
    pub failovers: Moment,
    /// Lost writes (seconds of writes), fixed-point fraction of the horizon.
    pub lost: Moment,
    pub tier_down: Vec<Moment>,
    /// Downtime per cause, fixed-point fraction of the horizon, summed.
    pub cause: Vec<u128>,
    /// Timelines with at least one outage.
    pub had_outage: u64,
    pub dur_hist: Vec<u64>,
    /// Sum of outage durations in microseconds.
    pub dur_sum_us: u128,
    pub dur_max: f64,
    /// `first[j]`: timelines whose first outage began in grid cell j
    /// (cell j covers (t_{j}, t_{j+1}] with t_j = j·H/SURV_POINTS).
    pub first: Vec<u64>,
    pub deploys_started: u64,
    pub deploys_bad: u64,
    pub deploys_skipped: u64,
}

impl Acc {
    pub fn new(tiers: usize, causes: usize) -> Acc {
        Acc {
            n: 0,
            events: 0,
            down: Moment::default(),
            degraded: Moment::default(),
            req_loss: Moment::default(),
            outages: Moment::default(),
            failovers: Moment::default(),
            lost: Moment::default(),
            tier_down: vec![Moment::default(); tiers],
            cause: vec![0; causes],
            had_outage: 0,
            dur_hist: vec![0; DUR_BINS],
            dur_sum_us: 0,
            dur_max: 0.0,
            first: vec![0; SURV_POINTS],
            deploys_started: 0,
            deploys_bad: 0,
            deploys_skipped: 0,
        }
    }

    /// Adds `o` into `self`: exact, order-independent.
    pub fn merge(&mut self, o: &Acc) {
        self.n += o.n;
        self.events += o.events;
        self.down.merge(&o.down);
        self.degraded.merge(&o.degraded);
        self.req_loss.merge(&o.req_loss);
        self.outages.merge(&o.outages);
        self.failovers.merge(&o.failovers);
        self.lost.merge(&o.lost);
        for (a, b) in self.tier_down.iter_mut().zip(&o.tier_down) {
            a.merge(b);
        }
        for (a, b) in self.cause.iter_mut().zip(&o.cause) {
            *a += b;
        }
        self.had_outage += o.had_outage;
        for (a, b) in self.dur_hist.iter_mut().zip(&o.dur_hist) {
            *a += b;
        }
        self.dur_sum_us += o.dur_sum_us;
        self.dur_max = self.dur_max.max(o.dur_max);
        for (a, b) in self.first.iter_mut().zip(&o.first) {
            *a += b;
        }
        self.deploys_started += o.deploys_started;
        self.deploys_bad += o.deploys_bad;
        self.deploys_skipped += o.deploys_skipped;
    }

    /// Records one outage of `d` seconds.
    #[inline]
    pub fn add_outage_duration(&mut self, d: f64) {
        self.dur_hist[dur_bin(d)] += 1;
        self.dur_sum_us += (d * 1e6).round() as u128;
        if d > self.dur_max {
            self.dur_max = d;
        }
    }

    /// Outage duration statistics; quantiles interpolate log-linearly inside the
    /// histogram bin (bins are 1/40 decade wide, so within ~6% of the exact value).
    pub fn durations(&self) -> DurationStats {
        let count: u64 = self.dur_hist.iter().sum();
        if count == 0 {
            return DurationStats::default();
        }
        let q = |p: f64| -> f64 {
            let target = p * count as f64;
            let mut cum = 0u64;
            for (b, &c) in self.dur_hist.iter().enumerate() {
                if c > 0 && (cum + c) as f64 >= target {
                    let frac = ((target - cum as f64) / c as f64).clamp(0.0, 1.0);
                    let lo = dur_edge(b);
                    let hi = dur_edge(b + 1);
                    return (lo * (hi / lo).powf(frac)).min(self.dur_max);
                }
                cum += c;
            }
            self.dur_max
        };
        DurationStats {
            count,
            mean: self.dur_sum_us as f64 / 1e6 / count as f64,
            p50: q(0.5),
            p90: q(0.9),
            p99: q(0.99),
            max: self.dur_max,
        }
    }

    /// The histogram regrouped to 5 bins per decade, from the first to the last
    /// non-empty bin.
    pub fn histogram(&self) -> Vec<HistBin> {
        let group = PER_DECADE / 5;
        let mut out = Vec::new();
        for g in 0..DUR_BINS / group {
            let c: u64 = self.dur_hist[g * group..(g + 1) * group].iter().sum();
            out.push(HistBin {
                low_s: dur_edge(g * group),
                high_s: dur_edge((g + 1) * group),
                count: c,
            });
        }
        let first = out.iter().position(|b| b.count > 0);
        let last = out.iter().rposition(|b| b.count > 0);
        match (first, last) {
            (Some(a), Some(b)) => out[a..=b].to_vec(),
            _ => Vec::new(),
        }
    }

    /// P(no outage by t) on the grid, with Wilson intervals.
    pub fn survival(&self, horizon_s: f64) -> Vec<SurvivalPoint> {
        let mut out = Vec::with_capacity(SURV_POINTS + 1);
        let mut cum = 0u64;
        out.push(SurvivalPoint {
            t_h: 0.0,
            p: 1.0,
            lo: 1.0,
            hi: 1.0,
        });
        for (j, &c) in self.first.iter().enumerate() {
            cum += c;
            let w = wilson(self.n - cum, self.n);
            out.push(SurvivalPoint {
                t_h: (j + 1) as f64 * horizon_s / SURV_POINTS as f64 / 3600.0,
                p: w.mean,
                lo: w.lo,
                hi: w.hi,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_models_md() {
        // MODELS.md §9: 7 of 1000 -> [0.003395, 0.014378]; 0 of 1000 -> upper 0.003827.
        let w = wilson(7, 1000);
        assert!(
            (w.lo - 0.003395).abs() < 5e-7 && (w.hi - 0.014378).abs() < 5e-7,
            "{w:?}"
        );
        let w0 = wilson(0, 1000);
        assert!((w0.hi - 0.003827).abs() < 5e-7, "{w0:?}");
    }

    #[test]
    fn t_quantiles() {
        assert!((t975(10) - 2.228_138_85).abs() < 1e-3);
        assert!((t975(30) - 2.042_272_46).abs() < 1e-4);
        assert!((t975(1_000_000) - 1.959_966).abs() < 1e-5);
    }

    #[test]
    fn moment_estimate() {
        let mut m = Moment::default();
        for q in [1u64, 2, 3, 4, 5] {
            m.add(q);
        }
        let e = m.estimate(5, 1.0);
        assert_eq!(e.mean, 3.0);
        // s = sqrt(2.5), t_{0.975,4} = 2.776
        let half = e.hi - e.mean;
        assert!(
            (half - 2.776 * (2.5f64 / 5.0).sqrt()).abs() < 0.01,
            "{half}"
        );
    }

    #[test]
    fn merge_is_order_independent() {
        let mut a = Acc::new(1, 2);
        let mut b = Acc::new(1, 2);
        a.n = 3;
        a.down.add(5);
        a.add_outage_duration(12.0);
        b.n = 4;
        b.down.add(7);
        b.add_outage_duration(3600.0);
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab, ba);
    }

    #[test]
    fn duration_quantiles_close() {
        let mut a = Acc::new(0, 0);
        for i in 1..=1000 {
            a.add_outage_duration(i as f64);
        }
        let d = a.durations();
        assert!((d.p50 / 500.0 - 1.0).abs() < 0.06, "{d:?}");
        assert!((d.p90 / 900.0 - 1.0).abs() < 0.06, "{d:?}");
        assert_eq!(d.max, 1000.0);
        assert!((d.mean - 500.5).abs() < 1e-9);
    }
}

/// Turns accumulated timelines into the reported figures.
pub fn summarize(
    acc: &Acc,
    s: &crate::model::Scenario,
    cause_names: &[String],
    threads: usize,
    elapsed_s: f64,
) -> crate::results::RunSummary {
    use crate::model::YEAR;
    use crate::results::*;
    let n = acc.n;
    let h = s.simulation.horizon;
    let years = h / YEAR;
    let flip = |e: Estimate| Estimate {
        mean: 1.0 - e.mean,
        lo: 1.0 - e.hi,
        hi: 1.0 - e.lo,
    };
    let scale = |e: Estimate, k: f64| Estimate {
        mean: e.mean * k,
        lo: e.lo * k,
        hi: e.hi * k,
    };
    let u = acc.down.estimate(n, FP);
    let outages = acc.outages.estimate(n, 1.0);
    let durations = acc.durations();
    let total_outages = acc.outages.s1 as f64;
    let uptime_h = (1.0 - u.mean) * h * n as f64 / 3600.0;
    let total_cause: u128 = acc.cause.iter().sum();
    let mut causes: Vec<Cause> = cause_names
        .iter()
        .zip(&acc.cause)
        .filter(|(_, &c)| c > 0)
        .map(|(name, &c)| Cause {
            cause: name.clone(),
            downtime_share: c as f64 / total_cause as f64,
            downtime_per_year_s: c as f64 / FP / n as f64 * YEAR,
        })
        .collect();
    causes.sort_by(|a, b| {
        b.downtime_share
            .total_cmp(&a.downtime_share)
            .then(a.cause.cmp(&b.cause))
    });
    let tiers = s
        .tiers
        .iter()
        .zip(&acc.tier_down)
        .map(|(t, m)| {
            (
                t.name.clone(),
                TierSummary {
                    availability: flip(m.estimate(n, FP)),
                },
            )
        })
        .collect();
    RunSummary {
        scenario: s.name.clone(),
        timelines: n,
        horizon_h: h / 3600.0,
        seed: s.simulation.seed,
        threads,
        elapsed_s,
        events: acc.events,
        availability: flip(u),
        request_success: flip(acc.req_loss.estimate(n, FP)),
        downtime_per_year_s: scale(u, YEAR),
        degraded_per_year_s: scale(acc.degraded.estimate(n, FP), YEAR),
        outages_per_year: scale(outages, 1.0 / years),
        outage_duration: durations,
        p_outage_within_horizon: wilson(acc.had_outage, n),
        mtbf_h: if total_outages > 0.0 {
            uptime_h / total_outages
        } else {
            f64::INFINITY
        },
        mttr_h: durations.mean / 3600.0,
        causes,
        tiers,
        data_loss: DataLoss {
            failovers_per_year: scale(acc.failovers.estimate(n, 1.0), 1.0 / years),
            lost_writes_s_per_year: scale(acc.lost.estimate(n, FP), h / years),
        },
        deploys: DeployCounts {
            started_per_year: acc.deploys_started as f64 / n as f64 / years,
            bad_per_year: acc.deploys_bad as f64 / n as f64 / years,
            skipped_per_year: acc.deploys_skipped as f64 / n as f64 / years,
        },
        histogram: acc.histogram(),
        survival: acc.survival(h),
        analytic: Vec::new(),
        rare: None,
    }
}

impl Acc {
    /// A lossless text form (every field as an exact integer; the one float,
    /// `dur_max`, by its bits) for partial results and checkpoints.
    pub fn to_text(&self) -> String {
        let mut v: Vec<String> = vec![
            "acc1".into(),
            self.tier_down.len().to_string(),
            self.cause.len().to_string(),
            self.n.to_string(),
            self.events.to_string(),
        ];
        for m in [
            &self.down,
            &self.degraded,
            &self.req_loss,
            &self.outages,
            &self.failovers,
            &self.lost,
        ]
        .into_iter()
        .chain(self.tier_down.iter())
        {
            v.push(m.s1.to_string());
            v.push(m.s2.to_string());
        }
        v.extend(self.cause.iter().map(|c| c.to_string()));
        v.push(self.had_outage.to_string());
        v.extend(self.dur_hist.iter().map(|c| c.to_string()));
        v.push(self.dur_sum_us.to_string());
        v.push(self.dur_max.to_bits().to_string());
        v.extend(self.first.iter().map(|c| c.to_string()));
        v.push(self.deploys_started.to_string());
        v.push(self.deploys_bad.to_string());
        v.push(self.deploys_skipped.to_string());
        v.join(" ")
    }

    /// Parses [`Acc::to_text`]; `None` on any malformed input.
    pub fn from_text(text: &str) -> Option<Acc> {
        let mut it = text.split_ascii_whitespace();
        if it.next()? != "acc1" {
            return None;
        }
        let mut next = || -> Option<u128> { it.next()?.parse().ok() };
        let tiers = next()? as usize;
        let causes = next()? as usize;
        if tiers > 1 << 20 || causes > 1 << 20 {
            return None;
        }
        let mut a = Acc::new(tiers, causes);
        let u64_ = |x: u128| u64::try_from(x).ok();
        a.n = u64_(next()?)?;
        a.events = u64_(next()?)?;
        let mut moment = |m: &mut Moment| -> Option<()> {
            m.s1 = next()?;
            m.s2 = next()?;
            Some(())
        };
        moment(&mut a.down)?;
        moment(&mut a.degraded)?;
        moment(&mut a.req_loss)?;
        moment(&mut a.outages)?;
        moment(&mut a.failovers)?;
        moment(&mut a.lost)?;
        for m in a.tier_down.iter_mut() {
            moment(m)?;
        }
        for c in a.cause.iter_mut() {
            *c = next()?;
        }
        a.had_outage = u64_(next()?)?;
        for c in a.dur_hist.iter_mut() {
            *c = u64_(next()?)?;
        }
        a.dur_sum_us = next()?;
        a.dur_max = f64::from_bits(u64_(next()?)?);
        for c in a.first.iter_mut() {
            *c = u64_(next()?)?;
        }
        a.deploys_started = u64_(next()?)?;
        a.deploys_bad = u64_(next()?)?;
        a.deploys_skipped = u64_(next()?)?;
        if next().is_some() {
            return None;
        }
        Some(a)
    }
}
