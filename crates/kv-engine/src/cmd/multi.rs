//! Transactions (Redis's multi.c): MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//!
//! Queuing happens in the dispatcher (`crate::dispatch`): between MULTI and
//! EXEC every command but EXEC, DISCARD, MULTI, WATCH, QUIT and RESET is
//! checked (unknown, arity, auth...) and queued; a refusal dooms the
//! transaction. EXEC runs the queue through the dispatcher's `call`, as one
//! execution unit, so that what it propagates is wrapped in one MULTI/EXEC.
//! WATCH state lives in `crate::multi`; writes invalidate it through the
//! write-effects seam.

use resp_proto::Argv;

use crate::Ctx;
use crate::command::flags::*;
use crate::command::table::RO;
use crate::command::{Command, Group, Keys, acl, index};
use crate::dispatch::CallMode;
use crate::error::{CmdError, CmdResult};
use crate::multi::MultiState;

/// MULTI
pub fn multi_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    let me = ctx.me_mut();
    if me.multi.is_some() {
        return Err(CmdError::err("MULTI calls can not be nested"));
    }
    me.multi = Some(Box::default());
    ctx.reply.ok();
    Ok(())
}

/// DISCARD
pub fn discard_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    if ctx.me_mut().multi.take().is_none() {
        return Err(CmdError::err("DISCARD without MULTI"));
    }
    ctx.engine.unwatch_all(ctx.client);
    ctx.reply.ok();
    Ok(())
}

/// EXEC
pub fn exec_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    let Some(multi) = ctx.me_mut().multi.take() else {
        return Err(CmdError::err("EXEC without MULTI"));
    };
    let client = ctx.client;
    if multi.aborted {
        ctx.engine.unwatch_all(client);
        return Err(CmdError::ExecAbort);
    }
    let failed = ctx.engine.watch_failed(client);
    // Unwatch at once, as Redis does: the queued writes must not touch our
    // own watches.
    ctx.engine.unwatch_all(client);
    if failed {
        ctx.reply.null_array();
        return Ok(());
    }
    // What the queued commands propagate stands for EXEC, in one unit.
    ctx.no_propagate();
    run_queued(ctx, *multi);
    Ok(())
}

/// Runs a transaction's commands, each through the dispatcher's `call` (stats,
/// errors, propagation), replying with the array of their replies.
fn run_queued(ctx: &mut Ctx<'_>, multi: MultiState) {
    ctx.reply.array(multi.queued.len());
    for queued in &multi.queued {
        let cmd = index().all[queued.command.0 as usize];
        // Each reply is appended to the client's buffer after this array's
        // header: `call` puts what this body wrote before what it wrote.
        ctx.engine.call(
            ctx.client,
            cmd,
            queued.command,
            queued.argv.as_argv(),
            &mut *ctx.host,
            CallMode::InExec,
        );
        // A queued command may close the client (CLIENT KILL of itself).
        if ctx.engine.clients.get(ctx.client).is_none() {
            return;
        }
    }
}

/// WATCH key [key ...]
pub fn watch_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    if ctx.me().in_multi() {
        return Err(CmdError::err("WATCH inside MULTI is not allowed"));
    }
    let db = ctx.db_index();
    for key in argv.iter().skip(1) {
        ctx.engine.watch(ctx.client, db, key);
    }
    ctx.reply.ok();
    Ok(())
}

/// UNWATCH
pub fn unwatch_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    ctx.engine.unwatch_all(ctx.client);
    ctx.reply.ok();
    Ok(())
}

const TXN_FLAGS: u32 = NOSCRIPT | LOADING | STALE;

