//! Periodic work run `hz` times a second (Redis's serverCron/databasesCron):
//! active expiry, incremental rehashing, rate sampling, the tracking table's
//! limit. `DEBUG PAUSE-CRON 1` stops it all.
//!
//! Active expiry follows Redis's activeExpireCycle: for each database, sample
//! volatile keys and delete the expired ones, and sample again while more than
//! an acceptable share of the sample was stale — stopping when the cycle's CPU
//! budget (25% of the time between ticks, raised by `active-expire-effort`) is
//! spent, which INFO reports as `expired_time_cap_reached_count`.

use crate::{Engine, Host};

/// Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP and friends, before effort.
const KEYS_PER_LOOP: usize = 20;
const ACCEPTABLE_STALE: u64 = 10;
const SLOW_TIME_PERC: u64 = 25;
/// Rehash steps per database per tick (each moves one bucket's chain).
const REHASH_STEPS_PER_TICK: usize = 1000;

/// Counters of the expiry cycle (INFO stats).
#[derive(Debug, Clone, Default)]
pub struct ExpireStats {
    pub stale_perc: f64,
    pub time_cap_reached_count: u64,
    pub cpu_us: u64,
}

impl Engine {
    /// Periodic work; the host supplies the monotonic clock for the CPU budget.
    pub fn cron(&mut self, host: &dyn Host) {
        if self.cron_paused {
            return;
        }
        self.stats.sample(self.now_ms);
        if self.active_expire_enabled {
            self.active_expire_cycle(host);
        }
        // Through the seam: propagated as DEL, `expired` events, WATCH.
        self.report_all_db_effects();
        // Always on: `activerehashing no` only tunes latency in Redis, and kv's
        // tables depend on the cron to finish a rehash when writes stop.
        for db in &mut self.dbs {
            db.rehash_steps(REHASH_STEPS_PER_TICK);
        }
        // Also checked before every command; here so that a CONFIG SET of
        // `tracking-table-max-keys` takes effect on an idle server.
        if self.tracking.clients() > 0 {
            self.tracking_limit();
        }
    }

    fn active_expire_cycle(&mut self, host: &dyn Host) {
        let effort = u64::from(self.config.active_expire_effort.clamp(1, 10)) - 1;
        let keys_per_loop = KEYS_PER_LOOP + KEYS_PER_LOOP / 4 * effort as usize;
        let acceptable_stale = ACCEPTABLE_STALE - effort;
        let hz = u64::from(self.config.hz.max(1));
        let budget_us = 1_000_000 * (SLOW_TIME_PERC + 2 * effort) / hz / 100;
        let start = host.monotonic_us();
        let now = self.now_ms;
        let (mut sampled, mut expired) = (0u64, 0u64);
        let mut timed_out = false;
        'dbs: for db in &mut self.dbs {
            let mut iterations = 0u32;
            loop {
                if db.volatile_len() == 0 {
                    break;
                }
                let pass = db.expire_sample(&mut self.rng, keys_per_loop, now);
                sampled += pass.sampled;
                expired += pass.expired;
                iterations += 1;
                // Checking the clock costs a little: do it every 16 loops.
                if iterations.is_multiple_of(16)
                    && host.monotonic_us().saturating_sub(start) > budget_us
                {
                    timed_out = true;
                    break 'dbs;
                }
                if pass.sampled == 0 || pass.expired * 100 / pass.sampled <= acceptable_stale {
                    break;
                }
            }
        }
        let elapsed = host.monotonic_us().saturating_sub(start);
        let s = &mut self.expire_stats;
        s.cpu_us += elapsed;
        if timed_out {
            s.time_cap_reached_count += 1;
        }
        let current = if sampled == 0 {
            0.0
        } else {
            expired as f64 / sampled as f64
        };
        s.stale_perc = current * 0.05 + s.stale_perc * 0.95;
    }

    /// Keys deleted by expiry, lazily or actively, in every database.
    pub fn expired_keys(&self) -> u64 {
        self.dbs.iter().map(|db| db.expired_keys).sum()
    }
}
