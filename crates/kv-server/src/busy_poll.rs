//! Adaptive busy polling: how long the event loop keeps polling without
//! sleeping before it blocks in `epoll_wait`.
//!
//! Why: at `-P 1` a busy server handles a handful of requests per turn and then
//! waits a few tens of microseconds for the next ones. Sleeping for such a gap
//! costs more than the gap: a context switch out and back and, on a virtual
//! machine, a halted vCPU that the hypervisor must wake with an interrupt.
//! Measured on a 2-vCPU VM with `redis-benchmark -c 50 -P 1`, polling for up to
//! 30–100 µs before blocking raised SET/INCR throughput by 15–20 %.
//!
//! Spinning is only worth it when events really come within the window, so the
//! window adapts to the traffic the way KVM's halt polling does (`halt_poll_ns`):
//! - a wait that ended with events within the window keeps the window;
//! - a wait that blocked, but for less than [`MAX_WINDOW_US`], grows it (doubling
//!   from [`START_WINDOW_US`]): a spin would have caught those events;
//! - a wait longer than [`MAX_WINDOW_US`], or one that ended without events (a
//!   timer), shrinks it by half, down to zero.
//!
//! Invariants: an idle server never spins (its waits are long, so the window
//! decays to zero within a few turns); the CPU a failed spin wastes is at most
//! the window, which halves after every failure; on a one-CPU machine the window
//! stays zero, because spinning would take the CPU from the clients.

/// The largest window, in microseconds.
pub const MAX_WINDOW_US: u64 = 100;
/// The window a grown-from-zero window starts at, in microseconds.
pub const START_WINDOW_US: u64 = 10;

#[derive(Debug, Clone)]
pub struct BusyPoll {
    window_us: u64,
    max_us: u64,
}

impl BusyPoll {
    /// Busy polling up to [`MAX_WINDOW_US`], or never when the machine has one CPU.
    pub fn for_this_machine() -> BusyPoll {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        BusyPoll::with_max(if cpus > 1 { MAX_WINDOW_US } else { 0 })
    }

    pub fn with_max(max_us: u64) -> BusyPoll {
        BusyPoll {
            window_us: 0,
            max_us,
        }
    }

    /// How long the next wait may poll without sleeping, in microseconds.
    pub fn window_us(&self) -> u64 {
        self.window_us
    }

    /// Learns from one wait: `waited_us` from its start until poll returned, and
    /// whether it returned events (not a timer).
    pub fn record(&mut self, waited_us: u64, got_events: bool) {
        if got_events && waited_us <= self.window_us {
            return;
        }
        if !got_events || waited_us > self.max_us {
            self.window_us /= 2;
            if self.window_us < START_WINDOW_US {
                self.window_us = 0;
            }
        } else {
            self.window_us = (self.window_us * 2).clamp(START_WINDOW_US, self.max_us);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_waits_grow_the_window_up_to_the_max() {
        let mut bp = BusyPoll::with_max(100);
        assert_eq!(bp.window_us(), 0);
        bp.record(40, true);
        assert_eq!(bp.window_us(), START_WINDOW_US);
        bp.record(40, true);
        assert_eq!(bp.window_us(), 20);
        bp.record(40, true);
        assert_eq!(bp.window_us(), 40);
        // Caught within the window: unchanged.
        bp.record(40, true);
        assert_eq!(bp.window_us(), 40);
        for _ in 0..10 {
            bp.record(90, true);
        }
        assert_eq!(bp.window_us(), 100);
    }

    #[test]
    fn long_waits_and_timers_shrink_it_to_zero() {
        let mut bp = BusyPoll::with_max(100);
        for _ in 0..10 {
            bp.record(90, true);
        }
        assert_eq!(bp.window_us(), 100);
        bp.record(5_000, true);
        assert_eq!(bp.window_us(), 50);
        bp.record(30, false);
        assert_eq!(bp.window_us(), 25);
        bp.record(100_000, false);
        assert_eq!(bp.window_us(), 12);
        bp.record(100_000, false);
        assert_eq!(bp.window_us(), 0);
        bp.record(100_000, false);
        assert_eq!(bp.window_us(), 0);
    }

    #[test]
    fn a_zero_max_never_spins() {
        let mut bp = BusyPoll::with_max(0);
        for waited in [0, 1, 5, 50, 500] {
            bp.record(waited, true);
            assert_eq!(bp.window_us(), 0);
        }
    }
}
