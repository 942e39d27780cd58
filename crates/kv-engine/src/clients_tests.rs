//! Several clients doing random things at once — transactions, watches,
//! subscriptions, tracking in both protocols, blocking pops, resets and
//! disconnects — must never panic (debug assertions included) and must leave
//! the engine's cross-client tables consistent with the clients' own state.

use proptest::prelude::*;

use crate::ClientId;
use crate::testing::TestEngine;

const CLIENTS: usize = 4;

/// Requests a client may send; `K` is a key, `C` a channel, `I` another
/// client's CLIENT ID.
const REQUESTS: &[&[&str]] = &[
    &["SET", "K", "v"],
    &["GET", "K"],
    &["DEL", "K"],
    &["RPUSH", "K", "x"],
    &["LPOP", "K"],
    &["EXPIRE", "K", "1"],
    &["MULTI"],
    &["EXEC"],
    &["DISCARD"],
    &["WATCH", "K"],
    &["UNWATCH"],
    &["SUBSCRIBE", "C"],
    &["PSUBSCRIBE", "c*"],
    &["SSUBSCRIBE", "C"],
    &["UNSUBSCRIBE"],
    &["PUNSUBSCRIBE", "c*"],
    &["SUNSUBSCRIBE"],
    &["PUBLISH", "C", "m"],
    &["SPUBLISH", "C", "m"],
    &["PING"],
    &["HELLO", "3"],
    &["HELLO", "2"],
    &["CLIENT", "TRACKING", "on"],
    &["CLIENT", "TRACKING", "on", "REDIRECT", "I"],
    &["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "k"],
    &["CLIENT", "TRACKING", "on", "OPTIN"],
    &["CLIENT", "CACHING", "yes"],
    &["CLIENT", "TRACKING", "off"],
    &["CLIENT", "TRACKINGINFO"],
    &["CLIENT", "LIST"],
    &["BLPOP", "K", "0.05"],
    &["FLUSHALL"],
    &["SWAPDB", "0", "1"],
    &["SELECT", "1"],
    &["RESET"],
    &["CONFIG", "SET", "notify-keyspace-events", "KEA"],
    &["CONFIG", "SET", "tracking-table-max-keys", "1"],
];

#[derive(Debug, Clone)]
enum Step {
    /// Client, request, key, channel, target client.
    Send(usize, usize, usize, usize, usize),
    Wait(u64),
    /// The client disconnects and a new one takes its place.
    Reconnect(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        12 => (0..CLIENTS, 0..REQUESTS.len(), 0..3usize, 0..2usize, 0..CLIENTS)
            .prop_map(|(c, r, k, ch, i)| Step::Send(c, r, k, ch, i)),
        2 => (1u64..120).prop_map(Step::Wait),
        1 => (0..CLIENTS).prop_map(Step::Reconnect),
    ]
}

/// The engine's tables agree with its clients.
fn check_consistency(t: &TestEngine) {
    let e = &t.engine;
    let tracking = e
        .clients
        .iter()
        .filter(|(_, c)| c.tracking.is_some())
        .count();
    assert_eq!(e.tracking.clients(), tracking, "tracking_clients");
    let channels: usize = e
        .clients
        .iter()
        .map(|(_, c)| c.subs.as_ref().map_or(0, |s| s.channels.len()))
        .sum();
    let listed: usize = e
        .pubsub
        .names(crate::pubsub::Kind::Channel, None)
        .iter()
        .map(|n| e.pubsub.subscribers(crate::pubsub::Kind::Channel, n))
        .sum();
    assert_eq!(channels, listed, "channel subscriptions");
    for (id, c) in e.clients.iter() {
        for w in &c.watched {
            assert!(
                e.watches.watchers(w.db, &w.key).contains(&id),
                "a watch is listed"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn many_clients_never_break_the_engine(steps in prop::collection::vec(step(), 1..80)) {
        let mut t = TestEngine::new();
        t.engine.config.enable_debug_command = "yes".into();
        let mut clients: Vec<ClientId> = (0..CLIENTS).map(|_| t.connect()).collect();
        let mut now = 1_700_000_000_000u64;
        for step in &steps {
            match step {
                Step::Send(c, r, k, ch, i) => {
                    let client = clients[*c];
                    // A parked client sends nothing until it is served.
                    if t.engine.blocking.is_parked(client) {
                        continue;
                    }
                    let target = t.engine.client(clients[*i]).map_or(0, |c| c.id).to_string();
                    let args: Vec<String> = REQUESTS[*r]
                        .iter()
                        .map(|a| match *a {
                            "K" => ["k1", "k2", "other"][*k].to_owned(),
                            "C" => ["c1", "c2"][*ch].to_owned(),
                            "I" => target.clone(),
                            a => a.to_owned(),
                        })
                        .collect();
                    let args: Vec<&str> = args.iter().map(String::as_str).collect();
                    t.run_as(client, &args);
                }
                Step::Wait(ms) => {
                    now += ms;
                    t.set_time_ms(now);
                    t.engine.expire_blocked();
                    t.engine.cron(&t.host);
                }
                Step::Reconnect(c) => {
                    t.engine.remove_client(clients[*c]);
                    clients[*c] = t.connect();
                }
            }
            check_consistency(&t);
        }
    }
}
