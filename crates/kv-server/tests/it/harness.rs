//! Starting servers and talking to them.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use resp_proto::DecodeLimits;

/// A port no other server of this test run was given. The OS's free port is
/// released before the server binds it, so two tests running at once could
/// otherwise get the same one: the second server then fails to bind while
/// its test talks to the first, until that one is killed under it.
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    loop {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("bound").port();
        let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

/// A running server process, killed when dropped.
pub struct TestServer {
    pub child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts kv-server with `--port P --save "" --dir <tmp> --logfile <tmp>/log` and `extra`.
    pub fn start(extra: &[&str]) -> TestServer {
        Self::start_binary(Path::new(env!("CARGO_BIN_EXE_kv-server")), extra)
    }

    pub fn start_binary(binary: &Path, extra: &[&str]) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let log = dir.path().join("server.log");
        let mut cmd = Command::new(binary);
        cmd.arg("--port")
            .arg(port.to_string())
            .arg("--bind")
            .arg("127.0.0.1")
            .arg("--save")
            .arg("")
            .arg("--dir")
            .arg(dir.path())
            .arg("--logfile")
            .arg(&log)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let child = cmd.spawn().expect("server starts");
        let mut server = TestServer { child, port, dir };
        server.wait_ready();
        server
    }

    /// Debian's redis-server, if installed (CI installs it): the oracle.
    pub fn start_redis(extra: &[&str]) -> Option<TestServer> {
        let path = PathBuf::from("/usr/bin/redis-server");
        path.exists().then(|| Self::start_binary(&path, extra))
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(stream) = TcpStream::connect(("127.0.0.1", self.port))
                && self.answers_as_ours(stream)
            {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                let mut err = String::new();
                if let Some(mut stderr) = self.child.stderr.take() {
                    let _ = stderr.read_to_string(&mut err);
                }
                panic!(
                    "server exited with {status} before listening:\n{err}\nlog:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "server on port {} did not start; log:\n{}",
            self.port,
            self.log()
        );
    }

    /// Whether the server listening on our port is our child (INFO server's
    /// process_id), not another process that got the same port. A server
    /// that refuses INFO (requirepass, a renamed INFO) is taken as ours.
    fn answers_as_ours(&self, stream: TcpStream) -> bool {
        let mut raw = Raw::from_stream(stream);
        let info = raw.call(&["INFO", "server"]);
        let pid = format!("process_id:{}\r\n", self.child.id());
        info.starts_with(b"-") || String::from_utf8_lossy(&info).contains(&pid)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    pub fn raw(&self) -> Raw {
        Raw::connect(self.port)
    }

    pub fn client(&self) -> redis::Connection {
        redis::Client::open(format!("redis://127.0.0.1:{}/", self.port))
            .expect("valid url")
            .get_connection()
            .expect("connects")
    }

    /// Waits for the process to exit by itself and returns its status code.
    pub fn wait_exit(&mut self, within: Duration) -> Option<i32> {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A raw RESP connection.
pub struct Raw {
    pub stream: TcpStream,
    buf: Vec<u8>,
}

impl Raw {
    pub fn connect(port: u16) -> Raw {
        Raw::from_stream(TcpStream::connect(("127.0.0.1", port)).expect("connects"))
    }

    fn from_stream(stream: TcpStream) -> Raw {
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout set");
        stream.set_nodelay(true).expect("nodelay");
        Raw {
            stream,
            buf: Vec::new(),
        }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("write");
    }

    /// Sends a command as a multibulk request.
    pub fn cmd(&mut self, args: &[&[u8]]) {
        self.send(&encode_request(args));
    }

    /// Reads exactly one reply and returns its raw bytes.
    pub fn read_raw(&mut self) -> Vec<u8> {
        loop {
            if let Some((_, used)) =
                resp_proto::decode(&self.buf, &DecodeLimits::default()).expect("valid RESP")
            {
                return self.buf.drain(..used).collect();
            }
            let mut chunk = [0u8; 65536];
            let n = self.stream.read(&mut chunk).expect("read");
            assert!(n > 0, "connection closed while waiting for a reply");
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Sends a command and returns the raw reply.
    pub fn call(&mut self, args: &[&str]) -> Vec<u8> {
        let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        self.cmd(&args);
        self.read_raw()
    }

    /// Whether the server closed the connection (reads EOF within the timeout).
    pub fn is_closed(&mut self) -> bool {
        let mut chunk = [0u8; 4096];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => return true,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
                Err(_) => return false,
            }
        }
    }
}

pub fn encode_request(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Shows raw protocol bytes readably in assertion messages.
pub fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace("\r\n", "\\r\\n")
}
