//! The `/api/v1` handlers. The role comes from the token; the domain (`Ticket::check`)
//! decides who may do what, so the server, the console and the command line agree.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State as AxumState};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::Caller;
use super::errors::ApiError;
use super::{State, blocking};
use crate::domain::{Action, Actor, Role, Status, Ticket, TicketId, now};
use crate::store::wire::{AppendRequest, CreateRequest, IDEMPOTENCY_KEY, ListResponse};
use crate::store::{Facts, ListFilter, NewTicket, Page, StoreError, TicketStore};

/// A queue page holds at most this many tickets.
const MAX_LIMIT: usize = 1000;

fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let key = headers
        .get(IDEMPOTENCY_KEY)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or_default();
    if key.is_empty() || key.len() > 200 {
        return Err(ApiError::bad_request(format!(
            "写操作须带 {IDEMPOTENCY_KEY} 请求头（1-200 个字符）"
        )));
    }
    Ok(key.to_string())
}

fn actor(name: &str, role: Role) -> Result<Actor, ApiError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            "actor（经办人）不能为空",
        ));
    }
    Ok(Actor::new(name, role))
}

fn parse_id(id: &str) -> Result<TicketId, ApiError> {
    id.parse().map_err(|e: crate::domain::DomainError| {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_id", e.to_string())
    })
}

/// A unit sees only tickets it is assigned to (Art. 32).
fn visible(role: &Role, ticket: &Ticket) -> Result<(), ApiError> {
    match role.unit() {
        Some(unit) if !ticket.units.iter().any(|p| p.unit == unit) => Err(ApiError::forbidden(
            format!("工单 {} 不属于本单位", ticket.id),
        )),
        _ => Ok(()),
    }
}

fn require(role: &Role, action: Action) -> Result<(), ApiError> {
    if action.allowed_for(role) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "{}无权{}",
            role.label(),
            action.label()
        )))
    }
}

pub async fn create_ticket(
    AxumState(state): AxumState<Arc<State>>,
    Caller(role): Caller,
    headers: HeaderMap,
    body: Result<Json<CreateRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Ticket>), ApiError> {
    require(&role, Action::Create)?;
    let key = idempotency_key(&headers)?;
    let Json(req) = body?;
    let new = NewTicket {
        at: req.at.unwrap_or_else(now),
        actor: actor(&req.actor, role)?,
        intake: req.intake,
        location: req.location,
        then: req.then,
    };
    let ticket = blocking(&state, move |s| s.store.create_once(&key, new)).await?;
    state.hub.poke();
    Ok((StatusCode::CREATED, Json(ticket)))
}

pub async fn append_event(
    AxumState(state): AxumState<Arc<State>>,
    Caller(role): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<AppendRequest>, JsonRejection>,
) -> Result<Json<Ticket>, ApiError> {
    let id = parse_id(&id)?;
    let key = idempotency_key(&headers)?;
    let Json(req) = body?;
    require(&role, req.event.action())?;
    let who = actor(&req.actor, role.clone())?;
    let result = blocking(&state, move |s| {
        let current = s.store.get(&id)?;
        if let Err(e) = visible(&role, &current) {
            return Ok(Err(e));
        }
        let at = req.at.unwrap_or_else(now);
        Ok(
            match s
                .store
                .append_once(&key, &id, req.version, at, &who, req.event)
            {
                Ok(t) => Ok(t),
                // Refusals carry the ticket as it is now, so the client can show it.
                Err(e @ (StoreError::Conflict { .. } | StoreError::Domain(_))) => {
                    Err(ApiError::from(e).with_ticket(s.store.get(&id)?))
                }
                Err(e) => Err(e.into()),
            },
        )
    })
    .await??;
    state.hub.poke();
    Ok(Json(result))
}

pub async fn get_ticket(
    AxumState(state): AxumState<Arc<State>>,
    Caller(role): Caller,
    Path(id): Path<String>,
) -> Result<Json<Ticket>, ApiError> {
    let id = parse_id(&id)?;
    let ticket = blocking(&state, move |s| s.store.get(&id)).await?;
    visible(&role, &ticket)?;
    Ok(Json(ticket))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Comma-separated statuses, e.g. `dispatched,signed`.
    status: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

fn parse_statuses(list: Option<&str>) -> Result<Vec<Status>, ApiError> {
    list.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|e: crate::domain::DomainError| ApiError::bad_request(e.to_string()))
        })
        .collect()
}