pub static COMMANDS: &[Command] = &[
    Command {
        name: "multi",
        arity: 1,
        flags: TXN_FLAGS | FAST | ALLOW_BUSY,
        acl: acl::TRANSACTION,
        group: Group::Transactions,
        since: "1.2.0",
        summary: "Starts a transaction.",
        handler: Some(multi_command),
        ..Command::BASE
    },
    Command {
        name: "exec",
        arity: 1,
        flags: TXN_FLAGS | SKIP_SLOWLOG,
        acl: acl::TRANSACTION,
        group: Group::Transactions,
        since: "1.2.0",
        summary: "Executes all commands in a transaction.",
        complexity: "Depends on commands in the transaction",
        handler: Some(exec_command),
        ..Command::BASE
    },
    Command {
        name: "discard",
        arity: 1,
        flags: TXN_FLAGS | FAST | ALLOW_BUSY,
        acl: acl::TRANSACTION,
        group: Group::Transactions,
        since: "2.0.0",
        summary: "Discards a transaction.",
        complexity: "O(N), when N is the number of queued commands",
        handler: Some(discard_command),
        ..Command::BASE
    },
    Command {
        name: "watch",
        arity: -2,
        flags: TXN_FLAGS | FAST | ALLOW_BUSY,
        acl: acl::TRANSACTION,
        keys: Keys::range(1, -1, 1, RO),
        group: Group::Transactions,
        since: "2.2.0",
        summary: "Monitors changes to keys to determine the execution of a transaction.",
        complexity: "O(1) for every key.",
        syntax: "key [key ...]",
        handler: Some(watch_command),
        ..Command::BASE
    },
    Command {
        name: "unwatch",
        arity: 1,
        flags: TXN_FLAGS | FAST | ALLOW_BUSY,
        acl: acl::TRANSACTION,
        group: Group::Transactions,
        since: "2.2.0",
        summary: "Forgets about watched keys of a transaction.",
        handler: Some(unwatch_command),
        ..Command::BASE
    },
];

#[cfg(test)]
mod tests {
    use crate::testing::{TestEngine, check, check_on};

    const T0: u64 = 1_700_000_000_000;

    #[test]
    fn queued_commands_run_at_exec() {
        check(&[
            (&["MULTI"], "+OK|"),
            (&["SET", "a", "1"], "+QUEUED|"),
            (&["INCR", "a"], "+QUEUED|"),
            (&["LPUSH", "a", "x"], "+QUEUED|"),
            (&["GET", "a"], "+QUEUED|"),
            (
                &["EXEC"],
                "*4|+OK|:2|-WRONGTYPE Operation against a key holding the wrong kind of value|$1|2|",
            ),
            (&["EXEC"], "-ERR EXEC without MULTI|"),
            (&["DISCARD"], "-ERR DISCARD without MULTI|"),
            (&["MULTI"], "+OK|"),
            (&["EXEC"], "*0|"),
        ]);
    }

    #[test]
    fn a_refused_command_aborts_the_transaction() {
        check(&[
            (&["MULTI"], "+OK|"),
            (&["SET", "a", "1"], "+QUEUED|"),
            (
                &["NOSUCH"],
                "-ERR unknown command 'NOSUCH', with args beginning with: |",
            ),
            (
                &["GET"],
                "-ERR wrong number of arguments for 'get' command|",
            ),
            (
                &["EXEC"],
                "-EXECABORT Transaction discarded because of previous errors.|",
            ),
            (&["GET", "a"], "$-1|"),
            // A refused EXEC itself ends the transaction with EXECABORT.
            (&["MULTI"], "+OK|"),
            (
                &["EXEC", "x"],
                "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command|",
            ),
            (&["EXEC"], "-ERR EXEC without MULTI|"),
        ]);
    }

    #[test]
    fn errors_of_the_transaction_commands_themselves_do_not_abort() {
        check(&[
            (&["MULTI"], "+OK|"),
            (&["MULTI"], "-ERR MULTI calls can not be nested|"),
            (&["WATCH", "x"], "-ERR WATCH inside MULTI is not allowed|"),
            (&["SET", "a", "1"], "+QUEUED|"),
            (&["EXEC"], "*1|+OK|"),
            (&["MULTI"], "+OK|"),
            (&["SET", "a", "2"], "+QUEUED|"),
            (&["DISCARD"], "+OK|"),
            (&["GET", "a"], "$1|1|"),
        ]);
    }

    #[test]
    fn blocking_commands_do_not_block_inside_exec() {
        check(&[
            (&["MULTI"], "+OK|"),
            (&["BLPOP", "l", "0"], "+QUEUED|"),
            (&["BRPOPLPUSH", "l", "m", "0"], "+QUEUED|"),
            (&["BLMOVE", "l", "m", "LEFT", "LEFT", "0"], "+QUEUED|"),
            (&["BZPOPMIN", "z", "0"], "+QUEUED|"),
            (&["EXEC"], "*4|*-1|$-1|$-1|*-1|"),
        ]);
    }

