//! Generic solver for finite continuous-time Markov chains built from exponential
//! clocks (MODELS.md §4). Rates are in any consistent unit (the builder uses hours).
//!
//! Methods:
//! - steady state: GTH (Grassmann–Taksar–Heyman) dense elimination for chains of at
//!   most [`DENSE_MAX`] states; above that, Gauss–Seidel on the balance equations with
//!   the all-up probability pinned (the remaining system is the occupation measure of
//!   an excursion from all-up, which converges fast because repairs dominate).
//! - MTTF from all-up: dense GTH-style elimination of `-Q[up,up] m = 1`; above
//!   [`DENSE_MAX`] the regenerative form MTTF = E[min(T_F, τ_0)]/P(T_F < τ_0) with two
//!   Gauss–Seidel solves (both absorb at all-up, so they converge quickly).
//! - finite horizon from all-up: uniformisation in chunks with Poisson-weight
//!   integrals, `∫ p(t) dt = (1/Λ) Σ_k P(N > k) p P^k`. Once `p(t)` has reached the
//!   steady state (L1 < 1e-15) the rest of the integral is `π·(H − t)`; once the
//!   absorbed (no-outage) vector reaches its quasi-stationary shape the survival is
//!   extrapolated geometrically. If the step budget runs out first, the rest of the
//!   integral uses the Poisson-equation tail of MODELS §4,
//!   `∫_T^H p g = πg (H − T) + p(T)·h − p(H)·h` with `p(H)·h ≈ 0` (documented
//!   approximation, exact once the chain has mixed).

/// Largest chain solved with dense O(n³) elimination.
pub const DENSE_MAX: usize = 700;

/// A finite CTMC: off-diagonal rates in CSR form, an up predicate and a start state.
#[derive(Clone, Debug)]
pub struct Chain {
    pub n: usize,
    pub start: usize,
    pub up: Vec<bool>,
    row_ptr: Vec<usize>,
    col: Vec<usize>,
    rate: Vec<f64>,
    /// Total exit rate of each state.
    exit: Vec<f64>,
}

impl Chain {
    /// Builds a chain from `(from, to, rate)` triples; duplicates are summed,
    /// self-loops and zero rates dropped.
    pub fn new(
        n: usize,
        start: usize,
        up: Vec<bool>,
        mut trans: Vec<(usize, usize, f64)>,
    ) -> Chain {
        assert_eq!(up.len(), n);
        trans.retain(|&(i, j, r)| i != j && r > 0.0);
        trans.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        let mut row_ptr = vec![0usize; n + 1];
        let mut col = Vec::with_capacity(trans.len());
        let mut rate: Vec<f64> = Vec::with_capacity(trans.len());
        let mut last: Option<(usize, usize)> = None;
        let mut rows = Vec::with_capacity(trans.len());
        for (i, j, r) in trans {
            if last == Some((i, j)) {
                *rate.last_mut().unwrap() += r;
            } else {
                col.push(j);
                rate.push(r);
                rows.push(i);
                last = Some((i, j));
            }
        }
        for &i in &rows {
            row_ptr[i + 1] += 1;
        }
        for i in 0..n {
            row_ptr[i + 1] += row_ptr[i];
        }
        let mut exit = vec![0.0; n];
        for i in 0..n {
            exit[i] = rate[row_ptr[i]..row_ptr[i + 1]].iter().sum();
        }
        Chain {
            n,
            start,
            up,
            row_ptr,
            col,
            rate,
            exit,
        }
    }

    /// Off-diagonal transitions out of `i`.
    pub fn row(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let r = self.row_ptr[i]..self.row_ptr[i + 1];
        self.col[r.clone()]
            .iter()
            .copied()
            .zip(self.rate[r].iter().copied())
    }

    pub fn exit_rate(&self, i: usize) -> f64 {
        self.exit[i]
    }

    pub fn nnz(&self) -> usize {
        self.col.len()
    }

    /// Transposed adjacency: for each state, `(from, rate)` pairs into it.
    fn transpose(&self) -> (Vec<usize>, Vec<usize>, Vec<f64>) {
        let mut ptr = vec![0usize; self.n + 1];
        for &j in &self.col {
            ptr[j + 1] += 1;
        }
        for i in 0..self.n {
            ptr[i + 1] += ptr[i];
        }
        let mut fill = ptr.clone();
        let mut from = vec![0usize; self.col.len()];
        let mut rate = vec![0.0; self.col.len()];
        for i in 0..self.n {
            for (j, r) in self.row(i) {
                from[fill[j]] = i;
                rate[fill[j]] = r;
                fill[j] += 1;
            }
        }
        (ptr, from, rate)
    }

