//! Pub/Sub state (Redis's pubsub.c): who listens to which channel, pattern and
//! shard channel, and delivery of a message into subscribers' output buffers.
//!
//! Invariants:
//! - A client is in a channel's (pattern's) subscriber list exactly when the
//!   channel is in its own subscription set; both change together.
//! - An ordinary client's kind is `ClientKind::PubSub` exactly when it has a
//!   subscription (Redis's CLIENT_PUBSUB), and its `subs` is `None` when empty.
//! - A message is encoded once per protocol (RESP2 array, RESP3 push) and
//!   copied into each subscriber's buffer: no allocation per subscriber.

use hashbrown::{HashMap, HashSet};

use crate::client::{ClientId, Clients};

/// The three namespaces a client can subscribe in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Channel,
    Pattern,
    Shard,
}

impl Kind {
    /// The reply kinds Redis sends: (subscribe, unsubscribe, message).
    pub(crate) fn names(self) -> (&'static [u8], &'static [u8], &'static [u8]) {
        match self {
            Kind::Channel => (b"subscribe", b"unsubscribe", b"message"),
            Kind::Pattern => (b"psubscribe", b"punsubscribe", b"pmessage"),
            Kind::Shard => (b"ssubscribe", b"sunsubscribe", b"smessage"),
        }
    }
}

/// One client's subscriptions.
#[derive(Debug, Default)]
pub struct Subscriptions {
    pub(crate) channels: HashSet<Box<[u8]>>,
    pub(crate) patterns: HashSet<Box<[u8]>>,
    pub(crate) shard: HashSet<Box<[u8]>>,
}

impl Subscriptions {
    pub(crate) fn set(&self, kind: Kind) -> &HashSet<Box<[u8]>> {
        match kind {
            Kind::Channel => &self.channels,
            Kind::Pattern => &self.patterns,
            Kind::Shard => &self.shard,
        }
    }

    pub(crate) fn set_mut(&mut self, kind: Kind) -> &mut HashSet<Box<[u8]>> {
        match kind {
            Kind::Channel => &mut self.channels,
            Kind::Pattern => &mut self.patterns,
            Kind::Shard => &mut self.shard,
        }
    }

    /// The count a (P)SUBSCRIBE reply shows: channels and patterns together;
    /// shard channels are counted apart (Redis's clientSubscriptionsCount and
    /// clientShardSubscriptionsCount).
    pub(crate) fn count_for(&self, kind: Kind) -> usize {
        match kind {
            Kind::Shard => self.shard.len(),
            _ => self.channels.len() + self.patterns.len(),
        }
    }

    /// Whether the client is in subscriber mode (RESP2 restricts commands).
    pub fn any(&self) -> bool {
        !self.channels.is_empty() || !self.patterns.is_empty() || !self.shard.is_empty()
    }
}

/// The server-wide subscriber lists.
#[derive(Debug, Default)]
pub(crate) struct PubSub {
    channels: HashMap<Box<[u8]>, Vec<ClientId>>,
    patterns: HashMap<Box<[u8]>, Vec<ClientId>>,
    shard: HashMap<Box<[u8]>, Vec<ClientId>>,
    /// Scratch buffers for one message, reused across PUBLISHes.
    resp2: Vec<u8>,
    resp3: Vec<u8>,
}

impl PubSub {
    fn table(&self, kind: Kind) -> &HashMap<Box<[u8]>, Vec<ClientId>> {
        match kind {
            Kind::Channel => &self.channels,
            Kind::Pattern => &self.patterns,
            Kind::Shard => &self.shard,
        }
    }

    fn table_mut(&mut self, kind: Kind) -> &mut HashMap<Box<[u8]>, Vec<ClientId>> {
        match kind {
            Kind::Channel => &mut self.channels,
            Kind::Pattern => &mut self.patterns,
            Kind::Shard => &mut self.shard,
        }
    }

