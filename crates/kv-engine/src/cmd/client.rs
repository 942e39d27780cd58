//! CLIENT and its subcommands (Redis's networking.c clientCommand).

use crate::command::flags::*;
use crate::command::table::*;
use crate::command::{Command, Group, acl};
use std::fmt::Write as _;

use resp_proto::Argv;

use super::args::validate_name;
use super::{is, parse_i64};
use crate::client::{Client, ClientId, ClientKind, ReplyMode};
use crate::error::{CmdError, CmdResult};
use crate::tracking::{ClientTracking, Tracking, Who};
use crate::{ClientIo, Ctx, Engine};

/// CLIENT ID
pub fn client_id_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    let id = ctx.me().id;
    ctx.reply.integer(id as i64);
    Ok(())
}

/// CLIENT SETNAME connection-name
pub fn client_setname_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let name = argv.arg(2);
    validate_name(name)?;
    ctx.me_mut().name = (!name.is_empty()).then(|| name.into());
    ctx.reply.ok();
    Ok(())
}

/// CLIENT GETNAME
pub fn client_getname_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    let name = ctx.me().name.clone();
    ctx.reply.bulk_opt(name.as_deref());
    Ok(())
}

/// CLIENT SETINFO <LIB-NAME libname | LIB-VER libver>
pub fn client_setinfo_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let attr = argv.arg(2);
    let value = argv.arg(3);
    let lib_name = if is(attr, "lib-name") {
        true
    } else if is(attr, "lib-ver") {
        false
    } else {
        return Err(CmdError::err(format!(
            "Unrecognized option '{}'",
            crate::error::lossy_prefix(attr, 128)
        )));
    };
    if value.iter().any(|&b| !(b'!'..=b'~').contains(&b)) {
        let which = if lib_name { "lib-name" } else { "lib-ver" };
        return Err(CmdError::err(format!(
            "{which} cannot contain spaces, newlines or special characters."
        )));
    }
    let stored = (!value.is_empty()).then(|| value.into());
    let me = ctx.me_mut();
    if lib_name {
        me.lib_name = stored;
    } else {
        me.lib_ver = stored;
    }
    ctx.reply.ok();
    Ok(())
}

/// CLIENT INFO
pub fn client_info_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    let mut line = String::new();
    let io = ctx.host.client_io(ctx.client);
    describe(ctx.engine, ctx.me(), io, &mut line);
    line.push('\n');
    ctx.reply.verbatim(line.as_bytes(), b"txt");
    Ok(())
}

/// CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]
pub fn client_list_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let mut kind = None;
    let mut ids: Option<Vec<u64>> = None;
    let mut i = 2;
    while i < argv.len() {
        let opt = argv.arg(i);
        if is(opt, "type") && i + 1 < argv.len() {
            let name = argv.arg(i + 1);
            kind = Some(ClientKind::from_name(name).ok_or_else(|| {
                CmdError::err(format!(
                    "Unknown client type '{}'",
                    crate::error::lossy_prefix(name, 128)
                ))
            })?);
            i += 2;
        } else if is(opt, "id") && i + 1 < argv.len() {
            let mut list = Vec::new();
            for arg in argv.iter().skip(i + 1) {
                match parse_i64(arg) {
                    Some(id) if id > 0 => list.push(id as u64),
                    _ => return Err(CmdError::err("Invalid client ID")),
                }
            }
            ids = Some(list);
            i = argv.len();
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let mut text = String::new();
    for id in ctx.engine.clients.by_creation() {
        let c = ctx.engine.clients.get(id).expect("listed just now");
        if kind.is_some_and(|k| k != c.kind) || ids.as_ref().is_some_and(|ids| !ids.contains(&c.id))
        {
            continue;
        }
        describe(ctx.engine, c, ctx.host.client_io(id), &mut text);
        text.push('\n');
    }
    ctx.reply.verbatim(text.as_bytes(), b"txt");
    Ok(())
}

/// One CLIENT LIST line, fields in Redis 7.0's order (then 7.2's lib-name/lib-ver).
fn describe(engine: &Engine, c: &Client, io: ClientIo, out: &mut String) {
    let now = engine.now_ms;
    let mut flags = String::new();
    match c.kind {
        _ if c.monitor => flags.push('O'),
        ClientKind::Replica => flags.push('S'),
        ClientKind::Master => flags.push('M'),
        ClientKind::PubSub => flags.push('P'),
        ClientKind::Normal => {}
    }
    if c.in_multi() {
        flags.push('x');
    }
    if c.postponed || engine.blocking.is_parked(c_slot(engine, c)) {
        flags.push('b');
    }
    if let Some(t) = c.tracking.as_deref() {
        flags.push('t');
        if t.broken_redirect {
            flags.push('R');
        }
        if t.bcast {
            flags.push('B');
        }
    }
    if c.dirty_cas {
        flags.push('d');
    }
    if c.close_after_reply {
        flags.push('c');
    }
    if c.close_asap {
        flags.push('A');
    }
    if c.peer.is_unix {
        flags.push('U');
    }
    if c.no_evict {
        flags.push('e');
    }
    if c.no_touch {
        flags.push('T');
    }
    if flags.is_empty() {
        flags.push('N');
    }
    let name = c
        .name
        .as_deref()
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    let lib_name = c
        .lib_name
        .as_deref()
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    let lib_ver = c
        .lib_ver
        .as_deref()
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    let subs = c.subscription_counts();
    let pending = c.pending_len();
    let omem = c.out.capacity();
    let tot_mem = io.qbuf + io.qbuf_free + omem + std::mem::size_of::<Client>();
    let events = if io.writable_registered { "rw" } else { "r" };
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub={} psub={} ssub={} \
         multi={} qbuf={} qbuf-free={} argv-mem=0 multi-mem={} rbs={} rbp={} obl={} oll=0 omem={} \
         tot-mem={} events={} cmd={} user=default redir={} resp={} lib-name={} lib-ver={}",
        c.id,
        c.peer.addr,
        c.peer.laddr,
        c.peer.fd,
        name,
        now.saturating_sub(c.created_ms) / 1000,
        now.saturating_sub(c.last_interaction_ms) / 1000,
        flags,
        c.db,
        subs.0,
        subs.1,
        subs.2,
        c.multi.as_ref().map_or(-1, |m| m.queued.len() as i64),
        io.qbuf,
        io.qbuf_free,
        c.multi.as_ref().map_or(0, |m| m.mem),
        io.qbuf + io.qbuf_free,
        io.qbuf + io.qbuf_free,
        pending,
        omem,
        tot_mem,
        events,
        c.last_cmd,
        redirect_id(c),
        if c.resp3 { 3 } else { 2 },
        lib_name,
        lib_ver,
    );
}

/// The slot of a client found by reference (CLIENT LIST walks clients by id).
fn c_slot(engine: &Engine, c: &Client) -> ClientId {
    engine
        .clients
        .find_by_id(c.id)
        .unwrap_or(ClientId(u32::MAX))
}

