//! Server statistics behind INFO stats and INFO commandstats.
//!
//! The engine counts what it sees (commands, errors, keyspace hits); the server adds
//! what only it sees (bytes in and out, accepted and rejected connections) through
//! the public fields. The `instantaneous_*` figures are averages over the last 16
//! samples taken every 100 ms, as Redis's trackInstantaneousMetric does.

/// Per-command counters (INFO commandstats).
#[derive(Debug, Clone, Copy, Default)]
pub struct CallStats {
    pub calls: u64,
    pub usec: u64,
    pub rejected: u64,
    pub failed: u64,
}

const SAMPLES: usize = 16;
const SAMPLE_PERIOD_MS: u64 = 100;

/// A metric sampled as a rate per second.
#[derive(Debug, Clone, Default)]
pub struct RateSampler {
    last_ms: u64,
    last_value: u64,
    samples: [f64; SAMPLES],
    next: usize,
}

impl RateSampler {
    fn sample(&mut self, now_ms: u64, value: u64) {
        if self.last_ms != 0 {
            let dt = now_ms.saturating_sub(self.last_ms);
            if dt > 0 {
                let per_sec = value.saturating_sub(self.last_value) as f64 * 1000.0 / dt as f64;
                self.samples[self.next] = per_sec;
                self.next = (self.next + 1) % SAMPLES;
            }
        }
        self.last_ms = now_ms;
        self.last_value = value;
    }

    pub fn average(&self) -> f64 {
        self.samples.iter().sum::<f64>() / SAMPLES as f64
    }
}

#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub total_connections_received: u64,
    pub total_commands_processed: u64,
    pub total_net_input_bytes: u64,
    pub total_net_output_bytes: u64,
    pub rejected_connections: u64,
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
    pub total_error_replies: u64,
    pub total_reads_processed: u64,
    pub total_writes_processed: u64,
    pub evicted_keys: u64,
    pub client_recent_max_input_buffer: u64,
    pub client_recent_max_output_buffer: u64,
    pub ops: RateSampler,
    pub input: RateSampler,
    pub output: RateSampler,
    last_sample_ms: u64,
}

impl Stats {
    /// Takes a sample of the rates if a sample period has passed.
    pub fn sample(&mut self, now_ms: u64) {
        if now_ms.saturating_sub(self.last_sample_ms) < SAMPLE_PERIOD_MS {
            return;
        }
        self.last_sample_ms = now_ms;
        self.ops.sample(now_ms, self.total_commands_processed);
        self.input.sample(now_ms, self.total_net_input_bytes);
        self.output.sample(now_ms, self.total_net_output_bytes);
    }

    /// CONFIG RESETSTAT.
    pub fn reset(&mut self) {
        *self = Stats::default();
    }
}