    pub(crate) fn add(&mut self, kind: Kind, name: &[u8], client: ClientId) {
        match self.table_mut(kind).get_mut(name) {
            Some(list) => list.push(client),
            None => {
                self.table_mut(kind).insert(name.into(), vec![client]);
            }
        }
    }

    pub(crate) fn remove(&mut self, kind: Kind, name: &[u8], client: ClientId) {
        let table = self.table_mut(kind);
        if let Some(list) = table.get_mut(name) {
            list.retain(|c| *c != client);
            if list.is_empty() {
                table.remove(name);
            }
        }
    }

    /// Whether nobody listens anywhere (the cheap test before a keyspace event).
    pub(crate) fn is_empty(&self) -> bool {
        self.channels.is_empty() && self.patterns.is_empty()
    }

    /// Active channels (or shard channels) matching an optional glob.
    pub(crate) fn names(&self, kind: Kind, pattern: Option<&[u8]>) -> Vec<&[u8]> {
        self.table(kind)
            .keys()
            .map(|k| &**k)
            .filter(|k| pattern.is_none_or(|p| kv_types::glob::glob_match(p, k, false)))
            .collect()
    }

    pub(crate) fn subscribers(&self, kind: Kind, name: &[u8]) -> usize {
        self.table(kind).get(name).map_or(0, Vec::len)
    }

    pub(crate) fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// Delivers `message` on `channel` to its subscribers (and, for ordinary
    /// channels, to matching pattern subscribers); returns the number of
    /// receivers. `pending` gets each client whose buffer grew.
    pub(crate) fn publish(
        &mut self,
        kind: Kind,
        channel: &[u8],
        message: &[u8],
        clients: &mut Clients,
        pending: &mut Vec<ClientId>,
    ) -> usize {
        let mut receivers = 0;
        let msg_kind = kind.names().2;
        let Self {
            channels,
            patterns,
            shard,
            resp2,
            resp3,
        } = self;
        let table = match kind {
            Kind::Channel => &*channels,
            Kind::Pattern => &*patterns,
            Kind::Shard => &*shard,
        };
        // Each subscriber gets the message in its protocol; the number of
        // clients that got it.
        let mut deliver = |list: &[ClientId], resp2: &[u8], resp3: &[u8]| {
            let mut n = 0;
            for &id in list {
                if let Some(c) = clients.get_mut(id) {
                    c.deliver(if c.resp3 { resp3 } else { resp2 }, id, pending);
                    n += 1;
                }
            }
            n
        };
        if let Some(list) = table.get(channel) {
            encode(resp2, resp3, &[msg_kind, channel, message]);
            receivers += deliver(list, resp2, resp3);
        }
        if kind == Kind::Channel && !patterns.is_empty() {
            for (pattern, list) in patterns.iter() {
                if kv_types::glob::glob_match(pattern, channel, false) {
                    encode(resp2, resp3, &[b"pmessage", pattern, channel, message]);
                    receivers += deliver(list, resp2, resp3);
                }
            }
        }
        receivers
    }
}

/// Encodes one message both as a RESP2 array and as a RESP3 push.
fn encode(resp2: &mut Vec<u8>, resp3: &mut Vec<u8>, parts: &[&[u8]]) {
    resp2.clear();
    resp3.clear();
    resp_proto::write::array_len(resp2, parts.len());
    let header = resp2.len();
    for part in parts {
        resp_proto::write::bulk(resp2, part);
    }
    resp_proto::write::push_len(resp3, parts.len());
    resp3.extend_from_slice(&resp2[header..]);
}

impl crate::Engine {
    /// Delivers a message; returns how many clients received it.
    pub(crate) fn publish(&mut self, kind: Kind, channel: &[u8], message: &[u8]) -> usize {
        self.pubsub.publish(
            kind,
            channel,
            message,
            &mut self.clients,
            &mut self.pending_writes,
        )
    }

