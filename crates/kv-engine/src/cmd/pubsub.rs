//! Pub/Sub commands (Redis's pubsub.c): SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and
//! their UNSUBSCRIBEs, PUBLISH, SPUBLISH and the PUBSUB introspection
//! subcommands. Who listens where lives in `crate::pubsub`; this file turns
//! requests into changes there and writes the confirmations.
//!
//! Every (un)subscription is confirmed by a `[kind, channel, count]` message:
//! a push in RESP3, an array in RESP2. Like Redis (CLIENT_PUSHING), these
//! confirmations and the messages a client receives are sent even when it
//! silenced its replies with CLIENT REPLY OFF/SKIP.

use resp_proto::Argv;

use super::args::subcommand_syntax_error;

use crate::client::{Client, ReplyMode};
use crate::command::flags::*;
use crate::command::{Command, Group, Keys};
use crate::error::{CmdError, CmdResult};
use crate::pubsub::Kind;
use crate::{Ctx, Reply};

/// Key-spec flags of the shard commands: the channel picks the slot but is
/// not a key (GETKEYS leaves it out).
const NOT_KEY: &[&str] = &["not_key"];

/// Whether the dispatcher will discard what this command writes to
/// `ctx.reply` (CLIENT REPLY OFF, or the command after CLIENT REPLY SKIP).
fn silenced(client: &Client) -> bool {
    matches!(client.reply_mode, ReplyMode::Off | ReplyMode::Skipping)
}

/// Writes one (un)subscribe confirmation: `what`, the channel (null when an
/// UNSUBSCRIBE found nothing to drop) and the client's count after it. For a
/// silenced client it bypasses the reply writer and goes straight to the
/// client's own buffer, which the dispatcher appends after the (discarded)
/// reply.
fn confirm(ctx: &mut Ctx<'_>, what: &[u8], channel: Option<&[u8]>, count: usize) {
    let resp3 = ctx.reply.is_resp3();
    if silenced(ctx.me()) {
        write_confirmation(
            &mut Reply::new(&mut ctx.me_mut().out, resp3),
            what,
            channel,
            count,
        );
    } else {
        write_confirmation(&mut ctx.reply, what, channel, count);
    }
}

fn write_confirmation(reply: &mut Reply<'_>, what: &[u8], channel: Option<&[u8]>, count: usize) {
    reply.push(3);
    reply.bulk(what);
    reply.bulk_opt(channel);
    reply.integer(count as i64);
}

/// SUBSCRIBE channel [channel ...], PSUBSCRIBE, SSUBSCRIBE: one confirmation
/// per argument, repeated ones included.
fn subscribe_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, kind: Kind) -> CmdResult {
    let what = kind.names().0;
    for name in argv.iter().skip(1) {
        let count = ctx.engine.subscribe(ctx.client, kind, name);
        confirm(ctx, what, Some(name), count);
    }
    Ok(())
}

/// UNSUBSCRIBE [channel ...], PUNSUBSCRIBE, SUNSUBSCRIBE: without arguments,
/// drops every subscription of the kind (a single confirmation with a null
/// channel when there was none).
fn unsubscribe_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, kind: Kind) -> CmdResult {
    let what = kind.names().1;
    if argv.len() > 1 {
        for name in argv.iter().skip(1) {
            let count = ctx.engine.unsubscribe(ctx.client, kind, name);
            confirm(ctx, what, Some(name), count);
        }
        return Ok(());
    }
    let names = ctx.engine.unsubscribe_kind(ctx.client, kind);
    let rest = subscription_count(ctx.me(), kind);
    if names.is_empty() {
        confirm(ctx, what, None, rest);
    }
    // Each confirmation counts the subscriptions still left at that point.
    for (i, name) in names.iter().enumerate() {
        confirm(ctx, what, Some(name), rest + names.len() - 1 - i);
    }
    Ok(())
}

/// The count confirmations of `kind` show (see `Subscriptions::count_for`).
fn subscription_count(client: &Client, kind: Kind) -> usize {
    client.subs.as_ref().map_or(0, |s| s.count_for(kind))
}

/// SUBSCRIBE channel [channel ...]
pub fn subscribe_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    // Redis also refuses SUBSCRIBE to DENY_BLOCKING clients outside MULTI
    // (module clients); kv has no such clients, and inside EXEC it is allowed.
    subscribe_generic(ctx, argv, Kind::Channel)
}

