//! One integration-test binary (one link on 2 cores instead of many), with modules:
//! - `transcripts`: conversations with the engine and store, in fi, sv and en, read as transcripts;
//! - `telegram`: the real `kokoon` binary against the fake Telegram Bot API server;
//! - `coordinators`: alerts, demand, export, QR and launching, as transcripts;
//! - `console`: the real binary's terminal front end;
//! - `fake_selftest`: the fake server itself, checked with real teloxide requests;
//! - `faults`: Telegram faults (429, 5xx, slow, timeouts, dropped connections, 403, blocking);
//! - `lifecycle`: SIGTERM and Ctrl-C while an update is in hand; a second kokoon on the same data;
//! - `crash`: the crash harness (SIGKILL at random moments, the store checked after each) and
//!   the cases it found.

#[path = "../support/fake_telegram.rs"]
mod fake_telegram;

#[path = "../support/crash.rs"]
mod crash_harness;

mod chat;
mod console;
mod coordinators;
mod crash;
mod fake_selftest;
mod faults;
mod lifecycle;
mod telegram;
mod transcripts;
