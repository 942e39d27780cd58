//! Client-side caching (Redis's tracking.c): which keys tracking clients read,
//! and the invalidation messages sent when those keys change.
//!
//! Two modes, as in Redis:
//! - *Default*: after a read-only command, a tracking client's keys are
//!   remembered in `keys` (key → the clients that may cache it). The first
//!   change of a key (through the write-effects seam) sends each of them one
//!   invalidation and forgets the key; reading it again remembers it again.
//!   OPTIN remembers only after `CLIENT CACHING yes`, OPTOUT all but after
//!   `CLIENT CACHING no`. `tracking-table-max-keys` bounds the table: keys
//!   over the limit are invalidated early.
//! - *BCAST*: nothing is remembered; a changed key that starts with a prefix
//!   some client follows is collected under that prefix, and before the
//!   server sleeps each prefix's keys go out as one message to its clients.
//!
//! Like Redis, the table is keyed by name only, not by database.
//!
//! A message goes to the client itself as a RESP3 push (`invalidate [keys]`),
//! or to its REDIRECT client: a RESP3 push there too, or, for a RESP2 client
//! in Pub/Sub mode, a message on `__redis__:invalidate`. A flush sends a null
//! in place of the keys. A message for the client whose command is running
//! waits until that command has replied — for EXEC, the whole transaction —
//! so that it never lands inside a reply.
//!
//! Invariants:
//! - `tracking_clients` counts the clients whose `tracking` is Some.
//! - `total_items` is the sum of the watcher lists' lengths in `keys`.
//! - A client is in a prefix's client list exactly when the prefix is in its
//!   own `prefixes`.

use std::collections::BTreeMap;

use hashbrown::HashMap;

use crate::client::{ClientId, Clients};

/// The channel RESP2 redirect targets receive invalidations on.
pub(crate) const INVALIDATE_CHANNEL: &[u8] = b"__redis__:invalidate";

/// A client, by slot and by its never-reused CLIENT ID (a slot may be reused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Who {
    pub(crate) slot: ClientId,
    pub(crate) id: u64,
}

/// One client's CLIENT TRACKING settings.
#[derive(Debug, Default)]
pub(crate) struct ClientTracking {
    /// Where invalidations go instead of this connection.
    pub(crate) redirect: Option<Who>,
    pub(crate) bcast: bool,
    pub(crate) optin: bool,
    pub(crate) optout: bool,
    pub(crate) noloop: bool,
    /// CLIENT CACHING yes (OPTIN) or no (OPTOUT) applies to the next command.
    pub(crate) caching: bool,
    /// The redirect client is gone.
    pub(crate) broken_redirect: bool,
    /// BCAST prefixes, sorted (as Redis lists them).
    pub(crate) prefixes: Vec<Box<[u8]>>,
}

/// Keys changed under one BCAST prefix, and who follows it.
#[derive(Debug, Default)]
struct Bcast {
    clients: Vec<Who>,
    /// Changed keys not yet sent, with the client that changed each (NOLOOP).
    pending: BTreeMap<Box<[u8]>, Option<ClientId>>,
}

/// The server-wide tracking state.
#[derive(Debug, Default)]
pub(crate) struct Tracking {
    clients: usize,
    keys: HashMap<Box<[u8]>, Vec<Who>>,
    total_items: usize,
    prefixes: BTreeMap<Box<[u8]>, Bcast>,
    /// Rounds in a row the table could not be brought under its limit.
    limit_rounds: u32,
    /// The client whose command is running, and how deeply calls nest (EXEC
    /// runs its queued commands inside its own call).
    running: Option<ClientId>,
    depth: u32,
    /// Invalidations for the running client, held until its outermost command
    /// has replied (None: a flush), as Redis's `tracking_pending_keys`.
    deferred: Vec<Option<Box<[u8]>>>,
}

/// What an invalidation message carries.
enum Payload<'a> {
    Key(&'a [u8]),
    /// A flush: every key.
    Null,
    /// A ready-made RESP array of keys (BCAST).
    Keys(&'a [u8]),
}

impl Tracking {
    pub(crate) fn clients(&self) -> usize {
        self.clients
    }

    /// Whether a change may have to send an invalidation.
    #[inline]
    pub(crate) fn is_active(&self) -> bool {
        self.clients > 0 || !self.keys.is_empty()
    }

    pub(crate) fn total_keys(&self) -> usize {
        self.keys.len()
    }

    pub(crate) fn total_items(&self) -> usize {
        self.total_items
    }

    pub(crate) fn total_prefixes(&self) -> usize {
        self.prefixes.len()
    }

    /// A command of `client` starts (possibly inside another, EXEC's).
    pub(crate) fn enter(&mut self, client: ClientId) {
        if self.depth == 0 {
            self.running = Some(client);
        }
        self.depth += 1;
    }

    /// A command ends; true when it was the outermost one and invalidations
    /// wait for its client ([`crate::Engine::tracking_send_deferred`]).
    pub(crate) fn leave(&mut self) -> bool {
        debug_assert!(self.depth > 0, "leave() without enter()");
        self.depth = self.depth.saturating_sub(1);
        if self.depth > 0 {
            return false;
        }
        self.running = None;
        !self.deferred.is_empty()
    }

    /// A prefix of `prefixes` that overlaps `prefix` (one starts the other).
    pub(crate) fn overlapping<'p>(prefixes: &'p [Box<[u8]>], prefix: &[u8]) -> Option<&'p [u8]> {
        prefixes
            .iter()
            .find(|p| p.starts_with(prefix) || prefix.starts_with(p))
            .map(|p| &**p)
    }
}