    #[test]
    fn a_waiter_on_several_keys_is_served_from_the_first_one_filled() {
        let mut t = TestEngine::new();
        let list_waiter = t.connect();
        let zset_waiter = t.connect();
        t.run_as(list_waiter, &["BLPOP", "a", "b", "0"]);
        t.run_as(zset_waiter, &["BZPOPMIN", "z1", "z2", "0"]);
        check_on(
            &mut t,
            &[
                (&["MULTI"], "+OK|"),
                (&["RPUSH", "b", "x"], "+QUEUED|"),
                (&["RPUSH", "a", "y"], "+QUEUED|"),
                (&["ZADD", "z2", "2", "m"], "+QUEUED|"),
                (&["ZADD", "z1", "1", "n"], "+QUEUED|"),
                (&["EXEC"], "*4|:1|:1|:1|:1|"),
            ],
        );
        assert_eq!(t.received(list_waiter), "*2|$1|b|$1|x|");
        assert_eq!(t.received(zset_waiter), "*3|$2|z2|$1|m|$1|2|");
    }

    #[test]
    fn client_pause_write_holds_an_exec_of_writes_only() {
        let mut t = TestEngine::new();
        let other = t.connect();
        t.run_as(other, &["CLIENT", "PAUSE", "10000", "WRITE"]);
        check_on(
            &mut t,
            &[
                (&["MULTI"], "+OK|"),
                (&["GET", "k"], "+QUEUED|"),
                (&["EXEC"], "*1|$-1|"),
                (&["MULTI"], "+OK|"),
                (&["SET", "k", "v"], "+QUEUED|"),
            ],
        );
        let me = t.client;
        let argv = resp_proto::OwnedArgv::from_slices(&[b"EXEC"]);
        let outcome = t.engine.execute(me, argv.as_argv(), &mut t.host);
        assert_eq!(outcome, crate::Outcome::Paused);
    }

    #[test]
    fn a_write_by_any_client_fails_the_watch() {
        let mut t = TestEngine::new();
        let other = t.connect();
        check_on(&mut t, &[(&["WATCH", "k"], "+OK|"), (&["MULTI"], "+OK|")]);
        t.run_as(other, &["SET", "k", "v"]);
        check_on(
            &mut t,
            &[
                (&["SET", "x", "1"], "+QUEUED|"),
                (&["EXEC"], "*-1|"),
                (&["GET", "x"], "$-1|"),
            ],
        );
        // The failed EXEC dropped the watch: the next transaction runs.
        t.run_as(other, &["SET", "k", "w"]);
        check_on(&mut t, &[(&["MULTI"], "+OK|"), (&["EXEC"], "*0|")]);
    }

    #[test]
    fn a_watch_is_failed_by_every_kind_of_change() {
        let cases: &[(&[&[&str]], &[&str])] = &[
            (&[&["SET", "k", "v"]], &["SET", "k", "w"]),
            (&[&["SET", "k", "v"]], &["DEL", "k"]),
            (&[&["SET", "k", "v"]], &["EXPIRE", "k", "100"]),
            (&[&["SET", "k", "v"]], &["RENAME", "k", "j"]),
            (&[&["SET", "j", "v"]], &["RENAME", "j", "k"]),
            (&[&["SET", "k", "v"]], &["MOVE", "k", "1"]),
            (&[&["SET", "k", "v"]], &["FLUSHDB"]),
            (&[&["SET", "k", "v"]], &["FLUSHALL"]),
            (
                &[&["SELECT", "1"], &["SET", "k", "v"], &["SELECT", "0"]],
                &["SWAPDB", "0", "1"],
            ),
            (&[&["SET", "k", "v"]], &["SWAPDB", "0", "1"]),
            (&[&["RPUSH", "k", "a"]], &["LPOP", "k"]),
            (&[&["SADD", "k", "a"]], &["SPOP", "k"]),
            (&[&["SET", "j", "v"]], &["COPY", "j", "k"]),
        ];
        for (setup, write) in cases {
            let mut t = TestEngine::new();
            for step in *setup {
                t.run(step);
            }
            let other = t.connect();
            check_on(&mut t, &[(&["WATCH", "k"], "+OK|"), (&["MULTI"], "+OK|")]);
            t.run_as(other, write);
            check_on(&mut t, &[(&["EXEC"], "*-1|")]);
        }
    }

    #[test]
    fn changes_that_are_not_to_the_watched_key_leave_it() {
        let cases: &[&[&str]] = &[
            &["SET", "other", "v"],
            &["SADD", "k2", "a"],
            // The same name in another database.
            &["SELECT", "1"],
            &["FLUSHDB"],
            &["SET", "k", "v"],
            // A no-op on the key.
            &["SELECT", "0"],
            &["DEL", "k"],
            &["FLUSHDB"],
        ];
        let mut t = TestEngine::new();
        let other = t.connect();
        check_on(&mut t, &[(&["WATCH", "k"], "+OK|"), (&["MULTI"], "+OK|")]);
        for write in cases {
            t.run_as(other, write);
        }
        check_on(&mut t, &[(&["EXEC"], "*0|")]);
    }

