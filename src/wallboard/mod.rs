//! The supervisors' wallboard (`hotline wallboard`): tiles with thresholds, a live queue by
//! time left, and small charts, updated within a second of any change to the store.
//!
//! The loop never waits on the store: a [`source::Source`] runs on its own thread, polls
//! for changes and sends snapshots; the loop draws, ticks the countdowns once a second
//! and handles keys.

mod run;
pub mod source;
pub mod state;
#[cfg(test)]
mod tests;
pub mod view;

pub use run::run;