/// Appends one tracking message for `target` (Redis's sendTrackingMessage).
fn send(
    clients: &mut Clients,
    pending: &mut Vec<ClientId>,
    target: ClientId,
    payload: Payload<'_>,
) {
    let Some(c) = clients.get_mut(target) else {
        return;
    };
    let resp3_origin = c.resp3;
    let Some(t) = c.tracking.as_mut() else {
        return;
    };
    let mut dest = target;
    let mut redirected = false;
    if let Some(redirect) = t.redirect {
        let alive = clients
            .get(redirect.slot)
            .is_some_and(|r| r.id == redirect.id);
        if !alive {
            let c = clients.get_mut(target).expect("looked up above");
            if let Some(t) = c.tracking.as_mut() {
                t.broken_redirect = true;
            }
            if c.resp3 {
                let mut msg = Vec::new();
                resp_proto::write::push_len(&mut msg, 2);
                resp_proto::write::bulk(&mut msg, b"tracking-redir-broken");
                resp_proto::write::integer(&mut msg, redirect.id as i64);
                c.deliver(&msg, target, pending);
            }
            return;
        }
        dest = redirect.slot;
        redirected = true;
    }
    let c = clients.get_mut(dest).expect("checked alive");
    let mut msg = Vec::with_capacity(64);
    if c.resp3 {
        resp_proto::write::push_len(&mut msg, 2);
        resp_proto::write::bulk(&mut msg, b"invalidate");
    } else if redirected && c.is_subscriber() {
        resp_proto::write::array_len(&mut msg, 3);
        resp_proto::write::bulk(&mut msg, b"message");
        resp_proto::write::bulk(&mut msg, INVALIDATE_CHANNEL);
    } else {
        // RESP2 without a redirect cannot receive pushes.
        return;
    }
    match payload {
        Payload::Key(key) => {
            resp_proto::write::array_len(&mut msg, 1);
            resp_proto::write::bulk(&mut msg, key);
        }
        // The null is written in the tracking client's own protocol, as Redis.
        Payload::Null if resp3_origin => resp_proto::write::null(&mut msg),
        Payload::Null => resp_proto::write::null_bulk(&mut msg),
        Payload::Keys(array) => msg.extend_from_slice(array),
    }
    c.deliver(&msg, dest, pending);
}

impl crate::Engine {
    /// Sends invalidations for `key` to the clients that may have cached it,
    /// `by` being the client whose command changed it (Redis's
    /// trackingInvalidateKey).
    /// The check is inline: every write asks.
    #[inline]
    pub(crate) fn tracking_invalidate(&mut self, key: &[u8], by: Option<ClientId>) {
        if self.tracking.is_active() {
            self.tracking_invalidate_now(key, by);
        }
    }

    #[cold]
    fn tracking_invalidate_now(&mut self, key: &[u8], by: Option<ClientId>) {
        let t = &mut self.tracking;
        for (prefix, bcast) in t.prefixes.iter_mut() {
            if key.starts_with(prefix) {
                bcast.pending.insert(key.into(), by);
            }
        }
        let Some(watchers) = t.keys.remove(key) else {
            return;
        };
        t.total_items -= watchers.len();
        for who in watchers {
            let Some(c) = self.clients.get(who.slot) else {
                continue;
            };
            let Some(ct) = c.tracking.as_ref() else {
                continue;
            };
            let own = by == Some(who.slot) || t.running == Some(who.slot);
            if c.id != who.id || ct.bcast || (ct.noloop && own) {
                continue;
            }
            // The running client gets it after its reply, so that it does not
            // land inside a transaction's (Redis's tracking_pending_keys).
            if t.running == Some(who.slot) {
                t.deferred.push(Some(key.into()));
                continue;
            }
            send(
                &mut self.clients,
                &mut self.pending_writes,
                who.slot,
                Payload::Key(key),
            );
        }
    }

