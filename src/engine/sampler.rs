//! Samplers resolved once per run from `model::Dist`, so the hot loop draws with a
//! `match` on a small enum: no lookups, no allocation, no dynamic dispatch.

use crate::model::Dist;
use rand::Rng;
use rand_distr::{Distribution, Exp1, Gamma, StandardNormal};

/// A ready-to-draw time distribution (seconds).
#[derive(Clone, Debug)]
pub enum Sampler {
    Fixed(f64),
    /// Exponential with this mean: mean * Exp(1) (ziggurat).
    Exp(f64),
    /// Weibull by inversion of Exp(1): scale * E^(1/shape).
    Weibull {
        scale: f64,
        inv_shape: f64,
    },
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    Gamma(Gamma<f64>),
    Uniform {
        min: f64,
        width: f64,
    },
    Empirical(Box<[f64]>),
}

impl Sampler {
    /// Builds the sampler. `Dist` invariants (validated scenario) make every
    /// constructor succeed; a failure here is a validation bug.
    pub fn new(d: &Dist) -> Sampler {
        match d {
            Dist::Fixed(v) => Sampler::Fixed(*v),
            Dist::Exponential { mean } => Sampler::Exp(*mean),
            Dist::Weibull { shape, scale } => Sampler::Weibull {
                scale: *scale,
                inv_shape: 1.0 / shape,
            },
            Dist::LogNormal { mu, sigma } => Sampler::LogNormal {
                mu: *mu,
                sigma: *sigma,
            },
            Dist::Gamma { shape, scale } => Sampler::Gamma(
                Gamma::new(*shape, *scale)
                    .expect("validated gamma parameters are positive and finite"),
            ),
            Dist::Uniform { min, max } => Sampler::Uniform {
                min: *min,
                width: max - min,
            },
            Dist::Empirical(v) => Sampler::Empirical(v.clone().into_boxed_slice()),
        }
    }

    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::Exp(mean) => {
                let e: f64 = Exp1.sample(rng);
                mean * e
            }
            Sampler::Weibull { scale, inv_shape } => {
                let e: f64 = Exp1.sample(rng);
                scale * e.powf(*inv_shape)
            }
            Sampler::LogNormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
            Sampler::Gamma(g) => g.sample(rng),
            Sampler::Uniform { min, width } => min + width * rng.random::<f64>(),
            Sampler::Empirical(v) => v[rng.random_range(0..v.len())],
        }
    }

    /// True when every draw is exactly zero (the stage can be skipped).
    pub fn is_zero(&self) -> bool {
        matches!(self, Sampler::Fixed(v) if *v == 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn mean_of(d: &Dist, n: usize) -> f64 {
        let s = Sampler::new(d);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        (0..n).map(|_| s.sample(&mut rng)).sum::<f64>() / n as f64
    }

    #[test]
    fn sample_means_match_dist_means() {
        let dists = [
            Dist::Exponential { mean: 10.0 },
            Dist::Weibull {
                shape: 0.8,
                scale: 3.0,
            },
            Dist::Weibull {
                shape: 2.0,
                scale: 3.0,
            },
            Dist::LogNormal {
                mu: 1.0,
                sigma: 0.5,
            },
            Dist::Gamma {
                shape: 2.5,
                scale: 2.0,
            },
            Dist::Uniform { min: 1.0, max: 5.0 },
            Dist::Empirical(vec![1.0, 2.0, 6.0]),
            Dist::Fixed(4.0),
        ];
        for d in &dists {
            let m = mean_of(d, 400_000);
            // 400k draws: relative standard error below 0.3% for all of these.
            assert!(
                (m / d.mean() - 1.0).abs() < 0.012,
                "{d:?}: {m} vs {}",
                d.mean()
            );
        }
    }

    /// Pins the first draws for one seed: any change of generator, seeding or
    /// sampling algorithm changes results and must fail here first.
    #[test]
    fn value_stability() {
        let mut rng = crate::engine::timeline_rng(1, 0);
        let s = Sampler::new(&Dist::Exponential { mean: 1.0 });
        let draws: Vec<String> = (0..3)
            .map(|_| format!("{:.12}", s.sample(&mut rng)))
            .collect();
        assert_eq!(draws, PINNED, "RNG stream changed: {draws:?}");
    }
    const PINNED: [&str; 3] = ["0.322770911811", "0.738027403421", "2.101026241414"];
}
