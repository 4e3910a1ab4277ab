//! The listening socket (TCP or Unix), bound by the master and shared by
//! the workers, and the accepted streams.

use std::io::{self, IoSlice, Read, Write};
use std::net::{Shutdown, TcpListener as StdTcpListener, ToSocketAddrs};
use std::os::fd::AsRawFd;
use std::os::unix::fs::FileTypeExt;
use std::os::unix::net::{UnixListener as StdUnixListener, UnixStream as StdUnixStream};
use std::path::Path;

use mio::event::Source;
use mio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use mio::{Interest, Registry, Token};

use crate::config::Bind;
use crate::sys;

/// The master's listening socket, before the workers wrap it for mio.
pub enum Bound {
    Tcp(StdTcpListener),
    Unix(StdUnixListener),
}

impl Bound {
    /// Binds `bind` with `backlog`, non-blocking (the flag lives in the
    /// shared file description, so the workers' copies are non-blocking).
    /// A Unix socket path that exists is replaced only when it is a socket
    /// nobody listens on.
    pub fn bind(bind: &Bind, backlog: i32) -> io::Result<Bound> {
        let bound = match bind {
            Bind::Tcp(addr) => {
                let mut last = io::Error::new(io::ErrorKind::InvalidInput, format!("{addr}: no address"));
                let mut listener = None;
                for a in addr.to_socket_addrs()? {
                    match StdTcpListener::bind(a) {
                        Ok(l) => {
                            listener = Some(l);
                            break;
                        }
                        Err(e) => last = e,
                    }
                }
                Bound::Tcp(listener.ok_or(last)?)
            }
            Bind::Unix(path) => {
                remove_stale_socket(path)?;
                Bound::Unix(StdUnixListener::bind(path)?)
            }
        };
        match &bound {
            Bound::Tcp(l) => {
                l.set_nonblocking(true)?;
                sys::set_backlog(l.as_raw_fd(), backlog)?;
            }
            Bound::Unix(l) => {
                l.set_nonblocking(true)?;
                sys::set_backlog(l.as_raw_fd(), backlog)?;
            }
        }
        Ok(bound)
    }

    /// What to tell the operator: the URL to open, or the socket path.
    pub fn describe(&self) -> String {
        match self {
            Bound::Tcp(l) => match l.local_addr() {
                Ok(a) if a.ip().is_unspecified() => {
                    format!("http://{}:{}/ (all addresses)", if a.is_ipv6() { "[::1]" } else { "127.0.0.1" }, a.port())
                }
                Ok(a) => format!("http://{a}/"),
                Err(e) => format!("(unknown address: {e})"),
            },
            Bound::Unix(l) => match l.local_addr().ok().and_then(|a| a.as_pathname().map(Path::to_path_buf)) {
                Some(p) => format!("unix:{}", p.display()),
                None => "unix socket".into(),
            },
        }
    }

    /// The worker's side: the socket, wrapped for mio.
    pub fn into_listener(self) -> Listener {
        match self {
            Bound::Tcp(l) => Listener::Tcp(TcpListener::from_std(l)),
            Bound::Unix(l) => Listener::Unix(UnixListener::from_std(l)),
        }
    }
}

/// Removes `path` if it is a Unix socket that refuses connections (left by
/// a server that died); fails if a server still answers there.
fn remove_stale_socket(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_socket() => {
            if StdUnixStream::connect(path).is_ok() {
                return Err(io::Error::new(io::ErrorKind::AddrInUse, format!("{} is in use", path.display())));
            }
            std::fs::remove_file(path)
        }
        _ => Ok(()),
    }
}

/// A worker's listening socket.
pub enum Listener {
    Tcp(TcpListener),
    Unix(UnixListener),
}

impl Listener {
    /// Accepts one connection: `accept4(SOCK_CLOEXEC | SOCK_NONBLOCK)`
    /// (mio's accept on Linux), with `TCP_NODELAY` set on TCP streams.
    pub fn accept(&self) -> io::Result<Stream> {
        match self {
            Listener::Tcp(l) => {
                let (s, _) = l.accept()?;
                s.set_nodelay(true)?;
                Ok(Stream::Tcp(s))
            }
            Listener::Unix(l) => Ok(Stream::Unix(l.accept()?.0)),
        }
    }
}

impl Source for Listener {
    fn register(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            Listener::Tcp(l) => l.register(r, t, i),
            Listener::Unix(l) => l.register(r, t, i),
        }
    }
    fn reregister(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            Listener::Tcp(l) => l.reregister(r, t, i),
            Listener::Unix(l) => l.reregister(r, t, i),
        }
    }
    fn deregister(&mut self, r: &Registry) -> io::Result<()> {
        match self {
            Listener::Tcp(l) => l.deregister(r),
            Listener::Unix(l) => l.deregister(r),
        }
    }
}

/// An accepted connection.
pub enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Stream {
    /// One `writev`.
    pub fn writev(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write_vectored(bufs),
            Stream::Unix(s) => s.write_vectored(bufs),
        }
    }

    /// One `write`.
    pub fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            Stream::Unix(s) => s.write(buf),
        }
    }

    /// One `read`.
    pub fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Unix(s) => s.read(buf),
        }
    }

    /// Ends the sending direction (a FIN), keeping the receiving one.
    pub fn shutdown_write(&self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.shutdown(Shutdown::Write),
            Stream::Unix(s) => s.shutdown(Shutdown::Write),
        }
    }
}

impl Source for Stream {
    fn register(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.register(r, t, i),
            Stream::Unix(s) => s.register(r, t, i),
        }
    }
    fn reregister(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.reregister(r, t, i),
            Stream::Unix(s) => s.reregister(r, t, i),
        }
    }
    fn deregister(&mut self, r: &Registry) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.deregister(r),
            Stream::Unix(s) => s.deregister(r),
        }
    }
}
