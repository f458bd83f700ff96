//! The console's store on `hotline serve`. Every write carries a fresh idempotency key.
//! When the server cannot be reached, writes go to the [`Outbox`] and a background thread
//! sends them, in order and with their keys, once it answers again; reads fall back to
//! what was last seen. Conflicts and refusals come back as errors, never overwrites.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use reqwest::StatusCode;
use reqwest::blocking::{Client, RequestBuilder};

use super::outbox::{Outbox, Pending, Write};
use super::wire::{AppendRequest, CreateRequest, ErrorBody, IDEMPOTENCY_KEY, ListResponse};
use super::{Facts, ListFilter, NewTicket, StoreError, TicketStore};
use crate::domain::{
    Actor, Event, EventKind, Intake, Location, Prior, Ticket, TicketId, TicketSummary,
};

/// How long one request may take before the server counts as unreachable.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the outbox retries while the server is away.
const RETRY: Duration = Duration::from_millis(500);

/// What the status bar shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SyncStatus {
    pub online: bool,
    /// Writes waiting for the server.
    pub pending: usize,
    /// Writes the server refused (kept in the outbox with the reason).
    pub failed: usize,
}

type Listener = Box<dyn Fn(SyncStatus) + Send + Sync>;

struct Inner {
    base: String,
    token: String,
    http: Client,
    outbox: Outbox,
    /// Tickets and the queue as last read, for working through an outage.
    seen: Mutex<Seen>,
    online: AtomicBool,
    stop: AtomicBool,
    /// Wakes the sync thread: a new write, or shutting down.
    wake: (Mutex<bool>, Condvar),
    listener: Mutex<Option<Listener>>,
}

#[derive(Default)]
struct Seen {
    tickets: HashMap<TicketId, Ticket>,
    list: Vec<TicketSummary>,
}

/// Why a request failed: the server said no, or there was no answer at all.
enum Failure {
    Refused(StoreError),
    Unreachable(String),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Refused(e)
    }
}

pub struct RemoteStore {
    inner: Arc<Inner>,
}

impl RemoteStore {
    /// A client of the server at `url` (`http://HOST:PORT`) with its outbox in `data_dir`.
    /// Starts the thread that sends queued writes. Must not be called on an async worker.
    pub fn open(url: &str, token: &str, data_dir: &Path) -> Result<Self, StoreError> {
        let http = Client::builder()
            .connect_timeout(Duration::from_secs(2))
            // Streams run without a limit; other requests set their own.
            .timeout(None)
            .build()
            .map_err(|e| StoreError::Offline(e.to_string()))?;
        let inner = Arc::new(Inner {
            base: url.trim_end_matches('/').to_string(),
            token: token.to_string(),
            http,
            outbox: Outbox::open(&data_dir.join("outbox.db"))?,
            seen: Mutex::default(),
            online: AtomicBool::new(true),
            stop: AtomicBool::new(false),
            wake: (Mutex::new(false), Condvar::new()),
            listener: Mutex::new(None),
        });
        let worker = inner.clone();
        std::thread::Builder::new()
            .name("hotline-outbox".into())
            .spawn(move || worker.sync_loop())
            .map_err(|e| StoreError::Offline(e.to_string()))?;
        Ok(Self { inner })
    }

    pub fn status(&self) -> SyncStatus {
        self.inner.status()
    }

    /// Call `f` whenever the connection or the outbox changes.
    pub fn on_status(&self, f: impl Fn(SyncStatus) + Send + Sync + 'static) {
        *lock(&self.inner.listener) = Some(Box::new(f));
        self.inner.announce();
    }

    /// Follow the server's live stream on a thread, calling `f` for every ticket event
    /// this token may see; reconnects after an outage and resumes where it left off.
    pub fn follow(&self, f: impl Fn() + Send + 'static) {
        let inner = self.inner.clone();
        let spawned = std::thread::Builder::new()
            .name("hotline-stream".into())
            .spawn(move || inner.follow_loop(f));
        // Without the thread the console still works; it refreshes on its own actions.
        drop(spawned);
    }

    /// The metrics facts of tickets created since `since` and of every open ticket, paged
    /// through `GET /api/v1/facts` (supervisor and admin tokens only).
    pub fn facts(&self, since: DateTime<FixedOffset>) -> Result<Vec<Facts>, StoreError> {
        let inner = &self.inner;
        let mut out = Vec::new();
        let mut offset = Some(0);
        while let Some(at) = offset {
            let query = [
                ("since", since.to_rfc3339()),
                ("limit", "1000".to_string()),
                ("offset", at.to_string()),
            ];
            let page: ListResponse<Facts> =
                match inner.call(inner.http.get(inner.url("/facts")).query(&query)) {
                    Ok(page) => page,
                    Err(Failure::Refused(e)) => return Err(e),
                    Err(Failure::Unreachable(why)) => return Err(offline(why)),
                };
            out.extend(page.items);
            offset = page.next_offset;
        }
        Ok(out)
    }

