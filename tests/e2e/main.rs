//! One integration-test binary (one link on 2 cores instead of many), with modules:
//! - `added`: families without Telegram, added by a coordinator (`/add`), in fi and sv;
//! - `transcripts`: conversations with the engine and store, in fi, sv and en, read as transcripts;
//! - `bot`: the library's Telegram adapter and outbox sender in process (`spawn_app`, in
//!   `tests/support/app.rs`) against the fake Telegram Bot API server, on a manual clock;
//! - `story`: a group's whole life, fi and sv, on that harness, against golden transcripts;
//! - `telegram`: the real `kokoon` binary against the fake Telegram Bot API server (restarts,
//!   redelivered updates, the log, the command line);
//! - `coordinators`: alerts, demand, export, QR and launching, as transcripts;
//! - `coordinators_e2e`: the same end to end against the fake Bot API server (in process, and the
//!   real binary for a SIGKILL, the log and `kokoon qr`);
//! - `events`: events, reminders against a moved clock, broadcasts and feedback;
//! - `console`: the real binary's terminal front end;
//! - `family_life`: a shared family in a launched group: both parents reminded, told, heard;
//! - `notes`: a parent's private note to the coordinator, in fi and sv;
//! - `privacy`: the daily privacy jobs (retention, blocked parents), with a manual clock;
//! - `group_life`: a launched group's life: quiet hours, held messages, `/mine`, expiry, pausing;
//! - `fake_selftest`: the fake server itself, checked with real teloxide requests;
//! - `properties`: random conversations and broken configs, with proptest.
//! - `faults`: Telegram faults (429, 5xx, slow, timeouts, dropped connections, 403, blocking);
//! - `lifecycle`: SIGTERM and Ctrl-C while an update is in hand; a second kokoon on the same data;
//! - `ops`: running as a service: secrets from systemd credentials, metrics, reload, backups;
//! - `web`: the public web page in headless Chromium (screenshots, QR codes, privacy);
//! - `crash`: the crash harness (SIGKILL at random moments, the store checked after each) and
//!   the cases it found.

#[path = "../support/fake_telegram.rs"]
mod fake_telegram;

#[path = "../support/crash.rs"]
mod crash_harness;

#[path = "../support/app.rs"]
mod in_process;

mod added;
mod bot;
mod chat;
mod console;
mod coordinators;
mod coordinators_e2e;
mod crash;
mod events;
mod facilitators;
mod fake_selftest;
mod family_life;
mod faults;
mod forgiving;
mod group_life;
mod growth;
mod lifecycle;
mod notes;
mod ops;
mod privacy;
mod properties;
mod renewal;
mod reports;
mod series;
mod shared_family;
mod story;
mod telegram;
mod transcripts;
mod web;