/// CLIENT KILL ip:port | CLIENT KILL <filter value> ... where filters are
/// ID, ADDR, LADDR, TYPE, USER, SKIPME.
pub fn client_kill_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    if argv.len() == 3 {
        // The old form: kill one client by address, answer OK or an error.
        let addr = argv.arg(2);
        let target = ctx
            .engine
            .clients
            .iter()
            .find(|(_, c)| c.peer.addr.as_bytes() == addr)
            .map(|(id, _)| id);
        return match target {
            Some(id) => {
                kill_one(ctx, id);
                ctx.reply.ok();
                Ok(())
            }
            None => Err(CmdError::err("No such client")),
        };
    }
    if !argv.len().is_multiple_of(2) {
        return Err(CmdError::Syntax);
    }
    let mut filter = KillFilter {
        skipme: true,
        ..KillFilter::default()
    };
    let mut i = 2;
    while let (Some(opt), Some(value)) = (argv.get(i), argv.get(i + 1)) {
        if is(opt, "id") {
            match parse_i64(value) {
                Some(id) if id > 0 => filter.id = Some(id as u64),
                _ => return Err(CmdError::err("client-id should be greater than 0")),
            }
        } else if is(opt, "type") {
            filter.kind = Some(ClientKind::from_name(value).ok_or_else(|| {
                CmdError::err(format!(
                    "Unknown client type '{}'",
                    crate::error::lossy_prefix(value, 128)
                ))
            })?);
        } else if is(opt, "addr") {
            filter.addr = Some(value.to_vec());
        } else if is(opt, "laddr") {
            filter.laddr = Some(value.to_vec());
        } else if is(opt, "user") {
            if value != b"default" {
                return Err(CmdError::err(format!(
                    "No such user '{}'",
                    crate::error::lossy_prefix(value, 128)
                )));
            }
        } else if is(opt, "skipme") {
            filter.skipme = if is(value, "yes") {
                true
            } else if is(value, "no") {
                false
            } else {
                return Err(CmdError::Syntax);
            };
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    let me = ctx.client;
    let victims: Vec<ClientId> = ctx
        .engine
        .clients
        .iter()
        .filter(|(id, c)| filter.matches(*id, c, me))
        .map(|(id, _)| id)
        .collect();
    for &id in &victims {
        kill_one(ctx, id);
    }
    ctx.reply.integer(victims.len() as i64);
    Ok(())
}

#[derive(Default)]
struct KillFilter {
    id: Option<u64>,
    kind: Option<ClientKind>,
    addr: Option<Vec<u8>>,
    laddr: Option<Vec<u8>>,
    skipme: bool,
}

impl KillFilter {
    fn matches(&self, slot: ClientId, c: &Client, me: ClientId) -> bool {
        self.id.is_none_or(|id| id == c.id)
            && self.kind.is_none_or(|k| k == c.kind)
            && self
                .addr
                .as_ref()
                .is_none_or(|a| a == c.peer.addr.as_bytes())
            && self
                .laddr
                .as_ref()
                .is_none_or(|a| a == c.peer.laddr.as_bytes())
            && !(self.skipme && slot == me)
    }
}

/// Kills a client; the caller itself is closed only after its reply is sent.
fn kill_one(ctx: &mut Ctx<'_>, id: ClientId) {
    if id == ctx.client {
        ctx.me_mut().close_after_reply = true;
    } else {
        ctx.engine.kill(id);
    }
}

/// CLIENT PAUSE timeout [WRITE|ALL]
pub fn client_pause_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let timeout = parse_i64(argv.arg(2))
        .ok_or_else(|| CmdError::err("timeout is not an integer or out of range"))?;
    if timeout < 0 {
        return Err(CmdError::err("timeout is negative"));
    }
    let writes_only = match argv.get(3) {
        None => false,
        Some(mode) if is(mode, "write") => true,
        Some(mode) if is(mode, "all") => false,
        Some(_) => return Err(CmdError::Syntax),
    };
    if argv.len() > 4 {
        return Err(CmdError::Syntax);
    }
    let until = ctx.now_ms().saturating_add(timeout as u64);
    let pause = &mut ctx.engine.pause;
    // A pause never shortens an earlier one, and ALL wins over WRITE.
    if pause.until_ms <= ctx.engine.now_ms {
        *pause = crate::Pause {
            until_ms: until,
            writes_only,
        };
    } else {
        pause.until_ms = pause.until_ms.max(until);
        pause.writes_only &= writes_only;
    }
    ctx.reply.ok();
    Ok(())
}

/// CLIENT UNPAUSE
pub fn client_unpause_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    ctx.engine.pause = crate::Pause::default();
    ctx.reply.ok();
    Ok(())
}