    /// A database was flushed: every tracking client drops its whole cache,
    /// and the table is emptied (Redis's trackingInvalidateKeysOnFlush).
    pub(crate) fn tracking_flushed(&mut self) {
        if self.tracking.clients > 0 {
            let targets: Vec<ClientId> = self
                .clients
                .iter()
                .filter(|(_, c)| c.tracking.is_some())
                .map(|(id, _)| id)
                .collect();
            for target in targets {
                if self.tracking.running == Some(target) {
                    self.tracking.deferred.push(None);
                    continue;
                }
                send(
                    &mut self.clients,
                    &mut self.pending_writes,
                    target,
                    Payload::Null,
                );
            }
        }
        self.tracking.keys = HashMap::new();
        self.tracking.total_items = 0;
    }

    /// Sends the invalidations held for `client` while its command ran
    /// (Redis's trackingHandlePendingKeyInvalidations).
    pub(crate) fn tracking_send_deferred(&mut self, client: ClientId) {
        for key in std::mem::take(&mut self.tracking.deferred) {
            let payload = match &key {
                Some(key) => Payload::Key(key),
                None => Payload::Null,
            };
            send(&mut self.clients, &mut self.pending_writes, client, payload);
        }
    }

    /// CLIENT TRACKING ON with checked options (Redis's enableTracking).
    pub(crate) fn tracking_on(
        &mut self,
        client: ClientId,
        mut settings: ClientTracking,
        prefixes: Vec<Box<[u8]>>,
    ) {
        let Some(c) = self.clients.get_mut(client) else {
            return;
        };
        let who = Who {
            slot: client,
            id: c.id,
        };
        let old = c.tracking.take();
        if old.is_none() {
            self.tracking.clients += 1;
        }
        let mut own = old.map(|o| o.prefixes).unwrap_or_default();
        if settings.bcast {
            let wanted = if prefixes.is_empty() {
                vec![Box::from(&b""[..])]
            } else {
                prefixes
            };
            for prefix in wanted {
                let bcast = self.tracking.prefixes.entry(prefix.clone()).or_default();
                if !bcast.clients.contains(&who) {
                    bcast.clients.push(who);
                    own.push(prefix);
                }
            }
            own.sort();
            own.dedup();
        }
        settings.prefixes = own;
        let c = self.clients.get_mut(client).expect("looked up above");
        c.tracking = Some(Box::new(settings));
    }

    /// Turns tracking off for a client (CLIENT TRACKING OFF, RESET,
    /// disconnect). Keys it read stay in the table until they change, as in
    /// Redis; they are skipped then.
    pub(crate) fn tracking_off(&mut self, client: ClientId) {
        let Some(c) = self.clients.get_mut(client) else {
            return;
        };
        let Some(t) = c.tracking.take() else {
            return;
        };
        let who = Who {
            slot: client,
            id: c.id,
        };
        self.tracking.clients -= 1;
        for prefix in &t.prefixes {
            if let Some(bcast) = self.tracking.prefixes.get_mut(prefix) {
                bcast.clients.retain(|w| *w != who);
                if bcast.clients.is_empty() {
                    self.tracking.prefixes.remove(prefix);
                }
            }
        }
    }

    /// After a read-only command: remembers the keys a tracking client may
    /// now cache (Redis's trackingRememberKeys).
    pub(crate) fn tracking_remember(
        &mut self,
        client: ClientId,
        keys: &mut dyn Iterator<Item = &[u8]>,
    ) {
        let Some(c) = self.clients.get(client) else {
            return;
        };
        let Some(t) = c.tracking.as_ref() else {
            return;
        };
        if t.bcast || (t.optin && !t.caching) || (t.optout && t.caching) {
            return;
        }
        let who = Who {
            slot: client,
            id: c.id,
        };
        for key in keys {
            let watchers = match self.tracking.keys.get_mut(key) {
                Some(w) => w,
                None => self.tracking.keys.entry(key.into()).or_default(),
            };
            if !watchers.contains(&who) {
                watchers.push(who);
                self.tracking.total_items += 1;
            }
        }
    }

    /// Keeps the table within `tracking-table-max-keys` by invalidating keys
    /// early, a bounded number per call (Redis's trackingLimitUsedSlots).
    pub(crate) fn tracking_limit(&mut self) {
        let max = self.config.tracking_table_max_keys as usize;
        if max == 0 || self.tracking.keys.len() <= max {
            self.tracking.limit_rounds = 0;
            return;
        }
        let mut effort = 100 * (self.tracking.limit_rounds as usize + 1);
        while effort > 0 && self.tracking.keys.len() > max {
            effort -= 1;
            let Some(key) = self.tracking.keys.keys().next().cloned() else {
                break;
            };
            self.tracking_invalidate(&key, None);
        }
        if self.tracking.keys.len() > max {
            self.tracking.limit_rounds += 1;
        } else {
            self.tracking.limit_rounds = 0;
        }
    }

