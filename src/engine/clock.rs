//! The next-event clock: one pending time per slot, and the earliest of them.
//!
//! A handful of slots (the common case: a few instances) are scanned linearly,
//! which beats any heap at that size; beyond `LINEAR_MAX` slots a tournament tree
//! gives O(log n) updates and O(1) minimum, so models with thousands of instances
//! stay fast.

const LINEAR_MAX: usize = 24;

#[derive(Clone)]
pub struct Clock {
    t: Vec<f64>,
    /// Tournament tree over slots (only when `t.len() > LINEAR_MAX`): node `i`
    /// holds the slot with the smallest time below it; leaves are `p + slot`.
    tree: Vec<u32>,
    p: usize,
}

impl Clock {
    pub fn new(slots: usize) -> Clock {
        let mut c = Clock {
            t: vec![f64::INFINITY; slots],
            tree: Vec::new(),
            p: 0,
        };
        if slots > LINEAR_MAX {
            let p = slots.next_power_of_two();
            c.p = p;
            c.tree = vec![0; 2 * p];
            for j in 0..p {
                c.tree[p + j] = j.min(slots - 1) as u32;
            }
            for i in (1..p).rev() {
                c.tree[i] = c.tree[2 * i];
            }
        }
        c
    }

    /// Forgets every pending time.
    pub fn clear(&mut self) {
        self.t.iter_mut().for_each(|x| *x = f64::INFINITY);
    }

    #[inline]
    pub fn get(&self, slot: usize) -> f64 {
        self.t[slot]
    }

    #[inline]
    pub fn set(&mut self, slot: usize, time: f64) {
        self.t[slot] = time;
        if self.p != 0 {
            let mut i = (self.p + slot) / 2;
            while i >= 1 {
                let a = self.tree[2 * i];
                let b = self.tree[2 * i + 1];
                self.tree[i] = if self.t[b as usize] < self.t[a as usize] {
                    b
                } else {
                    a
                };
                i /= 2;
            }
        }
    }

    /// Rebuilds the tree after `set_raw` calls (used when a timeline starts).
    pub fn rebuild(&mut self) {
        if self.p != 0 {
            for i in (1..self.p).rev() {
                let a = self.tree[2 * i];
                let b = self.tree[2 * i + 1];
                self.tree[i] = if self.t[b as usize] < self.t[a as usize] {
                    b
                } else {
                    a
                };
            }
        }
    }

    /// Sets a time without maintaining the tree; call `rebuild` afterwards.
    #[inline]
    pub fn set_raw(&mut self, slot: usize, time: f64) {
        self.t[slot] = time;
    }

    /// The slot with the earliest time (lowest slot index on ties) and that time.
    #[inline]
    pub fn min(&self) -> (usize, f64) {
        if self.p == 0 {
            let mut best = 0;
            let mut bt = self.t[0];
            for (j, &x) in self.t.iter().enumerate().skip(1) {
                if x < bt {
                    bt = x;
                    best = j;
                }
            }
            (best, bt)
        } else {
            let s = self.tree[1] as usize;
            (s, self.t[s])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_and_scan_agree() {
        for n in [1usize, 3, 24, 25, 100, 1000] {
            let mut c = Clock::new(n);
            let mut x = 12345u64;
            for _ in 0..5000 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let slot = (x % n as u64) as usize;
                let v = (x >> 20) as f64 / 1e6;
                c.set(slot, v);
                let (s, t) = c.min();
                let want = c.t.iter().cloned().fold(f64::INFINITY, f64::min);
                assert_eq!(t, want);
                assert_eq!(c.t[s], want);
            }
        }
    }
}
