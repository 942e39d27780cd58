//! Test support: an engine with a fake host, and `check`, which runs requests
//! and compares the raw replies (CRLF shown as `\r\n` literally is awkward, so
//! expectations write replies with `|` in place of CRLF).

use resp_proto::OwnedArgv;

use crate::{ClientId, ClientIo, Config, Engine, Host, Peer, ProcessStats, SaveMode, ServerFacts};

/// A host whose clock is a number the test sets.
#[derive(Default)]
pub struct FakeHost {
    pub monotonic_us: u64,
    pub shutdowns: Vec<SaveMode>,
}

impl Host for FakeHost {
    fn monotonic_us(&self) -> u64 {
        self.monotonic_us
    }
    fn client_io(&self, _client: ClientId) -> ClientIo {
        ClientIo::default()
    }
    fn process_stats(&self) -> ProcessStats {
        ProcessStats::default()
    }
    fn shutdown(&mut self, mode: SaveMode) -> Result<(), String> {
        self.shutdowns.push(mode);
        Ok(())
    }
    fn rewrite_config(&mut self, _config: &Config, _force_all: bool) -> Result<(), String> {
        Ok(())
    }
    fn apply_config(
        &mut self,
        _config: &Config,
        _changed: &[&'static str],
    ) -> Result<(), kv_config::ApplyError> {
        Ok(())
    }
    fn sleep_us(&mut self, us: u64) {
        self.monotonic_us += us;
    }
    fn free_later(&mut self, garbage: Box<dyn std::any::Any + Send>) {
        drop(garbage);
    }
}

pub struct TestEngine {
    pub engine: Engine,
    pub host: FakeHost,
    pub client: ClientId,
}

impl TestEngine {
    pub fn new() -> TestEngine {
        Self::with_config(Config::default())
    }

    pub fn with_config(config: Config) -> TestEngine {
        let mut engine = Engine::new(
            config,
            ServerFacts {
                start_ms: 1_700_000_000_000,
                ..ServerFacts::default()
            },
        );
        let client = engine.add_client(Peer {
            addr: "127.0.0.1:50000".into(),
            laddr: "127.0.0.1:6379".into(),
            fd: 8,
            is_unix: false,
            is_local: true,
        });
        TestEngine {
            engine,
            host: FakeHost::default(),
            client,
        }
    }

    /// Connects another client, as a second connection would.
    pub fn connect(&mut self) -> ClientId {
        self.engine.add_client(Peer {
            addr: "127.0.0.1:50001".into(),
            laddr: "127.0.0.1:6379".into(),
            fd: 9,
            is_unix: false,
            is_local: true,
        })
    }

    /// What `client` has received without asking (messages, invalidations,
    /// a served blocked command's reply), taken out of its buffer.
    pub fn received(&mut self, client: ClientId) -> String {
        shown(&self.take_output(client))
    }

    /// Everything `client` has not read yet, taken out of its buffer.
    fn take_output(&mut self, client: ClientId) -> Vec<u8> {
        let c = self.engine.client_mut(client).expect("test client exists");
        let out = c.out.split_off(c.out_sent);
        c.out.clear();
        c.out_sent = 0;
        out
    }

    /// Runs one request from the test's client and returns its reply bytes.
    pub fn run(&mut self, args: &[&str]) -> Vec<u8> {
        let client = self.client;
        self.run_as(client, args)
    }

    pub fn run_as(&mut self, client: ClientId, args: &[&str]) -> Vec<u8> {
        let slices: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        let argv = OwnedArgv::from_slices(&slices);
        self.engine.execute(client, argv.as_argv(), &mut self.host);
        self.engine.before_sleep();
        self.take_output(client)
    }

    /// Records the propagation stream from now on (as an AOF or replica would).
    pub fn record_propagation(&mut self) {
        self.engine.set_propagation(true);
    }

    /// The commands propagated since the last call, each as its arguments
    /// joined by spaces (`SELECT 0`, `SET k v PXAT 1700000010000`).
    pub fn propagated(&mut self) -> Vec<String> {
        self.propagated_to(crate::effects::Target::Replicas)
    }

    /// [`TestEngine::propagated`] for one target's stream.
    pub fn propagated_to(&mut self, target: crate::effects::Target) -> Vec<String> {
        self.propagated_argvs_to(target)
            .iter()
            .map(|args| {
                args.iter()
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// The commands propagated to replicas since the last call, as argument
    /// vectors (the replicas' stream holds everything the AOF's does, and
    /// PUBLISH).
    pub fn propagated_argvs(&mut self) -> Vec<Vec<Vec<u8>>> {
        self.propagated_argvs_to(crate::effects::Target::Replicas)
    }

    /// The commands propagated to `target` since the last call.
    pub fn propagated_argvs_to(&mut self, target: crate::effects::Target) -> Vec<Vec<Vec<u8>>> {
        let mut stream = Vec::new();
        self.engine.take_propagated(target, &mut stream);
        let limits = resp_proto::DecodeLimits::default();
        let mut out = Vec::new();
        let mut at = 0;
        while at < stream.len() {
            let (frame, used) = resp_proto::decode(&stream[at..], &limits)
                .expect("the stream is valid RESP")
                .expect("the stream holds whole commands");
            let resp_proto::Frame::Array(items) = frame else {
                panic!("a propagated command is an array: {frame:?}");
            };
            out.push(
                items
                    .into_iter()
                    .map(|f| match f {
                        resp_proto::Frame::Bulk(b) => b,
                        other => panic!("arguments are bulk strings: {other:?}"),
                    })
                    .collect(),
            );
            at += used;
        }
        out
    }

    pub fn set_time_ms(&mut self, now_ms: u64) {
        self.engine.set_time(now_ms);
    }
}

impl Default for TestEngine {
    fn default() -> Self {
        Self::new()
    }
}

/// Writes CRLF as `|` so expected replies fit on one line.
pub fn shown(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace("\r\n", "|")
}

/// Runs each request in order on one client and compares its reply, written with
/// `|` for CRLF (e.g. `"$1|v|"`).
pub fn check(steps: &[(&[&str], &str)]) {
    let mut t = TestEngine::new();
    check_on(&mut t, steps);
}

pub fn check_on(t: &mut TestEngine, steps: &[(&[&str], &str)]) {
    for (i, (args, expected)) in steps.iter().enumerate() {
        let got = shown(&t.run(args));
        assert_eq!(&got, expected, "step {i}: {args:?}");
    }
}
