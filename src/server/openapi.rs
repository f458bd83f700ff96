//! The OpenAPI 3.1 document of `/api/v1`, served at `/api/v1/openapi.json`. Written by
//! hand next to the routes; `tests/server_api.rs` checks it against the running server.

pub const DOCUMENT: &str = include_str!("openapi.json");