/// PSUBSCRIBE pattern [pattern ...]
pub fn psubscribe_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    subscribe_generic(ctx, argv, Kind::Pattern)
}

/// SSUBSCRIBE shardchannel [shardchannel ...]
pub fn ssubscribe_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    // Unlike SUBSCRIBE, refused inside EXEC too (Redis checks DENY_BLOCKING
    // alone here).
    if !ctx.may_block() {
        return Err(CmdError::err(
            "SSUBSCRIBE isn't allowed for a DENY BLOCKING client",
        ));
    }
    subscribe_generic(ctx, argv, Kind::Shard)
}

/// UNSUBSCRIBE [channel [channel ...]]
pub fn unsubscribe_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    unsubscribe_generic(ctx, argv, Kind::Channel)
}

/// PUNSUBSCRIBE [pattern [pattern ...]]
pub fn punsubscribe_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    unsubscribe_generic(ctx, argv, Kind::Pattern)
}

/// SUNSUBSCRIBE [shardchannel [shardchannel ...]]
pub fn sunsubscribe_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    unsubscribe_generic(ctx, argv, Kind::Shard)
}

/// PUBLISH channel message, SPUBLISH: the number of clients that received it.
fn publish_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, kind: Kind) -> CmdResult {
    let receivers = ctx.engine.publish(kind, argv.arg(1), argv.arg(2));
    // Replicas' subscribers get the message too; an AOF does not replay it.
    ctx.propagate_to_replicas_only();
    // A RESP3 subscriber publishing to itself: Redis writes the message into
    // its buffer ahead of this reply. While a command runs the dispatcher
    // holds the client's buffer in `ctx.reply`, so `out` holds exactly what
    // was delivered to it during the command; move that in front. (A
    // silenced client keeps it there, so the messages survive.)
    if !ctx.me().out.is_empty() && !silenced(ctx.me()) {
        let delivered = std::mem::take(&mut ctx.me_mut().out);
        ctx.reply.raw(&delivered);
    }
    ctx.reply.integer(receivers as i64);
    Ok(())
}

/// PUBLISH channel message
pub fn publish_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    publish_generic(ctx, argv, Kind::Channel)
}

/// SPUBLISH shardchannel message
pub fn spublish_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    publish_generic(ctx, argv, Kind::Shard)
}

/// PUBSUB CHANNELS [pattern], SHARDCHANNELS: active channels matching the
/// pattern (all without one).
fn pubsub_names_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, kind: Kind) -> CmdResult {
    if argv.len() > 3 {
        return Err(subcommand_syntax_error(argv.arg(1), "PUBSUB"));
    }
    let names = ctx.engine.pubsub.names(kind, argv.get(2));
    ctx.reply.array(names.len());
    for name in names {
        ctx.reply.bulk(name);
    }
    Ok(())
}

/// PUBSUB NUMSUB [channel ...], SHARDNUMSUB: each channel and its number of
/// subscribers, as a flat array (Redis 7.0 sends an array in RESP3 too).
fn pubsub_numsub_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, kind: Kind) -> CmdResult {
    ctx.reply.array((argv.len() - 2) * 2);
    for name in argv.iter().skip(2) {
        ctx.reply.bulk(name);
        ctx.reply
            .integer(ctx.engine.pubsub.subscribers(kind, name) as i64);
    }
    Ok(())
}

/// PUBSUB CHANNELS [pattern]
pub fn pubsub_channels_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    pubsub_names_generic(ctx, argv, Kind::Channel)
}

/// PUBSUB SHARDCHANNELS [pattern]
pub fn pubsub_shardchannels_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    pubsub_names_generic(ctx, argv, Kind::Shard)
}

/// PUBSUB NUMSUB [channel [channel ...]]
pub fn pubsub_numsub_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    pubsub_numsub_generic(ctx, argv, Kind::Channel)
}

/// PUBSUB SHARDNUMSUB [shardchannel [shardchannel ...]]
pub fn pubsub_shardnumsub_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    pubsub_numsub_generic(ctx, argv, Kind::Shard)
}

/// PUBSUB NUMPAT — distinct patterns subscribed to, by any client.
pub fn pubsub_numpat_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    ctx.reply.integer(ctx.engine.pubsub_patterns() as i64);
    Ok(())
}

