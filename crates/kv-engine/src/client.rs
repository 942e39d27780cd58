//! Per-connection state the engine owns: identity, selected database, protocol,
//! authentication, CLIENT flags, and the output buffer replies are written into.
//!
//! The server owns the socket and the read buffer; the engine owns everything a
//! command can observe or change, including output buffers, so that a command may
//! write to *other* clients (blocking wake-ups, pub/sub, CLIENT KILL) without I/O.
//!
//! Invariants:
//! - A [`ClientId`] is a slot index, reused after the client is removed; the
//!   Redis-visible `id` (CLIENT ID) is a separate, never reused, increasing number.
//! - `out[out_sent..]` is exactly the bytes not yet written to the socket.
//! - A client is in `pending_writes` at most once (`pending_write` guards it).

use crate::multi::{MultiState, Watched};
use crate::pubsub::Subscriptions;

/// Slot of a client in the engine's table; the server uses it as its poll token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientId(pub u32);

/// Which output-buffer-limit class a client belongs to (client-output-buffer-limit)
/// and how CLIENT KILL TYPE / CLIENT LIST TYPE see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    Normal,
    Replica,
    PubSub,
    Master,
}

impl ClientKind {
    pub fn from_name(name: &[u8]) -> Option<ClientKind> {
        Some(match name.to_ascii_lowercase().as_slice() {
            b"normal" => ClientKind::Normal,
            b"replica" | b"slave" => ClientKind::Replica,
            b"pubsub" => ClientKind::PubSub,
            b"master" => ClientKind::Master,
            _ => return None,
        })
    }

    /// Index into the config's `client-output-buffer-limit` classes.
    pub fn limit_class(self) -> usize {
        match self {
            ClientKind::Normal | ClientKind::Master => 0,
            ClientKind::Replica => 1,
            ClientKind::PubSub => 2,
        }
    }
}

/// CLIENT REPLY state. `SkipNext` silences exactly the command after the one that
/// set it, as Redis's CLIENT_REPLY_SKIP_NEXT does; while that command runs the
/// state is `Skipping` (CLIENT_REPLY_SKIP), which CLIENT REPLY ON cancels so
/// that its own OK is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyMode {
    On,
    Off,
    SkipNext,
    Skipping,
}

/// Where a connection comes from, fixed at accept time.
#[derive(Debug, Clone, Default)]
pub struct Peer {
    /// `ip:port` of the remote end, or `/path:0` for Unix sockets, as CLIENT LIST shows.
    pub addr: String,
    /// `ip:port` of the local end.
    pub laddr: String,
    pub fd: i32,
    pub is_unix: bool,
    /// Loopback or Unix: protected mode lets these through.
    pub is_local: bool,
}

#[derive(Debug)]
pub struct Client {
    pub id: u64,
    pub peer: Peer,
    pub kind: ClientKind,
    pub resp3: bool,
    pub db: usize,
    pub authenticated: bool,
    pub name: Option<Box<[u8]>>,
    pub lib_name: Option<Box<[u8]>>,
    pub lib_ver: Option<Box<[u8]>>,
    pub reply_mode: ReplyMode,
    pub no_evict: bool,
    pub no_touch: bool,
    /// In MONITOR mode (the engine's monitor list holds it too).
    pub monitor: bool,
    /// Its current command is held by CLIENT PAUSE (counted as blocked, as
    /// Redis counts BLOCKED_POSTPONE clients).
    pub postponed: bool,
    /// Flush what is queued, then close (QUIT, protocol error).
    pub close_after_reply: bool,
    /// Close at the next opportunity without flushing (CLIENT KILL, buffer limits).
    pub close_asap: bool,
    pub created_ms: u64,
    pub last_interaction_ms: u64,
    /// Full name of the last command run, for CLIENT LIST `cmd=`.
    pub last_cmd: &'static str,
    /// Microseconds the first run of the command this client is blocked in
    /// took: SLOWLOG counts it when the command completes.
    pub blocked_run_us: u64,
    pub out: Vec<u8>,
    pub out_sent: usize,
    pub pending_write: bool,
    /// When the output buffer first went over the soft limit (0: it is not over).
    pub obuf_soft_limit_since_ms: u64,
    /// Commands queued since MULTI.
    pub(crate) multi: Option<Box<MultiState>>,
    /// Keys this client WATCHes.
    pub(crate) watched: Vec<Watched>,
    /// A watched key was touched: EXEC will fail (CLIENT_DIRTY_CAS).
    pub(crate) dirty_cas: bool,
    /// Channels and patterns, once the client subscribed to something.
    pub(crate) subs: Option<Box<Subscriptions>>,
    /// CLIENT TRACKING state, while tracking is on.
    pub(crate) tracking: Option<Box<crate::tracking::ClientTracking>>,
}

