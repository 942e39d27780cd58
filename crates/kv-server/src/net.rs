//! Sockets: listening on `bind` addresses, the TCP port and the Unix socket,
//! and the per-connection options Redis sets (TCP_NODELAY, keepalive).
//!
//! Listeners are made with libc so that `tcp-backlog` is honoured and IPv6
//! sockets are IPv6-only, as Redis's anet.c makes them; mio then drives them.

use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener as StdTcpListener};
use std::os::fd::{AsRawFd, FromRawFd, RawFd};

use mio::net::{TcpListener, TcpStream, UnixListener, UnixStream};

/// A stream of either kind, so the event loop handles both alike.
pub enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Stream {
    pub fn raw_fd(&self) -> RawFd {
        match self {
            Stream::Tcp(s) => s.as_raw_fd(),
            Stream::Unix(s) => s.as_raw_fd(),
        }
    }

    pub fn source(&mut self) -> &mut dyn mio::event::Source {
        match self {
            Stream::Tcp(s) => s,
            Stream::Unix(s) => s,
        }
    }
}

impl io::Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Unix(s) => s.read(buf),
        }
    }
}

impl io::Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            Stream::Unix(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub enum Listener {
    Tcp(TcpListener, String),
    Unix(UnixListener, String),
}

impl Listener {
    pub fn source(&mut self) -> &mut dyn mio::event::Source {
        match self {
            Listener::Tcp(l, _) => l,
            Listener::Unix(l, _) => l,
        }
    }
}

/// Binds one TCP address with SO_REUSEADDR, IPV6_V6ONLY for IPv6, and `backlog`.
pub fn listen_tcp(ip: IpAddr, port: u16, backlog: i32) -> io::Result<TcpListener> {
    let addr = SocketAddr::new(ip, port);
    let domain = if ip.is_ipv6() {
        libc::AF_INET6
    } else {
        libc::AF_INET
    };
    // SAFETY: plain socket syscalls on a descriptor we own; every error path
    // closes it (through the std listener that takes ownership first).
    unsafe {
        let fd = libc::socket(domain, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let listener = StdTcpListener::from_raw_fd(fd);
        let one: libc::c_int = 1;
        setsockopt(fd, libc::SOL_SOCKET, libc::SO_REUSEADDR, one)?;
        if ip.is_ipv6() {
            setsockopt(fd, libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, one)?;
        }
        let (storage, len) = sockaddr(&addr);
        if libc::bind(fd, &storage as *const _ as *const libc::sockaddr, len) != 0 {
            return Err(io::Error::last_os_error());
        }
        if libc::listen(fd, backlog) != 0 {
            return Err(io::Error::last_os_error());
        }
        listener.set_nonblocking(true)?;
        Ok(TcpListener::from_std(listener))
    }
}

fn sockaddr(addr: &SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: sockaddr_storage is plain data; zero is a valid bit pattern, and the
    // casts below write the family-specific struct that fits inside it.
    unsafe {
        let mut storage: libc::sockaddr_storage = std::mem::zeroed();
        let len = match addr {
            SocketAddr::V4(a) => {
                let sin = &mut *(&mut storage as *mut _ as *mut libc::sockaddr_in);
                sin.sin_family = libc::AF_INET as libc::sa_family_t;
                sin.sin_port = a.port().to_be();
                sin.sin_addr.s_addr = u32::from_ne_bytes(a.ip().octets());
                std::mem::size_of::<libc::sockaddr_in>()
            }
            SocketAddr::V6(a) => {
                let sin6 = &mut *(&mut storage as *mut _ as *mut libc::sockaddr_in6);
                sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
                sin6.sin6_port = a.port().to_be();
                sin6.sin6_addr.s6_addr = a.ip().octets();
                sin6.sin6_scope_id = a.scope_id();
                std::mem::size_of::<libc::sockaddr_in6>()
            }
        };
        (storage, len as libc::socklen_t)
    }
}

fn setsockopt(
    fd: RawFd,
    level: libc::c_int,
    name: libc::c_int,
    value: libc::c_int,
) -> io::Result<()> {
    // SAFETY: the option value is a c_int living for the duration of the call.
    let rc = unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            &value as *const _ as *const libc::c_void,
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Binds the Unix socket, replacing a stale file, with `perm` (0 keeps the umask's).
pub fn listen_unix(path: &str, perm: u32) -> io::Result<UnixListener> {
    let _ = std::fs::remove_file(path);
    let listener = UnixListener::bind(path)?;
    if perm != 0 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(perm))?;
    }
    Ok(listener)
}

/// TCP_NODELAY and, when `keepalive` > 0, keepalive probes after that many idle
/// seconds (Redis's anetKeepAlive: interval a third of it, three probes).
pub fn tune_tcp(stream: &TcpStream, keepalive: u64) {
    let _ = stream.set_nodelay(true);
    if keepalive > 0 {
        let fd = stream.as_raw_fd();
        let secs = keepalive.min(i32::MAX as u64) as libc::c_int;
        let _ = setsockopt(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE, 1);
        let _ = setsockopt(fd, libc::IPPROTO_TCP, libc::TCP_KEEPIDLE, secs);
        let _ = setsockopt(
            fd,
            libc::IPPROTO_TCP,
            libc::TCP_KEEPINTVL,
            (secs / 3).max(1),
        );
        let _ = setsockopt(fd, libc::IPPROTO_TCP, libc::TCP_KEEPCNT, 3);
    }
}

/// Parses a `bind` entry: an address, `*` (all IPv4), `::*` (all IPv6); a leading
/// `-` marks it optional (failure to bind it is not fatal), as in Redis 7.0.
pub fn parse_bind(entry: &str) -> (Option<IpAddr>, bool) {
    let (optional, addr) = match entry.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, entry),
    };
    let ip = match addr {
        "*" => Some(IpAddr::from([0, 0, 0, 0])),
        "::*" => Some(IpAddr::from([0u16; 8])),
        other => other.parse().ok(),
    };
    (ip, optional)
}

/// Raises RLIMIT_NOFILE so `maxclients` connections fit (plus 32 descriptors for
/// listeners, files and logs); returns the client count that fits if it cannot.
pub fn raise_fd_limit(maxclients: u64) -> u64 {
    let wanted = maxclients + 32;
    // SAFETY: getrlimit/setrlimit on a local struct.
    unsafe {
        let mut lim: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return maxclients;
        }
        if lim.rlim_cur >= wanted {
            return maxclients;
        }
        let target = wanted.min(lim.rlim_max);
        lim.rlim_cur = target;
        if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) == 0 && target >= wanted {
            return maxclients;
        }
        let mut now: libc::rlimit = std::mem::zeroed();
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut now);
        now.rlim_cur.saturating_sub(32).max(1)
    }
}