/// PUBSUB HELP
pub fn pubsub_help_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    ctx.reply.help("PUBSUB",
        &[
            "CHANNELS [<pattern>]",
            "    Return the currently active channels matching a <pattern> (default: '*').",
            "NUMPAT",
            "    Return number of subscriptions to patterns.",
            "NUMSUB [<channel> ...]",
            "    Return the number of subscribers for the specified channels, excluding",
            "    pattern subscriptions(default: no channels).",
            "SHARDCHANNELS [<pattern>]",
            "    Return the currently active shard level channels matching a <pattern> (default: '*').",
            "SHARDNUMSUB [<shardchannel> ...]",
            "    Return the number of subscribers for the specified shard level channel(s)",
        ],
    );
    Ok(())
}

/// Flags every (un)subscribe command shares.
const SUBSCRIBING: u32 = PUBSUB | NOSCRIPT | LOADING | STALE;

/// This family's entries of the command table (see `command::table`).
pub static COMMANDS: &[Command] = &[
    Command {
        name: "subscribe",
        arity: -2,
        flags: SUBSCRIBING,
        group: Group::PubSub,
        since: "2.0.0",
        summary: "Listens for messages published to the given channels.",
        complexity: "O(N) where N is the number of channels to subscribe to.",
        syntax: "channel [channel ...]",
        handler: Some(subscribe_command),
        ..Command::BASE
    },
    Command {
        name: "unsubscribe",
        arity: -1,
        flags: SUBSCRIBING,
        group: Group::PubSub,
        since: "2.0.0",
        summary: "Stops listening to the given channels, or to all of them.",
        complexity: "O(N) where N is the number of clients already subscribed to a channel.",
        syntax: "[channel [channel ...]]",
        handler: Some(unsubscribe_command),
        ..Command::BASE
    },
    Command {
        name: "psubscribe",
        arity: -2,
        flags: SUBSCRIBING,
        group: Group::PubSub,
        since: "2.0.0",
        summary: "Listens for messages published to channels matching the given patterns.",
        complexity: "O(N) where N is the number of patterns the client is already subscribed to.",
        syntax: "pattern [pattern ...]",
        handler: Some(psubscribe_command),
        ..Command::BASE
    },
    Command {
        name: "punsubscribe",
        arity: -1,
        flags: SUBSCRIBING,
        group: Group::PubSub,
        since: "2.0.0",
        summary: "Stops listening to the given patterns, or to all of them.",
        complexity: "O(N+M) where N is the number of patterns the client is already subscribed \
                     and M is the number of total patterns subscribed in the system (by any client).",
        syntax: "[pattern [pattern ...]]",
        handler: Some(punsubscribe_command),
        ..Command::BASE
    },
    Command {
        name: "ssubscribe",
        arity: -2,
        flags: SUBSCRIBING,
        keys: Keys::range(1, -1, 1, NOT_KEY),
        group: Group::PubSub,
        since: "7.0.0",
        summary: "Listens for messages published to the given shard channels.",
        complexity: "O(N) where N is the number of shard channels to subscribe to.",
        syntax: "shardchannel [shardchannel ...]",
        handler: Some(ssubscribe_command),
        ..Command::BASE
    },
    Command {
        name: "sunsubscribe",
        arity: -1,
        flags: SUBSCRIBING,
        keys: Keys::range(1, -1, 1, NOT_KEY),
        group: Group::PubSub,
        since: "7.0.0",
        summary: "Stops listening to the given shard channels, or to all of them.",
        complexity: "O(N) where N is the number of clients already subscribed to a shard channel.",
        syntax: "[shardchannel [shardchannel ...]]",
        handler: Some(sunsubscribe_command),
        ..Command::BASE
    },
    Command {
        name: "publish",
        arity: 3,
        flags: PUBSUB | LOADING | STALE | FAST,
        group: Group::PubSub,
        since: "2.0.0",
        summary: "Sends a message to a channel's and matching patterns' subscribers.",
        complexity: "O(N+M) where N is the number of clients subscribed to the receiving channel \
                     and M is the total number of subscribed patterns (by any client).",
        syntax: "channel message",
        handler: Some(publish_command),
        ..Command::BASE
    },
    Command {
        name: "spublish",
        arity: 3,
        flags: PUBSUB | LOADING | STALE | FAST,
        keys: Keys::range(1, 1, 1, NOT_KEY),
        group: Group::PubSub,
        since: "7.0.0",
        summary: "Sends a message to a shard channel's subscribers.",
        complexity: "O(N) where N is the number of clients subscribed to the receiving shard channel.",
        syntax: "shardchannel message",
        handler: Some(spublish_command),
        ..Command::BASE
    },
    Command {
        name: "pubsub",
        arity: -2,
        group: Group::PubSub,
        since: "2.8.0",
        summary: "A container for Pub/Sub introspection commands.",
        complexity: "Depends on subcommand.",
        subcommands: PUBSUB_SUBCOMMANDS,
        ..Command::BASE
    },
];

