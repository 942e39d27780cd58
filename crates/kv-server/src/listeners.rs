//! The listening sockets: one per `bind` address on `port`, plus `unixsocket`.
//! Rebinding (CONFIG SET port/bind) closes the TCP listeners first, as Redis's
//! changeBindAddr does (the new set may reuse an address and port of the old,
//! as `* -::*` → `*` does), then opens the new set; if that fails, CONFIG SET
//! rolls back and the old set is opened again.

use std::io;

use kv_engine::Config;
use mio::{Interest, Registry, Token};

use crate::net::{self, Listener};

/// Tokens at and above this belong to listeners; below, token = client slot.
pub const LISTENER_BASE: usize = 1 << 40;

pub struct Listeners {
    pub sockets: Vec<Listener>,
    registry: Registry,
}

#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    #[error("Could not create server TCP listening socket {addr}: {source}")]
    Tcp { addr: String, source: io::Error },
    #[error("Failed opening Unix socket: {0}")]
    Unix(io::Error),
    #[error("Invalid bind address '{0}'")]
    BadAddress(String),
    #[error("Failed to register a listener: {0}")]
    Register(io::Error),
}

impl Listeners {
    pub fn new(registry: Registry) -> Listeners {
        Listeners {
            sockets: Vec::new(),
            registry,
        }
    }

    /// Opens every listener the config asks for. Optional (`-`) bind addresses
    /// that fail are skipped, as in Redis.
    pub fn open(config: &Config) -> Result<Vec<Listener>, ListenError> {
        let mut sockets = Self::open_tcp(config)?;
        if let Some(path) = config.unixsocket.as_deref().filter(|p| !p.is_empty()) {
            let l = net::listen_unix(path, config.unixsocketperm).map_err(ListenError::Unix)?;
            sockets.push(Listener::Unix(l, path.to_owned()));
        }
        Ok(sockets)
    }

    /// The TCP listeners of `bind` × `port`.
    fn open_tcp(config: &Config) -> Result<Vec<Listener>, ListenError> {
        let mut sockets = Vec::new();
        if config.port != 0 {
            for entry in &config.bind {
                let (ip, optional) = net::parse_bind(entry);
                let Some(ip) = ip else {
                    return Err(ListenError::BadAddress(entry.clone()));
                };
                let shown = entry.trim_start_matches('-');
                match net::listen_tcp(ip, config.port, config.tcp_backlog as i32) {
                    Ok(l) => sockets.push(Listener::Tcp(l, format!("{shown}:{}", config.port))),
                    Err(e)
                        if optional
                            && matches!(
                                e.raw_os_error(),
                                Some(libc::EADDRNOTAVAIL)
                                    | Some(libc::EAFNOSUPPORT)
                                    | Some(libc::EPROTONOSUPPORT)
                            ) =>
                    {
                        crate::log_notice!(
                            "Skipping optional bind address {shown}:{} ({e})",
                            config.port
                        );
                    }
                    Err(source) => {
                        return Err(ListenError::Tcp {
                            addr: format!("{shown}:{}", config.port),
                            source,
                        });
                    }
                }
            }
        }
        Ok(sockets)
    }

    pub fn install(&mut self, mut sockets: Vec<Listener>) -> Result<(), ListenError> {
        for (i, l) in sockets.iter_mut().enumerate() {
            self.registry
                .register(l.source(), Token(LISTENER_BASE + i), Interest::READABLE)
                .map_err(ListenError::Register)?;
        }
        for mut old in std::mem::replace(&mut self.sockets, sockets) {
            let _ = self.registry.deregister(old.source());
        }
        Ok(())
    }

    /// Replaces the TCP listeners by those `config` asks for. On error none
    /// are left: CONFIG SET then rolls back and calls this with the old values.
    pub fn rebind(&mut self, config: &Config) -> Result<(), ListenError> {
        // The Unix socket keeps its file: only TCP listeners change.
        let mut kept = Vec::new();
        for listener in std::mem::take(&mut self.sockets) {
            match listener {
                Listener::Unix(..) => kept.push(listener),
                mut tcp => {
                    let _ = self.registry.deregister(tcp.source());
                }
            }
        }
        let result = Self::open_tcp(config).map(|fresh| kept.extend(fresh));
        self.install(kept)?;
        result
    }

    pub fn get_mut(&mut self, i: usize) -> Option<&mut Listener> {
        self.sockets.get_mut(i)
    }

    /// The Unix socket path, to remove the file at shutdown.
    pub fn unix_path(&self) -> Option<&str> {
        self.sockets.iter().find_map(|l| match l {
            Listener::Unix(_, p) => Some(p.as_str()),
            _ => None,
        })
    }
}