/// CLIENT REPLY ON|OFF|SKIP
pub fn client_reply_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let mode = argv.arg(2);
    if is(mode, "on") {
        ctx.me_mut().reply_mode = ReplyMode::On;
        ctx.reply.ok();
    } else if is(mode, "off") {
        ctx.me_mut().reply_mode = ReplyMode::Off;
    } else if is(mode, "skip") {
        if ctx.me().reply_mode != ReplyMode::Off {
            ctx.me_mut().reply_mode = ReplyMode::SkipNext;
        }
    } else {
        return Err(CmdError::Syntax);
    }
    Ok(())
}

/// An `on|off` argument.
fn on_off(arg: &[u8]) -> Result<bool, CmdError> {
    if is(arg, "on") {
        Ok(true)
    } else if is(arg, "off") {
        Ok(false)
    } else {
        Err(CmdError::Syntax)
    }
}

/// CLIENT NO-EVICT ON|OFF
pub fn client_no_evict_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    ctx.me_mut().no_evict = on_off(argv.arg(2))?;
    ctx.reply.ok();
    Ok(())
}

/// CLIENT NO-TOUCH ON|OFF
pub fn client_no_touch_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    ctx.me_mut().no_touch = on_off(argv.arg(2))?;
    ctx.reply.ok();
    Ok(())
}

/// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]
pub fn client_unblock_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let id = super::int_arg(argv.arg(2))?;
    let reason = match argv.get(3) {
        None => crate::blocking::UnblockReason::Timeout,
        Some(m) if is(m, "timeout") => crate::blocking::UnblockReason::Timeout,
        Some(m) if is(m, "error") => crate::blocking::UnblockReason::Error,
        Some(_) => {
            return Err(CmdError::err(
                "CLIENT UNBLOCK reason should be TIMEOUT or ERROR",
            ));
        }
    };
    let target = u64::try_from(id)
        .ok()
        .and_then(|id| ctx.engine.clients.find_by_id(id));
    match target {
        Some(slot) if ctx.engine.blocking.is_parked(slot) => {
            ctx.engine.unblock_by_command(slot, reason);
            ctx.reply.integer(1);
        }
        _ => ctx.reply.integer(0),
    }
    Ok(())
}

/// CLIENT HELP
pub fn client_help_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    ctx.reply.help(
        "CLIENT",
        &[
            "ID",
            "    Return the ID of the current connection.",
            "INFO",
            "    Return information about the current connection.",
            "GETNAME",
            "    Return the name of the current connection.",
            "SETNAME <name>",
            "    Set the name of the current connection.",
            "SETINFO <LIB-NAME|LIB-VER> <value>",
            "    Record the client library's name or version.",
            "LIST [TYPE <NORMAL|MASTER|REPLICA|PUBSUB>] [ID <id> [<id> ...]]",
            "    List connections, optionally only those of a type or with given IDs.",
            "KILL <ip:port>",
            "    Close the connection from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Close the connections matching every filter: ID <id>, ADDR <ip:port>,",
            "    LADDR <ip:port>, TYPE <type>, USER <name>, SKIPME <YES|NO>.",
            "PAUSE <timeout> [WRITE|ALL]",
            "    Hold clients' commands (or only writes) for <timeout> milliseconds.",
            "UNPAUSE",
            "    Stop holding clients' commands.",
            "REPLY <ON|OFF|SKIP>",
            "    Turn replies to this connection on or off, or skip the next one.",
            "NO-EVICT <ON|OFF>",
            "    Exempt this connection from client eviction.",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]",
            "    Unblock a client blocked in a blocking command, with a timeout reply or an error.",
            "NO-TOUCH <ON|OFF>",
            "    Do not update keys' access time for this connection's commands.",
            "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
            "         [OPTIN] [OPTOUT] [NOLOOP]",
            "    Control server assisted client side caching.",
            "TRACKINGINFO",
            "    Report tracking status for the current connection.",
            "CACHING (YES|NO)",
            "    Track (OPTIN) or skip (OPTOUT) the keys of the next command.",
            "GETREDIR",
            "    Return the client ID invalidations are redirected to.",
        ],
    );
    Ok(())
}

