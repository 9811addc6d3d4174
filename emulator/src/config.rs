//! Configuration: contract defaults, the JSON config file and the command-line flags.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use serde::Deserialize;

/// The user domain configured when neither a flag nor the config file names one.
pub const DEMO_USER_DOMAIN: &str = "demo";
/// Its secret. Public on purpose: this is an emulator.
pub const DEMO_SECRET: &str = "demo-secret";

/// Everything the emulator needs to run. `Default` is the contract's defaults.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to bind; port 0 picks a free port.
    pub listen: SocketAddr,
    /// User domain name -> secret.
    pub user_domains: BTreeMap<String, String>,
    /// Minimum seconds between two sends for one key; 0 turns the check off.
    pub min_interval_secs: u64,
    /// Sends allowed per key in a rolling 24 h; 0 turns the check off.
    pub daily_limit: u32,
    /// How long an issued code stays valid.
    pub code_ttl_secs: u64,
    /// Largest accepted |ts - now| in milliseconds (inclusive).
    pub ts_window_ms: u64,
    /// Enterprise SMS accounts, signatures and templates (ssid/stid checks).
    pub enterprise: Enterprise,
    /// Serve HTTPS with a self-signed certificate generated at start.
    pub tls: bool,
    /// Where to write that certificate as PEM (implies nothing unless `tls`).
    pub tls_cert_out: Option<PathBuf>,
    /// Write each issued code (and start-up notes) to stderr.
    pub log: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            user_domains: BTreeMap::from([(DEMO_USER_DOMAIN.to_owned(), DEMO_SECRET.to_owned())]),
            min_interval_secs: 60,
            daily_limit: 10,
            code_ttl_secs: 300,
            ts_window_ms: 600_000,
            enterprise: Enterprise::builtin(),
            tls: false,
            tls_cert_out: None,
            log: true,
        }
    }
}

/// The enterprise SMS data set the ssid/stid checks run against.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enterprise {
    /// Account name -> account. A name referenced below but absent here does not exist (5188).
    #[serde(default)]
    pub accounts: BTreeMap<String, Account>,
    /// Signature ID (`ssid`) -> signature.
    #[serde(default)]
    pub signatures: BTreeMap<String, Entry>,
    /// Template ID (`stid`) -> template.
    #[serde(default)]
    pub templates: BTreeMap<String, Entry>,
}

/// An enterprise SMS account.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    #[serde(default = "yes")]
    pub enabled: bool,
}

/// A signature or a template: same shape, checked the same way.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The account it belongs to.
    pub account: String,
    /// Its type: a signature and a template must have the same one (5216).
    #[serde(rename = "type", default = "one")]
    pub kind: i32,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Whether the user domain may use it (5122 / 5124 when false).
    #[serde(default = "yes")]
    pub permitted: bool,
}

fn yes() -> bool {
    true
}

fn one() -> i32 {
    1
}

impl Entry {
    fn new(account: &str, kind: i32, enabled: bool, permitted: bool) -> Entry {
        Entry {
            account: account.to_owned(),
            kind,
            enabled,
            permitted,
        }
    }
}

impl Enterprise {
    /// The contract's built-in set, so every enterprise code can be provoked without config.
    pub fn builtin() -> Enterprise {
        let accounts = [("acct-1", true), ("acct-2", true), ("acct-disabled", false)]
            .into_iter()
            .map(|(name, enabled)| (name.to_owned(), Account { enabled }))
            .collect();
        let signatures = [
            ("sig-ok", Entry::new("acct-1", 1, true, true)),
            ("sig-disabled", Entry::new("acct-1", 1, false, true)),
            ("sig-noperm", Entry::new("acct-1", 1, true, false)),
            ("sig-acct2", Entry::new("acct-2", 1, true, true)),
            (
                "sig-acct-disabled",
                Entry::new("acct-disabled", 1, true, true),
            ),
            (
                "sig-acct-missing",
                Entry::new("acct-missing", 1, true, true),
            ),
            ("sig-type2", Entry::new("acct-1", 2, true, true)),
        ]
        .into_iter()
        .map(|(id, e)| (id.to_owned(), e))
        .collect();
        let templates = [
            ("tpl-ok", Entry::new("acct-1", 1, true, true)),
            ("tpl-disabled", Entry::new("acct-1", 1, false, true)),
            ("tpl-noperm", Entry::new("acct-1", 1, true, false)),
            ("tpl-type2", Entry::new("acct-1", 2, true, true)),
            (
                "tpl-acct-disabled",
                Entry::new("acct-disabled", 1, true, true),
            ),
            (
                "tpl-acct-missing",
                Entry::new("acct-missing", 1, true, true),
            ),
        ]
        .into_iter()
        .map(|(id, e)| (id.to_owned(), e))
        .collect();
        Enterprise {
            accounts,
            signatures,
            templates,
        }
    }
}

/// The JSON config file. Every field is optional; absent ones keep the defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub user_domains: Option<BTreeMap<String, String>>,
    pub min_interval_secs: Option<u64>,
    pub daily_limit: Option<u32>,
    pub code_ttl_secs: Option<u64>,
    pub ts_window_ms: Option<u64>,
    pub enterprise: Option<Enterprise>,
}