    /// Sends what BCAST prefixes collected, one message per prefix and client
    /// (Redis's trackingBroadcastInvalidationMessages, before sleeping).
    pub(crate) fn tracking_broadcast(&mut self) {
        if self.tracking.prefixes.is_empty() {
            return;
        }
        let mut sends: Vec<(ClientId, Vec<u8>)> = Vec::new();
        for bcast in self.tracking.prefixes.values_mut() {
            if bcast.pending.is_empty() {
                continue;
            }
            let pending = std::mem::take(&mut bcast.pending);
            let all = keys_array(pending.keys().map(|k| &**k));
            for who in &bcast.clients {
                let Some(c) = self.clients.get(who.slot) else {
                    continue;
                };
                let noloop = c.tracking.as_ref().is_some_and(|t| t.noloop);
                if noloop {
                    // Leave out the keys this client changed itself.
                    let mine = |by: &Option<ClientId>| *by == Some(who.slot);
                    let others: Vec<&[u8]> = pending
                        .iter()
                        .filter(|(_, by)| !mine(by))
                        .map(|(k, _)| &**k)
                        .collect();
                    if !others.is_empty() {
                        sends.push((who.slot, keys_array(others.into_iter())));
                    }
                } else {
                    sends.push((who.slot, all.clone()));
                }
            }
        }
        for (target, array) in sends {
            send(
                &mut self.clients,
                &mut self.pending_writes,
                target,
                Payload::Keys(&array),
            );
        }
    }
}

/// A RESP array of bulk strings.
fn keys_array<'k>(keys: impl Iterator<Item = &'k [u8]> + Clone) -> Vec<u8> {
    let mut out = Vec::new();
    resp_proto::write::array_len(&mut out, keys.clone().count());
    for k in keys {
        resp_proto::write::bulk(&mut out, k);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testing::{TestEngine, check_on};

    /// The test client in RESP3, tracking (default mode), having read `keys`.
    fn tracking_resp3(keys: &[&str]) -> TestEngine {
        let mut t = TestEngine::new();
        t.run(&["HELLO", "3"]);
        check_on(&mut t, &[(&["CLIENT", "TRACKING", "ON"], "+OK|")]);
        for key in keys {
            t.run(&["GET", key]);
        }
        t
    }

    #[test]
    fn the_cron_applies_a_lowered_table_limit_on_an_idle_server() {
        let mut t = tracking_resp3(&["a", "b"]);
        t.engine.config.enable_debug_command = "yes".into();
        check_on(&mut t, &[(&["DEBUG", "PAUSE-CRON", "1"], "+OK|")]);
        t.engine.config.tracking_table_max_keys = 1;
        t.engine.cron(&t.host);
        assert_eq!(t.engine.tracking.total_keys(), 2, "the cron is paused");
        t.engine.cron_paused = false;
        t.engine.cron(&t.host);
        assert_eq!(t.engine.tracking.total_keys(), 1);
        let me = t.client;
        let got = t.received(me);
        assert!(
            got == ">2|$10|invalidate|*1|$1|a|" || got == ">2|$10|invalidate|*1|$1|b|",
            "{got}"
        );
    }

    #[test]
    fn own_invalidations_follow_a_whole_transaction_reply() {
        let mut t = tracking_resp3(&[]);
        t.run(&["MSET", "a", "1", "b", "2"]);
        t.run(&["GET", "a"]);
        check_on(
            &mut t,
            &[
                (&["MULTI"], "+OK|"),
                (&["INCR", "a"], "+QUEUED|"),
                (&["GET", "b"], "+QUEUED|"),
                (&["EXEC"], "*2|:2|$1|2|>2|$10|invalidate|*1|$1|a|"),
                (&["MULTI"], "+OK|"),
                (&["FLUSHDB"], "+QUEUED|"),
                (&["PING"], "+QUEUED|"),
                (&["EXEC"], "*2|+OK|+PONG|>2|$10|invalidate|_|"),
            ],
        );
    }

    #[test]
    fn the_limit_is_applied_before_a_command_is_queued() {
        // Redis's #11715: the invalidation precedes the QUEUED reply.
        let mut t = tracking_resp3(&["a", "b"]);
        check_on(&mut t, &[(&["MULTI"], "+OK|")]);
        t.engine.config.tracking_table_max_keys = 1;
        let got = crate::testing::shown(&t.run(&["PING"]));
        assert!(got.starts_with(">2|$10|invalidate|*1|$1|"), "{got}");
        assert!(got.ends_with("|+QUEUED|"), "{got}");
        check_on(&mut t, &[(&["EXEC"], "*1|+PONG|")]);
    }
}