/// PUBSUB's subcommands, in Redis's order.
static PUBSUB_SUBCOMMANDS: &[Command] = &[
    Command {
        name: "pubsub|numpat",
        arity: 2,
        flags: PUBSUB | LOADING | STALE,
        group: Group::PubSub,
        since: "2.8.0",
        summary: "Returns the number of distinct patterns subscribed to.",
        handler: Some(pubsub_numpat_command),
        ..Command::BASE
    },
    Command {
        name: "pubsub|channels",
        arity: -2,
        flags: PUBSUB | LOADING | STALE,
        group: Group::PubSub,
        since: "2.8.0",
        summary: "Returns the active channels, optionally those matching a pattern.",
        complexity: "O(N) where N is the number of active channels, and assuming constant time \
                     pattern matching (relatively short channels and patterns)",
        syntax: "[pattern]",
        handler: Some(pubsub_channels_command),
        ..Command::BASE
    },
    Command {
        name: "pubsub|numsub",
        arity: -2,
        flags: PUBSUB | LOADING | STALE,
        group: Group::PubSub,
        since: "2.8.0",
        summary: "Returns the number of subscribers of each given channel.",
        complexity: "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
        syntax: "[channel [channel ...]]",
        handler: Some(pubsub_numsub_command),
        ..Command::BASE
    },
    Command {
        name: "pubsub|help",
        arity: 2,
        flags: LOADING | STALE,
        group: Group::PubSub,
        since: "6.2.0",
        summary: "Describes the PUBSUB subcommands.",
        handler: Some(pubsub_help_command),
        ..Command::BASE
    },
    Command {
        name: "pubsub|shardnumsub",
        arity: -2,
        flags: PUBSUB | LOADING | STALE,
        group: Group::PubSub,
        since: "7.0.0",
        summary: "Returns the number of subscribers of each given shard channel.",
        complexity: "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested \
                     shard channels",
        syntax: "[shardchannel [shardchannel ...]]",
        handler: Some(pubsub_shardnumsub_command),
        ..Command::BASE
    },
    Command {
        name: "pubsub|shardchannels",
        arity: -2,
        flags: PUBSUB | LOADING | STALE,
        group: Group::PubSub,
        since: "7.0.0",
        summary: "Returns the active shard channels, optionally those matching a pattern.",
        complexity: "O(N) where N is the number of active shard channels, and assuming constant \
                     time pattern matching (relatively short shard channels).",
        syntax: "[pattern]",
        handler: Some(pubsub_shardchannels_command),
        ..Command::BASE
    },
];

#[cfg(test)]
mod tests {
    //! Expected bytes were captured from redis-server 7.0.15.

    use crate::client::{ClientId, ClientKind, Peer};
    use crate::testing::{TestEngine, check_on, shown};

    const DENIED: &str =
        "only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";

    /// A test engine with a second client, the publisher.
    fn with_peer() -> (TestEngine, ClientId) {
        let mut t = TestEngine::new();
        let peer = t.engine.add_client(Peer::default());
        (t, peer)
    }

    /// Takes what was delivered to `id` outside its own commands.
    fn delivered(t: &mut TestEngine, id: ClientId) -> String {
        let c = t.engine.client_mut(id).expect("the client is registered");
        let out = shown(&c.out[c.out_sent..]);
        c.out.clear();
        c.out_sent = 0;
        out
    }

    fn run_shown(t: &mut TestEngine, id: ClientId, args: &[&str]) -> String {
        shown(&t.run_as(id, args))
    }

