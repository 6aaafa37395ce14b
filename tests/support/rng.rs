//! SplitMix64: a reproducible stream from one printed seed, for the randomized tests
//! (tests/rsa_fast.rs, tests/verify.rs). Each test prints its seed; setting the variable the test
//! names (e.g. `RSA_FAST_SEED=<n>`) replays a run.

#![allow(dead_code)]

pub struct Rng(u64);

impl Rng {
    /// A stream seeded from `env_var` if it is set, from the system's randomness otherwise.
    pub fn new(env_var: &str, test: &str) -> Self {
        let seed = std::env::var(env_var)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                let mut b = [0u8; 8];
                getrandom::fill(&mut b).expect("randomness");
                u64::from_le_bytes(b)
            });
        eprintln!("{test}: {env_var}={seed}");
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform enough below `n` for tests (modulo bias of at most n / 2^64).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}