/// Command-line flags, shared by `smscode-emulator` and `smscode emulator`
/// (`#[command(flatten)]`).
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Address to listen on (port 0 = a free port, printed on the first stdout line).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,

    /// A user domain and its secret; repeatable. Replaces the built-in `demo=demo-secret`.
    #[arg(long = "user-domain", value_name = "NAME=SECRET", value_parser = parse_user_domain)]
    pub user_domains: Vec<(String, String)>,

    /// JSON config file; flags override its values.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Minimum seconds between two sends to one key (0 = off) [default: 60].
    #[arg(long, value_name = "N")]
    pub min_interval_secs: Option<u64>,

    /// Sends allowed per key per rolling 24 h (0 = off) [default: 10].
    #[arg(long, value_name = "M")]
    pub daily_limit: Option<u32>,

    /// Seconds an issued code stays valid [default: 300].
    #[arg(long, value_name = "SECS")]
    pub code_ttl_secs: Option<u64>,

    /// Largest accepted |ts - server time| in ms, inclusive [default: 600000].
    #[arg(long, value_name = "MS")]
    pub ts_window_ms: Option<u64>,

    /// Serve HTTPS with a self-signed certificate (localhost, 127.0.0.1, ::1) written here as PEM.
    #[arg(long, value_name = "PATH")]
    pub tls_cert_out: Option<PathBuf>,

    /// Do not log issued codes to stderr.
    #[arg(long)]
    pub quiet: bool,
}

fn parse_user_domain(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, secret)) if !name.is_empty() && !secret.is_empty() => {
            Ok((name.to_owned(), secret.to_owned()))
        }
        // Never echo the value: it holds a secret.
        _ => Err("expected NAME=SECRET with both parts non-empty".to_owned()),
    }
}

impl Args {
    /// Defaults, then the config file, then the flags.
    pub fn to_config(&self) -> Result<Config, String> {
        let file = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                parse_config_file(&text).map_err(|e| format!("{}: {e}", path.display()))?
            }
            None => ConfigFile::default(),
        };
        let file_has_domains = file.user_domains.is_some();
        let mut config = file.apply(Config::default());
        if !self.user_domains.is_empty() {
            // Flags add to (and override) the file's domains; they replace the demo default.
            if !file_has_domains {
                config.user_domains.clear();
            }
            for (name, secret) in &self.user_domains {
                config.user_domains.insert(name.clone(), secret.clone());
            }
        }
        config.listen = self.listen;
        if let Some(v) = self.min_interval_secs {
            config.min_interval_secs = v;
        }
        if let Some(v) = self.daily_limit {
            config.daily_limit = v;
        }
        if let Some(v) = self.code_ttl_secs {
            config.code_ttl_secs = v;
        }
        if let Some(v) = self.ts_window_ms {
            config.ts_window_ms = v;
        }
        config.tls = self.tls_cert_out.is_some();
        config.tls_cert_out = self.tls_cert_out.clone();
        config.log = !self.quiet;
        Ok(config)
    }
}

/// Parses the JSON config file.
pub fn parse_config_file(text: &str) -> Result<ConfigFile, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

impl ConfigFile {
    /// Overlays the file's values on `config`.
    pub fn apply(self, mut config: Config) -> Config {
        if let Some(v) = self.user_domains {
            config.user_domains = v;
        }
        if let Some(v) = self.min_interval_secs {
            config.min_interval_secs = v;
        }
        if let Some(v) = self.daily_limit {
            config.daily_limit = v;
        }
        if let Some(v) = self.code_ttl_secs {
            config.code_ttl_secs = v;
        }
        if let Some(v) = self.ts_window_ms {
            config.ts_window_ms = v;
        }
        if let Some(v) = self.enterprise {
            config.enterprise = v;
        }
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn args(list: &[&str]) -> Args {
        let mut argv = vec!["emu"];
        argv.extend_from_slice(list);
        Cli::try_parse_from(argv).unwrap().args
    }

    #[test]
    fn no_flags_give_the_contract_defaults() {
        let c = args(&[]).to_config().unwrap();
        assert_eq!(c.listen, "127.0.0.1:0".parse().unwrap());
        assert_eq!(
            c.user_domains.get("demo").map(String::as_str),
            Some("demo-secret")
        );
        assert_eq!(c.user_domains.len(), 1);
        assert_eq!((c.min_interval_secs, c.daily_limit), (60, 10));
        assert_eq!((c.code_ttl_secs, c.ts_window_ms), (300, 600_000));
        assert!(!c.tls && c.log);
        assert_eq!(c.enterprise, Enterprise::builtin());
    }

    #[test]
    fn user_domain_flags_replace_the_demo_domain() {
        let c = args(&["--user-domain", "a=1", "--user-domain", "b=x=y"])
            .to_config()
            .unwrap();
        assert_eq!(c.user_domains.len(), 2);
        assert_eq!(c.user_domains["b"], "x=y");
    }

    #[test]
    fn bad_user_domain_flag_is_refused() {
        assert!(Cli::try_parse_from(["emu", "--user-domain", "nosecret"]).is_err());
        assert!(Cli::try_parse_from(["emu", "--user-domain", "=s"]).is_err());
    }

    #[test]
    fn file_then_flags() {
        let file = parse_config_file(
            r#"{"user_domains": {"f": "s"}, "min_interval_secs": 5, "daily_limit": 3,
                "code_ttl_secs": 7, "ts_window_ms": 1000,
                "enterprise": {"accounts": {"a": {}}, "signatures": {"s": {"account": "a"}}}}"#,
        )
        .unwrap();
        let c = file.apply(Config::default());
        assert_eq!(c.user_domains.len(), 1);
        assert_eq!((c.min_interval_secs, c.daily_limit), (5, 3));
        assert_eq!((c.code_ttl_secs, c.ts_window_ms), (7, 1000));
        assert!(c.enterprise.accounts["a"].enabled);
        assert_eq!(c.enterprise.signatures["s"].kind, 1);
        assert!(c.enterprise.templates.is_empty());
        assert!(parse_config_file(r#"{"daily_limt": 3}"#).is_err());
    }
}