    #[test]
    fn resp2_subscribe_confirms_each_channel_and_receives_messages() {
        let (mut t, peer) = with_peer();
        check_on(
            &mut t,
            &[
                (
                    &["SUBSCRIBE", "a", "b"],
                    "*3|$9|subscribe|$1|a|:1|*3|$9|subscribe|$1|b|:2|",
                ),
                // A repeated channel is confirmed again but counted once.
                (&["SUBSCRIBE", "a"], "*3|$9|subscribe|$1|a|:2|"),
            ],
        );
        assert_eq!(run_shown(&mut t, peer, &["PUBLISH", "a", "m"]), ":1|");
        let me = t.client;
        assert_eq!(delivered(&mut t, me), "*3|$7|message|$1|a|$1|m|");
        assert_eq!(run_shown(&mut t, peer, &["PUBLISH", "zz", "m"]), ":0|");
        assert_eq!(delivered(&mut t, me), "");
        assert_eq!(
            run_shown(&mut t, peer, &["PUBSUB", "NUMSUB", "a", "b", "c"]),
            "*6|$1|a|:1|$1|b|:1|$1|c|:0|"
        );
    }

    #[test]
    fn resp2_subscriber_mode_allows_only_pubsub_commands_and_ping() {
        let mut t = TestEngine::new();
        check_on(
            &mut t,
            &[
                (&["SUBSCRIBE", "a"], "*3|$9|subscribe|$1|a|:1|"),
                (&["PING"], "*2|$4|pong|$0||"),
                (&["PING", "hi"], "*2|$4|pong|$2|hi|"),
                (
                    &["GET", "x"],
                    &format!("-ERR Can't execute 'get': {DENIED}|"),
                ),
                (
                    &["PUBLISH", "a", "m"],
                    &format!("-ERR Can't execute 'publish': {DENIED}|"),
                ),
                (&["UNSUBSCRIBE", "a"], "*3|$11|unsubscribe|$1|a|:0|"),
                // Out of subscriber mode: ordinary replies again.
                (&["PING"], "+PONG|"),
                (&["GET", "x"], "$-1|"),
            ],
        );
    }

    #[test]
    fn patterns_receive_pmessages_and_count_with_channels() {
        let (mut t, peer) = with_peer();
        let me = t.client;
        check_on(
            &mut t,
            &[
                (&["SUBSCRIBE", "pa"], "*3|$9|subscribe|$2|pa|:1|"),
                (&["PSUBSCRIBE", "p*"], "*3|$10|psubscribe|$2|p*|:2|"),
                (&["PSUBSCRIBE", "p*"], "*3|$10|psubscribe|$2|p*|:2|"),
            ],
        );
        assert_eq!(run_shown(&mut t, peer, &["PUBLISH", "pa", "m"]), ":2|");
        assert_eq!(
            delivered(&mut t, me),
            "*3|$7|message|$2|pa|$1|m|*4|$8|pmessage|$2|p*|$2|pa|$1|m|"
        );
        assert_eq!(run_shown(&mut t, peer, &["PUBLISH", "pq", "x"]), ":1|");
        assert_eq!(delivered(&mut t, me), "*4|$8|pmessage|$2|p*|$2|pq|$1|x|");
        assert_eq!(run_shown(&mut t, peer, &["PUBSUB", "NUMPAT"]), ":1|");
        // Patterns never see shard messages.
        assert_eq!(run_shown(&mut t, peer, &["SPUBLISH", "pa", "x"]), ":0|");
        assert_eq!(delivered(&mut t, me), "");
    }

    #[test]
    fn resp3_confirmations_and_messages_are_pushes() {
        let mut t = TestEngine::new();
        t.run(&["HELLO", "3"]);
        check_on(
            &mut t,
            &[
                (&["SUBSCRIBE", "a"], ">3|$9|subscribe|$1|a|:1|"),
                (&["PSUBSCRIBE", "a*"], ">3|$10|psubscribe|$2|a*|:2|"),
                // Publishing to itself: the messages come ahead of the reply.
                (
                    &["PUBLISH", "a", "m"],
                    ">3|$7|message|$1|a|$1|m|>4|$8|pmessage|$2|a*|$1|a|$1|m|:2|",
                ),
                // RESP3 subscribers may run anything.
                (&["PING"], "+PONG|"),
                (&["GET", "x"], "_|"),
                (&["SPUBLISH", "a", "m"], ":0|"),
                (&["SSUBSCRIBE", "a"], ">3|$10|ssubscribe|$1|a|:1|"),
                (&["SPUBLISH", "a", "m2"], ">3|$8|smessage|$1|a|$2|m2|:1|"),
                (
                    &["UNSUBSCRIBE", "a", "zz"],
                    ">3|$11|unsubscribe|$1|a|:1|>3|$11|unsubscribe|$2|zz|:1|",
                ),
                (&["PUNSUBSCRIBE"], ">3|$12|punsubscribe|$2|a*|:0|"),
                (&["PUNSUBSCRIBE"], ">3|$12|punsubscribe|_|:0|"),
                (&["SUNSUBSCRIBE"], ">3|$12|sunsubscribe|$1|a|:0|"),
            ],
        );
    }