impl Client {
    /// Appends a message another client's command sent (pub/sub, tracking
    /// invalidations) and lists this client for writing once.
    pub(crate) fn deliver(&mut self, bytes: &[u8], id: ClientId, pending: &mut Vec<ClientId>) {
        self.out.extend_from_slice(bytes);
        if !self.pending_write {
            self.pending_write = true;
            pending.push(id);
        }
    }

    /// Whether the client is subscribed to anything (RESP2 subscriber mode).
    pub fn is_subscriber(&self) -> bool {
        self.subs.as_ref().is_some_and(|s| s.any())
    }

    /// Whether the client is between MULTI and EXEC.
    pub fn in_multi(&self) -> bool {
        self.multi.is_some()
    }

    pub fn pending_output(&self) -> &[u8] {
        &self.out[self.out_sent..]
    }

    /// Records that `n` more bytes reached the socket, releasing the buffer once it
    /// is drained (keeping a modest allocation for the next replies).
    pub fn consume_output(&mut self, n: usize) {
        self.out_sent += n;
        debug_assert!(
            self.out_sent <= self.out.len(),
            "sent past the end of output"
        );
        if self.out_sent >= self.out.len() {
            self.out.clear();
            self.out_sent = 0;
            if self.out.capacity() > 1 << 20 {
                self.out.shrink_to(16 * 1024);
            }
        } else if self.out_sent > (1 << 20) && self.out_sent * 2 > self.out.len() {
            // A slow reader of a large reply: move the tail down once the sent part
            // dominates, so memory is bounded by what is really pending.
            self.out.drain(..self.out_sent);
            self.out_sent = 0;
        }
    }

    pub fn pending_len(&self) -> usize {
        self.out.len() - self.out_sent
    }
}

/// Slot table of clients.
#[derive(Debug, Default)]
pub struct Clients {
    slots: Vec<Option<Client>>,
    free: Vec<u32>,
    next_id: u64,
    count: usize,
}

impl Clients {
    pub fn insert(&mut self, peer: Peer, now_ms: u64, authenticated: bool) -> ClientId {
        self.next_id += 1;
        let client = Client {
            id: self.next_id,
            peer,
            kind: ClientKind::Normal,
            resp3: false,
            db: 0,
            authenticated,
            name: None,
            lib_name: None,
            lib_ver: None,
            reply_mode: ReplyMode::On,
            no_evict: false,
            no_touch: false,
            monitor: false,
            postponed: false,
            close_after_reply: false,
            close_asap: false,
            created_ms: now_ms,
            last_interaction_ms: now_ms,
            last_cmd: "NULL",
            blocked_run_us: 0,
            out: Vec::new(),
            out_sent: 0,
            pending_write: false,
            obuf_soft_limit_since_ms: 0,
            multi: None,
            watched: Vec::new(),
            dirty_cas: false,
            subs: None,
            tracking: None,
        };
        self.count += 1;
        if let Some(slot) = self.free.pop() {
            self.slots[slot as usize] = Some(client);
            ClientId(slot)
        } else {
            self.slots.push(Some(client));
            ClientId((self.slots.len() - 1) as u32)
        }
    }

    pub fn remove(&mut self, id: ClientId) -> Option<Client> {
        let client = self.slots.get_mut(id.0 as usize)?.take()?;
        self.free.push(id.0);
        self.count -= 1;
        Some(client)
    }

    pub fn get(&self, id: ClientId) -> Option<&Client> {
        self.slots.get(id.0 as usize)?.as_ref()
    }

    pub fn get_mut(&mut self, id: ClientId) -> Option<&mut Client> {
        self.slots.get_mut(id.0 as usize)?.as_mut()
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Clients in creation order (by CLIENT ID), as CLIENT LIST shows them.
    pub fn by_creation(&self) -> Vec<ClientId> {
        let mut ids: Vec<(u64, ClientId)> = self
            .iter()
            .map(|(slot, client)| (client.id, slot))
            .collect();
        ids.sort_unstable();
        ids.into_iter().map(|(_, slot)| slot).collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = (ClientId, &Client)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.as_ref().map(|c| (ClientId(i as u32), c)))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (ClientId, &mut Client)> {
        self.slots
            .iter_mut()
            .enumerate()
            .filter_map(|(i, c)| c.as_mut().map(|c| (ClientId(i as u32), c)))
    }

    pub fn find_by_id(&self, id: u64) -> Option<ClientId> {
        self.iter().find(|(_, c)| c.id == id).map(|(slot, _)| slot)
    }
}
