//! Server commands: TIME, CONFIG, DEBUG, SHUTDOWN (Redis's server.c, config.c,
//! debug.c).

use resp_proto::Argv;

use super::is;
use crate::error::{CmdError, CmdResult};
use crate::{Ctx, SaveMode};

/// Writes a HELP reply: a title line, the given lines, and the HELP entry every
/// Redis container command ends with.
pub fn reply_help(ctx: &mut Ctx<'_>, parent: &str, lines: &[&str]) {
    ctx.reply.array(lines.len() + 3);
    let title = format!("{parent} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    ctx.reply.simple(title.as_bytes());
    for line in lines {
        ctx.reply.simple(line.as_bytes());
    }
    ctx.reply.simple(b"HELP");
    ctx.reply.simple(b"    Print this help.");
}

/// TIME
pub fn time_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    let now_us = ctx.engine.now_us;
    ctx.reply.array(2);
    ctx.reply.bulk_int((now_us / 1_000_000) as i64);
    ctx.reply.bulk_int((now_us % 1_000_000) as i64);
    Ok(())
}

/// CONFIG GET parameter [parameter ...]
pub fn config_get_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let mut pairs: Vec<(String, Vec<u8>)> = Vec::new();
    for pattern in argv.iter().skip(2) {
        for (name, value) in ctx.engine.config.get(pattern) {
            if !pairs.iter().any(|(n, _)| *n == name) {
                pairs.push((name, value));
            }
        }
    }
    ctx.reply.map(pairs.len());
    for (name, value) in &pairs {
        ctx.reply.bulk(name.as_bytes());
        ctx.reply.bulk(value);
    }
    Ok(())
}

/// CONFIG SET parameter value [parameter value ...] — all or nothing.
pub fn config_set_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    if !argv.len().is_multiple_of(2) {
        return Err(CmdError::WrongArity("config|set".into()));
    }
    let pairs: Vec<(&[u8], &[u8])> = (2..argv.len())
        .step_by(2)
        .map(|i| {
            (
                argv.get(i).unwrap_or_default(),
                argv.get(i + 1).unwrap_or_default(),
            )
        })
        .collect();
    let before = ctx.engine.config.clone();
    let changed = ctx
        .engine
        .config
        .set(&pairs)
        .map_err(|e| CmdError::Raw(e.to_string()))?;
    if let Err(reason) = ctx.host.apply_config(&ctx.engine.config, &changed) {
        ctx.engine.config = before;
        return Err(CmdError::err(format!(
            "CONFIG SET failed (possibly related to argument '{}') - {reason}",
            changed.first().copied().unwrap_or("")
        )));
    }
    ctx.reply.ok();
    Ok(())
}

/// CONFIG RESETSTAT
pub fn config_resetstat_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    ctx.engine.reset_stats();
    ctx.reply.ok();
    Ok(())
}

/// CONFIG REWRITE
pub fn config_rewrite_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    if ctx.engine.facts.config_file.is_empty() {
        return Err(CmdError::err("The server is running without a config file"));
    }
    ctx.host
        .rewrite_config(&ctx.engine.config)
        .map_err(|reason| CmdError::err(format!("Rewriting config file: {reason}")))?;
    ctx.reply.ok();
    Ok(())
}

/// CONFIG HELP
pub fn config_help_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    reply_help(
        ctx,
        "CONFIG",
        &[
            "GET <pattern> [<pattern> ...]",
            "    Return the parameters matching the glob-like patterns, with their values.",
            "SET <directive> <value> [<directive> <value> ...]",
            "    Set parameters; either all of them change or none does.",
            "RESETSTAT",
            "    Reset the statistics INFO reports.",
            "REWRITE",
            "    Rewrite the configuration file with the running configuration.",
        ],
    );
    Ok(())
}

/// Whether DEBUG may run for this client under `enable-debug-command`.
fn debug_allowed(ctx: &Ctx<'_>) -> bool {
    match ctx.engine.config.enable_debug_command.as_str() {
        "yes" => true,
        "local" => ctx.me().peer.is_local,
        _ => false,
    }
}

/// DEBUG <subcommand> ... (SLEEP, HELP; more arrive with the keyspace).
pub fn debug_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    if !debug_allowed(ctx) {
        return Err(CmdError::err(
            "DEBUG command not allowed. If the enable-debug-command option is set to \"local\", \
             you can run it from a local connection, otherwise you need to set this option in \
             the configuration file, and then restart the server.",
        ));
    }
    let sub = argv.get(1).unwrap_or_default();
    if is(sub, "help") {
        reply_help(
            ctx,
            "DEBUG",
            &[
                "SLEEP <seconds>",
                "    Stop the server for <seconds>. Decimals are allowed.",
            ],
        );
        return Ok(());
    }
    if is(sub, "sleep") && argv.len() == 3 {
        let secs: f64 = std::str::from_utf8(argv.get(2).unwrap_or_default())
            .ok()
            .and_then(|s| s.parse().ok())
            .filter(|s: &f64| s.is_finite())
            .unwrap_or(0.0);
        ctx.host.sleep_us((secs.max(0.0) * 1e6) as u64);
        ctx.reply.ok();
        return Ok(());
    }
    Err(CmdError::UnknownSubcommand {
        sub: crate::error::lossy_prefix(sub, 128),
        parent: "DEBUG".into(),
    })
}

/// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]
pub fn shutdown_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let mut mode = SaveMode::Default;
    let mut abort = false;
    for arg in argv.iter().skip(1) {
        if is(arg, "nosave") && mode != SaveMode::Save {
            mode = SaveMode::NoSave;
        } else if is(arg, "save") && mode != SaveMode::NoSave {
            mode = SaveMode::Save;
        } else if is(arg, "now") || is(arg, "force") {
            // kv has no replicas to wait for and no save that could fail-but-force.
        } else if is(arg, "abort") {
            abort = true;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    if abort {
        if argv.len() > 2 {
            return Err(CmdError::Syntax);
        }
        // Nothing is ever in progress: kv shuts down synchronously.
        return Err(CmdError::err("No shutdown in progress."));
    }
    match ctx.host.shutdown(mode) {
        Ok(()) => {
            ctx.engine.shutdown_requested = true;
            Ok(())
        }
        Err(_) => Err(CmdError::err("Errors trying to SHUTDOWN. Check logs.")),
    }
}