    #[test]
    fn resp3_delivery_to_another_client_is_a_push() {
        let (mut t, peer) = with_peer();
        t.run(&["HELLO", "3"]);
        t.run(&["SUBSCRIBE", "a"]);
        assert_eq!(run_shown(&mut t, peer, &["PUBLISH", "a", "m"]), ":1|");
        let me = t.client;
        assert_eq!(delivered(&mut t, me), ">3|$7|message|$1|a|$1|m|");
    }

    #[test]
    fn unsubscribe_without_arguments_drops_all_of_one_kind() {
        let mut t = TestEngine::new();
        check_on(
            &mut t,
            &[
                (&["SUBSCRIBE", "a"], "*3|$9|subscribe|$1|a|:1|"),
                (&["PSUBSCRIBE", "p*"], "*3|$10|psubscribe|$2|p*|:2|"),
                (&["SSUBSCRIBE", "s"], "*3|$10|ssubscribe|$1|s|:1|"),
                (&["UNSUBSCRIBE"], "*3|$11|unsubscribe|$1|a|:1|"),
                (&["PUNSUBSCRIBE"], "*3|$12|punsubscribe|$2|p*|:0|"),
                // Still in subscriber mode: the shard channel is left.
                (
                    &["GET", "x"],
                    &format!("-ERR Can't execute 'get': {DENIED}|"),
                ),
                (&["SUNSUBSCRIBE"], "*3|$12|sunsubscribe|$1|s|:0|"),
                // Nothing left: one confirmation with a null channel.
                (&["UNSUBSCRIBE"], "*3|$11|unsubscribe|$-1|:0|"),
                (&["PUNSUBSCRIBE"], "*3|$12|punsubscribe|$-1|:0|"),
                (&["SUNSUBSCRIBE"], "*3|$12|sunsubscribe|$-1|:0|"),
                (&["PING"], "+PONG|"),
            ],
        );
    }

    #[test]
    fn unsubscribe_all_counts_down_per_channel() {
        let mut t = TestEngine::new();
        t.run(&["SUBSCRIBE", "a", "b", "c"]);
        t.run(&["PSUBSCRIBE", "p"]);
        let reply = shown(&t.run(&["UNSUBSCRIBE"]));
        // Channels come in hash order, as in Redis; the counts count down.
        let mut channels = Vec::new();
        let mut counts = Vec::new();
        for msg in reply.split("*3|$11|unsubscribe|").skip(1) {
            let parts: Vec<&str> = msg.split('|').collect();
            channels.push(parts[1].to_owned());
            counts.push(parts[2].to_owned());
        }
        channels.sort();
        assert_eq!(channels, ["a", "b", "c"], "{reply}");
        assert_eq!(counts, [":3", ":2", ":1"], "{reply}");
        assert_eq!(t.engine.pubsub_channels(), 0);
        assert_eq!(t.engine.pubsub_patterns(), 1);
    }

