//! Time limits of Articles 16, 18 and 19: the working-day calendar, the deadline written on a
//! ticket, and the countdown shown to seats and supervisors.

mod calendar;
mod countdown;
mod deadline;
mod error;

pub use calendar::Calendar;
pub use countdown::{AT_RISK_FRACTION, format_countdown, remaining, used_fraction};
pub use deadline::{DEFAULT_WORKING_DAYS, Deadline, WORKING_DAYS, deadline};
pub use error::SlaError;
