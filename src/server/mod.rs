//! `hotline serve`: the shared ticket store over HTTP — a versioned JSON API under
//! `/api/v1`, a live event stream, bearer tokens bound to roles — on one SQLite file in
//! WAL mode. Handlers run store calls on tokio's blocking pool.

mod auth;
mod errors;
mod openapi;
mod routes;
mod sse;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tokio::sync::watch;

pub use auth::{TokenError, Tokens};
pub use errors::ApiError;
pub use openapi::DOCUMENT as OPENAPI;

use crate::store::{SqliteStore, StoreError};

/// Request bodies larger than this are refused with 413 (a ticket is a few KiB).
pub const BODY_LIMIT: usize = 256 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Tokens(#[from] TokenError),
    #[error("无法监听 {addr}：{source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("服务运行出错：{0}")]
    Io(#[from] std::io::Error),
}

pub struct State {
    store: SqliteStore,
    tokens: Tokens,
    hub: sse::Hub,
    /// Flips to true on SIGTERM / Ctrl-C: streams end so the server can drain.
    shutdown: watch::Sender<bool>,
}

/// Run a store call on the blocking pool.
async fn blocking<T: Send + 'static>(
    state: &Arc<State>,
    f: impl FnOnce(&State) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    let state = state.clone();
    tokio::task::spawn_blocking(move || f(&state))
        .await
        .map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                e.to_string(),
            )
        })?
        .map_err(ApiError::from)
}

fn router(state: Arc<State>) -> Router {
    Router::new()
        .route(
            "/api/v1/tickets",
            post(routes::create_ticket).get(routes::list_tickets),
        )
        .route("/api/v1/tickets/{id}", get(routes::get_ticket))
        .route("/api/v1/tickets/{id}/events", post(routes::append_event))
        .route("/api/v1/priors", get(routes::priors))
        .route("/api/v1/metrics", get(routes::metrics))
        .route("/api/v1/facts", get(routes::facts))
        .route("/api/v1/stream", get(sse::stream))
        .route("/api/v1/openapi.json", get(routes::openapi))
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// Serve until SIGTERM or Ctrl-C, then let in-flight requests finish and checkpoint the
/// database. Prints the bound address (`http://IP:PORT`) alone on stdout once listening.
pub fn run(listen: SocketAddr, data_dir: &Path) -> Result<(), ServerError> {
    let store = SqliteStore::open_dir(data_dir)?;
    let tokens = Tokens::open_dir(data_dir)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|source| ServerError::Bind {
                addr: listen,
                source,
            })?;
        let last = store.last_event_id()?;
        let state = Arc::new(State {
            store,
            tokens,
            hub: sse::Hub::new(),
            shutdown: watch::channel(false).0,
        });
        tokio::spawn(sse::Hub::run(state.clone(), last));
        println!("http://{}", listener.local_addr()?);
        eprintln!("hotline：工单服务已启动（数据目录 {}）", data_dir.display());
        let stop = state.clone();
        axum::serve(listener, router(state.clone()))
            .with_graceful_shutdown(async move {
                terminated().await;
                eprintln!("hotline：正在停止服务，等待处理中的请求完成");
                stop.shutdown.send_replace(true);
            })
            .await?;
        state.store.checkpoint()?;
        eprintln!("hotline：服务已停止，数据库已写回");
        Ok(())
    })
}

async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