    #[test]
    fn client_kind_and_counts_follow_subscriptions() {
        let mut t = TestEngine::new();
        let me = t.client;
        let kind = |t: &TestEngine| t.engine.client(me).map(|c| c.kind);
        t.run(&["SUBSCRIBE", "a", "b"]);
        t.run(&["PSUBSCRIBE", "p*"]);
        t.run(&["SSUBSCRIBE", "s"]);
        assert_eq!(kind(&t), Some(ClientKind::PubSub));
        let c = t.engine.client(me).expect("registered");
        assert_eq!(c.subscription_counts(), (2, 1, 1));
        assert_eq!(
            (
                t.engine.pubsub_channels(),
                t.engine.pubsub_patterns(),
                t.engine.pubsub_shard_channels()
            ),
            (2, 1, 1)
        );
        t.run(&["UNSUBSCRIBE"]);
        t.run(&["PUNSUBSCRIBE"]);
        assert_eq!(
            kind(&t),
            Some(ClientKind::PubSub),
            "a shard channel is left"
        );
        t.run(&["SUNSUBSCRIBE", "s"]);
        assert_eq!(kind(&t), Some(ClientKind::Normal));
        let c = t.engine.client(me).expect("registered");
        assert_eq!(c.subscription_counts(), (0, 0, 0));
        assert!(!c.is_subscriber());
    }

    #[test]
    fn unsubscribe_all_silently_forgets_a_client() {
        let (mut t, peer) = with_peer();
        let me = t.client;
        t.run(&["SUBSCRIBE", "a"]);
        t.run(&["PSUBSCRIBE", "*"]);
        t.run(&["SSUBSCRIBE", "s"]);
        t.engine.unsubscribe_all(me);
        assert_eq!(delivered(&mut t, me), "", "no confirmations");
        assert_eq!(run_shown(&mut t, peer, &["PUBLISH", "a", "m"]), ":0|");
        assert_eq!(run_shown(&mut t, peer, &["SPUBLISH", "s", "m"]), ":0|");
        assert_eq!(
            run_shown(&mut t, peer, &["PUBSUB", "NUMSUB", "a"]),
            "*2|$1|a|:0|"
        );
        assert_eq!(run_shown(&mut t, peer, &["PUBSUB", "NUMPAT"]), ":0|");
        let c = t.engine.client(me).expect("registered");
        assert_eq!(c.kind, ClientKind::Normal);
        assert_eq!(run_shown(&mut t, me, &["PING"]), "+PONG|");
    }

    #[test]
    fn spublish_reaches_shard_subscribers_only() {
        let (mut t, peer) = with_peer();
        let me = t.client;
        t.run(&["SUBSCRIBE", "a"]);
        assert_eq!(
            run_shown(&mut t, peer, &["SSUBSCRIBE", "a"]),
            "*3|$10|ssubscribe|$1|a|:1|"
        );
        let third = t.engine.add_client(Peer::default());
        assert_eq!(run_shown(&mut t, third, &["SPUBLISH", "a", "m"]), ":1|");
        assert_eq!(delivered(&mut t, peer), "*3|$8|smessage|$1|a|$1|m|");
        assert_eq!(delivered(&mut t, me), "");
        assert_eq!(run_shown(&mut t, third, &["PUBLISH", "a", "m"]), ":1|");
        assert_eq!(delivered(&mut t, peer), "");
        assert_eq!(delivered(&mut t, me), "*3|$7|message|$1|a|$1|m|");
    }

    #[test]
    fn pubsub_introspection_subcommands() {
        // The test's own client asks; two others listen.
        let (mut t, peer) = with_peer();
        let listener = t.engine.add_client(Peer::default());
        t.run_as(listener, &["SUBSCRIBE", "news.1"]);
        t.run_as(listener, &["PSUBSCRIBE", "news.*", "x*"]);
        t.run_as(listener, &["SSUBSCRIBE", "shard"]);
        t.run_as(peer, &["SUBSCRIBE", "news.1", "other"]);
        check_on(
            &mut t,
            &[
                (&["PUBSUB", "CHANNELS", "news*"], "*1|$6|news.1|"),
                (&["PUBSUB", "CHANNELS", "none*"], "*0|"),
                (&["PUBSUB", "SHARDCHANNELS"], "*1|$5|shard|"),
                (&["PUBSUB", "SHARDCHANNELS", "sh?rd"], "*1|$5|shard|"),
                (
                    &["PUBSUB", "NUMSUB", "news.1", "news.*", "other"],
                    "*6|$6|news.1|:2|$6|news.*|:0|$5|other|:1|",
                ),
                (&["PUBSUB", "NUMSUB"], "*0|"),
                (
                    &["PUBSUB", "SHARDNUMSUB", "shard", "z"],
                    "*4|$5|shard|:1|$1|z|:0|",
                ),
                (&["PUBSUB", "NUMPAT"], ":2|"),
            ],
        );
        let channels = shown(&t.run(&["PUBSUB", "CHANNELS"]));
        assert!(
            channels == "*2|$6|news.1|$5|other|" || channels == "*2|$5|other|$6|news.1|",
            "{channels}"
        );
    }

