//! Where the user domain secret comes from. Never from an argument (it would show in
//! `ps` and shell history), and never echoed: error messages name the source only.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

/// `--secret-env VAR` or `--secret-file PATH`; with neither, the secret is read from stdin.
#[derive(Debug, Clone, clap::Args)]
#[group(multiple = false)]
pub struct SecretSource {
    /// Read the user domain secret from environment variable VAR.
    #[arg(long, value_name = "VAR")]
    pub secret_env: Option<String>,

    /// Read the user domain secret from PATH (a trailing newline is ignored).
    #[arg(long, value_name = "PATH")]
    pub secret_file: Option<PathBuf>,
}

impl SecretSource {
    /// The secret, from the chosen source or else stdin. Errors never contain it.
    pub fn read(&self) -> Result<String, String> {
        let secret = if let Some(var) = &self.secret_env {
            std::env::var(var).map_err(|e| match e {
                std::env::VarError::NotPresent => {
                    format!("environment variable {var} is not set")
                }
                std::env::VarError::NotUnicode(_) => {
                    format!("environment variable {var} is not valid UTF-8")
                }
            })?
        } else if let Some(path) = &self.secret_file {
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read secret file {}: {e}", path.display()))?
        } else {
            let mut stdin = std::io::stdin();
            if stdin.is_terminal() {
                // Reading from a terminal would echo the secret on screen.
                return Err("no secret: use --secret-env VAR, --secret-file PATH, \
                            or pipe it on stdin"
                    .to_owned());
            }
            let mut text = String::new();
            stdin
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read the secret from stdin: {e}"))?;
            text
        };
        let secret = strip_line_end(secret);
        if secret.is_empty() {
            return Err("the secret is empty".to_owned());
        }
        Ok(secret)
    }
}

/// Drops one trailing `\n` or `\r\n`, as files and `echo` add it.
fn strip_line_end(mut text: String) -> String {
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_end_is_stripped() {
        assert_eq!(strip_line_end("abc\n".into()), "abc");
        assert_eq!(strip_line_end("abc\r\n".into()), "abc");
        assert_eq!(strip_line_end("abc".into()), "abc");
        assert_eq!(strip_line_end("abc \n\n".into()), "abc \n");
    }

    #[test]
    fn errors_name_the_source_not_the_value() {
        let source = SecretSource {
            secret_env: Some("SMSCODE_TEST_SURELY_UNSET_VARIABLE".into()),
            secret_file: None,
        };
        let err = source.read().unwrap_err();
        assert!(err.contains("SMSCODE_TEST_SURELY_UNSET_VARIABLE"), "{err}");
    }
}
