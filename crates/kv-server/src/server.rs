//! The event loop: one thread, mio (epoll) readiness, Redis's processing model.
//!
//! Each loop turn: wait for events (at most until the next cron tick; polling
//! without sleeping first while traffic is dense, see [`crate::busy_poll`]); read each
//! readable client and run every complete request in its buffer (pipelining);
//! then write each client with pending output once; then close killed clients
//! and run the cron (`hz` times a second).
//!
//! Invariants:
//! - One `write` per client per turn; WRITABLE interest is registered only while
//!   a write left output pending, and removed once it drains.
//! - Sockets are edge-triggered: a read that fills the buffer is followed by
//!   another read in the same turn; a short read means the socket was drained.
//! - A protocol error gets Redis's `-ERR Protocol error: ...` reply, then the
//!   connection closes once the reply is flushed; other clients are unaffected.

use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kv_engine::{ClientId, Engine, Outcome, Peer};
use mio::{Events, Interest, Poll, Token};
use resp_proto::Parsed;

use crate::busy_poll::BusyPoll;
use crate::conn::Conn;
use crate::host::{HostState, HostView};
use crate::listeners::LISTENER_BASE;
use crate::net::{self, Listener, Stream};
use crate::{log_notice, log_verbose, log_warning};

/// The signal that asked us to stop (0: none), set by the handler.
static SIGNAL: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(sig: libc::c_int) {
    SIGNAL.store(sig, Ordering::SeqCst);
}

pub fn install_signal_handlers() {
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}

pub fn wall_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

pub struct Server {
    poll: Poll,
    events: Events,
    ready: Vec<(usize, bool, bool)>,
    conns: Vec<Option<Conn>>,
    pub engine: Engine,
    pub host: HostState,
    scratch: Vec<ClientId>,
    paused: Vec<ClientId>,
    /// Clients whose socket still had input when their per-turn read budget ran
    /// out: edge-triggered polling will not report them again, so they are
    /// read next turn without waiting.
    read_again: Vec<ClientId>,
    next_cron_ms: u64,
    /// The client id the next query-buffer trim starts from.
    resize_cursor: u32,
    busy_poll: BusyPoll,
}

/// Reads (of up to a buffer each) per client per loop turn: enough to batch a
/// deep pipeline, small enough that one client cannot starve the others (Redis
/// reads 16 KiB per client per event).
const READS_PER_TURN: usize = 4;

const DENIED: &[u8] = b"-DENIED kv is running in protected mode: protected mode is on and the \
default user has no password, so only connections from the loopback interface and Unix \
sockets are accepted. Set a password with 'CONFIG SET requirepass <password>' from a local \
connection, or turn protected mode off with 'CONFIG SET protected-mode no' (or \
'protected-mode no' in the configuration file, or '--protected-mode no' when starting the \
server) if clients from other hosts must connect without authentication.\r\n";

impl Server {
    pub fn new(poll: Poll, engine: Engine, host: HostState) -> Server {
        Server {
            poll,
            events: Events::with_capacity(1024),
            ready: Vec::with_capacity(1024),
            conns: Vec::new(),
            engine,
            host,
            scratch: Vec::new(),
            paused: Vec::new(),
            read_again: Vec::new(),
            next_cron_ms: 0,
            resize_cursor: 0,
            busy_poll: BusyPoll::for_this_machine(),
        }
    }

