//! Dispatch catalog and routing (Art. 15, 17, 20, 21, 23): who handles a ticket, who assists,
//! and whether an agent's own assignment is allowed.

mod assign;
mod catalog;
mod error;
mod load;
mod route;

pub use catalog::{Catalog, Category, Party, Unit, UnitKind, street_unit_code};
pub use error::DispatchError;
pub use route::Routing;