    /// Rate from each up state into the down set (zero for down states).
    pub fn rate_to_down(&self) -> Vec<f64> {
        (0..self.n)
            .map(|i| {
                if self.up[i] {
                    self.row(i)
                        .filter(|&(j, _)| !self.up[j])
                        .map(|(_, r)| r)
                        .sum()
                } else {
                    0.0
                }
            })
            .collect()
    }
}

/// Steady-state distribution.
pub fn steady_state(c: &Chain) -> Result<Vec<f64>, String> {
    if c.n == 1 {
        return Ok(vec![1.0]);
    }
    if c.n <= DENSE_MAX {
        Ok(gth_dense(c))
    } else {
        steady_gs(c)
    }
}

/// GTH on a dense copy; eliminates states n-1 .. 1 (state order of the chain, with
/// `start` swapped to position 0 so it is kept last).
pub fn gth_dense(c: &Chain) -> Vec<f64> {
    let n = c.n;
    // permutation: position 0 = start
    let mut perm: Vec<usize> = (0..n).collect();
    perm.swap(0, c.start);
    let mut pos = vec![0usize; n];
    for (p, &s) in perm.iter().enumerate() {
        pos[s] = p;
    }
    let mut a = vec![0.0f64; n * n];
    for i in 0..n {
        for (j, r) in c.row(i) {
            a[pos[i] * n + pos[j]] += r;
        }
    }
    let mut sk = vec![0.0f64; n];
    for k in (1..n).rev() {
        let s: f64 = (0..k).map(|j| a[k * n + j]).sum();
        sk[k] = s;
        if s <= 0.0 {
            continue;
        }
        for i in 0..k {
            let aik = a[i * n + k];
            if aik == 0.0 {
                continue;
            }
            let f = aik / s;
            for j in 0..k {
                if j != i {
                    a[i * n + j] += f * a[k * n + j];
                }
            }
        }
    }
    // back substitution: x_0 = 1; x_k = sum_{i<k} x_i a[i][k]
    let mut x = vec![0.0; n];
    x[0] = 1.0;
    for k in 1..n {
        let mut v = 0.0;
        for i in 0..k {
            v += x[i] * a[i * n + k];
        }
        x[k] = if sk[k] > 0.0 { v / sk[k] } else { 0.0 };
    }
    let z: f64 = x.iter().sum();
    let mut pi = vec![0.0; n];
    for p in 0..n {
        pi[perm[p]] = x[p] / z;
    }
    pi
}

fn steady_gs(c: &Chain) -> Result<Vec<f64>, String> {
    let (ptr, from, rate) = c.transpose();
    let n = c.n;
    let mut x = vec![0.0; n];
    x[c.start] = 1.0;
    let order_f: Vec<usize> = (0..n).filter(|&i| i != c.start).collect();
    let order_b: Vec<usize> = order_f.iter().rev().copied().collect();
    for sweep in 0..200_000 {
        let order = if sweep % 2 == 0 { &order_f } else { &order_b };
        let mut change = 0.0;
        let mut total = 1.0;
        for &j in order {
            let q = c.exit[j];
            if q <= 0.0 {
                return Err("absorbing state in an irreducible model".into());
            }
            let mut v = 0.0;
            for e in ptr[j]..ptr[j + 1] {
                v += x[from[e]] * rate[e];
            }
            let nv = v / q;
            change += (nv - x[j]).abs();
            total += nv;
            x[j] = nv;
        }
        if sweep > 2 && change <= 1e-15 * total {
            let z: f64 = x.iter().sum();
            return Ok(x.into_iter().map(|v| v / z).collect());
        }
    }
    Err(format!("steady state did not converge on {n} states"))
}

