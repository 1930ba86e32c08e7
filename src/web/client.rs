//! Where a request comes from, for the login lockout and the audit log.
//!
//! The address is the peer of the connection (`axum::serve` with connect info, as
//! `app::serve` does). Behind a reverse proxy every peer is the proxy, so when the peer is
//! one of `trusted_proxies` the client is read from `X-Forwarded-For` — from its right
//! end, since each proxy appends the address it was called from and the left end is
//! whatever the client wrote: the first address from the right that is not a trusted
//! proxy is the client. From anyone else the header is ignored. Without connect
//! information (tests driving the router directly) the address is `unknown`.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::auth::model::Address;
use crate::config::Network;
use crate::state::AppState;

/// The client address of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub Address);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let ip = client_ip(peer, &parts.headers, &st.settings.trusted_proxies);
        Ok(ClientAddr(Address::of(ip)))
    }
}

/// The client's IP: the peer's, or behind trusted proxies the nearest address in
/// `X-Forwarded-For` that is not one of them.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[Network]) -> Option<IpAddr> {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    let mut client = peer?;
    if !is_trusted(client) {
        return Some(client);
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.into_iter().rev() {
        // Something that is no address: the proxy that passed it on is as far as we know.
        let Some(ip) = parse_hop(hop) else { break };
        client = ip;
        if !is_trusted(ip) {
            break;
        }
    }
    Some(client)
}

/// The proxies whose `X-Forwarded-For` is believed, for [`remember`].
#[derive(Clone)]
pub struct Trusted(pub std::sync::Arc<[Network]>);

/// The layer that tells the audit log from where each request came: everything the
/// request writes to the log carries its client address.
pub async fn remember(
    axum::extract::State(t): axum::extract::State<Trusted>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client =
        client_ip(peer, req.headers(), &t.0).map(|ip| crate::config::canonical(ip).to_string());
    crate::audit::from_client(client, next.run(req)).await
}

/// One entry of `X-Forwarded-For`: an address, perhaps with a port (`192.0.2.7:5123`,
/// `[2001:db8::1]:443`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_header_is_believed_from_trusted_proxies_only() {
        let trusted: Vec<Network> = vec!["10.0.0.0/8".parse().unwrap()];
        let h = forwarded(&["203.0.113.9"]);
        assert_eq!(
            client_ip(Some(ip("10.0.0.2")), &h, &trusted),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            client_ip(Some(ip("198.51.100.1")), &h, &trusted),
            Some(ip("198.51.100.1"))
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.2")), &h, &[]),
            Some(ip("10.0.0.2"))
        );
        assert_eq!(client_ip(None, &h, &trusted), None);
    }

    #[test]
    fn the_client_is_the_first_untrusted_hop_from_the_right() {
        let trusted: Vec<Network> = vec!["10.0.0.0/8".parse().unwrap()];
        let peer = Some(ip("10.0.0.2"));
        // What the client wrote itself (1.1.1.1) is to the left of what our proxies saw.
        let h = forwarded(&["1.1.1.1, 203.0.113.9", "10.0.0.7"]);
        assert_eq!(client_ip(peer, &h, &trusted), Some(ip("203.0.113.9")));
        let h = forwarded(&["203.0.113.9:5123"]);
        assert_eq!(client_ip(peer, &h, &trusted), Some(ip("203.0.113.9")));
        let h = forwarded(&["[2001:db8::1]:443"]);
        assert_eq!(client_ip(peer, &h, &trusted), Some(ip("2001:db8::1")));
        let h = forwarded(&["203.0.113.9, not-an-address"]);
        assert_eq!(client_ip(peer, &h, &trusted), peer);
        assert_eq!(client_ip(peer, &HeaderMap::new(), &trusted), peer);
        // Only proxies in the header: the farthest is the client as far as we can tell.
        let h = forwarded(&["10.0.0.9, 10.0.0.8"]);
        assert_eq!(client_ip(peer, &h, &trusted), Some(ip("10.0.0.9")));
    }
}
