//! hotline: a terminal seat console for the Hohhot 12345 government service hotline,
//! built on the city's regulation on handling hotline requests (接诉即办).

pub mod cli;
pub mod demo;
pub mod dispatch;
pub mod domain;
pub mod geo;
pub mod intake;
pub mod kb;
pub mod metrics;
pub mod paths;
pub mod server;
pub mod sla;
pub mod store;
pub mod text;
pub mod tui;
pub mod wallboard;
pub mod workflow;