/// Solves `x_i = (b_i + Σ_{j ∈ T} q_ij x_j) / q_i` for `i ∈ T` (T = `transient`),
/// i.e. `(diag(q) − Q)[T,T] x = b`: expected rewards until leaving T. Values outside T
/// are 0. Dense GTH-style elimination (no subtractions in the pivots) for small T,
/// Gauss–Seidel otherwise.
pub fn solve_transient(c: &Chain, transient: &[bool], b: &[f64]) -> Result<Vec<f64>, String> {
    let idx: Vec<usize> = (0..c.n).filter(|&i| transient[i]).collect();
    if idx.is_empty() {
        return Ok(vec![0.0; c.n]);
    }
    if idx.len() <= DENSE_MAX {
        Ok(solve_transient_dense(c, transient, &idx, b))
    } else {
        solve_transient_gs(c, transient, &idx, b)
    }
}

fn solve_transient_dense(c: &Chain, transient: &[bool], idx: &[usize], b: &[f64]) -> Vec<f64> {
    let m = idx.len();
    let mut pos = vec![usize::MAX; c.n];
    for (p, &s) in idx.iter().enumerate() {
        pos[s] = p;
    }
    let mut a = vec![0.0f64; m * m];
    let mut ex = vec![0.0f64; m]; // rate to outside T
    let mut rhs: Vec<f64> = idx.iter().map(|&s| b[s]).collect();
    for (p, &s) in idx.iter().enumerate() {
        for (j, r) in c.row(s) {
            if transient[j] {
                a[p * m + pos[j]] += r;
            } else {
                ex[p] += r;
            }
        }
    }
    let mut d = vec![0.0f64; m];
    for k in (0..m).rev() {
        let s: f64 = ex[k] + (0..k).map(|j| a[k * m + j]).sum::<f64>();
        d[k] = s;
        if s <= 0.0 {
            continue;
        }
        for i in 0..k {
            let aik = a[i * m + k];
            if aik == 0.0 {
                continue;
            }
            let f = aik / s;
            for j in 0..k {
                if j != i {
                    a[i * m + j] += f * a[k * m + j];
                }
            }
            ex[i] += f * ex[k];
            rhs[i] += f * rhs[k];
        }
    }
    let mut x = vec![0.0; m];
    for k in 0..m {
        if d[k] <= 0.0 {
            x[k] = f64::INFINITY;
            continue;
        }
        let mut v = rhs[k];
        for j in 0..k {
            v += a[k * m + j] * x[j];
        }
        x[k] = v / d[k];
    }
    let mut out = vec![0.0; c.n];
    for (p, &s) in idx.iter().enumerate() {
        out[s] = x[p];
    }
    out
}

fn solve_transient_gs(
    c: &Chain,
    transient: &[bool],
    idx: &[usize],
    b: &[f64],
) -> Result<Vec<f64>, String> {
    let mut x = vec![0.0; c.n];
    let rev: Vec<usize> = idx.iter().rev().copied().collect();
    let mut calm = 0;
    for sweep in 0..=200_001 {
        let order = if sweep % 2 == 0 { &rev } else { idx };
        let mut change = 0.0;
        let mut total = 0.0;
        for &i in order.iter() {
            let mut v = b[i];
            for (j, r) in c.row(i) {
                if transient[j] {
                    v += r * x[j];
                }
            }
            let nv = v / c.exit[i];
            change += (nv - x[i]).abs();
            total += nv.abs();
            x[i] = nv;
        }
        if change <= 1e-16 * total.max(1e-300) {
            calm += 1;
            if calm >= 3 {
                return Ok(x);
            }
        } else {
            calm = 0;
        }
        if sweep > 200_000 {
            break;
        }
    }
    Err(format!(
        "linear solve did not converge on {} states",
        idx.len()
    ))
}

/// Mean time to the first down state from `start`.
pub fn mttf(c: &Chain) -> Result<f64, String> {
    if !c.up[c.start] {
        return Ok(0.0);
    }
    let nup = c.up.iter().filter(|&&u| u).count();
    if nup <= DENSE_MAX {
        let m = solve_transient(c, &c.up, &vec![1.0; c.n])?;
        return Ok(m[c.start]);
    }
    mttf_regenerative(c)
}

