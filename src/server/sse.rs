//! The live event stream. Writers poke the hub; the hub reads new events from the
//! database in order and broadcasts them, so every follower sees them in the order of
//! their global id — which is also the `Last-Event-ID` a reconnecting follower resumes from.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State as AxumState};
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures::Stream;
use serde::Deserialize;
use tokio::sync::{Notify, broadcast, watch};

use super::auth::Caller;
use super::errors::ApiError;
use super::{State, blocking};
use crate::domain::Role;
use crate::store::LoggedEvent;
use crate::store::wire::StreamMessage;

/// Read from the database this many events at a time.
const BATCH: usize = 1000;

/// One event ready to send: who may see it and its JSON.
pub struct Item {
    id: i64,
    units: Vec<String>,
    data: String,
}

impl Item {
    fn from_logged(e: &LoggedEvent) -> Self {
        let kind = serde_json::to_value(&e.event.kind)
            .ok()
            .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
            .unwrap_or_default();
        let message = StreamMessage {
            ticket_id: e.summary.id.to_string(),
            seq: e.event.seq,
            kind,
            at: e.event.at,
            actor: e.event.actor.clone(),
            text: e.event.kind.describe(),
            summary: e.summary.clone(),
        };
        Self {
            id: e.id,
            units: e.summary.units.clone(),
            data: serde_json::to_string(&message).unwrap_or_default(),
        }
    }

    /// A unit follows only its own tickets; everyone else follows all.
    fn visible_to(&self, role: &Role) -> bool {
        role.unit()
            .is_none_or(|u| self.units.iter().any(|x| x == u))
    }
}

pub struct Hub {
    tx: broadcast::Sender<Arc<Item>>,
    wake: Notify,
}

impl Hub {
    pub fn new() -> Self {
        Self {
            tx: broadcast::channel(4096).0,
            wake: Notify::new(),
        }
    }

    /// Something was written: publish it soon. Bursts of pokes coalesce.
    pub fn poke(&self) {
        self.wake.notify_one();
    }

    pub fn followers(&self) -> usize {
        self.tx.receiver_count()
    }

    /// Publish new events as they are written, until shutdown.
    pub async fn run(state: Arc<State>, mut last: i64) {
        let mut shutdown = state.shutdown.subscribe();
        loop {
            tokio::select! {
                _ = state.hub.wake.notified() => {}
                _ = shutdown.changed() => return,
            }
            loop {
                let Ok(batch) = backlog(&state, last).await else {
                    break;
                };
                for item in &batch {
                    last = item.id;
                    // No follower is not an error.
                    let _ = state.hub.tx.send(item.clone());
                }
                if batch.len() < BATCH {
                    break;
                }
            }
        }
    }
}

async fn backlog(state: &Arc<State>, after: i64) -> Result<Vec<Arc<Item>>, ApiError> {
    let events = blocking(state, move |s| s.store.events_since(after, BATCH)).await?;
    Ok(events
        .iter()
        .map(|e| Arc::new(Item::from_logged(e)))
        .collect())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamQuery {
    /// Resume after this event id (as `Last-Event-ID`, for clients that cannot set it).
    after: Option<i64>,
}

struct Follower {
    state: Arc<State>,
    role: Role,
    rx: broadcast::Receiver<Arc<Item>>,
    shutdown: watch::Receiver<bool>,
    last: i64,
    queue: VecDeque<Arc<Item>>,
    /// The last read from the database was a full batch: there may be more.
    catching_up: bool,
}

impl Follower {
    async fn next(mut self) -> Option<(Result<SseEvent, Infallible>, Self)> {
        loop {
            while let Some(item) = self.queue.pop_front() {
                if item.id <= self.last {
                    continue;
                }
                self.last = item.id;
                if item.visible_to(&self.role) {
                    let event = SseEvent::default()
                        .event("ticket")
                        .id(item.id.to_string())
                        .data(item.data.clone());
                    return Some((Ok(event), self));
                }
            }
            if self.catching_up {
                let more = backlog(&self.state, self.last).await.ok()?;
                self.catching_up = more.len() == BATCH;
                self.queue.extend(more);
                continue;
            }
            tokio::select! {
                _ = self.shutdown.changed() => return None,
                got = self.rx.recv() => match got {
                    Ok(item) => self.queue.push_back(item),
                    // Fell behind the broadcast: catch up from the database.
                    Err(broadcast::error::RecvError::Lagged(_)) => self.catching_up = true,
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
            }
        }
    }
}

pub async fn stream(
    AxumState(state): AxumState<Arc<State>>,
    Caller(role): Caller,
    headers: HeaderMap,
    query: Result<Query<StreamQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    let Query(query) = query?;
    let resume = match headers.get("last-event-id") {
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(|s| s.trim().parse::<i64>().ok())
                .ok_or_else(|| ApiError::bad_request("Last-Event-ID 须为事件编号"))?,
        ),
        None => query.after,
    };
    // Subscribe before reading the position, so nothing written in between is missed.
    let rx = state.hub.tx.subscribe();
    let (last, catching_up) = match resume {
        Some(after) => (after, true),
        None => (blocking(&state, |s| s.store.last_event_id()).await?, false),
    };
    let follower = Follower {
        shutdown: state.shutdown.subscribe(),
        state,
        role,
        rx,
        last,
        queue: VecDeque::new(),
        catching_up,
    };
    let events = futures::stream::unfold(follower, Follower::next);
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
