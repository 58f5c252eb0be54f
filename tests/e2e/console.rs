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
    // Buttons are numbered: 1 = Tilli Toukka, 1 = I agree, then age 5 (button 2), no more
    // children (2) ... and, after the name question, 1 skips the note to the coordinator.
    let data = dir.path().join("data");
    let out = console(&data, &["--lang", "en"], "/start\n1\n1\n2\n2\n");
    assert!(out.contains("[1.1] Tilli Toukka"), "{out}");
    assert!(out.contains("Added: 5 years."), "{out}");
    assert!(
        out.contains("In which municipality can you take part?"),
        "{out}"
    );
    assert!(!out.contains("<b>"), "the console shows plain text: {out}");

    // A new process on the same data: the conversation continues where it was.
    let out = console(
        &data,
        &["--lang", "en"],
        "Hyvinkää\n1\n1\n4\n2\n1\n1\n/mine\n",
    );
    assert!(
        out.contains("In which language would you like the group to meet?"),
        "{out}"
    );
    assert!(
        out.contains("Your registration for Tilli Toukka is saved."),
        "{out}"
    );
    assert!(
        out.contains(
            "1 child has been registered in Hyvinkää so far. The group can start once there are 5."
        ),
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
    assert!(
        out.contains("user 77> "),
        "the prompt shows who you are: {out}"
    );
    assert!(out.contains("Du har inga anmälningar."), "{out}");
}

/// Where each of `needles` is found in `hay`, each after the one before; panics naming the
/// first one missing.
fn in_order(hay: &str, needles: &[&str]) -> Vec<usize> {
    let mut at = 0;
    let mut found = Vec::new();
    for n in needles {
        match hay[at..].find(n) {
            Some(i) => {
                found.push(at + i);
                at += i + n.len();
            }
            None => panic!("{n:?} not found after byte {at}:\n{}", &hay[at..]),
        }
    }
    found
}

#[test]
fn buttons_of_any_message_can_be_pressed_and_digits_are_text_when_text_is_expected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let out = console(
        &data,
        &["--lang", "en"],
        "/clock 2027-01-04 09:00\n/as 5\n/start tilli-toukka\n/as 100000001\n[1.1]\n\
         /as 5\n2\n2\nHyvinkää\n1\n3\n4\n2\n1\n1\n",
    );
    // Message 1 (the consent) was to user 5: pressing its button acts as them, from anyone's
    // prompt.
    in_order(
        &out,
        &[
            "[clock] Mon 2027-01-04 09:00",
            "user 5> ",
            "[1.1] I agree",
            "Tilli Toukka -koordinaattori (100000001)> (pressed as user 5)",
            "[message to user 5]",
            "[2.2] 5",
            "Added: 5 years.",
            "[3.1] ",
        ],
    );

    // The same data and clock in a new console: the coordinator launches, and the place
    // typed as "1" is the place, not the Cancel button.
    let out = console(
        &data,
        &["--lang", "en", "--as", "5"],
        "/clock\n/clock 2027-01-01 09:00\n/as 100000001\n/launch\n1\n18.1. klo 17\n90 min\n1\n",
    );
    in_order(
        &out,
        &[
            "[clock] Mon 2027-01-04 09:00",
            "only moves forward",
            "(you are now Tilli Toukka -koordinaattori (100000001))",
            "6:30 pm, 1\n",
        ],
    );
}

#[test]
fn the_tilli_toukka_script_shows_a_whole_group_life() {
    let out = Command::new(env!("CARGO_BIN_EXE_kokoon"))
        .args(["--config", "config/kokoon.toml", "console", "--lang", "en"])
        .args(["--script", "examples/tilli-toukka.txt"])
        .env_remove("KOKOON_KEY")
        .env_remove("KOKOON_KEY_FILE")
        .stdin(Stdio::null())
        .output()
        .expect("kokoon runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = String::from_utf8(out.stdout).expect("utf-8");
    let at = in_order(
        &out,
        &[
            "[clock] Mon 2027-01-04 09:00",
            // The fifth child: both coordinators of the group are alerted at once.
            "user 200000004> 1",
            "[message to Tilli Toukka -koordinaattori (100000001)]",
            "[message to Pikku-Veturin koordinaattori (100000002)]",
            "user 200000010> 1",
            // The launch: seven families (eight children) are invited.
            "Tilli Toukka -koordinaattori (100000001)> /launch",
            "Perhekeskus Kipinä, Hämeenkatu 1",
            "[message to user 200000001]",
            "[message to user 200000007]",
            // Family 3 says no: family 8 is invited at once.
            "user 200000003> 2",
            "[message to user 200000008]",
            // Two days on, family 6's invitation expired, family 9 invited and then full.
            "[clock Wed 2027-01-06 09:00]",
            "[message to user 200000006]",
            "[message to user 200000009]",
            "[clock] Wed 2027-01-06 09:00",
            "user 200000009> 1",
            "[message to Tilli Toukka -koordinaattori (100000001)]",
            "[message to Tilli Toukka -koordinaattori (100000001)]",
            // Reminders the day before and on the day, feedback after.
            "[clock Sun 2027-01-17 17:00]",
            "[clock Mon 2027-01-18 15:00]",
            "[clock Mon 2027-01-18 19:00]",
            "[clock] Tue 2027-01-19 12:00",
            "user 200000001> 5",
            "user 200000001> Lapsi odottaa jo seuraavaa kertaa.",
            // A year on, retention.
            "[message to user 200000010]",
            "10 registrations deleted",
            "[clock] Mon 2028-01-10 09:00",
            "user 200000010> /mine",
        ],
    );
    let between = |a: usize, b: usize| out[at[a]..at[b]].matches("[message to user ").count();
    assert_eq!(between(5, 9), 7, "seven families invited first");
    assert_eq!(
        between(18, 20),
        14,
        "two reminders to each of the seven families coming"
    );
    assert_eq!(between(20, 21), 7, "a feedback request to each");
}

#[test]
fn a_swedish_reader_sees_the_contact_title_and_areas_in_swedish() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = console(
        &dir.path().join("data"),
        &["--lang", "sv"],
        "/help\n/start tilli-toukka\n1\n2\n2\n",
    );
    assert!(
        out.contains("Koordinator för familjearbetet, Pikku-Veturi"),
        "{out}"
    );
    assert!(!out.contains("Perhetyön koordinaattori"), "{out}");
    // The home municipality first, then by Swedish name: Borgnäs and Borgå before Hangö.
    in_order(
        &out,
        &[
            "[1.1] Jag godkänner",
            "[4.1] Hyvinge",
            "[4.2] Askola",
            "[4.3] Borgnäs",
            "[4.4] Borgå",
            "[4.5] Hangö",
        ],
    );
}