/// MTTF = E[min(T_F, τ_0)] / P(T_F < τ_0) from excursions out of `start` (MODELS §10).
pub fn mttf_regenerative(c: &Chain) -> Result<f64, String> {
    let mut t = c.up.clone();
    t[c.start] = false;
    let to_down = c.rate_to_down();
    let h = solve_transient_gs(
        c,
        &t,
        &(0..c.n).filter(|&i| t[i]).collect::<Vec<_>>(),
        &to_down,
    )?;
    let tau = solve_transient_gs(
        c,
        &t,
        &(0..c.n).filter(|&i| t[i]).collect::<Vec<_>>(),
        &vec![1.0; c.n],
    )?;
    let q0 = c.exit[c.start];
    if q0 <= 0.0 {
        return Ok(f64::INFINITY);
    }
    let mut gamma = 0.0;
    let mut time = 1.0 / q0;
    for (j, r) in c.row(c.start) {
        if !c.up[j] {
            gamma += r / q0;
        } else {
            gamma += r / q0 * h[j];
            time += r / q0 * tau[j];
        }
    }
    if gamma <= 0.0 {
        return Ok(f64::INFINITY);
    }
    Ok(time / gamma)
}

/// Steady-state availability, failure frequency (up→down flow per unit time).
pub fn steady_measures(c: &Chain, pi: &[f64]) -> (f64, f64) {
    let to_down = c.rate_to_down();
    let a: f64 = (0..c.n).filter(|&i| c.up[i]).map(|i| pi[i]).sum();
    let f: f64 = (0..c.n).map(|i| pi[i] * to_down[i]).sum();
    (a, f)
}

/// Poisson weights for uniformisation with mean `x`: (w_k, tail_k = P(N > k)).
fn poisson_weights(x: f64) -> (Vec<f64>, Vec<f64>) {
    let kmax = (x + 12.0 * x.sqrt() + 30.0).ceil() as usize;
    let mut w = Vec::with_capacity(kmax + 1);
    let mut v = (-x).exp();
    w.push(v);
    for k in 1..=kmax {
        v *= x / k as f64;
        w.push(v);
    }
    let mut tail = vec![0.0; w.len()];
    let mut acc = 0.0;
    for k in (0..w.len()).rev() {
        tail[k] = acc;
        acc += w[k];
    }
    // normalise tiny truncation / rounding of the total
    (w, tail)
}

/// One uniformised step `v ← v P`, P = I + Q/Λ; `absorb` drops mass entering down states.
fn step(c: &Chain, lam: f64, v: &[f64], out: &mut [f64], absorb: bool) {
    for i in 0..c.n {
        out[i] = v[i] * (1.0 - c.exit[i] / lam);
    }
    for i in 0..c.n {
        let vi = v[i];
        if vi == 0.0 {
            continue;
        }
        for (j, r) in c.row(i) {
            out[j] += vi * r / lam;
        }
    }
    if absorb {
        for i in 0..c.n {
            if !c.up[i] {
                out[i] = 0.0;
            }
        }
    }
}

/// Advances `p` by `dt` (uniformisation); returns (p(dt), ∫_0^dt p(t) dt).
fn advance(c: &Chain, lam: f64, p: &[f64], dt: f64, absorb: bool) -> (Vec<f64>, Vec<f64>) {
    let (w, tail) = poisson_weights(lam * dt);
    let mut v = p.to_vec();
    let mut nv = vec![0.0; c.n];
    let mut end = vec![0.0; c.n];
    let mut int = vec![0.0; c.n];
    for k in 0..w.len() {
        for i in 0..c.n {
            end[i] += w[k] * v[i];
            int[i] += tail[k] * v[i];
        }
        if k + 1 < w.len() {
            step(c, lam, &v, &mut nv, absorb);
            std::mem::swap(&mut v, &mut nv);
        }
    }
    for x in int.iter_mut() {
        *x /= lam;
    }
    (end, int)
}

/// Work budget in (states + transitions) × steps for the transient analysis.
const WORK_BUDGET: f64 = 2e8;