/// CLIENT TRACKING ON|OFF [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
pub fn client_tracking_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let mut wanted = ClientTracking::default();
    let mut prefixes: Vec<Box<[u8]>> = Vec::new();
    let mut i = 3;
    while let Some(opt) = argv.get(i) {
        let more = i + 1 < argv.len();
        if is(opt, "redirect") && more {
            i += 1;
            if wanted.redirect.is_some() {
                return Err(CmdError::err(
                    "A client can only redirect to a single other client",
                ));
            }
            let id = parse_i64(argv.arg(i)).ok_or(CmdError::NotInteger)?;
            let slot = u64::try_from(id)
                .ok()
                .and_then(|id| ctx.engine.clients.find_by_id(id).map(|slot| (slot, id)));
            let Some((slot, id)) = slot else {
                return Err(CmdError::err(
                    "The client ID you want redirect to does not exist",
                ));
            };
            wanted.redirect = Some(Who { slot, id });
        } else if is(opt, "bcast") {
            wanted.bcast = true;
        } else if is(opt, "optin") {
            wanted.optin = true;
        } else if is(opt, "optout") {
            wanted.optout = true;
        } else if is(opt, "noloop") {
            wanted.noloop = true;
        } else if is(opt, "prefix") && more {
            i += 1;
            prefixes.push(argv.arg(i).into());
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    let mode = argv.arg(2);
    if is(mode, "off") {
        ctx.engine.tracking_off(ctx.client);
        ctx.reply.ok();
        return Ok(());
    }
    if !is(mode, "on") {
        return Err(CmdError::Syntax);
    }
    if !wanted.bcast && !prefixes.is_empty() {
        return Err(CmdError::err(
            "PREFIX option requires BCAST mode to be enabled",
        ));
    }
    if let Some(current) = ctx.me().tracking.as_deref()
        && current.bcast != wanted.bcast
    {
        return Err(CmdError::err(
            "You can't switch BCAST mode on/off before disabling tracking for this client, \
                 and then re-enabling it with a different mode.",
        ));
    }
    if wanted.bcast && (wanted.optin || wanted.optout) {
        return Err(CmdError::err(
            "OPTIN and OPTOUT are not compatible with BCAST",
        ));
    }
    if wanted.optin && wanted.optout {
        return Err(CmdError::err(
            "You can't specify both OPTIN mode and OPTOUT mode",
        ));
    }
    if let Some(current) = ctx.me().tracking.as_deref()
        && ((wanted.optin && current.optout) || (wanted.optout && current.optin))
    {
        return Err(CmdError::err(
            "You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, \
             and then re-enabling it with a different mode.",
        ));
    }
    if wanted.bcast {
        let existing = ctx
            .me()
            .tracking
            .as_deref()
            .map_or(&[][..], |t| &t.prefixes[..]);
        for (j, prefix) in prefixes.iter().enumerate() {
            if let Some(other) = Tracking::overlapping(existing, prefix) {
                return Err(CmdError::err(format!(
                    "Prefix '{}' overlaps with an existing prefix '{}'. \
                     Prefixes for a single client must not overlap.",
                    String::from_utf8_lossy(prefix),
                    String::from_utf8_lossy(other)
                )));
            }
            if let Some(other) = Tracking::overlapping(&prefixes[j + 1..], prefix) {
                return Err(CmdError::err(format!(
                    "Prefix '{}' overlaps with another provided prefix '{}'. \
                     Prefixes for a single client must not overlap.",
                    String::from_utf8_lossy(prefix),
                    String::from_utf8_lossy(other)
                )));
            }
        }
    }
    ctx.engine.tracking_on(ctx.client, wanted, prefixes);
    ctx.reply.ok();
    Ok(())
}

/// CLIENT CACHING YES|NO
pub fn client_caching_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let Some(t) = ctx.me_mut().tracking.as_deref_mut() else {
        return Err(CmdError::err(
            "CLIENT CACHING can be called only when the client is in tracking mode \
             with OPTIN or OPTOUT mode enabled",
        ));
    };
    let opt = argv.arg(2);
    if is(opt, "yes") {
        if !t.optin {
            return Err(CmdError::err(
                "CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.",
            ));
        }
    } else if is(opt, "no") {
        if !t.optout {
            return Err(CmdError::err(
                "CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.",
            ));
        }
    } else {
        return Err(CmdError::Syntax);
    }
    t.caching = true;
    ctx.reply.ok();
    Ok(())
}

