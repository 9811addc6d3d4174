//! The emulator's mutable state: rate-limit history, issued codes and armed faults.
//! Time comes in as an argument, so all of it is testable without a clock.

use std::collections::{HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::check::{codes, Key};
use crate::config::Config;

/// Rate-limit history older than this is forgotten.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// How many issued codes `/emulator/v1/codes` remembers (oldest dropped first).
pub const CODE_LOG_CAP: usize = 10_000;

/// One issued code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuedCode {
    pub user_domain: String,
    pub international_code: String,
    pub phone: String,
    pub code_type: i32,
    /// The 6-digit code "delivered" to the phone.
    pub code: String,
    pub sent_at_ms: i64,
    pub expires_at_ms: i64,
    /// True only for the latest code of its key, until it expires.
    pub valid: bool,
}

/// A fault kind for `POST /emulator/v1/faults`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Handle the request normally, but sleep `delay_ms` before answering.
    Delay,
    /// Never answer; keep the socket open.
    Hang,
    /// Close the connection without any response.
    Close,
    /// HTTP 500 with an HTML body.
    Http500,
    /// HTTP 200 with a body that is not JSON.
    NotJson,
    /// HTTP 200 with a 2 MiB JSON-looking body.
    HugeBody,
    /// HTTP 200 with a valid success body sent one byte per second.
    SlowDrip,
    /// HTTP 302 to `http://127.0.0.1:1/elsewhere`.
    Redirect,
    /// HTTP 200 with a JSON body whose `code` is negative (`-5`): no real server
    /// code is negative, and a client must not mistake it for a local status.
    NegativeCode,
}

/// One armed fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    /// Only used by [`FaultKind::Delay`].
    pub delay_ms: u64,
}

struct KeyState {
    /// Times of accepted sends within the last 24 h, oldest first; at most
    /// `max(daily_limit, 1)` long, which is all the checks need.
    sends: VecDeque<i64>,
    latest_seq: u64,
    latest_expires_ms: i64,
}

struct LoggedCode {
    seq: u64,
    key: Key,
    code: String,
    sent_at_ms: i64,
    expires_at_ms: i64,
}

/// All mutable state, kept behind one mutex by the server.
pub struct State {
    keys: HashMap<Key, KeyState>,
    log: VecDeque<LoggedCode>,
    next_seq: u64,
    /// Prune stale keys when the map reaches this size (amortised O(1) per send).
    prune_at: usize,
    faults: VecDeque<(Fault, u64)>,
    armed: u64,
    /// Send requests whose client closed the connection before the answer was complete.
    aborted: u64,
}

impl Default for State {
    fn default() -> Self {
        State {
            keys: HashMap::new(),
            log: VecDeque::new(),
            next_seq: 1,
            prune_at: 1024,
            faults: VecDeque::new(),
            armed: 0,
            aborted: 0,
        }
    }
}

impl State {
    /// Contract steps 11-12: applies the rate limits for `key`, then issues `new_code()`,
    /// which replaces any earlier code of the key. A refused send leaves no trace.
    pub fn send(
        &mut self,
        key: Key,
        now_ms: i64,
        config: &Config,
        new_code: impl FnOnce() -> String,
    ) -> Result<IssuedCode, i32> {
        if self.keys.len() >= self.prune_at {
            self.prune(now_ms);
        }
        let entry = self.keys.entry(key.clone()).or_insert_with(|| KeyState {
            sends: VecDeque::new(),
            latest_seq: 0,
            latest_expires_ms: i64::MIN,
        });
        while entry.sends.front().is_some_and(|&t| t <= now_ms - DAY_MS) {
            entry.sends.pop_front();
        }
        let min_interval_ms =
            i64::try_from(config.min_interval_secs.saturating_mul(1000)).unwrap_or(i64::MAX);
        if let Some(&last) = entry.sends.back() {
            if config.min_interval_secs > 0 && now_ms.saturating_sub(last) < min_interval_ms {
                return Err(codes::FREQUENCY_LIMIT);
            }
        }
        if config.daily_limit > 0 && entry.sends.len() >= config.daily_limit as usize {
            return Err(codes::FREQUENCY_LIMIT);
        }
        entry.sends.push_back(now_ms);
        while entry.sends.len() > (config.daily_limit as usize).max(1) {
            entry.sends.pop_front();
        }

        let seq = self.next_seq;
        self.next_seq += 1;
        let ttl_ms = i64::try_from(config.code_ttl_secs.saturating_mul(1000)).unwrap_or(i64::MAX);
        let expires_at_ms = now_ms.saturating_add(ttl_ms);
        entry.latest_seq = seq;
        entry.latest_expires_ms = expires_at_ms;

        let logged = LoggedCode {
            seq,
            key,
            code: new_code(),
            sent_at_ms: now_ms,
            expires_at_ms,
        };
        let issued = to_issued(&logged, now_ms < expires_at_ms);
        self.log.push_back(logged);
        if self.log.len() > CODE_LOG_CAP {
            self.log.pop_front();
        }
        Ok(issued)
    }