/// Finite-horizon results from `start`: `∫_0^H p(t)·g dt` for each reward vector `g`.
pub fn horizon_integrals(
    c: &Chain,
    pi: &[f64],
    h: f64,
    rewards: &[Vec<f64>],
) -> Result<Vec<f64>, String> {
    let lam = uniform_rate(c);
    let mut p = vec![0.0; c.n];
    p[c.start] = 1.0;
    let mut acc = vec![0.0; rewards.len()];
    if lam == 0.0 {
        for (a, g) in acc.iter_mut().zip(rewards) {
            *a = g[c.start] * h;
        }
        return Ok(acc);
    }
    let chunk = (100.0 / lam).min(h);
    let per_step = (c.n + c.nnz()) as f64;
    let mut t = 0.0;
    let mut work = 0.0;
    while t < h {
        let dt = chunk.min(h - t);
        let (end, int) = advance(c, lam, &p, dt, false);
        work += per_step * (lam * dt + 12.0 * (lam * dt).sqrt() + 30.0);
        for (a, g) in acc.iter_mut().zip(rewards) {
            *a += dot(&int, g);
        }
        p = end;
        t += dt;
        if t >= h {
            break;
        }
        let dist: f64 = p.iter().zip(pi).map(|(a, b)| (a - b).abs()).sum();
        if dist < 1e-9 || work > WORK_BUDGET {
            // Poisson-equation tail: ∫_t^H p g = πg (H−t) + p(t)·h − p(H)·h with
            // p(H)·h ≈ 0 (the chain has mixed); h solves (1π − Q) h = g − πg.
            let mut not_start = vec![true; c.n];
            not_start[c.start] = false;
            for (a, g) in acc.iter_mut().zip(rewards) {
                let pg = dot(pi, g);
                let b: Vec<f64> = g.iter().map(|x| x - pg).collect();
                let hp = solve_transient(c, &not_start, &b)?;
                let shift = dot(pi, &hp);
                let ph: f64 = p.iter().zip(&hp).map(|(x, y)| x * (y - shift)).sum();
                *a += pg * (h - t) + ph;
            }
            return Ok(acc);
        }
    }
    Ok(acc)
}