/// The REDIRECT client's ID, 0 without one, -1 when tracking is off.
fn redirect_id(c: &Client) -> i64 {
    match c.tracking.as_deref() {
        Some(t) => t.redirect.map_or(0, |r| r.id as i64),
        None => -1,
    }
}

/// CLIENT GETREDIR
pub fn client_getredir_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    let id = redirect_id(ctx.me());
    ctx.reply.integer(id);
    Ok(())
}

/// CLIENT TRACKINGINFO
pub fn client_trackinginfo_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    let me = ctx.me();
    let redirect = redirect_id(me);
    let mut flags: Vec<&[u8]> = Vec::new();
    let mut prefixes: Vec<Box<[u8]>> = Vec::new();
    match me.tracking.as_deref() {
        None => flags.push(b"off"),
        Some(t) => {
            flags.push(b"on");
            if t.bcast {
                flags.push(b"bcast");
            }
            for (mode, name, caching) in [
                (t.optin, &b"optin"[..], &b"caching-yes"[..]),
                (t.optout, b"optout", b"caching-no"),
            ] {
                if mode {
                    flags.push(name);
                    if t.caching {
                        flags.push(caching);
                    }
                }
            }
            if t.noloop {
                flags.push(b"noloop");
            }
            if t.broken_redirect {
                flags.push(b"broken_redirect");
            }
            prefixes.clone_from(&t.prefixes);
        }
    }
    let reply = &mut ctx.reply;
    reply.map(3);
    reply.bulk(b"flags");
    reply.set(flags.len());
    for f in flags {
        reply.bulk(f);
    }
    reply.bulk(b"redirect");
    reply.integer(redirect);
    reply.bulk(b"prefixes");
    reply.array(prefixes.len());
    for p in &prefixes {
        reply.bulk(p);
    }
    Ok(())
}

