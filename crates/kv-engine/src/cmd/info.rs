//! INFO [section [section ...]] — Redis's genRedisInfoString: the same sections,
//! field names and order, so that redis-cli, exporters and scripts parse kv's
//! INFO unchanged. kv adds its own version as `kv_version` in the server section.

use crate::command::flags::*;
use crate::command::{Command, Group, acl};
use std::fmt::Write as _;

use resp_proto::Argv;

use crate::error::CmdResult;
use crate::{Ctx, Engine, KV_VERSION, REDIS_VERSION, command};

/// Sections in output order; `true` marks those shown by plain INFO / `default`.
const SECTIONS: &[(&str, bool)] = &[
    ("server", true),
    ("clients", true),
    ("memory", true),
    ("persistence", true),
    ("stats", true),
    ("replication", true),
    ("cpu", true),
    ("modules", true),
    ("commandstats", false),
    ("errorstats", true),
    ("cluster", true),
    ("keyspace", true),
];

/// INFO [section [section ...]]
pub fn info_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let mut wanted = [false; SECTIONS.len()];
    if argv.len() == 1 {
        for (i, (_, default)) in SECTIONS.iter().enumerate() {
            wanted[i] = *default;
        }
    }
    for arg in argv.iter().skip(1) {
        let arg = arg.to_ascii_lowercase();
        match arg.as_slice() {
            b"all" | b"everything" => wanted = [true; SECTIONS.len()],
            b"default" => {
                for (i, (_, default)) in SECTIONS.iter().enumerate() {
                    wanted[i] |= *default;
                }
            }
            name => {
                if let Some(i) = SECTIONS.iter().position(|(s, _)| s.as_bytes() == name) {
                    wanted[i] = true;
                }
            }
        }
    }
    let mut text = String::new();
    for (i, (name, _)) in SECTIONS.iter().enumerate() {
        if !wanted[i] {
            continue;
        }
        if !text.is_empty() {
            text.push_str("\r\n");
        }
        write_section(ctx, name, &mut text);
    }
    ctx.reply.verbatim(text.as_bytes(), b"txt");
    Ok(())
}

/// Appends `name:value\r\n` lines; writing to a String cannot fail.
macro_rules! field {
    ($out:expr, $name:expr, $($arg:tt)*) => {{
        let _ = write!($out, "{}:", $name);
        let _ = write!($out, $($arg)*);
        $out.push_str("\r\n");
    }};
}