fn uniform_rate(c: &Chain) -> f64 {
    c.exit.iter().cloned().fold(0.0, f64::max) * 1.02
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// P(no down state visited by t) from `start`, at each time (any order).
pub fn survival(c: &Chain, times: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..times.len()).collect();
    order.sort_by(|&a, &b| {
        times[a]
            .partial_cmp(&times[b])
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut out = vec![0.0; times.len()];
    if !c.up[c.start] {
        return out;
    }
    let lam = uniform_rate(c);
    let mut s = vec![0.0; c.n];
    s[c.start] = 1.0;
    let mut t = 0.0;
    let per_step = (c.n + c.nnz()) as f64;
    let mut work = 0.0;
    // quasi-stationary extrapolation: (time, mass, decay rate) once the shape is stable
    let mut qs: Option<(f64, f64, f64)> = None;
    let mut prev_shape: Option<(Vec<f64>, f64, f64)> = None; // shape, mass, time
    let mut last_rate = 0.0;
    for &oi in &order {
        let target = times[oi].max(0.0);
        if lam == 0.0 {
            out[oi] = 1.0;
            continue;
        }
        while qs.is_none() && t < target {
            let chunk = 100.0 / lam;
            let dt = chunk.min(target - t);
            let (end, _) = advance(c, lam, &s, dt, true);
            work += per_step * (lam * dt + 12.0 * (lam * dt).sqrt() + 30.0);
            s = end;
            t += dt;
            let mass: f64 = s.iter().sum();
            if mass < 1e-300 {
                qs = Some((t, 0.0, 0.0));
                break;
            }
            let shape: Vec<f64> = s.iter().map(|x| x / mass).collect();
            if let Some((ps, pm, pt)) = &prev_shape {
                if t > *pt {
                    let rate = -(mass / pm).ln() / (t - pt);
                    let d: f64 = shape.iter().zip(ps).map(|(a, b)| (a - b).abs()).sum();
                    last_rate = rate;
                    if d < 1e-11 || work > WORK_BUDGET {
                        qs = Some((t, mass, rate));
                    }
                }
            }
            if dt >= chunk * 0.999 {
                prev_shape = Some((shape, mass, t));
            }
        }
        out[oi] = match qs {
            Some((t0, m0, r)) => {
                if target <= t {
                    s.iter().sum()
                } else {
                    m0 * (-r * (target - t0)).exp()
                }
            }
            None => s.iter().sum(),
        };
        let _ = last_rate;
    }
    out
}

/// P(a down state is visited within [0, h]) from `start`.
pub fn p_outage_within(c: &Chain, h: f64) -> f64 {
    1.0 - survival(c, &[h])[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// k-of-n birth-death with r crews (MODELS §4), states = number failed.
    pub fn bd(n: usize, k: usize, r: usize, lam: f64, mu: f64) -> Chain {
        let mut t = Vec::new();
        for j in 0..=n {
            if j < n {
                t.push((j, j + 1, (n - j) as f64 * lam));
            }
            if j > 0 {
                t.push((j, j - 1, j.min(r) as f64 * mu));
            }
        }
        Chain::new(n + 1, 0, (0..=n).map(|j| j <= n - k).collect(), t)
    }

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    #[test]
    fn one_of_two() {
        let c = bd(2, 1, 1, 1e-3, 0.1);
        let pi = steady_state(&c).unwrap();
        let (a, f) = steady_measures(&c, &pi);
        assert!(rel(a, 0.9998039600) < 1e-9, "{a}");
        assert!(rel(f * 8766.0, 0.1718487) < 1e-6);
        assert!(rel(mttf(&c).unwrap(), 51500.0) < 1e-12);
        let r = horizon_integrals(
            &c,
            &pi,
            8766.0,
            &[
                c.up.iter().map(|&u| if u { 0.0 } else { 1.0 }).collect(),
                c.rate_to_down(),
            ],
        )
        .unwrap();
        assert!(rel(r[0] / 8766.0, 1.955950e-4) < 1e-6, "{}", r[0] / 8766.0);
        assert!(rel(r[1], 0.1716546) < 1e-6);
        assert!(rel(p_outage_within(&c, 8766.0), 0.156383) < 3e-6);
    }

    #[test]
    fn gs_matches_gth() {
        let c = bd(30, 25, 3, 1e-3, 0.1);
        let a = gth_dense(&c);
        let b = steady_gs(&c).unwrap();
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() <= 1e-12 * x.max(1e-300) + 1e-300, "{x} {y}");
        }
        // regenerative MTTF vs dense
        let mut t = c.up.clone();
        t[0] = false;
        let idx: Vec<usize> = (0..c.n).filter(|&i| c.up[i]).collect();
        let d = solve_transient_dense(&c, &c.up, &idx, &vec![1.0; c.n])[0];
        let g = mttf_regenerative(&c).unwrap();
        assert!(rel(d, g) < 1e-9, "{d} {g}");
    }

    /// Grid product of 4 independent 1-of-n-ish birth-death components: >= 20,000 states.
    fn big_chain() -> Chain {
        let sizes = [12usize, 12, 12, 12];
        let n: usize = sizes.iter().product();
        let lam = 1e-3;
        let mu = 0.1;
        let mut t = Vec::new();
        let mut up = vec![true; n];
        for s in 0..n {
            let mut rem = s;
            let mut stride = 1;
            let mut failed_total = 0;
            for &m in &sizes {
                let j = rem % m;
                rem /= m;
                failed_total += j;
                if j + 1 < m {
                    t.push((s, s + stride, (m - 1 - j) as f64 * lam));
                }
                if j > 0 {
                    t.push((s, s - stride, j.min(2) as f64 * mu));
                }
                if j >= 3 {
                    up[s] = false;
                }
                stride *= m;
            }
            let _ = failed_total;
        }
        Chain::new(n, 0, up, t)
    }

    #[test]
    fn large_chain_solves() {
        let c = big_chain();
        assert!(c.n >= 20_000);
        let t0 = std::time::Instant::now();
        let pi = steady_state(&c).unwrap();
        let (a, _f) = steady_measures(&c, &pi);
        let t1 = t0.elapsed();
        let m = mttf(&c).unwrap();
        let t2 = t0.elapsed();
        let down: Vec<f64> = c.up.iter().map(|&u| if u { 0.0 } else { 1.0 }).collect();
        let r = horizon_integrals(&c, &pi, 8766.0, &[down]).unwrap();
        let t3 = t0.elapsed();
        let p = p_outage_within(&c, 8766.0);
        eprintln!(
            "{} states: A={a} MTTF={m} U_H={} P={p}; steady {t1:?} mttf {t2:?} horizon {t3:?} total {:?}",
            c.n,
            r[0] / 8766.0,
            t0.elapsed()
        );
        // one component in isolation: 11-unit pool needing 9, 2 crews (birth-death)
        let one = bd(11, 9, 2, 1e-3, 0.1);
        let (a1, _) = steady_measures(&one, &gth_dense(&one));
        assert!(rel(1.0 - a, 1.0 - a1.powi(4)) < 1e-9, "{a} {a1}");
    }
}