    /// The remembered codes, newest last, optionally only those for `phone`.
    pub fn codes(&self, now_ms: i64, phone: Option<&str>) -> Vec<IssuedCode> {
        self.log
            .iter()
            .filter(|c| phone.is_none_or(|p| c.key.phone == p))
            .map(|c| {
                let latest = self.keys.get(&c.key).is_some_and(|k| k.latest_seq == c.seq);
                to_issued(c, latest && now_ms < c.expires_at_ms)
            })
            .collect()
    }

    /// Counts one send request whose client went away before the whole answer was sent.
    pub fn count_abort(&mut self) {
        self.aborted = self.aborted.saturating_add(1);
    }

    /// How many send requests were aborted by their client (see [`State::count_abort`]).
    pub fn aborted(&self) -> u64 {
        self.aborted
    }

    /// Forgets codes, rate-limit history, armed faults and the abort count.
    pub fn reset(&mut self) {
        *self = State::default();
    }

    /// Queues `fault` for the next `count` send requests; returns how many are now armed.
    pub fn arm(&mut self, fault: Fault, count: u64) -> u64 {
        if count > 0 {
            self.faults.push_back((fault, count));
            self.armed = self.armed.saturating_add(count);
        }
        self.armed
    }

    /// Disarms every fault.
    pub fn disarm(&mut self) {
        self.faults.clear();
        self.armed = 0;
    }

    /// The fault for the current send request, if one is armed.
    pub fn next_fault(&mut self) -> Option<Fault> {
        let (fault, left) = self.faults.front_mut()?;
        let fault = *fault;
        *left -= 1;
        if *left == 0 {
            self.faults.pop_front();
        }
        self.armed -= 1;
        Some(fault)
    }

    /// Drops keys with no send in the last 24 h and no code still valid.
    fn prune(&mut self, now_ms: i64) {
        self.keys.retain(|_, k| {
            k.sends.back().is_some_and(|&t| t > now_ms - DAY_MS) || k.latest_expires_ms > now_ms
        });
        self.prune_at = (self.keys.len() * 2).max(1024);
    }
}

