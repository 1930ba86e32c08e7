//! The HTTPS listener `axum::serve` takes: a task accepts TCP connections and shakes hands
//! with each on a task of its own (a slow or silent client holds up nobody), and hands on
//! the connections that became TLS. A connection that opens with plain HTTP instead (a
//! bookmark from before HTTPS, a typed `http://`) is answered with a redirect to the same
//! address over HTTPS and closed.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// How long a client has to finish its handshake, or to send the head of a plain-HTTP
/// request.
const HANDSHAKE: Duration = Duration::from_secs(10);
/// The most of a plain-HTTP request head read to find where it was going.
const HEAD_MAX: usize = 8 * 1024;
/// The first byte of every TLS connection (a handshake record).
const TLS_HANDSHAKE_RECORD: u8 = 0x16;

pub struct TlsListener {
    addr: SocketAddr,
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    accepting: JoinHandle<()>,
}

impl TlsListener {
    pub fn new(tcp: TcpListener, config: Arc<rustls::ServerConfig>) -> io::Result<TlsListener> {
        let addr = tcp.local_addr()?;
        let (tx, ready) = mpsc::channel(64);
        let accepting = tokio::spawn(accept_all(tcp, TlsAcceptor::from(config), tx));
        Ok(TlsListener {
            addr,
            ready,
            accepting,
        })
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, SocketAddr) {
        match self.ready.recv().await {
            Some(c) => c,
            // The accepting task holds the sender while this listener lives.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.addr)
    }
}

async fn accept_all(
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    tx: mpsc::Sender<(TlsStream<TcpStream>, SocketAddr)>,
) {
    loop {
        let (stream, peer) = match tcp.accept().await {
            Ok(c) => c,
            Err(e) => {
                if !matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionRefused
                        | io::ErrorKind::ConnectionAborted
                        | io::ErrorKind::ConnectionReset
                ) {
                    // Out of file descriptors, say: give the connections in flight a moment.
                    tracing::error!(error = %e, "accept");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                continue;
            }
        };
        let (acceptor, tx) = (acceptor.clone(), tx.clone());
        tokio::spawn(async move {
            match tokio::time::timeout(HANDSHAKE, first_contact(stream, acceptor)).await {
                Ok(Ok(Some(tls))) => {
                    let _ = tx.send((tls, peer)).await;
                }
                Ok(Ok(None)) => {}
                // A browser that does not trust the certificate (yet) ends here.
                Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
            }
        });
    }
}

/// The TLS connection, or `None` when the client spoke plain HTTP and was redirected.
async fn first_contact(
    stream: TcpStream,
    acceptor: TlsAcceptor,
) -> io::Result<Option<TlsStream<TcpStream>>> {
    let mut first = [0u8; 1];
    if stream.peek(&mut first).await? == 0 {
        return Ok(None);
    }
    if first[0] == TLS_HANDSHAKE_RECORD {
        return acceptor.accept(stream).await.map(Some);
    }
    redirect_to_https(stream).await?;
    Ok(None)
}

async fn redirect_to_https(mut stream: TcpStream) -> io::Result<()> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < HEAD_MAX {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let location = https_location(&head, stream.local_addr()?);
    let body = format!("This server speaks HTTPS only: {location}\n");
    let answer = format!(
        "HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\nCache-Control: \
         no-store\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(answer.as_bytes()).await?;
    stream.shutdown().await
}

/// Where a plain-HTTP request head was going, over HTTPS on the port it reached: the
/// host it named (`Host`, without its port) or else the address it reached, and its path.
/// Anything in them that could break the header is dropped (the request's own client is
/// the only one who reads the answer).
pub fn https_location(head: &[u8], local: SocketAddr) -> String {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let target = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .filter(|t| t.starts_with('/') && t.bytes().all(|b| (0x21..=0x7e).contains(&b)))
        .unwrap_or("/");
    let host = lines
        .take_while(|l| !l.is_empty())
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("host")
                .then(|| value.trim())
        })
        .map(without_port)
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        });
    let host = match host {
        Some(h) => h.to_string(),
        None => match crate::config::canonical(local.ip()) {
            std::net::IpAddr::V6(v6) => format!("[{v6}]"),
            v4 => v4.to_string(),
        },
    };
    match local.port() {
        443 => format!("https://{host}{target}"),
        port => format!("https://{host}:{port}{target}"),
    }
}

/// `example.org:8080` → `example.org`, `[::1]:8080` → `[::1]`.
fn without_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |end| &host[..=end]);
    }
    host.split(':').next().unwrap_or(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_request_is_sent_to_the_same_place_over_https() {
        let local: SocketAddr = "192.168.1.5:8080".parse().unwrap();
        let go = |head: &str| https_location(head.as_bytes(), local);
        assert_eq!(
            go("GET /work/demands?status=submitted HTTP/1.1\r\nHost: office-pc:8080\r\n\r\n"),
            "https://office-pc:8080/work/demands?status=submitted"
        );
        assert_eq!(
            go("GET /login HTTP/1.1\r\nhost: [fe80::1]:8080\r\n\r\n"),
            "https://[fe80::1]:8080/login"
        );
        // No Host, or one that would break the header: the address it reached.
        assert_eq!(go("GET / HTTP/1.0\r\n\r\n"), "https://192.168.1.5:8080/");
        assert_eq!(
            go("GET /x HTTP/1.1\r\nHost: a\"b\r\n\r\n"),
            "https://192.168.1.5:8080/x"
        );
        assert_eq!(
            go("GET http://elsewhere/ HTTP/1.1\r\nHost: office-pc\r\n\r\n"),
            "https://office-pc:8080/"
        );
        let v6: SocketAddr = "[::ffff:10.0.0.2]:443".parse().unwrap();
        assert_eq!(
            https_location(b"GET /a HTTP/1.1\r\n\r\n", v6),
            "https://10.0.0.2/a"
        );
    }
}
