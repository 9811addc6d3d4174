//! Name resolution for the HTTP agent: no lookup for IP literals, and a short cache
//! for host names, emptied by the client when a send fails before its answer.
//! Each lookup is bounded by the connect timeout (ureq's `timeout_resolve`).
//!
//! ureq resolves the host on every request, before it looks in its connection pool,
//! and with a timeout set (ours always is) it resolves on a new thread so it can give
//! up. Without this, every send, even over a kept-alive connection, spawned and joined
//! a thread (bench/findings.md, section 1).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a looked-up address is reused: short enough to follow DNS changes
/// within a minute, long enough that a burst of sends resolves once.
const NAME_TTL: Duration = Duration::from_secs(30);

/// Past this many cached names, expired ones are dropped.
const PRUNE_AT: usize = 64;

/// When each `host:port` was looked up, and the addresses found.
type Names = HashMap<String, (Instant, Vec<SocketAddr>)>;

/// Looked-up addresses, shared by a resolver and its client.
#[derive(Debug, Default, Clone)]
pub(crate) struct NameCache(Arc<Mutex<Names>>);

impl NameCache {
    /// Forgets every name: the next send looks its host up again.
    pub(crate) fn clear(&self) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

#[derive(Debug)]
pub(crate) struct CachingResolver {
    lookup: DefaultResolver,
    cache: NameCache,
}

/// How many addresses a `ResolvedSocketAddrs` holds (ureq's private `MAX_ADDRS`):
/// `push` past it would panic.
const MAX_ADDRS: usize = 16;

impl CachingResolver {
    pub(crate) fn new(cache: NameCache) -> CachingResolver {
        CachingResolver {
            lookup: DefaultResolver::default(),
            cache,
        }
    }

    fn addrs(&self, found: &[SocketAddr]) -> ResolvedSocketAddrs {
        let mut addrs = self.empty();
        for addr in found.iter().take(MAX_ADDRS) {
            addrs.push(*addr);
        }
        addrs
    }
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let Some((host, port)) = host_and_port(uri) else {
            return self.lookup.resolve(uri, config, timeout);
        };
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return Ok(self.addrs(&[SocketAddr::new(ip, port)]));
        }
        let key = format!("{host}:{port}");
        let now = Instant::now();
        {
            let cache = self.cache.0.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((at, found)) = cache.get(&key) {
                if now.duration_since(*at) < NAME_TTL {
                    return Ok(self.addrs(found));
                }
            }
        }
        let resolved = self.lookup.resolve(uri, config, timeout)?;
        let mut cache = self.cache.0.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= PRUNE_AT {
            cache.retain(|_, (at, _)| now.duration_since(*at) < NAME_TTL);
        }
        cache.insert(key, (now, resolved.to_vec()));
        Ok(resolved)
    }
}

fn host_and_port(uri: &Uri) -> Option<(&str, u16)> {
    let authority = uri.authority()?;
    let port = authority.port_u16().or(match uri.scheme_str()? {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    })?;
    Some((authority.host(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(resolver: &CachingResolver, url: &str) -> Vec<SocketAddr> {
        let uri: Uri = url.parse().unwrap();
        let config = Config::default();
        resolver
            .resolve(&uri, &config, NextTimeout::default())
            .unwrap()
            .to_vec()
    }

    #[test]
    fn literals_need_no_lookup_and_names_are_cached() {
        let resolver = CachingResolver::new(NameCache::default());
        assert_eq!(
            resolve(&resolver, "http://127.0.0.1:8080/x"),
            ["127.0.0.1:8080".parse().unwrap()]
        );
        assert_eq!(
            resolve(&resolver, "https://[::1]/x"),
            ["[::1]:443".parse().unwrap()]
        );
        assert!(resolver.cache.0.lock().unwrap().is_empty());
        let first = resolve(&resolver, "http://localhost:9/");
        assert!(first.iter().all(|a| a.ip().is_loopback() && a.port() == 9));
        assert!(resolver.cache.0.lock().unwrap().contains_key("localhost:9"));
        assert_eq!(resolve(&resolver, "http://localhost:9/"), first);
        resolver.cache.clear();
        assert!(resolver.cache.0.lock().unwrap().is_empty());
    }
}