    /// Runs until SHUTDOWN or SIGTERM/SIGINT.
    pub fn run(&mut self) -> io::Result<()> {
        loop {
            let now_ms = wall_us() / 1000;
            let mut timeout_ms = self.next_cron_ms.saturating_sub(now_ms);
            if let until @ 1.. = self.engine.pause_until() {
                timeout_ms = timeout_ms.min(until.saturating_sub(now_ms) + 1);
            }
            if !self.read_again.is_empty() || self.engine.has_released() {
                timeout_ms = 0;
            }
            if let deadline @ 1.. = self.engine.next_block_deadline() {
                timeout_ms = timeout_ms.min(deadline.saturating_sub(now_ms));
            }
            let now_us = self.wait(timeout_ms)?;
            self.engine.set_time_us(now_us);
            self.ready.clear();
            self.ready.extend(self.events.iter().map(|e| {
                (
                    e.token().0,
                    e.is_readable() || e.is_read_closed() || e.is_error(),
                    e.is_writable(),
                )
            }));
            let mut again = std::mem::take(&mut self.read_again);
            for id in again.drain(..) {
                self.handle_readable(id);
            }
            if self.read_again.is_empty() {
                self.read_again = again;
            }
            for i in 0..self.ready.len() {
                let (token, readable, writable) = self.ready[i];
                if token >= LISTENER_BASE {
                    self.accept(token - LISTENER_BASE);
                    continue;
                }
                let id = ClientId(token as u32);
                if readable {
                    self.handle_readable(id);
                }
                if writable {
                    self.write_client(id);
                }
            }
            self.resume_paused();
            self.engine.expire_blocked();
            self.resume_released();
            self.engine.before_sleep();
            self.flush_pending();
            self.close_killed();

            if self.engine.now_ms() >= self.next_cron_ms {
                self.cron();
            }
            if let sig @ 1.. = SIGNAL.swap(0, Ordering::SeqCst) {
                let name = if sig == libc::SIGINT {
                    "SIGINT"
                } else {
                    "SIGTERM"
                };
                log_warning!("Received {name} scheduling shutdown...");
                log_warning!("User requested shutdown...");
                return Ok(());
            }
            if self.engine.shutdown_requested() {
                return Ok(());
            }
        }
    }

    /// Waits for events, at most `timeout_ms`: first by polling without sleeping
    /// for the busy-poll window, then by blocking. Returns the time it ended.
    fn wait(&mut self, timeout_ms: u64) -> io::Result<u64> {
        let started = wall_us();
        let window = self.busy_poll.window_us();
        if timeout_ms > 0 && window > 0 {
            loop {
                self.poll_once(Some(Duration::ZERO))?;
                let now = wall_us();
                if !self.events.is_empty() {
                    self.busy_poll.record(now.saturating_sub(started), true);
                    return Ok(now);
                }
                if now.saturating_sub(started) >= window {
                    break;
                }
            }
        }
        self.poll_once(Some(Duration::from_millis(timeout_ms)))?;
        let now = wall_us();
        if timeout_ms > 0 {
            self.busy_poll
                .record(now.saturating_sub(started), !self.events.is_empty());
        }
        Ok(now)
    }

    fn poll_once(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        match self.poll.poll(&mut self.events, timeout) {
            Err(e) if e.kind() != io::ErrorKind::Interrupted => Err(e),
            _ => Ok(()),
        }
    }

    fn accept(&mut self, index: usize) {
        loop {
            let Some(listener) = self.host.listeners.get_mut(index) else {
                return;
            };
            let accepted = match listener {
                Listener::Tcp(l, _) => l.accept().map(|(s, addr)| {
                    net::tune_tcp(&s, self.engine.config().tcp_keepalive);
                    let local = s.local_addr().map(|a| format_addr(&a)).unwrap_or_default();
                    let is_local = addr.ip().is_loopback();
                    (Stream::Tcp(s), format_addr(&addr), local, is_local, false)
                }),
                Listener::Unix(l, path) => {
                    let path = path.clone();
                    l.accept().map(|(s, _)| {
                        (
                            Stream::Unix(s),
                            format!("{path}:0"),
                            format!("{path}:0"),
                            true,
                            true,
                        )
                    })
                }
            };
            match accepted {
                Ok((stream, addr, laddr, is_local, is_unix)) => {
                    self.register_client(stream, addr, laddr, is_local, is_unix)
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    // EMFILE and friends: leave the rest queued and try on the next event.
                    log_warning!("Accepting client connection: {e}");
                    return;
                }
            }
        }
    }

