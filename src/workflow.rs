//! What a person asks for, turned into the event that records it. Routing (Art. 15), the
//! Art. 21/23 assignment rules and the deadline (Art. 16, 18) are worked out here, so the
//! console, the command line and the server all decide the same way.

use chrono::{DateTime, FixedOffset};

use crate::dispatch::{Catalog, DispatchError};
use crate::domain::{
    Decision, DomainError, EventKind, Intake, Location, Place, Role, Ticket, TimeClass,
};
use crate::geo::Divisions;
use crate::sla::{Calendar, SlaError};

#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    #[error(transparent)]
    Dispatch(#[from] DispatchError),
    #[error(transparent)]
    Sla(#[from] SlaError),
    #[error(transparent)]
    Domain(#[from] DomainError),
}

/// A dispatch as an agent asks for it; everything left empty is filled from the catalog.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DispatchRequest {
    pub lead: Option<String>,
    /// Assisting units in addition to the catalog's when routing, or instead of them
    /// when `lead` is given.
    pub assisting: Vec<String>,
    pub time_class: Option<TimeClass>,
    pub working_days: Option<u32>,
    pub statutory: Option<DateTime<FixedOffset>>,
    pub volunteer_consent: bool,
}

/// The dispatch event for `ticket`, and any warnings for the agent (e.g. a calendar year
/// not loaded). Checked against the ticket's state for `role`.
pub fn dispatch(
    ticket: &Ticket,
    role: &Role,
    req: &DispatchRequest,
    catalog: &Catalog,
    calendar: &Calendar,
) -> Result<(EventKind, Vec<String>), WorkflowError> {
    ticket.permits(role, crate::domain::Action::Dispatch)?;
    let category_name = ticket.category.as_deref().unwrap_or_default();
    let category = catalog.category(category_name);
    let (lead, assisting, reason) = match &req.lead {
        Some(lead) => (
            lead.clone(),
            req.assisting.clone(),
            "坐席指定承办单位".to_string(),
        ),
        None => {
            let code = |p: &Option<Place>| p.as_ref().map(|p| p.code.clone());
            let r = catalog.route(
                category_name,
                code(&ticket.location.district).as_deref(),
                code(&ticket.location.street).as_deref(),
            )?;
            let mut assisting = r.assisting;
            for a in &req.assisting {
                if !assisting.contains(a) && *a != r.lead {
                    assisting.push(a.clone());
                }
            }
            (r.lead, assisting, r.reason)
        }
    };
    catalog.validate_assignment(&lead, &assisting, category_name, req.volunteer_consent)?;
    let time_class = req
        .time_class
        .or(ticket.time_class)
        .or(category.map(|c| c.time_class))
        .unwrap_or(TimeClass::Normal);
    let working_days = req.working_days.or(category.and_then(|c| c.working_days));
    let deadline = crate::sla::deadline(
        calendar,
        limit_starts(ticket),
        time_class,
        working_days,
        req.statutory,
    )?;
    let kind = EventKind::Dispatched {
        lead,
        assisting,
        time_class,
        deadline: deadline.at,
        reason,
        volunteer_consent: req.volunteer_consent,
    };
    ticket.check(&kind, role)?;
    Ok((kind, deadline.warnings))
}

/// The time limit runs from the call; after a reopening (重办), from the reopening.
/// A return redispatched keeps the original start, so returns never buy time.
fn limit_starts(ticket: &Ticket) -> DateTime<FixedOffset> {
    ticket
        .history
        .iter()
        .rev()
        .find(|e| matches!(e.kind, EventKind::Reopened { .. }))
        .map_or(ticket.created_at, |e| e.at)
}

/// Resolve the intake's district and street to official divisions.
pub fn locate(intake: &Intake) -> Location {
    let divisions = Divisions::embedded();
    let district = intake
        .district
        .as_deref()
        .and_then(|d| divisions.resolve_district(d));
    let street = intake
        .street
        .as_deref()
        .and_then(|s| divisions.resolve_street(district.map(|c| c.code.as_str()), s));
    // A street names its district even when the agent left the district empty.
    let district = district.or_else(|| street.and_then(|s| divisions.county_of(s)));
    Location {
        district: district.map(|c| Place {
            code: c.code.clone(),
            name: c.name.clone(),
        }),
        street: street.map(|s| Place {
            code: s.code.clone(),
            name: s.name.clone(),
        }),
        address: intake.address.clone(),
    }
}

/// The events recording the agent's decision on a new call.
pub fn decision_event(
    decision: Decision,
    assessment: &crate::domain::Assessment,
    ground: Option<String>,
) -> EventKind {
    // Transfers and redirects name where the caller was sent.
    let target = matches!(decision, Decision::Transfer | Decision::Redirect)
        .then(|| assessment.findings.iter().find_map(|f| f.target.clone()))
        .flatten();
    EventKind::Decided {
        decision,
        findings: assessment.findings.clone(),
        ground,
        target,
    }
}
