//! # kokoon
//!
//! A Telegram bot that gathers demand for peer-support groups and calls a group together once
//! enough families want it.
//!
//! # Layout
//!
//! - [`domain`]: the words kokoon thinks in (users, groups, areas, registrations, demand) and
//!   their rules. Pure.
//! - [`config`]: the typed, validated TOML configuration; every error names file, line and place.
//! - [`flow`]: the conversation engine. [`flow::step`] takes the user's state and one input and
//!   returns the new state, the replies (message ids with arguments, never text) and the effects
//!   to store. Pure: no Telegram, no sled, no clock.
//! - [`msg`], [`reply`], [`callback`]: what the engine says, as data: message ids, replies with
//!   their arguments and buttons, and the callback data a button carries. Shared by [`flow`],
//!   which writes them, and [`i18n`] and the adapters, which render them; so flow and i18n never
//!   import each other.
//! - [`i18n`]: the Fluent bundles (fi, sv, en) that render replies to HTML or plain text.
//! - [`store`]: the one owner of sled. Commits a step's state, effects and update id in one
//!   transaction and flushes before anything is sent. Encrypts personal data at rest with a key
//!   kept outside the data directory.
//! - [`app`]: the glue both front ends share: load, step, commit, hand back replies.
//! - [`telegram`]: the Telegram adapter: our own long-polling loop, or our own webhook listener
//!   (either way an update is confirmed only after its effects are durable), update → input,
//!   reply → message.
//! - [`console`]: a terminal chat on the same engine and store, for trying kokoon with no token.
//! - [`clock`]: injected time, so tests never sleep.
//! - [`sender`]: drains the outbox (alerts, invitations, launch progress) through a
//!   [`sender::Deliver`] of each front end, with retries; keeps launches moving; and runs the
//!   daily privacy jobs (retention, erasing parents who blocked the bot).
//! - [`ops`]: running kokoon as a service: secrets from files and systemd credentials, the
//!   `/healthz` and `/metrics` listener, config reload on SIGHUP, online backups (restore and
//!   key rotation are the store's: [`store::backup`], [`store::rekey`]).
//! - [`web`]: the public web page (axum, read-only): groups, coordinators' public contacts, a
//!   coarse status per area, public events, posters, `/feed.ics`, `/healthz`.
//! - [`files`]: attachments (charts, CSV, QR codes) rendered to bytes; [`chart`], [`qr`] and
//!   [`export`] draw and encode them.

pub mod app;
pub mod callback;
pub mod chart;
pub mod clock;
pub mod config;
pub mod console;
pub mod domain;
pub mod export;
pub mod files;
pub mod flow;
pub mod i18n;
pub mod ics;
pub mod msg;
pub mod ops;
pub mod qr;
pub mod reply;
pub mod sender;
pub mod store;
pub mod telegram;
pub mod web;