    fn register_client(
        &mut self,
        mut stream: Stream,
        addr: String,
        laddr: String,
        is_local: bool,
        is_unix: bool,
    ) {
        let config = self.engine.config();
        if self.engine.clients().len() as u64 >= config.maxclients {
            let _ = stream.write(b"-ERR max number of clients reached\r\n");
            self.engine.count_rejected_connection();
            log_verbose!("Denied connection from {addr}: max number of clients reached");
            return;
        }
        if config.protected_mode && config.requirepass.is_none() && !is_local {
            let _ = stream.write(DENIED);
            self.engine.count_rejected_connection();
            return;
        }
        let fd = stream.raw_fd();
        let id = self.engine.add_client(Peer {
            addr: addr.clone(),
            laddr,
            fd,
            is_unix,
            is_local,
        });
        let slot = id.0 as usize;
        if self.conns.len() <= slot {
            self.conns.resize_with(slot + 1, || None);
        }
        if let Err(e) =
            self.poll
                .registry()
                .register(stream.source(), Token(slot), Interest::READABLE)
        {
            log_warning!("Error registering fd event for the new client: {e}");
            self.engine.remove_client(id);
            return;
        }
        log_verbose!("Accepted {addr}");
        self.conns[slot] = Some(Conn::new(stream));
        // The client may have sent its first request before we registered it:
        // with edge-triggered readiness we must try a read now.
        self.handle_readable(id);
    }

    fn handle_readable(&mut self, id: ClientId) {
        let slot = id.0 as usize;
        for _ in 0..READS_PER_TURN {
            let Some(conn) = self.conns.get_mut(slot).and_then(Option::as_mut) else {
                return;
            };
            if conn.close_when_flushed {
                // Ignore further input: it will never be processed.
                return;
            }
            conn.make_room();
            let space = conn.free_space();
            let rend = conn.rend;
            match conn.stream.read(&mut conn.rbuf[rend..]) {
                Ok(0) => {
                    log_verbose!("Client closed connection");
                    self.close(id);
                    return;
                }
                Ok(n) => {
                    conn.rend += n;
                    conn.note_read();
                    self.engine.count_read(n);
                    let limit = self.engine.config().client_query_buffer_limit;
                    if conn.unparsed() as u64 > limit {
                        log_warning!(
                            "Closing client that reached max query buffer length (qbuf={}, limit={limit})",
                            conn.unparsed()
                        );
                        self.close(id);
                        return;
                    }
                    if conn.paused {
                        // Held by CLIENT PAUSE or a blocking command: the input
                        // waits in the buffer, but it is still read, as Redis
                        // does, so that a client that goes away is noticed
                        // (a blocked one must not be served into a dead socket).
                        if n < space {
                            return;
                        }
                        continue;
                    }
                    if !self.process_input(id) || n < space {
                        return;
                    }
                    // The buffer filled: there may be more. Loop, within budget.
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    log_verbose!("Reading from client: {e}");
                    self.close(id);
                    return;
                }
            }
        }
        if !self.read_again.contains(&id) {
            self.read_again.push(id);
        }
    }

    /// Runs every complete request in the client's buffer. False when the client
    /// is gone or will read no more.
    fn process_input(&mut self, id: ClientId) -> bool {
        let slot = id.0 as usize;
        loop {
            let Some(conn) = self.conns.get_mut(slot).and_then(Option::as_mut) else {
                return false;
            };
            if conn.rstart == conn.rend {
                conn.after_parse();
                return true;
            }
            let limits = self.engine.request_limits(id);
            let parsed = conn
                .parser
                .parse(&conn.rbuf[conn.rstart..conn.rend], &limits);
            match parsed {
                Ok(Parsed::Incomplete) => {
                    conn.after_parse();
                    return true;
                }
                Ok(Parsed::Skip { consumed }) => conn.rstart += consumed,
                Ok(Parsed::Command { consumed }) => {
                    let conn = self.conns[slot].as_ref().expect("checked above");
                    let argv = conn.parser.argv(&conn.rbuf[conn.rstart..conn.rend]);
                    let mut host = HostView {
                        conns: &self.conns,
                        state: &mut self.host,
                    };
                    let outcome = self.engine.execute(id, argv, &mut host);
                    let conn = self.conns[slot]
                        .as_mut()
                        .expect("commands do not remove connections");
                    match outcome {
                        Outcome::Done => conn.rstart += consumed,
                        Outcome::Close => {
                            conn.rstart += consumed;
                            conn.close_when_flushed = true;
                            return false;
                        }
                        Outcome::Paused => {
                            conn.parser.reset();
                            conn.paused = true;
                            self.paused.push(id);
                            return false;
                        }
                        Outcome::Blocked => {
                            // The command is consumed; the rest of the pipeline
                            // waits until the engine releases the client.
                            conn.rstart += consumed;
                            conn.paused = true;
                            return false;
                        }
                    }
                    if self.engine.shutdown_requested() {
                        return false;
                    }
                }
                Err(e) => {
                    log_verbose!("Protocol error ({e}) from client");
                    self.engine.reply_protocol_error(id, &e);
                    conn.close_when_flushed = true;
                    return false;
                }
            }
        }
    }