fn write_section(ctx: &mut Ctx<'_>, name: &str, out: &mut String) {
    let title = {
        let mut t = name.to_owned();
        t[..1].make_ascii_uppercase();
        t
    };
    let _ = write!(out, "# {title}\r\n");
    let engine: &Engine = ctx.engine;
    let now_ms = engine.now_ms;
    match name {
        "server" => {
            let f = &engine.facts;
            let uptime = now_ms.saturating_sub(f.start_ms) / 1000;
            field!(out, "redis_version", "{REDIS_VERSION}");
            field!(out, "redis_git_sha1", "00000000");
            field!(out, "redis_git_dirty", "0");
            field!(out, "redis_build_id", "0");
            field!(out, "redis_mode", "standalone");
            field!(out, "kv_version", "{KV_VERSION}");
            field!(out, "os", "{}", f.os);
            field!(out, "arch_bits", "{}", usize::BITS);
            field!(out, "monotonic_clock", "POSIX clock_gettime");
            field!(out, "multiplexing_api", "epoll");
            field!(out, "atomicvar_api", "c11-builtin");
            field!(out, "gcc_version", "0.0.0");
            field!(out, "process_id", "{}", f.process_id);
            field!(out, "process_supervised", "no");
            field!(out, "run_id", "{}", f.run_id);
            field!(out, "tcp_port", "{}", f.tcp_port);
            field!(out, "server_time_usec", "{}", engine.now_us);
            field!(out, "uptime_in_seconds", "{uptime}");
            field!(out, "uptime_in_days", "{}", uptime / 86400);
            field!(out, "hz", "{}", engine.config.hz);
            field!(out, "configured_hz", "{}", engine.config.hz);
            field!(out, "lru_clock", "{}", (now_ms / 1000) & ((1 << 24) - 1));
            field!(out, "executable", "{}", f.executable);
            field!(out, "config_file", "{}", f.config_file);
            field!(out, "io_threads_active", "0");
        }
        "clients" => {
            field!(out, "connected_clients", "{}", engine.clients.len());
            field!(out, "cluster_connections", "0");
            field!(out, "maxclients", "{}", engine.config.maxclients);
            field!(
                out,
                "client_recent_max_input_buffer",
                "{}",
                engine.stats.client_recent_max_input_buffer
            );
            field!(
                out,
                "client_recent_max_output_buffer",
                "{}",
                engine.stats.client_recent_max_output_buffer
            );
            field!(out, "blocked_clients", "{}", engine.blocked_clients());
            field!(out, "tracking_clients", "{}", engine.tracking.clients());
            field!(
                out,
                "clients_in_timeout_table",
                "{}",
                engine.clients_in_timeout_table()
            );
        }
        "memory" => {
            let p = ctx.host.process_stats();
            let peak = p.used_memory_peak.max(p.used_memory);
            field!(out, "used_memory", "{}", p.used_memory);
            field!(out, "used_memory_human", "{}", human_bytes(p.used_memory));
            field!(out, "used_memory_rss", "{}", p.used_memory_rss);
            field!(
                out,
                "used_memory_rss_human",
                "{}",
                human_bytes(p.used_memory_rss)
            );
            field!(out, "used_memory_peak", "{peak}");
            field!(out, "used_memory_peak_human", "{}", human_bytes(peak));
            field!(
                out,
                "used_memory_peak_perc",
                "{:.2}%",
                percent(p.used_memory, peak)
            );
            field!(out, "total_system_memory", "0");
            field!(out, "maxmemory", "{}", engine.config.maxmemory);
            field!(
                out,
                "maxmemory_human",
                "{}",
                human_bytes(engine.config.maxmemory)
            );
            field!(
                out,
                "maxmemory_policy",
                "{}",
                engine.config.maxmemory_policy
            );
            let frag = if p.used_memory == 0 {
                0.0
            } else {
                p.used_memory_rss as f64 / p.used_memory as f64
            };
            field!(out, "mem_fragmentation_ratio", "{frag:.2}");
            field!(
                out,
                "mem_fragmentation_bytes",
                "{}",
                p.used_memory_rss as i64 - p.used_memory as i64
            );
            field!(out, "mem_allocator", "libc");
            field!(out, "lazyfree_pending_objects", "0");
            field!(out, "lazyfreed_objects", "0");
        }
        "persistence" => {
            let start = engine.facts.start_ms / 1000;
            for (k, v) in [
                ("loading", "0"),
                ("async_loading", "0"),
                ("current_cow_peak", "0"),
                ("current_cow_size", "0"),
                ("current_cow_size_age", "0"),
                ("current_fork_perc", "0.00"),
                ("current_save_keys_processed", "0"),
                ("current_save_keys_total", "0"),
            ] {
                field!(out, k, "{v}");
            }
            field!(out, "rdb_changes_since_last_save", "{}", engine.dirty);
            field!(out, "rdb_bgsave_in_progress", "0");
            field!(out, "rdb_last_save_time", "{start}");
            for (k, v) in [
                ("rdb_last_bgsave_status", "ok"),
                ("rdb_last_bgsave_time_sec", "-1"),
                ("rdb_current_bgsave_time_sec", "-1"),
                ("rdb_saves", "0"),
                ("rdb_last_cow_size", "0"),
                ("rdb_last_load_keys_expired", "0"),
                ("rdb_last_load_keys_loaded", "0"),
                ("aof_enabled", "0"),
                ("aof_rewrite_in_progress", "0"),
                ("aof_rewrite_scheduled", "0"),
                ("aof_last_rewrite_time_sec", "-1"),
                ("aof_current_rewrite_time_sec", "-1"),
                ("aof_last_bgrewrite_status", "ok"),
                ("aof_rewrites", "0"),
                ("aof_rewrites_consecutive_failures", "0"),
                ("aof_last_write_status", "ok"),
                ("aof_last_cow_size", "0"),
                ("module_fork_in_progress", "0"),
                ("module_fork_last_cow_size", "0"),
            ] {
                field!(out, k, "{v}");
            }
        }
        "stats" => {
            let s = &engine.stats;
            field!(
                out,
                "total_connections_received",
                "{}",
                s.total_connections_received
            );
            field!(
                out,
                "total_commands_processed",
                "{}",
                s.total_commands_processed
            );
            field!(
                out,
                "instantaneous_ops_per_sec",
                "{}",
                s.ops.average() as u64
            );
            field!(out, "total_net_input_bytes", "{}", s.total_net_input_bytes);
            field!(
                out,
                "total_net_output_bytes",
                "{}",
                s.total_net_output_bytes
            );
            field!(out, "total_net_repl_input_bytes", "0");
            field!(out, "total_net_repl_output_bytes", "0");
            field!(
                out,
                "instantaneous_input_kbps",
                "{:.2}",
                s.input.average() / 1024.0
            );
            field!(
                out,
                "instantaneous_output_kbps",
                "{:.2}",
                s.output.average() / 1024.0
            );
            field!(out, "instantaneous_input_repl_kbps", "0.00");
            field!(out, "instantaneous_output_repl_kbps", "0.00");
            field!(out, "rejected_connections", "{}", s.rejected_connections);
            for k in ["sync_full", "sync_partial_ok", "sync_partial_err"] {
                field!(out, k, "0");
            }
            let e = &engine.expire_stats;
            field!(out, "expired_keys", "{}", engine.expired_keys());
            field!(out, "expired_stale_perc", "{:.2}", e.stale_perc * 100.0);
            field!(
                out,
                "expired_time_cap_reached_count",
                "{}",
                e.time_cap_reached_count
            );
            field!(out, "expire_cycle_cpu_milliseconds", "{}", e.cpu_us / 1000);
            field!(out, "evicted_keys", "{}", s.evicted_keys);
            for k in [
                "evicted_clients",
                "total_eviction_exceeded_time",
                "current_eviction_exceeded_time",
            ] {
                field!(out, k, "0");
            }
            field!(out, "keyspace_hits", "{}", s.keyspace_hits);
            field!(out, "keyspace_misses", "{}", s.keyspace_misses);
            field!(out, "pubsub_channels", "{}", engine.pubsub_channels());
            field!(out, "pubsub_patterns", "{}", engine.pubsub_patterns());
            field!(
                out,
                "pubsubshard_channels",
                "{}",
                engine.pubsub_shard_channels()
            );
            for k in [
                "latest_fork_usec",
                "total_forks",
                "migrate_cached_sockets",
                "slave_expires_tracked_keys",
                "active_defrag_hits",
                "active_defrag_misses",
                "active_defrag_key_hits",
                "active_defrag_key_misses",
                "total_active_defrag_time",
                "current_active_defrag_time",
            ] {
                field!(out, k, "0");
            }
            let t = &engine.tracking;
            field!(out, "tracking_total_keys", "{}", t.total_keys());
            field!(out, "tracking_total_items", "{}", t.total_items());
            field!(out, "tracking_total_prefixes", "{}", t.total_prefixes());
            field!(out, "unexpected_error_replies", "0");
            field!(out, "total_error_replies", "{}", s.total_error_replies);
            field!(out, "dump_payload_sanitizations", "0");
            field!(out, "total_reads_processed", "{}", s.total_reads_processed);
            field!(
                out,
                "total_writes_processed",
                "{}",
                s.total_writes_processed
            );
            for k in [
                "io_threaded_reads_processed",
                "io_threaded_writes_processed",
                "reply_buffer_shrinks",
                "reply_buffer_expands",
            ] {
                field!(out, k, "0");
            }
        }
        "replication" => {
            field!(out, "role", "master");
            field!(out, "connected_slaves", "0");
            field!(out, "master_failover_state", "no-failover");
            field!(out, "master_replid", "{}", engine.facts.run_id);
            field!(out, "master_replid2", "{}", "0".repeat(40));
            field!(out, "master_repl_offset", "0");
            field!(out, "second_repl_offset", "-1");
            field!(out, "repl_backlog_active", "0");
            field!(out, "repl_backlog_size", "1048576");
            field!(out, "repl_backlog_first_byte_offset", "0");
            field!(out, "repl_backlog_histlen", "0");
        }
        "cpu" => {
            let p = ctx.host.process_stats();
            field!(out, "used_cpu_sys", "{:.6}", p.used_cpu_sys);
            field!(out, "used_cpu_user", "{:.6}", p.used_cpu_user);
            field!(out, "used_cpu_sys_children", "0.000000");
            field!(out, "used_cpu_user_children", "0.000000");
            field!(out, "used_cpu_sys_main_thread", "{:.6}", p.used_cpu_sys);
            field!(out, "used_cpu_user_main_thread", "{:.6}", p.used_cpu_user);
        }
        "modules" => {}
        "commandstats" => {
            let index = command::index();
            for (i, stats) in engine.call_stats.iter().enumerate() {
                if stats.calls == 0 && stats.rejected == 0 && stats.failed == 0 {
                    continue;
                }
                let per_call = if stats.calls == 0 {
                    0.0
                } else {
                    stats.usec as f64 / stats.calls as f64
                };
                field!(
                    out,
                    format_args!("cmdstat_{}", index.all[i].name),
                    "calls={},usec={},usec_per_call={:.2},rejected_calls={},failed_calls={}",
                    stats.calls,
                    stats.usec,
                    per_call,
                    stats.rejected,
                    stats.failed
                );
            }
        }
        "errorstats" => {
            for (code, count) in &engine.error_stats {
                field!(out, format_args!("errorstat_{code}"), "count={count}");
            }
        }
        "cluster" => field!(out, "cluster_enabled", "0"),
        "keyspace" => {
            for (i, db) in engine.dbs.iter().enumerate() {
                if !db.is_empty() {
                    field!(
                        out,
                        format_args!("db{i}"),
                        "keys={},expires={},avg_ttl={}",
                        db.len(),
                        db.volatile_len(),
                        db.avg_ttl
                    );
                }
            }
        }
        _ => unreachable!("section names come from SECTIONS"),
    }
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// Redis's bytesToHuman: `1013.86K`, `6.88M`, `0B`.
pub fn human_bytes(n: u64) -> String {
    let n_f = n as f64;
    const UNITS: &[(f64, &str)] = &[
        (1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0, "E"),
        (1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0, "P"),
        (1024.0 * 1024.0 * 1024.0 * 1024.0, "T"),
        (1024.0 * 1024.0 * 1024.0, "G"),
        (1024.0 * 1024.0, "M"),
        (1024.0, "K"),
    ];
    for (size, unit) in UNITS {
        if n_f >= *size {
            return format!("{:.2}{unit}", n_f / size);
        }
    }
    format!("{n}B")
}

pub static COMMANDS: &[Command] = &[Command {
    name: "info",
    arity: -1,
    flags: LOADING | STALE,
    acl: acl::DANGEROUS,
    group: Group::Server,
    summary: "Returns information and statistics about the server.",
    syntax: "[section [section ...]]",
    tips: &[
        "nondeterministic_output",
        "request_policy:all_shards",
        "response_policy:special",
    ],
    handler: Some(info_command),
    ..Command::BASE
}];
