//! Configuration: the secret from LATCHKEY_SECRET or LATCHKEY_SECRET_FILE (never both, never
//! printed), the warning at every start while the key sits in the database, and
//! LATCHKEY_SSO_ALLOW_PRIVATE_ISSUERS. Parsing is checked through clap with flags; the
//! environment variables themselves through the `latchkey` binary, started with its own
//! environment (a test cannot change this process's environment safely).

use clap::Parser;
use server::cli::{Cli, UNSET_SECRET_WARNING};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const SECRET: &str = "file-secret-file-secret-file-secret-0123";

/// A fresh directory under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "latchkey-config-{name}-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn file(&self, name: &str, content: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn parse(args: &[&str]) -> server::config::Config {
    let mut argv = vec!["latchkey"];
    argv.extend_from_slice(args);
    Cli::try_parse_from(argv).unwrap().config
}

fn path_arg(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

#[test]
fn the_secret_comes_from_one_variable_or_the_other() {
    let dir = TempDir::new("parse");
    // A file's content is trimmed (a trailing newline is the norm).
    let file = dir.file("secret", &format!("  {SECRET}\n"));
    let config = parse(&["--secret-file", &path_arg(&file)]);
    assert_eq!(config.secret().unwrap().as_deref(), Some(SECRET));
    config.validate().unwrap();
    let config = parse(&["--secret", SECRET]);
    assert_eq!(config.secret().unwrap().as_deref(), Some(SECRET));
    assert_eq!(parse(&[]).secret().unwrap(), None);

    // Both: a configuration error naming the two.
    let config = parse(&["--secret", SECRET, "--secret-file", &path_arg(&file)]);
    for error in [config.secret().unwrap_err(), config.validate().unwrap_err()] {
        assert!(
            error.contains("LATCHKEY_SECRET ") && error.contains("LATCHKEY_SECRET_FILE"),
            "{error}"
        );
        assert!(!error.contains(SECRET), "{error}");
    }

    // A missing file, a directory, an empty file, a short secret: each names the variable
    // and never prints what the file holds.
    let short = dir.file("short", "short-secret-value\n");
    let empty = dir.file("empty", " \n");
    let missing = dir.0.join("missing");
    for (path, expected) in [
        (missing.clone(), "cannot read the secret from"),
        (dir.0.clone(), "cannot read the secret from"),
        (empty, "is empty"),
        (short, "must be at least 32 characters long"),
    ] {
        let error = parse(&["--secret-file", &path_arg(&path)])
            .validate()
            .unwrap_err();
        assert!(
            error.contains("LATCHKEY_SECRET_FILE") && error.contains(expected),
            "{}: {error}",
            path.display()
        );
        assert!(!error.contains("short-secret-value"), "{error}");
    }
    let error = parse(&["--secret-file", &path_arg(&missing)])
        .validate()
        .unwrap_err();
    assert!(
        error.contains(&path_arg(&missing)),
        "names the file: {error}"
    );
}

#[test]
fn private_issuers_are_refused_unless_allowed_in_so_many_words() {
    assert!(!parse(&[]).sso_allow_private_issuers);
    assert!(parse(&["--sso-allow-private-issuers", "true"]).sso_allow_private_issuers);
    assert!(!parse(&["--sso-allow-private-issuers", "false"]).sso_allow_private_issuers);
    assert!(
        Cli::try_parse_from(["latchkey", "--sso-allow-private-issuers", "maybe"]).is_err(),
        "a value that is not a boolean is an error"
    );
}

/// Runs the `latchkey` binary in `dir` with only `env` (and PATH) set; `serve` runs until it
/// listens and is then stopped. Returns whether it succeeded and what it wrote to stderr.
fn run_latchkey(dir: &TempDir, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let database = format!("sqlite://{}?mode=rwc", dir.0.join("latchkey.db").display());
    let mut command = Command::new(env!("CARGO_BIN_EXE_latchkey"));
    command
        .args(args)
        .current_dir(&dir.0)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LATCHKEY_DATABASE_URL", database)
        .env("LATCHKEY_ADDR", "127.0.0.1:0")
        .env("LATCHKEY_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                return;
            }
        }
    });
    let mut log = String::new();
    let serving = args.first() == Some(&"serve");
    loop {
        match received.recv_timeout(Duration::from_secs(120)) {
            Ok(line) => {
                log.push_str(&line);
                log.push('\n');
                if serving && line.contains("Latchkey is listening") {
                    child.kill().unwrap();
                    child.wait().unwrap();
                    return (true, log);
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                child.kill().unwrap();
                child.wait().unwrap();
                panic!("latchkey {args:?} neither finished nor listened in 120 s:\n{log}");
            }
        }
    }
    let status = child.wait().unwrap();
    (status.success(), log)
}

#[test]
fn the_binary_reads_the_secret_file_and_warns_while_the_key_is_in_the_database() {
    let dir = TempDir::new("binary");
    let file = dir.file("secret", &format!("{SECRET}\n"));
    let file = path_arg(&file);

    // Both variables: refused before anything else, naming both and printing neither value.
    let (ok, log) = run_latchkey(
        &dir,
        &["migrate"],
        &[("LATCHKEY_SECRET", SECRET), ("LATCHKEY_SECRET_FILE", &file)],
    );
    assert!(!ok, "{log}");
    assert!(
        log.contains("LATCHKEY_SECRET and LATCHKEY_SECRET_FILE are both set"),
        "{log}"
    );
    assert!(!log.contains(SECRET), "{log}");
    // An unreadable file.
    let (ok, log) = run_latchkey(
        &dir,
        &["migrate"],
        &[("LATCHKEY_SECRET_FILE", "/nonexistent/latchkey-secret")],
    );
    assert!(!ok, "{log}");
    assert!(
        log.contains(
            "LATCHKEY_SECRET_FILE: cannot read the secret from /nonexistent/latchkey-secret"
        ),
        "{log}"
    );

    // Without a secret, every start warns that the key is in the database.
    let warning = &UNSET_SECRET_WARNING[..60];
    for _ in 0..2 {
        let (ok, log) = run_latchkey(&dir, &["serve"], &[]);
        assert!(ok, "{log}");
        assert!(log.contains(warning), "no warning in\n{log}");
        assert!(log.contains("instance_settings"), "{log}");
    }
    // With the file, none; and the private-issuer switch is read from its variable.
    let (ok, log) = run_latchkey(
        &dir,
        &["serve"],
        &[
            ("LATCHKEY_SECRET_FILE", &file),
            ("LATCHKEY_SSO_ALLOW_PRIVATE_ISSUERS", "true"),
        ],
    );
    assert!(ok, "{log}");
    assert!(!log.contains(warning), "{log}");
    assert!(!log.contains(SECRET), "{log}");
    assert!(
        log.contains("may reach identity providers on loopback and private addresses"),
        "{log}"
    );
    let (ok, log) = run_latchkey(
        &dir,
        &["serve"],
        &[
            ("LATCHKEY_SECRET", SECRET),
            ("LATCHKEY_SSO_ALLOW_PRIVATE_ISSUERS", "no"),
        ],
    );
    assert!(ok, "{log}");
    assert!(!log.contains(warning), "{log}");
    assert!(!log.contains("may reach identity providers"), "{log}");
}