    /// Subscribes `client` to `name` in `kind`'s namespace; subscribing twice
    /// changes nothing. Returns the count the confirmation shows.
    pub(crate) fn subscribe(&mut self, client: ClientId, kind: Kind, name: &[u8]) -> usize {
        let c = self
            .clients
            .get_mut(client)
            .expect("only a registered client subscribes");
        let subs = c.subs.get_or_insert_with(Default::default);
        if !subs.set(kind).contains(name) {
            subs.set_mut(kind).insert(name.into());
            self.pubsub.add(kind, name, client);
        }
        let count = subs.count_for(kind);
        c.update_kind();
        count
    }

    /// Unsubscribes `client` from `name` (a no-op if it was not subscribed).
    /// Returns the count the confirmation shows.
    pub(crate) fn unsubscribe(&mut self, client: ClientId, kind: Kind, name: &[u8]) -> usize {
        let c = self
            .clients
            .get_mut(client)
            .expect("only a registered client unsubscribes");
        let Some(subs) = c.subs.as_mut() else {
            return 0;
        };
        if subs.set_mut(kind).remove(name) {
            self.pubsub.remove(kind, name, client);
        }
        let count = subs.count_for(kind);
        c.update_kind();
        count
    }

    /// Drops all of `client`'s subscriptions in `kind`'s namespace and returns
    /// their names, in the order they were dropped, for the confirmations.
    pub(crate) fn unsubscribe_kind(&mut self, client: ClientId, kind: Kind) -> Vec<Box<[u8]>> {
        let c = self
            .clients
            .get_mut(client)
            .expect("only a registered client unsubscribes");
        let Some(subs) = c.subs.as_mut() else {
            return Vec::new();
        };
        let names: Vec<Box<[u8]>> = subs.set_mut(kind).drain().collect();
        for name in &names {
            self.pubsub.remove(kind, name, client);
        }
        c.update_kind();
        names
    }

    /// Silently drops every subscription of `client` from the server-wide
    /// lists (disconnect, RESET), as Redis's pubsubUnsubscribeAll* with
    /// notify off.
    pub(crate) fn unsubscribe_all(&mut self, client: ClientId) {
        let Some(c) = self.clients.get_mut(client) else {
            return;
        };
        let Some(subs) = c.subs.take() else {
            return;
        };
        for kind in [Kind::Channel, Kind::Pattern, Kind::Shard] {
            for name in subs.set(kind) {
                self.pubsub.remove(kind, name, client);
            }
        }
        c.update_kind();
    }

    /// Channels with at least one subscriber (INFO `pubsub_channels`).
    pub fn pubsub_channels(&self) -> usize {
        self.pubsub.channels.len()
    }

    /// Distinct patterns subscribed to (INFO `pubsub_patterns`, PUBSUB NUMPAT).
    pub fn pubsub_patterns(&self) -> usize {
        self.pubsub.pattern_count()
    }

    /// Shard channels with at least one subscriber (INFO `pubsubshard_channels`).
    pub fn pubsub_shard_channels(&self) -> usize {
        self.pubsub.shard.len()
    }
}

impl crate::Client {
    /// How many channels, patterns and shard channels the client listens to
    /// (CLIENT LIST `sub=`, `psub=`, `ssub=`).
    pub fn subscription_counts(&self) -> (usize, usize, usize) {
        self.subs.as_ref().map_or((0, 0, 0), |s| {
            (s.channels.len(), s.patterns.len(), s.shard.len())
        })
    }

    /// Keeps `kind` in step with the subscriptions, as Redis's CLIENT_PUBSUB
    /// flag: an ordinary client with any subscription counts as a pub/sub
    /// client (client-output-buffer-limit, CLIENT LIST/KILL TYPE); replicas
    /// and masters keep their class. A client left with nothing drops its
    /// empty set.
    fn update_kind(&mut self) {
        let any = self.subs.as_ref().is_some_and(|s| s.any());
        if !any {
            self.subs = None;
        }
        self.kind = match (self.kind, any) {
            (crate::ClientKind::Normal, true) => crate::ClientKind::PubSub,
            (crate::ClientKind::PubSub, false) => crate::ClientKind::Normal,
            (kind, _) => kind,
        };
    }
}