/// CLIENT's subcommands (entries of the command table).
static SUBCOMMANDS: &[Command] = &[
    Command {
        name: "client|unblock",
        arity: -3,
        flags: CONN_ADMIN,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "5.0.0",
        summary: "Unblocks a client blocked by a blocking command from another connection.",
        complexity: "O(log N) where N is the number of client connections",
        syntax: "client-id [TIMEOUT|ERROR]",
        handler: Some(client_unblock_command),
        ..Command::BASE
    },
    Command {
        name: "client|id",
        arity: 2,
        flags: CONN_PLAIN,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "5.0.0",
        summary: "Returns the unique ID of the connection.",
        handler: Some(client_id_command),
        ..Command::BASE
    },
    Command {
        name: "client|info",
        arity: 2,
        flags: CONN_PLAIN,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "6.2.0",
        summary: "Returns information about the connection.",
        tips: &["nondeterministic_output"],
        handler: Some(client_info_command),
        ..Command::BASE
    },
    Command {
        name: "client|list",
        arity: -2,
        flags: CONN_ADMIN,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "2.4.0",
        summary: "Lists open connections.",
        complexity: "O(N) where N is the number of client connections",
        syntax: "[TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]",
        tips: &["nondeterministic_output"],
        handler: Some(client_list_command),
        ..Command::BASE
    },
    Command {
        name: "client|getname",
        arity: 2,
        flags: CONN_PLAIN,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "2.6.9",
        summary: "Returns the name of the connection.",
        handler: Some(client_getname_command),
        ..Command::BASE
    },
    Command {
        name: "client|setname",
        arity: 3,
        flags: CONN_PLAIN,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "2.6.9",
        summary: "Sets the name of the connection.",
        syntax: "connection-name",
        handler: Some(client_setname_command),
        ..Command::BASE
    },
    Command {
        name: "client|setinfo",
        arity: 4,
        flags: CONN_PLAIN,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "7.2.0",
        summary: "Records the name or version of the client library.",
        syntax: "LIB-NAME libname|LIB-VER libver",
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        handler: Some(client_setinfo_command),
        ..Command::BASE
    },
    Command {
        name: "client|kill",
        arity: -3,
        flags: CONN_ADMIN,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "2.4.0",
        summary: "Closes connections by address, ID, type or user.",
        complexity: "O(N) where N is the number of client connections",
        syntax: "ip:port | [ID client-id] [TYPE NORMAL|MASTER|SLAVE|REPLICA|PUBSUB] [USER username] [ADDR ip:port] [LADDR ip:port] [SKIPME yes/no]",
        handler: Some(client_kill_command),
        ..Command::BASE
    },
    Command {
        name: "client|pause",
        arity: -3,
        flags: CONN_ADMIN,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "3.0.0",
        summary: "Holds clients' commands for a while.",
        syntax: "timeout [WRITE|ALL]",
        handler: Some(client_pause_command),
        ..Command::BASE
    },
    Command {
        name: "client|unpause",
        arity: 2,
        flags: CONN_ADMIN,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "6.2.0",
        summary: "Resumes processing of paused clients' commands.",
        complexity: "O(N) Where N is the number of paused clients",
        handler: Some(client_unpause_command),
        ..Command::BASE
    },
    Command {
        name: "client|reply",
        arity: 3,
        flags: CONN_PLAIN,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "3.2.0",
        summary: "Turns replies to this connection on or off, or skips the next one.",
        syntax: "ON|OFF|SKIP",
        handler: Some(client_reply_command),
        ..Command::BASE
    },
    Command {
        name: "client|no-evict",
        arity: 3,
        flags: CONN_ADMIN,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "7.0.0",
        summary: "Sets whether this connection may be evicted.",
        syntax: "ON|OFF",
        handler: Some(client_no_evict_command),
        ..Command::BASE
    },
    Command {
        name: "client|no-touch",
        arity: 3,
        flags: CONN_PLAIN,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "7.2.0",
        summary: "Sets whether this connection's commands update keys' access time.",
        syntax: "ON|OFF",
        handler: Some(client_no_touch_command),
        ..Command::BASE
    },
    Command {
        name: "client|tracking",
        arity: -3,
        flags: CONN_PLAIN,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "6.0.0",
        summary: "Controls server-assisted client-side caching for the connection.",
        complexity: "O(1). Some options may introduce additional complexity.",
        syntax: "ON|OFF [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]",
        handler: Some(client_tracking_command),
        ..Command::BASE
    },
    Command {
        name: "client|caching",
        arity: 3,
        flags: CONN_PLAIN,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "6.0.0",
        summary: "Instructs the server whether to track the keys in the next request.",
        syntax: "YES|NO",
        handler: Some(client_caching_command),
        ..Command::BASE
    },
    Command {
        name: "client|getredir",
        arity: 2,
        flags: CONN_PLAIN,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "6.0.0",
        summary: "Returns the client ID to which the connection's tracking notifications are redirected.",
        handler: Some(client_getredir_command),
        ..Command::BASE
    },
    Command {
        name: "client|trackinginfo",
        arity: 2,
        flags: CONN_PLAIN,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "6.2.0",
        summary: "Returns information about server-assisted client-side caching for the connection.",
        handler: Some(client_trackinginfo_command),
        ..Command::BASE
    },
    Command {
        name: "client|help",
        arity: 2,
        flags: LOADING | STALE,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "5.0.0",
        summary: "Describes the CLIENT subcommands.",
        handler: Some(client_help_command),
        ..Command::BASE
    },
];

pub static COMMANDS: &[Command] = &[Command {
    name: "client",
    arity: -2,
    group: Group::Connection,
    since: "2.4.0",
    summary: "A container for connection commands.",
    complexity: "Depends on subcommand.",
    subcommands: SUBCOMMANDS,
    ..Command::BASE
}];
