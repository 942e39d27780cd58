//! The engine's random numbers (RANDOMKEY, active expiry sampling, SRANDMEMBER...):
//! splitmix64, seeded by the server at startup so the engine reads no entropy
//! itself and tests are reproducible.

use kv_types::listpack::SplitMix64;

#[derive(Debug, Clone)]
pub struct Rng(SplitMix64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(SplitMix64::new(seed))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        self.next_u64() % n
    }
}
