//! Running kokoon as a service: where its secrets come from ([`secrets`]), its counters
//! ([`metrics`]), the operator's HTTP listener for `/healthz` and `/metrics` ([`http`]), and
//! reloading the config on SIGHUP ([`reload`]), and online backups ([`backup`]).
//!
//! Nothing here decides anything about families or groups; these are the operator's concerns.

pub mod backup;
pub mod http;
pub mod metrics;
pub mod reload;
pub mod secrets;
pub mod service;
