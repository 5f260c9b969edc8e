//! Small Markov chains with exactly known answers, for tests and benchmarks
//! (`level` = number of failed components, as `bfb` expects).

use crate::analytic::ctmc::Chain;

/// k-of-n birth-death chain with r crews; state = number failed = level.
pub fn bd(n: usize, k: usize, r: usize, lam: f64, mu: f64) -> (Chain, Vec<u32>) {
    let mut t = Vec::new();
    for j in 0..=n {
        if j < n {
            t.push((j, j + 1, (n - j) as f64 * lam));
        }
        if j > 0 {
            t.push((j, j - 1, j.min(r) as f64 * mu));
        }
    }
    let up = (0..=n).map(|j| j <= n - k).collect();
    (Chain::new(n + 1, 0, up, t), (0..=n as u32).collect())
}

/// `zones` zones of `per` instances each; instances fail/repair independently
/// (r = ∞), zones fail/repair independently; an instance serves only while its
/// zone is up; the service needs `k` serving instances. Level = zones down +
/// instances failed.
pub fn zones(
    zones: usize,
    per: usize,
    k: usize,
    (lam, mu): (f64, f64),
    (lz, mz): (f64, f64),
) -> (Chain, Vec<u32>) {
    let local = 2 * (per + 1); // (zone down?, failed count)
    let n = local.pow(zones as u32);
    let decode = |s: usize| -> Vec<(usize, usize)> {
        let mut v = Vec::new();
        let mut s = s;
        for _ in 0..zones {
            let l = s % local;
            s /= local;
            v.push((l / (per + 1), l % (per + 1)));
        }
        v
    };
    let encode = |v: &[(usize, usize)]| -> usize {
        v.iter()
            .rev()
            .fold(0, |acc, &(d, m)| acc * local + d * (per + 1) + m)
    };
    let mut t = Vec::new();
    let mut up = Vec::new();
    let mut level = Vec::new();
    for s in 0..n {
        let v = decode(s);
        let serving: usize = v.iter().filter(|z| z.0 == 0).map(|z| per - z.1).sum();
        up.push(serving >= k);
        level.push(v.iter().map(|z| (z.0 + z.1) as u32).sum());
        for i in 0..zones {
            let (d, m) = v[i];
            let mut w = v.clone();
            if m < per {
                w[i] = (d, m + 1);
                t.push((s, encode(&w), (per - m) as f64 * lam));
            }
            if m > 0 {
                w[i] = (d, m - 1);
                t.push((s, encode(&w), m as f64 * mu));
            }
            w[i] = (1 - d, m);
            t.push((s, encode(&w), if d == 0 { lz } else { mz }));
        }
    }
    (Chain::new(n, 0, up, t), level)
}

/// 1-of-n with r crews and a β-factor common cause: each up unit fails alone at
/// (1−β)λ, and at rate βλ one event fails every up unit at once.
pub fn common_cause(n: usize, r: usize, lam: f64, beta: f64, mu: f64) -> (Chain, Vec<u32>) {
    let mut t = Vec::new();
    for j in 0..=n {
        if j < n {
            t.push((j, j + 1, (n - j) as f64 * (1.0 - beta) * lam));
            t.push((j, n, beta * lam));
        }
        if j > 0 {
            t.push((j, j - 1, j.min(r) as f64 * mu));
        }
    }
    let up = (0..=n).map(|j| j < n).collect();
    (Chain::new(n + 1, 0, up, t), (0..=n as u32).collect())
}