    /// Runs the requests CLIENT PAUSE held, once the pause is over.
    fn resume_paused(&mut self) {
        if self.paused.is_empty() || self.engine.pause_until() != 0 {
            return;
        }
        let mut paused = std::mem::take(&mut self.paused);
        for id in paused.drain(..) {
            if let Some(conn) = self.conns.get_mut(id.0 as usize).and_then(Option::as_mut) {
                conn.paused = false;
                if self.process_input(id) {
                    // Edge-triggered: bytes that arrived while paused are still
                    // unread, and no new event will announce them.
                    self.handle_readable(id);
                }
            }
        }
        self.paused = paused;
    }

    /// Resumes clients whose blocking command finished (served, timed out or
    /// unblocked): their pipelined requests run now.
    fn resume_released(&mut self) {
        let mut released = std::mem::take(&mut self.scratch);
        self.engine.take_released(&mut released);
        for &id in &released {
            if let Some(conn) = self.conns.get_mut(id.0 as usize).and_then(Option::as_mut) {
                conn.paused = false;
                if self.process_input(id) {
                    self.handle_readable(id);
                }
            }
        }
        released.clear();
        self.scratch = released;
    }

    fn flush_pending(&mut self) {
        let mut pending = std::mem::take(&mut self.scratch);
        self.engine.take_pending_writes(&mut pending);
        for &id in &pending {
            self.write_client(id);
        }
        pending.clear();
        self.scratch = pending;
    }

    fn close_killed(&mut self) {
        let mut killed = std::mem::take(&mut self.scratch);
        self.engine.take_closing(&mut killed);
        for &id in &killed {
            self.close(id);
        }
        killed.clear();
        self.scratch = killed;
    }

    /// One write of the client's pending output.
    fn write_client(&mut self, id: ClientId) {
        let slot = id.0 as usize;
        let Some(conn) = self.conns.get_mut(slot).and_then(Option::as_mut) else {
            return;
        };
        let now_ms = self.engine.now_ms();
        let Some((client, config)) = self.engine.client_mut_with_config(id) else {
            return;
        };
        if over_output_limit(client, config, now_ms) {
            log_warning!(
                "Client id={} addr={} scheduled to be closed ASAP for overcoming of output buffer limits.",
                client.id,
                client.peer.addr
            );
            self.close(id);
            return;
        }
        let mut written = 0;
        if client.pending_len() > 0 {
            match conn.stream.write(client.pending_output()) {
                Ok(n) => written = n,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => {
                    log_verbose!("Error writing to client: {e}");
                    self.close(id);
                    return;
                }
            }
        }
        if written > 0 {
            client.consume_output(written);
            self.engine.count_write(written);
        }
        let client = self.engine.client(id).expect("looked up above");
        let want_writable = client.pending_len() > 0;
        if want_writable != conn.writable {
            let interest = if want_writable {
                Interest::READABLE | Interest::WRITABLE
            } else {
                Interest::READABLE
            };
            if self
                .poll
                .registry()
                .reregister(conn.stream.source(), Token(slot), interest)
                .is_err()
            {
                self.close(id);
                return;
            }
            conn.writable = want_writable;
        }
        if !want_writable && conn.close_when_flushed {
            self.close(id);
        }
    }

    fn close(&mut self, id: ClientId) {
        if let Some(mut conn) = self.conns.get_mut(id.0 as usize).and_then(Option::take) {
            let _ = self.poll.registry().deregister(conn.stream.source());
        }
        self.engine.remove_client(id);
    }

