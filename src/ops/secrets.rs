//! Where the bot token and the encryption key come from.
//!
//! An environment variable is readable by the process's owner in `/proc/<pid>/environ`, and a
//! service manager shows it (`systemctl show`). So a secret is read, in this order, from:
//!
//! 1. a file named on the command line (`--token-file`, `--key-file`);
//! 2. systemd's credentials directory: `$CREDENTIALS_DIRECTORY/token` and `.../key`, which
//!    `LoadCredential=` fills from files only root can read, visible to the service alone;
//! 3. the environment (`TELOXIDE_TOKEN`, `KOKOON_KEY`), kept for development and tests.
//!
//! Giving one secret two ways in the same place (a key file and `KOKOON_KEY`) is refused, so it is
//! never a guess which one is in use.

use std::path::{Path, PathBuf};

/// The variable systemd sets to the service's credentials directory.
pub const CREDENTIALS_DIRECTORY: &str = "CREDENTIALS_DIRECTORY";

/// The credential names `LoadCredential=` gives them (`LoadCredential=token:/etc/kokoon/token`).
pub const TOKEN_CREDENTIAL: &str = "token";
/// See [`TOKEN_CREDENTIAL`].
pub const KEY_CREDENTIAL: &str = "key";

/// Where a secret was found, for the log line at start (never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file given on the command line.
    File(PathBuf),
    /// systemd's credentials directory.
    Credential(PathBuf),
    /// An environment variable, by name.
    Env(&'static str),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::File(p) => write!(f, "the file {}", p.display()),
            Source::Credential(p) => write!(f, "the systemd credential {}", p.display()),
            Source::Env(name) => write!(f, "the environment variable {name}"),
        }
    }
}

/// The file holding credential `name`, if the service manager gave a credentials directory and
/// the credential is in it.
#[must_use]
pub fn credential(dir: Option<&Path>, name: &str) -> Option<PathBuf> {
    let path = dir?.join(name);
    path.is_file().then_some(path)
}

/// `$CREDENTIALS_DIRECTORY`, when set and not empty.
#[must_use]
pub fn credentials_directory() -> Option<PathBuf> {
    std::env::var_os(CREDENTIALS_DIRECTORY)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The bot token: from `token_file`, else the credential `token`, else `env` (the value of
/// `TELOXIDE_TOKEN`). Surrounding whitespace (a final newline) is dropped.
pub fn token(
    token_file: Option<&Path>,
    credentials: Option<&Path>,
    env: Option<String>,
) -> Result<(String, Source), String> {
    let from_file = |path: &Path, source: Source| -> Result<(String, Source), String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the bot token from {source}: {e}"))?;
        let token = text.trim().to_owned();
        if token.is_empty() {
            return Err(format!(
                "{source} is empty: put the bot token from @BotFather in it"
            ));
        }
        Ok((token, source))
    };
    if let Some(path) = token_file {
        return from_file(path, Source::File(path.to_owned()));
    }
    if let Some(path) = credential(credentials, TOKEN_CREDENTIAL) {
        return from_file(&path, Source::Credential(path.clone()));
    }
    match env.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) {
        Some(token) => Ok((token, Source::Env("TELOXIDE_TOKEN"))),
        None => Err("no bot token: give --token-file FILE, a systemd credential `token` (LoadCredential=token:FILE), or TELOXIDE_TOKEN; the token comes from @BotFather (or try `kokoon console`)".to_owned()),
    }
}

/// Where the key comes from, before it is read: the key file given (`--key-file`), else the
/// credential `key`; `None` leaves it to `KOKOON_KEY`.
#[must_use]
pub fn key_file(given: Option<PathBuf>, credentials: Option<&Path>) -> Option<(PathBuf, Source)> {
    match given {
        Some(p) => Some((p.clone(), Source::File(p))),
        None => credential(credentials, KEY_CREDENTIAL).map(|p| (p.clone(), Source::Credential(p))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        dir
    }

    #[test]
    fn the_token_file_comes_first_then_the_credential_then_the_environment() {
        let creds = dir_with(&[("token", "111:cred\n")]);
        let other = dir_with(&[("t", "  222:file \n")]);
        let file = other.path().join("t");
        let env = Some("333:env".to_owned());

        let (t, s) = token(Some(&file), Some(creds.path()), env.clone()).expect("token");
        assert_eq!((t.as_str(), s), ("222:file", Source::File(file.clone())));

        let (t, s) = token(None, Some(creds.path()), env.clone()).expect("token");
        assert_eq!(t, "111:cred");
        assert_eq!(s, Source::Credential(creds.path().join("token")));

        let empty = dir_with(&[]);
        let (t, s) = token(None, Some(empty.path()), env.clone()).expect("token");
        assert_eq!((t.as_str(), s), ("333:env", Source::Env("TELOXIDE_TOKEN")));
        let (t, _) = token(None, None, env).expect("token");
        assert_eq!(t, "333:env");
    }

    #[test]
    fn a_missing_or_empty_token_is_an_error_that_names_every_way() {
        let e = token(None, None, Some("  ".into())).expect_err("no token");
        assert!(
            e.contains("--token-file")
                && e.contains("LoadCredential")
                && e.contains("TELOXIDE_TOKEN"),
            "{e}"
        );
        let creds = dir_with(&[("token", "\n")]);
        let e = token(None, Some(creds.path()), None).expect_err("empty");
        assert!(e.contains("is empty"), "{e}");
        let e = token(Some(Path::new("/nonexistent/token")), None, None).expect_err("missing");
        assert!(e.contains("/nonexistent/token"), "{e}");
    }

    #[test]
    fn the_key_file_given_wins_over_the_credential() {
        let creds = dir_with(&[("key", "00")]);
        let given = PathBuf::from("/etc/kokoon/kokoon.key");
        assert_eq!(
            key_file(Some(given.clone()), Some(creds.path())),
            Some((given.clone(), Source::File(given)))
        );
        let cred = creds.path().join("key");
        assert_eq!(
            key_file(None, Some(creds.path())),
            Some((cred.clone(), Source::Credential(cred)))
        );
        assert_eq!(key_file(None, Some(dir_with(&[]).path())), None);
        assert_eq!(key_file(None, None), None);
    }
}