/// The page size asked for, 100 by default.
fn page_limit(limit: Option<usize>) -> Result<usize, ApiError> {
    let limit = limit.unwrap_or(100);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit 须在 1 到 {MAX_LIMIT} 之间"
        )));
    }
    Ok(limit)
}

/// A page from `items`, read with one more than `limit` to know whether another follows.
fn paged<T>(mut items: Vec<T>, offset: usize, limit: usize) -> ListResponse<T> {
    let next_offset = (items.len() > limit).then_some(offset + limit);
    items.truncate(limit);
    ListResponse { items, next_offset }
}

pub async fn list_tickets(
    AxumState(state): AxumState<Arc<State>>,
    Caller(role): Caller,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<ListResponse>, ApiError> {
    let Query(q) = query?;
    let limit = page_limit(q.limit)?;
    let offset = q.offset.unwrap_or(0);
    let page = Page {
        filter: ListFilter {
            statuses: parse_statuses(q.status.as_deref())?,
            // A unit token sees only its own tickets.
            unit: role.unit().map(str::to_string),
            extension_pending: false,
            // One more than asked, to know whether another page follows.
            limit: limit + 1,
        },
        offset,
    };
    let items = blocking(&state, move |s| s.store.page(&page)).await?;
    Ok(Json(paged(items, offset, limit)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactsQuery {
    since: chrono::DateTime<chrono::FixedOffset>,
    limit: Option<usize>,
    offset: Option<usize>,
}

fn supervising(role: &Role) -> Result<(), ApiError> {
    if matches!(role, Role::Supervisor | Role::Admin) {
        Ok(())
    } else {
        Err(ApiError::forbidden("只有值班长和管理员可以查看指标"))
    }
}

/// The metrics facts (no caller identity) of tickets created since `since` and of every
/// open ticket, by id: what a remote wallboard needs to compute its tiles, charts and rates.
pub async fn facts(
    AxumState(state): AxumState<Arc<State>>,
    Caller(role): Caller,
    query: Result<Query<FactsQuery>, QueryRejection>,
) -> Result<Json<ListResponse<Facts>>, ApiError> {
    supervising(&role)?;
    let Query(q) = query?;
    let limit = page_limit(q.limit)?;
    let offset = q.offset.unwrap_or(0);
    let since = q.since.timestamp();
    let items = blocking(&state, move |s| s.store.facts(since, offset, limit + 1)).await?;
    Ok(Json(paged(items, offset, limit)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorsQuery {
    phone: String,
    address: Option<String>,
    since: chrono::DateTime<chrono::FixedOffset>,
}

/// Earlier tickets of a caller or address, for the Art. 11(4) repeat check at intake.
pub async fn priors(
    AxumState(state): AxumState<Arc<State>>,
    Caller(role): Caller,
    query: Result<Query<PriorsQuery>, QueryRejection>,
) -> Result<Json<Vec<crate::domain::Prior>>, ApiError> {
    require(&role, Action::Create)?;
    let Query(q) = query?;
    let found = blocking(&state, move |s| {
        s.store.priors(&q.phone, q.address.as_deref(), q.since)
    })
    .await?;
    Ok(Json(found))
}

/// Queue counts for supervisors and the office.
pub async fn metrics(
    AxumState(state): AxumState<Arc<State>>,
    Caller(role): Caller,
) -> Result<Json<Value>, ApiError> {
    supervising(&role)?;
    let (counts, last_event) = blocking(&state, |s| {
        Ok((s.store.status_counts()?, s.store.last_event_id()?))
    })
    .await?;
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    let by_status: serde_json::Map<String, Value> = counts
        .iter()
        .map(|(s, n)| {
            (
                s.as_str().to_string(),
                json!({ "count": n, "label": s.label() }),
            )
        })
        .collect();
    Ok(Json(json!({
        "tickets": total,
        "by_status": by_status,
        "last_event_id": last_event,
        "stream_followers": state.hub.followers(),
    })))
}

pub async fn openapi() -> ([(axum::http::HeaderName, &'static str); 1], &'static str) {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        super::openapi::DOCUMENT,
    )
}

pub async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这个接口")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "此接口不支持该请求方法",
    )
}