    /// Periodic work, `hz` times per second (Redis's serverCron/clientsCron).
    fn cron(&mut self) {
        let hz = u64::from(self.engine.config().hz.clamp(1, 500));
        self.next_cron_ms = self.engine.now_ms() + 1000 / hz;
        let host = HostView {
            conns: &self.conns,
            state: &mut self.host,
        };
        self.engine.cron(&host);
        let mut idle = std::mem::take(&mut self.scratch);
        self.engine.idle_clients(&mut idle);
        for &id in &idle {
            log_verbose!("Closing idle client");
            self.close(id);
        }
        idle.clear();
        // Soft output limits are about duration: re-check slow readers.
        for (id, client) in self.engine.clients().iter() {
            if client.pending_len() > 0 {
                idle.push(id);
            }
        }
        for &id in &idle {
            self.write_client(id);
        }
        idle.clear();
        self.scratch = idle;
        self.resize_query_buffers(hz);
    }

    /// Redis's clientsCron pace: each tick trims the query buffers (see
    /// [`Conn::cron_resize`]) of the next `max(5, clients / hz)` clients in
    /// id order, so every client is visited at least once a second.
    fn resize_query_buffers(&mut self, hz: u64) {
        let now_ms = self.engine.now_ms();
        let batch = (self.engine.clients().len() as u64).div_ceil(hz).max(5) as usize;
        let cursor = self.resize_cursor;
        let mut ids = std::mem::take(&mut self.scratch);
        ids.extend(self.engine.clients().iter().map(|(id, _)| id));
        // From the cursor to the end, then from the start.
        let split = ids.partition_point(|id| id.0 < cursor);
        ids.rotate_left(split);
        ids.truncate(batch);
        let mut freed = 0;
        for &id in &ids {
            let Some(client) = self.engine.client(id) else {
                continue;
            };
            let idle_secs = now_ms.saturating_sub(client.last_interaction_ms) / 1000;
            if let Some(conn) = self.conns.get_mut(id.0 as usize).and_then(Option::as_mut) {
                freed += conn.cron_resize(idle_secs);
            }
            self.resize_cursor = id.0.wrapping_add(1);
        }
        ids.clear();
        self.scratch = ids;
        if freed >= RETURN_TO_OS_BYTES {
            return_free_memory_to_os();
        }
    }

    /// Shutdown: close every client and listener, remove pid and socket files.
    pub fn shutdown(&mut self, pidfile: Option<&str>) {
        let ids: Vec<ClientId> = self.engine.clients().iter().map(|(id, _)| id).collect();
        for id in ids {
            self.write_client(id);
            self.close(id);
        }
        if let Some(path) = pidfile {
            log_notice!("Removing the pid file.");
            let _ = std::fs::remove_file(path);
        }
        if let Some(path) = self.host.listeners.unix_path() {
            log_notice!("Removing the unix socket file.");
            let _ = std::fs::remove_file(path);
        }
        log_warning!("kv is now ready to exit, bye bye...");
    }
}

/// Freed query-buffer bytes in one cron pass above which the allocator is asked
/// to give free pages back to the OS.
const RETURN_TO_OS_BYTES: usize = 1 << 20;

/// glibc keeps freed small blocks (a 16 KiB query buffer is one) in its heap;
/// malloc_trim hands whole free pages back, so that RSS shrinks when thousands
/// of idle clients give their buffers back (jemalloc, under Redis, does this
/// by itself).
fn return_free_memory_to_os() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only inspects and releases the allocator's free memory.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// client-output-buffer-limit: over the hard limit, or over the soft limit for
/// longer than its seconds.
fn over_output_limit(
    client: &mut kv_engine::Client,
    config: &kv_engine::Config,
    now_ms: u64,
) -> bool {
    let limit = &config.client_output_buffer_limit[client.kind.limit_class()];
    let pending = client.pending_len() as u64;
    if limit.hard_limit_bytes > 0 && pending >= limit.hard_limit_bytes {
        return true;
    }
    if limit.soft_limit_bytes > 0 && pending >= limit.soft_limit_bytes {
        if client.obuf_soft_limit_since_ms == 0 {
            client.obuf_soft_limit_since_ms = now_ms;
        } else if now_ms - client.obuf_soft_limit_since_ms > limit.soft_limit_seconds * 1000 {
            return true;
        }
    } else {
        client.obuf_soft_limit_since_ms = 0;
    }
    false
}

/// `ip:port`, with IPv6 addresses in brackets as Redis's anetFormatAddr writes them.
fn format_addr(addr: &std::net::SocketAddr) -> String {
    match addr {
        std::net::SocketAddr::V4(a) => a.to_string(),
        std::net::SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
    }
}