fn to_issued(c: &LoggedCode, valid: bool) -> IssuedCode {
    IssuedCode {
        user_domain: c.key.user_domain.clone(),
        international_code: c.key.international_code.clone(),
        phone: c.key.phone.clone(),
        code_type: c.key.code_type,
        code: c.code.clone(),
        sent_at_ms: c.sent_at_ms,
        expires_at_ms: c.expires_at_ms,
        valid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_700_000_000_000;

    fn key(phone: &str) -> Key {
        Key {
            user_domain: "demo".into(),
            international_code: "+86".into(),
            phone: phone.into(),
            code_type: 3,
        }
    }

    fn config(min_interval_secs: u64, daily_limit: u32) -> Config {
        Config {
            min_interval_secs,
            daily_limit,
            ..Config::default()
        }
    }

    fn send(s: &mut State, phone: &str, at: i64, c: &Config) -> Result<IssuedCode, i32> {
        s.send(key(phone), at, c, || "123456".into())
    }

    #[test]
    fn min_interval_per_key() {
        let c = config(60, 0);
        let mut s = State::default();
        assert!(send(&mut s, "1", T0, &c).is_ok());
        assert_eq!(send(&mut s, "1", T0 + 59_999, &c), Err(5058));
        assert!(send(&mut s, "2", T0 + 1, &c).is_ok(), "other key");
        assert!(send(&mut s, "1", T0 + 60_000, &c).is_ok());
    }

    #[test]
    fn daily_limit_is_a_rolling_day_and_refusals_do_not_count() {
        let c = config(0, 3);
        let mut s = State::default();
        for i in 0..3 {
            assert!(send(&mut s, "1", T0 + i, &c).is_ok());
        }
        assert_eq!(send(&mut s, "1", T0 + 10, &c), Err(5058));
        assert_eq!(send(&mut s, "1", T0 + DAY_MS - 1, &c), Err(5058));
        // The first send leaves the window exactly 24 h later.
        assert!(send(&mut s, "1", T0 + DAY_MS, &c).is_ok());
        assert_eq!(send(&mut s, "1", T0 + DAY_MS, &c), Err(5058));
    }

    #[test]
    fn zero_turns_limits_off() {
        let c = config(0, 0);
        let mut s = State::default();
        for _ in 0..100 {
            assert!(send(&mut s, "1", T0, &c).is_ok());
        }
        assert_eq!(s.keys[&key("1")].sends.len(), 1, "history stays bounded");
    }

    #[test]
    fn latest_code_replaces_earlier_and_expires() {
        let c = config(0, 0);
        let mut s = State::default();
        s.send(key("1"), T0, &c, || "111111".into()).unwrap();
        let second = s.send(key("1"), T0 + 1, &c, || "222222".into()).unwrap();
        assert!(second.valid);
        assert_eq!(second.expires_at_ms, T0 + 1 + 300_000);
        s.send(key("2"), T0 + 2, &c, || "333333".into()).unwrap();

        let all = s.codes(T0 + 3, None);
        let summary: Vec<_> = all.iter().map(|c| (c.code.as_str(), c.valid)).collect();
        assert_eq!(
            summary,
            [("111111", false), ("222222", true), ("333333", true)]
        );
        assert_eq!(s.codes(T0 + 3, Some("2")).len(), 1);
        assert!(s
            .codes(T0 + 1 + 300_000, Some("1"))
            .iter()
            .all(|c| !c.valid));
    }

    #[test]
    fn log_and_keys_are_bounded() {
        let c = config(0, 0);
        let mut s = State::default();
        for i in 0..(CODE_LOG_CAP + 5) {
            send(&mut s, &i.to_string(), T0, &c).unwrap();
        }
        assert_eq!(s.log.len(), CODE_LOG_CAP);
        assert!(s.prune_at > s.keys.len());
        // A day and a TTL later every key is stale.
        s.prune(T0 + DAY_MS);
        assert!(s.keys.is_empty());
    }

    #[test]
    fn faults_queue_in_order() {
        let mut s = State::default();
        let delay = Fault {
            kind: FaultKind::Delay,
            delay_ms: 5,
        };
        let close = Fault {
            kind: FaultKind::Close,
            delay_ms: 0,
        };
        assert_eq!(s.arm(delay, 2), 2);
        assert_eq!(s.arm(close, 1), 3);
        assert_eq!(s.arm(close, 0), 3);
        assert_eq!(s.next_fault(), Some(delay));
        assert_eq!(s.next_fault(), Some(delay));
        assert_eq!(s.next_fault(), Some(close));
        assert_eq!(s.next_fault(), None);
        s.arm(close, 1);
        s.disarm();
        assert_eq!(s.next_fault(), None);
    }

    #[test]
    fn reset_forgets_everything() {
        let c = config(60, 10);
        let mut s = State::default();
        send(&mut s, "1", T0, &c).unwrap();
        s.arm(
            Fault {
                kind: FaultKind::Hang,
                delay_ms: 0,
            },
            1,
        );
        s.reset();
        assert!(s.codes(T0, None).is_empty());
        assert_eq!(s.next_fault(), None);
        assert!(send(&mut s, "1", T0, &c).is_ok());
    }
}