    #[test]
    fn a_key_expiring_after_watch_fails_it_and_one_already_expired_does_not() {
        let mut t = TestEngine::new();
        t.run(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"]);
        t.run(&["SET", "k", "v", "PX", "100"]);
        check_on(&mut t, &[(&["WATCH", "k"], "+OK|"), (&["MULTI"], "+OK|")]);
        t.set_time_ms(T0 + 200);
        check_on(&mut t, &[(&["EXEC"], "*-1|")]);

        // Already past its time at WATCH: its deletion is not a change.
        t.run(&["SET", "j", "v", "PX", "100"]);
        t.set_time_ms(T0 + 400);
        check_on(
            &mut t,
            &[
                (&["WATCH", "j"], "+OK|"),
                (&["GET", "j"], "$-1|"),
                (&["MULTI"], "+OK|"),
                (&["EXEC"], "*0|"),
            ],
        );
    }

    #[test]
    fn flushing_or_swapping_stale_watched_keys_is_no_change() {
        /// Commands run before the watch; every key set has expired by WATCH.
        type Setup<'a> = &'a [&'a [&'a str]];
        // (setup, the flush or swap, whether EXEC fails)
        let cases: &[(Setup, &[&str], bool)] = &[
            (&[&["SET", "x", "v", "PX", "1"]], &["FLUSHDB"], false),
            (&[&["SET", "x", "v", "PX", "1"]], &["FLUSHALL"], false),
            // An expired key replaced by no key.
            (
                &[&["SET", "x", "v", "PX", "1"]],
                &["SWAPDB", "0", "1"],
                false,
            ),
            // No key replaced by an expired one.
            (
                &[
                    &["SELECT", "1"],
                    &["SET", "x", "v", "PX", "1"],
                    &["SELECT", "0"],
                ],
                &["SWAPDB", "0", "1"],
                false,
            ),
            // An expired key replaced by another expired key.
            (
                &[
                    &["SET", "x", "v", "PX", "1"],
                    &["SELECT", "1"],
                    &["SET", "x", "w", "PX", "1"],
                    &["SELECT", "0"],
                ],
                &["SWAPDB", "0", "1"],
                false,
            ),
            // An expired key replaced by a live one is a change.
            (
                &[
                    &["SET", "x", "v", "PX", "1"],
                    &["SELECT", "1"],
                    &["SET", "x", "w"],
                    &["SELECT", "0"],
                ],
                &["SWAPDB", "0", "1"],
                true,
            ),
        ];
        for (setup, write, fails) in cases {
            // The test engine runs no cron: expired keys stay until looked up.
            let mut t = TestEngine::new();
            for step in *setup {
                t.run(step);
            }
            t.set_time_ms(T0 + 10);
            t.run(&["WATCH", "x"]);
            t.run(write);
            let want = if *fails { "*-1|" } else { "*1|+PONG|" };
            check_on(
                &mut t,
                &[
                    (&["MULTI"], "+OK|"),
                    (&["PING"], "+QUEUED|"),
                    (&["EXEC"], want),
                ],
            );
        }
    }

    #[test]
    fn unwatch_and_discard_forget_the_watch() {
        let mut t = TestEngine::new();
        let other = t.connect();
        t.run(&["WATCH", "k"]);
        t.run(&["UNWATCH"]);
        t.run_as(other, &["SET", "k", "v"]);
        check_on(&mut t, &[(&["MULTI"], "+OK|"), (&["EXEC"], "*0|")]);
        t.run(&["WATCH", "k"]);
        t.run(&["MULTI"]);
        t.run(&["DISCARD"]);
        t.run_as(other, &["SET", "k", "w"]);
        check_on(&mut t, &[(&["MULTI"], "+OK|"), (&["EXEC"], "*0|")]);
        assert!(t.engine.watches.is_empty());
    }

    #[test]
    fn a_disconnected_watcher_leaves_nothing_behind() {
        let mut t = TestEngine::new();
        let other = t.connect();
        t.run_as(other, &["WATCH", "a", "b"]);
        t.run_as(other, &["MULTI"]);
        t.engine.remove_client(other);
        assert!(t.engine.watches.is_empty());
        t.run(&["SET", "a", "1"]);
    }
}
