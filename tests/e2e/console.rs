//! The real `kokoon console`, driven through stdin like a person at a terminal.

use std::io::Write;
use std::process::{Command, Stdio};

fn console(data: &std::path::Path, args: &[&str], input: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kokoon"))
        .args(["--config", "config/kokoon.toml", "console", "--data"])
        .arg(data)
        .env_remove("KOKOON_KEY")
        .env_remove("KOKOON_KEY_FILE")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kokoon starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("kokoon exits");
    assert!(
        out.status.success(),
        "console failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn a_registration_in_the_console_survives_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Buttons are numbered: 1 = Tilli Toukka, then age 5 (button 2), no more children (2) ...
    let data = dir.path().join("data");
    let out = console(&data, &["--lang", "en"], "/start\n1\n2\n2\n");
    assert!(out.contains("[1] Tilli Toukka"), "{out}");
    assert!(out.contains("Added: 5 years."), "{out}");
    assert!(out.contains("In which area could you attend?"), "{out}");
    assert!(!out.contains("<b>"), "the console shows plain text: {out}");

    // A new process on the same data: the conversation continues where it was.
    let out = console(
        &data,
        &["--lang", "en"],
        "Hyvinkää\n1\n1\n4\n1\n2\n1\n/mine\n",
    );
    assert!(
        out.contains("Which language should the group run in?"),
        "{out}"
    );
    assert!(
        out.contains("Your registration for Tilli Toukka is saved."),
        "{out}"
    );
    assert!(
        out.contains("In Hyvinkää there are now 1 of 5 children."),
        "{out}"
    );
    assert!(out.contains("You have one registration:"), "{out}");

    // The console made its own key beside the data directory, readable by its owner only.
    let key = dir.path().join("data.key");
    let text = std::fs::read_to_string(&key).expect("the console's key file");
    assert_eq!(text.trim_end().len(), 64, "64 hex characters");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Another key does not open the data.
    let other = dir.path().join("other.key");
    std::fs::write(&other, "00".repeat(32)).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_kokoon"))
        .args(["--config", "config/kokoon.toml", "console", "--data"])
        .arg(&data)
        .arg("--key-file")
        .arg(&other)
        .env_remove("KOKOON_KEY")
        .env_remove("KOKOON_KEY_FILE")
        .stdin(Stdio::null())
        .output()
        .expect("kokoon runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the key does not match this data directory"),
        "{err}"
    );
}

#[test]
fn the_console_can_act_as_another_user() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = console(
        &dir.path().join("data"),
        &["--as", "77", "--lang", "sv"],
        "/start\n/mine\n",
    );
    assert!(out.contains("you are user 77"), "{out}");
    assert!(out.contains("Du har inga anmälningar."), "{out}");
}
