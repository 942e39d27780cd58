//! The process: startup messages, configuration errors, shutdown.

use std::process::Command;
use std::time::Duration;

use crate::harness::{TestServer, show};

#[test]
fn logs_like_redis_server() {
    let server = TestServer::start(&[]);
    // The port accepts connections a moment before the "Ready" line is logged.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !server.log().contains("Ready to accept connections")
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    let log = server.log();
    let pid = server.child.id();
    assert!(log.contains(&format!("{pid}:M ")), "{log}");
    assert!(log.contains("* Ready to accept connections"), "{log}");
    assert!(log.contains(&format!("pid={pid}")), "{log}");
}

#[test]
fn shutdown_command_stops_the_server() {
    let mut server = TestServer::start(&[]);
    let mut raw = server.raw();
    raw.send(b"SHUTDOWN NOSAVE\r\n");
    assert!(raw.is_closed());
    assert_eq!(server.wait_exit(Duration::from_secs(5)), Some(0));
    assert!(server.log().contains("ready to exit, bye bye"));
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let mut server = TestServer::start(&[]);
    // SAFETY: signalling our own child process.
    unsafe { libc_kill(server.child.id() as i32, 15) };
    assert_eq!(server.wait_exit(Duration::from_secs(5)), Some(0));
    let log = server.log();
    assert!(
        log.contains("Received SIGTERM scheduling shutdown..."),
        "{log}"
    );
}

unsafe extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, sig: i32) -> i32;
}

#[test]
fn a_bad_directive_stops_startup_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("bad.conf");
    std::fs::write(&conf, "port 7000\nnosuchdirective yes\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kv-server"))
        .arg(&conf)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2"), "{err}");
    assert!(err.contains("nosuchdirective"), "{err}");
}

#[test]
fn a_promise_kv_cannot_keep_stops_startup() {
    let out = Command::new(env!("CARGO_BIN_EXE_kv-server"))
        .args(["--port", "0", "--appendonly", "yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("appendonly"), "{err}");
}

#[test]
fn config_set_port_moves_the_listener() {
    let server = TestServer::start(&[]);
    let mut raw = server.raw();
    let new_port = crate::harness::free_port();
    assert_eq!(
        raw.call(&["CONFIG", "SET", "port", &new_port.to_string()]),
        b"+OK\r\n"
    );
    let mut moved = crate::harness::Raw::connect(new_port);
    assert_eq!(moved.call(&["PING"]), b"+PONG\r\n");
    // The connection made on the old port keeps working.
    assert_eq!(raw.call(&["PING"]), b"+PONG\r\n");
}

#[test]
fn config_set_bind_and_port_fail_as_redis_and_keep_the_listener() {
    let server = TestServer::start(&[]);
    let mut raw = server.raw();
    assert_eq!(
        show(&raw.call(&["CONFIG", "SET", "bind", "127.0.0.1 999.999.999.999"])),
        "-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.\\r\\n"
    );
    // A port someone else holds.
    let taken = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let taken_port = taken.local_addr().unwrap().port().to_string();
    assert_eq!(
        show(&raw.call(&["CONFIG", "SET", "port", &taken_port])),
        "-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.\\r\\n"
    );
    assert_eq!(
        show(&raw.call(&["CONFIG", "GET", "bind"])),
        "*2\\r\\n$4\\r\\nbind\\r\\n$9\\r\\n127.0.0.1\\r\\n"
    );
    // The rollback reopened the old listener.
    assert_eq!(server.raw().call(&["PING"]), b"+PONG\r\n");
    // A new set that reuses an address and port of the old one (as `* -::*`
    // to `*` does): the old listeners must be closed first.
    assert_eq!(
        raw.call(&["CONFIG", "SET", "bind", "127.0.0.1 -::1"]),
        b"+OK\r\n"
    );
    assert_eq!(
        raw.call(&["CONFIG", "SET", "bind", "127.0.0.1"]),
        b"+OK\r\n"
    );
    assert_eq!(server.raw().call(&["PING"]), b"+PONG\r\n");
}

#[test]
fn serves_a_unix_socket() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kv.sock");
    let server = TestServer::start(&[
        "--unixsocket",
        path.to_str().unwrap(),
        "--unixsocketperm",
        "700",
    ]);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !path.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    use std::io::{Read, Write};
    let mut sock = std::os::unix::net::UnixStream::connect(&path).unwrap();
    sock.write_all(b"PING\r\nCLIENT INFO\r\n").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&got).contains("flags=U") {
        let n = sock.read(&mut buf).unwrap();
        assert!(n > 0, "closed early: {}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
    assert!(got.starts_with(b"+PONG\r\n"));
    drop(server);
}

#[test]
fn config_rewrite_updates_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("kv.conf");
    let port = crate::harness::free_port();
    std::fs::write(
        &conf,
        format!("# my settings\nport {port}\nbind 127.0.0.1\nsave \"\"\ntimeout 0\nlogfile log\n"),
    )
    .unwrap();
    let _server = start_with_conf(dir.path(), "kv.conf", port);
    let mut raw = crate::harness::Raw::connect(port);
    assert_eq!(
        raw.call(&["CONFIG", "SET", "timeout", "300", "maxclients", "500"]),
        b"+OK\r\n"
    );
    assert_eq!(raw.call(&["CONFIG", "REWRITE"]), b"+OK\r\n");
    let text = std::fs::read_to_string(&conf).unwrap();
    assert!(text.starts_with("# my settings\n"), "{text}");
    assert!(text.contains("timeout 300"), "{text}");
    assert!(text.contains("maxclients 500"), "{text}");
}

/// A server process killed when dropped, so that a failing test leaks none.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts kv-server in `cwd` with `conf` (as given, maybe relative) and waits
/// for `port`.
fn start_with_conf(cwd: &std::path::Path, conf: &str, port: u16) -> Killed {
    let child = Command::new(env!("CARGO_BIN_EXE_kv-server"))
        .current_dir(cwd)
        .arg(conf)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    Killed(child)
}

#[test]
fn config_rewrite_force_all_round_trips_every_directive() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let port = crate::harness::free_port();
    std::fs::write(
        dir.path().join("kv.conf"),
        format!(
            "port {port}\nbind 127.0.0.1\nsave \"\"\ndir data\nlogfile log\n\
             enable-debug-command local\n"
        ),
    )
    .unwrap();
    // A relative config path, and `dir` moves the working directory: the
    // rewrite must still find the file.
    let server = start_with_conf(dir.path(), "kv.conf", port);
    let mut raw = crate::harness::Raw::connect(port);
    assert_eq!(raw.call(&["CONFIG", "SET", "timeout", "300"]), b"+OK\r\n");
    let before = raw.call(&["CONFIG", "GET", "*"]);
    assert_eq!(raw.call(&["DEBUG", "CONFIG-REWRITE-FORCE-ALL"]), b"+OK\r\n");
    let text = std::fs::read_to_string(dir.path().join("kv.conf")).unwrap();
    // Defaults are written too.
    assert!(text.contains("\nhz 10\n"), "{text}");
    assert!(text.contains("\ntimeout 300\n"), "{text}");
    drop(server);

    let _server = start_with_conf(dir.path(), "kv.conf", port);
    let mut raw = crate::harness::Raw::connect(port);
    assert_eq!(
        show(&raw.call(&["CONFIG", "GET", "*"])),
        show(&before),
        "the rewritten file gives back the same configuration"
    );
}
