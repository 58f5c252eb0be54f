//! Running kokoon as a service: where its secrets come from ([`secrets`]).
//!
//! Nothing here decides anything about families or groups; these are the operator's concerns.

pub mod secrets;