    /// Send everything queued now, on this thread; returns what is left.
    pub fn flush(&self) -> SyncStatus {
        self.inner.sync_once();
        self.status()
    }
}

impl Drop for RemoteStore {
    fn drop(&mut self) {
        self.inner.stop.store(true, Ordering::SeqCst);
        self.inner.poke();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl Inner {
    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    fn authed(&self, rb: RequestBuilder) -> RequestBuilder {
        rb.bearer_auth(&self.token).timeout(REQUEST_TIMEOUT)
    }

    /// Send and decode; 502-504 and transport errors mean the server is away.
    fn call<T: serde::de::DeserializeOwned>(&self, rb: RequestBuilder) -> Result<T, Failure> {
        let resp = match self.authed(rb).send() {
            Ok(r) => r,
            Err(e) => return Err(self.unreachable(e.to_string())),
        };
        let status = resp.status();
        if matches!(
            status,
            StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
        ) {
            return Err(self.unreachable(status.to_string()));
        }
        let body = match resp.bytes() {
            Ok(b) => b,
            Err(e) => return Err(self.unreachable(e.to_string())),
        };
        self.set_online(true);
        if status.is_success() {
            return serde_json::from_slice(&body)
                .map_err(|e| Failure::Refused(StoreError::Corrupt(e.to_string())));
        }
        let err: ErrorBody = serde_json::from_slice(&body).unwrap_or(ErrorBody {
            code: "unknown".into(),
            message: String::from_utf8_lossy(&body).into_owned(),
            ticket: None,
        });
        Err(Failure::Refused(match (err.code.as_str(), err.ticket) {
            ("version_conflict", Some(current)) => {
                let current = *current;
                let e = StoreError::Conflict {
                    id: current.id.to_string(),
                    expected: 0,
                    current: current.version,
                };
                self.remember(current);
                e
            }
            ("not_found", _) => StoreError::NotFound(err.message),
            _ => StoreError::Remote {
                status: status.as_u16(),
                code: err.code,
                message: err.message,
            },
        }))
    }

    fn unreachable(&self, why: String) -> Failure {
        self.set_online(false);
        Failure::Unreachable(why)
    }

    fn set_online(&self, online: bool) {
        if self.online.swap(online, Ordering::SeqCst) != online {
            self.announce();
        }
    }

    fn status(&self) -> SyncStatus {
        let (pending, failed) = self.outbox.counts().unwrap_or_default();
        SyncStatus {
            online: self.online.load(Ordering::SeqCst),
            pending,
            failed,
        }
    }

    fn announce(&self) {
        if let Some(f) = lock(&self.listener).as_ref() {
            f(self.status());
        }
    }

    fn remember(&self, ticket: Ticket) {
        lock(&self.seen).tickets.insert(ticket.id.clone(), ticket);
    }

    fn post_create(&self, key: &str, req: &CreateRequest) -> Result<Ticket, Failure> {
        self.call(
            self.http
                .post(self.url("/tickets"))
                .header(IDEMPOTENCY_KEY, key)
                .json(req),
        )
    }

    fn post_append(
        &self,
        key: &str,
        id: &TicketId,
        req: &AppendRequest,
    ) -> Result<Ticket, Failure> {
        let t: Ticket = self.call(
            self.http
                .post(self.url(&format!("/tickets/{id}/events")))
                .header(IDEMPOTENCY_KEY, key)
                .json(req),
        )?;
        self.remember(t.clone());
        Ok(t)
    }

    fn poke(&self) {
        *lock(&self.wake.0) = true;
        self.wake.1.notify_all();
    }

    fn sync_loop(&self) {
        while !self.stop.load(Ordering::SeqCst) {
            self.sync_once();
            let (flag, cvar) = &self.wake;
            let guard = lock(flag);
            let (mut woken, _) = cvar
                .wait_timeout_while(guard, RETRY, |w| !*w)
                .unwrap_or_else(|p| p.into_inner());
            *woken = false;
        }
    }

    /// Send queued writes in order until the outbox is empty or the server is away.
    fn sync_once(&self) {
        loop {
            let Ok(Some(Pending { seq, key, write })) = self.outbox.first() else {
                return;
            };
            let sent = match &write {
                Write::Create {
                    provisional, req, ..
                } => self.post_create(&key, req).and_then(|t| {
                    self.outbox.done(seq, Some((provisional, &t.id)))?;
                    Ok(())
                }),
                Write::Append { id, req, .. } => self
                    .outbox
                    .resolve(id)
                    .map_err(Failure::from)
                    .and_then(|real| self.post_append(&key, &real, req))
                    .and_then(|_| Ok(self.outbox.done(seq, None)?)),
            };
            match sent {
                Ok(()) => {}
                Err(Failure::Unreachable(_)) => return,
                Err(Failure::Refused(e)) => {
                    if self.outbox.fail(seq, &e.to_string()).is_err() {
                        return;
                    }
                }
            }
            self.announce();
        }
    }

    fn follow_loop(&self, f: impl Fn()) {
        let mut last: Option<String> = None;
        while !self.stop.load(Ordering::SeqCst) {
            let mut rb = self.http.get(self.url("/stream")).bearer_auth(&self.token);
            if let Some(id) = &last {
                rb = rb.header("Last-Event-ID", id.as_str());
            }
            if let Ok(resp) = rb.send()
                && resp.status().is_success()
            {
                self.set_online(true);
                // Whatever happened while away: look again.
                f();
                for line in std::io::BufReader::new(resp).lines() {
                    let Ok(line) = line else { break };
                    if let Some(id) = line.strip_prefix("id:") {
                        last = Some(id.trim().to_string());
                        f();
                    }
                    if self.stop.load(Ordering::SeqCst) {
                        return;
                    }
                }
            }
            // No stream, or it ended: the server is away until it answers again.
            self.set_online(false);
            std::thread::sleep(RETRY);
        }
    }

    /// A ticket as this client knows it without the server: a provisional one folded from
    /// the outbox, or the last copy read, with queued transitions applied.
    fn local(&self, id: &TicketId) -> Result<Option<Ticket>, StoreError> {
        let mut ticket = match lock(&self.seen).tickets.get(id) {
            Some(t) if !id.is_provisional() => Some(t.clone()),
            _ => None,
        };
        for p in self.outbox.pending()? {
            match p.write {
                Write::Create {
                    provisional,
                    role,
                    req,
                } if provisional == *id => {
                    ticket = Some(new_ticket(*req, role).into_ticket(provisional)?);
                }
                Write::Append {
                    id: target,
                    role,
                    req,
                } if target == *id => {
                    // A copy read after the write was sent already includes it.
                    if let Some(t) = ticket.as_mut().filter(|t| t.version == req.version) {
                        t.apply(Event {
                            seq: t.version + 1,
                            at: req.at.unwrap_or_else(crate::domain::now),
                            actor: req.actor,
                            role,
                            kind: req.event,
                        })?;
                    }
                }
                _ => {}
            }
        }
        Ok(ticket)
    }

    /// Provisional tickets not yet sent, newest first.
    fn unsent(&self) -> Result<Vec<TicketSummary>, StoreError> {
        let ids: Vec<TicketId> = self
            .outbox
            .pending()?
            .into_iter()
            .filter_map(|p| match p.write {
                Write::Create { provisional, .. } => Some(provisional),
                Write::Append { .. } => None,
            })
            .collect();
        let mut out = Vec::new();
        for id in ids.iter().rev() {
            if let Some(t) = self.local(id)? {
                out.push(t.summary());
            }
        }
        Ok(out)
    }
}

fn new_ticket(req: CreateRequest, role: crate::domain::Role) -> NewTicket {
    NewTicket {
        at: req.at.unwrap_or_else(crate::domain::now),
        actor: Actor::new(req.actor, role),
        intake: req.intake,
        location: req.location,
        then: req.then,
    }
}

fn create_request(new: &NewTicket) -> CreateRequest {
    CreateRequest {
        at: Some(new.at),
        actor: new.actor.name.clone(),
        intake: Intake::clone(&new.intake),
        location: Location::clone(&new.location),
        then: new.then.clone(),
    }
}

fn offline(why: String) -> StoreError {
    StoreError::Offline(why)
}

impl TicketStore for RemoteStore {
    fn create(&self, new: NewTicket) -> Result<Ticket, StoreError> {
        let inner = &self.inner;
        let key = key();
        let req = create_request(&new);
        // Straight to the server unless earlier writes still wait: order is kept.
        if inner.outbox.counts()?.0 == 0 {
            match inner.post_create(&key, &req) {
                Ok(t) => return Ok(t),
                Err(Failure::Refused(e)) => return Err(e),
                Err(Failure::Unreachable(_)) => {}
            }
        }
        let id = inner.outbox.push_create(&key, &new.actor.role, &req)?;
        inner.poke();
        inner.announce();
        new.into_ticket(id).map_err(StoreError::from)
    }

    fn append(
        &self,
        id: &TicketId,
        expected_version: u32,
        at: DateTime<FixedOffset>,
        actor: &Actor,
        kind: EventKind,
    ) -> Result<Ticket, StoreError> {
        let inner = &self.inner;
        let id = inner.outbox.resolve(id)?;
        let key = key();
        let req = AppendRequest {
            version: expected_version,
            at: Some(at),
            actor: actor.name.clone(),
            event: kind.clone(),
        };
        if !id.is_provisional() && inner.outbox.counts()?.0 == 0 {
            match inner.post_append(&key, &id, &req) {
                Ok(t) => return Ok(t),
                Err(Failure::Refused(StoreError::Conflict { id, current, .. })) => {
                    return Err(StoreError::Conflict {
                        id,
                        expected: expected_version,
                        current,
                    });
                }
                Err(Failure::Refused(e)) => return Err(e),
                Err(Failure::Unreachable(_)) => {}
            }
        }
        // Offline: check it against the local copy, so what is queued is what will pass.
        let Some(mut ticket) = inner.local(&id)? else {
            return Err(offline(format!("工单 {id} 未在本机缓存，离线时无法办理")));
        };
        if ticket.version != expected_version {
            return Err(StoreError::Conflict {
                id: id.to_string(),
                expected: expected_version,
                current: ticket.version,
            });
        }
        ticket.apply(Event {
            seq: expected_version + 1,
            at,
            actor: actor.name.clone(),
            role: actor.role.clone(),
            kind,
        })?;
        inner.outbox.push_append(&key, &id, &actor.role, &req)?;
        inner.poke();
        inner.announce();
        Ok(ticket)
    }

    fn get(&self, id: &TicketId) -> Result<Ticket, StoreError> {
        let inner = &self.inner;
        let id = inner.outbox.resolve(id)?;
        if !id.is_provisional() {
            match inner.call::<Ticket>(inner.http.get(inner.url(&format!("/tickets/{id}")))) {
                Ok(t) => {
                    inner.remember(t.clone());
                    // Queued transitions of this ticket are part of what the agent sees.
                    return Ok(inner.local(&id)?.unwrap_or(t));
                }
                Err(Failure::Refused(e)) => return Err(e),
                Err(Failure::Unreachable(_)) => {}
            }
        }
        inner
            .local(&id)?
            .ok_or_else(|| offline(format!("工单 {id} 未在本机缓存")))
    }

    fn list(&self, filter: &ListFilter) -> Result<Vec<TicketSummary>, StoreError> {
        let inner = &self.inner;
        let statuses: Vec<&str> = filter.statuses.iter().map(|s| s.as_str()).collect();
        let mut query = vec![("limit", filter.limit.clamp(1, 1000).to_string())];
        if !statuses.is_empty() {
            query.push(("status", statuses.join(",")));
        }
        let fetched =
            inner.call::<ListResponse>(inner.http.get(inner.url("/tickets")).query(&query));
        let listed = match fetched {
            Ok(page) => {
                lock(&inner.seen).list = page.items.clone();
                page.items
            }
            Err(Failure::Refused(e)) => return Err(e),
            Err(Failure::Unreachable(_)) => lock(&inner.seen).list.clone(),
        };
        let mut out: Vec<TicketSummary> = inner
            .unsent()?
            .into_iter()
            .filter(|s| filter.statuses.is_empty() || filter.statuses.contains(&s.status))
            .collect();
        out.extend(listed);
        // The API filters by status (and by unit for unit tokens); the rest is done here.
        out.retain(|s| {
            (!filter.extension_pending || s.extension_pending)
                && filter.unit.as_ref().is_none_or(|u| s.units.contains(u))
        });
        if filter.limit > 0 {
            out.truncate(filter.limit);
        }
        Ok(out)
    }

    fn priors(
        &self,
        phone: &str,
        address: Option<&str>,
        since: DateTime<FixedOffset>,
    ) -> Result<Vec<Prior>, StoreError> {
        let inner = &self.inner;
        let mut query = vec![("phone", phone.to_string()), ("since", since.to_rfc3339())];
        if let Some(a) = address {
            query.push(("address", a.to_string()));
        }
        match inner.call(inner.http.get(inner.url("/priors")).query(&query)) {
            Ok(p) => Ok(p),
            Err(Failure::Refused(e)) => Err(e),
            Err(Failure::Unreachable(why)) => Err(offline(why)),
        }
    }
}