    #[test]
    fn pubsub_errors_and_help() {
        let mut t = TestEngine::new();
        check_on(
            &mut t,
            &[
                (
                    &["PUBSUB", "CHANNELS", "a", "b"],
                    "-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.|",
                ),
                (
                    &["pubsub", "shardchannels", "a", "b"],
                    "-ERR unknown subcommand or wrong number of arguments for 'shardchannels'. Try PUBSUB HELP.|",
                ),
                (
                    &["PUBSUB", "NUMPAT", "x"],
                    "-ERR wrong number of arguments for 'pubsub|numpat' command|",
                ),
                (
                    &["PUBSUB"],
                    "-ERR wrong number of arguments for 'pubsub' command|",
                ),
                (
                    &["PUBSUB", "FOO"],
                    "-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.|",
                ),
                (
                    &["SUBSCRIBE"],
                    "-ERR wrong number of arguments for 'subscribe' command|",
                ),
                (
                    &["PUBLISH", "a"],
                    "-ERR wrong number of arguments for 'publish' command|",
                ),
            ],
        );
        let help = shown(&t.run(&["PUBSUB", "HELP"]));
        assert!(
            help.starts_with(
                "*14|+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:|\
                 +CHANNELS [<pattern>]|\
                 +    Return the currently active channels matching a <pattern> (default: '*').|\
                 +NUMPAT|+    Return number of subscriptions to patterns.|\
                 +NUMSUB [<channel> ...]|\
                 +    Return the number of subscribers for the specified channels, excluding|\
                 +    pattern subscriptions(default: no channels).|\
                 +SHARDCHANNELS [<pattern>]|\
                 +    Return the currently active shard level channels matching a <pattern> (default: '*').|\
                 +SHARDNUMSUB [<shardchannel> ...]|\
                 +    Return the number of subscribers for the specified shard level channel(s)|\
                 +HELP|"
            ),
            "{help}"
        );
    }

    #[test]
    fn confirmations_and_messages_ignore_client_reply_off() {
        let (mut t, peer) = with_peer();
        let me = t.client;
        check_on(
            &mut t,
            &[
                (&["CLIENT", "REPLY", "OFF"], ""),
                (&["SUBSCRIBE", "a"], "*3|$9|subscribe|$1|a|:1|"),
                (&["PING"], ""),
            ],
        );
        assert_eq!(run_shown(&mut t, peer, &["PUBLISH", "a", "m"]), ":1|");
        assert_eq!(delivered(&mut t, me), "*3|$7|message|$1|a|$1|m|");
        // In RESP3, CLIENT REPLY SKIP silences PUBLISH's count, not the message.
        t.run(&["UNSUBSCRIBE"]);
        t.run(&["HELLO", "3"]);
        t.run(&["CLIENT", "REPLY", "ON"]);
        t.run(&["SUBSCRIBE", "a"]);
        t.run(&["CLIENT", "REPLY", "SKIP"]);
        assert_eq!(
            shown(&t.run(&["PUBLISH", "a", "m3"])),
            ">3|$7|message|$1|a|$2|m3|"
        );
        assert_eq!(
            shown(&t.run(&["PUBLISH", "a", "m4"])),
            ">3|$7|message|$1|a|$2|m4|:1|"
        );
    }

    #[test]
    fn subscribing_inside_exec() {
        let mut t = TestEngine::new();
        check_on(
            &mut t,
            &[
                (&["MULTI"], "+OK|"),
                (&["SSUBSCRIBE", "a"], "+QUEUED|"),
                (
                    &["EXEC"],
                    "*1|-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client|",
                ),
                (&["MULTI"], "+OK|"),
                (&["SUBSCRIBE", "a"], "+QUEUED|"),
                (&["PSUBSCRIBE", "b"], "+QUEUED|"),
                (
                    &["EXEC"],
                    "*2|*3|$9|subscribe|$1|a|:1|*3|$10|psubscribe|$1|b|:2|",
                ),
                (&["PING"], "*2|$4|pong|$0||"),
            ],
        );
    }
}
