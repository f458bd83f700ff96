//! Bearer tokens: issued by `hotline token create`, kept only as SHA-256 hashes in
//! `tokens.db` beside the ticket database, each bound to one role.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::State;
use super::errors::ApiError;
use crate::domain::Role;

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("令牌库错误：{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("令牌库中的角色无法识别：{0}")]
    BadRole(#[from] crate::domain::BadRole),
    #[error("无法创建数据目录 {path}：{source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

pub struct Tokens {
    conn: Mutex<Connection>,
    /// Hash → role for tokens already seen; a miss asks the database, so tokens issued
    /// while the server runs work at once.
    known: RwLock<HashMap<String, Role>>,
}

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Tokens {
    pub fn open_dir(dir: &Path) -> Result<Self, TokenError> {
        std::fs::create_dir_all(dir).map_err(|source| TokenError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let conn = Connection::open(dir.join("tokens.db"))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS tokens (
                hash TEXT PRIMARY KEY,
                role TEXT NOT NULL,
                created_at TEXT NOT NULL
            );",
        )?;
        Ok(Self {
            conn: Mutex::new(conn),
            known: RwLock::default(),
        })
    }

    /// Issue a token for `role`; the plain token is returned once and never stored.
    pub fn create(&self, role: &Role) -> Result<String, TokenError> {
        let token = format!("hl_{}", uuid::Uuid::new_v4().simple());
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO tokens (hash, role, created_at) VALUES (?1, ?2, ?3)",
            params![
                hash(&token),
                role.to_string(),
                crate::domain::now().to_rfc3339()
            ],
        )?;
        Ok(token)
    }

    pub fn role_of(&self, token: &str) -> Result<Option<Role>, TokenError> {
        let h = hash(token);
        if let Some(role) = self.known.read().unwrap_or_else(|p| p.into_inner()).get(&h) {
            return Ok(Some(role.clone()));
        }
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let role: Option<String> = conn
            .query_row("SELECT role FROM tokens WHERE hash = ?1", params![h], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(role) = role else { return Ok(None) };
        let role: Role = role.parse()?;
        self.known
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(h, role.clone());
        Ok(Some(role))
    }
}

/// The role of the request's bearer token; 401 without a valid one.
pub struct Caller(pub Role);

impl FromRequestParts<Arc<State>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<State>) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::unauthorized("缺少令牌（Authorization: Bearer …）"))?;
        match state.tokens.role_of(token.trim()) {
            Ok(Some(role)) => Ok(Caller(role)),
            Ok(None) => Err(ApiError::unauthorized("令牌无效")),
            Err(e) => Err(ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                e.to_string(),
            )),
        }
    }
}
