//! `hotline ticket …`: create, read, and move tickets through their life.

use std::path::{Path, PathBuf};

use super::say;
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};

use crate::dispatch::Catalog;
use crate::domain::{
    Actor, Decision, EventKind, Label, Rating, Severity, Status, Ticket, TicketId, TimeClass, now,
};
use crate::sla::Calendar;
use crate::store::{ListFilter, NewTicket, SqliteStore, TicketStore};
use crate::workflow::{self, DispatchRequest};

#[derive(Subcommand, Debug)]
pub enum TicketCommand {
    /// Create a ticket from an intake as JSON (FILE, or - / nothing for stdin); the Art. 11
    /// check's advice is recorded as the decision. Prints the new id.
    Create { file: Option<PathBuf> },
    /// List tickets, newest first (caller identity masked)
    List {
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 100)]
        limit: usize,
        /// Only this status (repeatable), e.g. dispatched, answered
        #[arg(long = "status", value_name = "STATUS")]
        statuses: Vec<String>,
    },
    /// Show one ticket with its history
    Show {
        id: String,
        #[arg(long)]
        json: bool,
        /// Show the caller's full name and phone (masked by default, Art. 32)
        #[arg(long)]
        reveal: bool,
    },
    /// Dispatch to the catalog's units, or to --lead with --assist units (Art. 15)
    Dispatch {
        id: String,
        #[command(flatten)]
        req: DispatchArgs,
    },
    /// A unit signs for the ticket (签收); needs --role unit:CODE
    Sign { id: String },
    /// A unit records contact with the caller
    Contact {
        id: String,
        #[arg(long)]
        note: String,
    },
    /// A unit reports progress
    Progress {
        id: String,
        #[arg(long)]
        note: String,
    },
    /// A unit answers (feedback)
    Answer {
        id: String,
        #[arg(long)]
        text: String,
    },
    /// A unit returns the ticket with a reason (退单)
    Return {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Review a return: --approve sends it back to dispatch, --refuse to the unit
    Review {
        id: String,
        #[command(flatten)]
        verdict: Verdict,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// The lead unit asks for more time
    Extend {
        id: String,
        /// New deadline (RFC 3339)
        #[arg(long)]
        until: String,
        #[arg(long)]
        reason: String,
    },
    /// Approve or refuse the pending extension
    Extension {
        id: String,
        #[command(flatten)]
        verdict: Verdict,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record the callback (回访)
    Callback {
        id: String,
        /// Whether the caller says the matter is resolved
        #[arg(long)]
        resolved: bool,
        #[arg(long, value_enum)]
        rating: RatingArg,
        #[arg(long, default_value = "")]
        note: String,
    },
    Close {
        id: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Reopen (重办) after an unsatisfied or unresolved callback
    Reopen {
        id: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Args, Debug)]
pub struct DispatchArgs {
    #[arg(long)]
    lead: Option<String>,
    #[arg(long = "assist", value_name = "CODE")]
    assisting: Vec<String>,
    #[arg(long, value_enum)]
    class: Option<ClassArg>,
    /// Working days for the normal class (5-10)
    #[arg(long)]
    days: Option<u32>,
    /// The statutory deadline (RFC 3339) for the statutory class
    #[arg(long)]
    until: Option<String>,
    /// The caller agreed to a volunteer organisation (Art. 23)
    #[arg(long)]
    volunteer_consent: bool,
}

#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
pub struct Verdict {
    #[arg(long)]
    approve: bool,
    #[arg(long)]
    refuse: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum ClassArg {
    Urgent,
    Utility,
    Normal,
    Statutory,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum RatingArg {
    Satisfied,
    Basic,
    Unsatisfied,
}

fn unit_of(actor: &Actor) -> Result<String> {
    match actor.role.unit() {
        Some(u) => Ok(u.to_string()),
        None => bail!("此操作由承办单位执行，请使用 --role unit:单位代码"),
    }
}

/// The ticket store the command works on: the server when one is configured (writes that
/// cannot reach it wait in the outbox under `data_dir`), else the local file.
fn open_store(
    data_dir: &Path,
    remote: Option<&crate::tui::Remote>,
) -> Result<Box<dyn TicketStore>> {
    Ok(match remote {
        Some(r) => Box::new(
            crate::store::RemoteStore::open(&r.url, &r.token, data_dir)
                .with_context(|| format!("无法使用工单服务器 {}", r.url))?,
        ),
        None => Box::new(SqliteStore::open_dir(data_dir)?),
    })
}

pub fn run(
    cmd: TicketCommand,
    data_dir: &Path,
    remote: Option<&crate::tui::Remote>,
    actor: &Actor,
) -> Result<()> {
    let store = open_store(data_dir, remote)?;
    let store = store.as_ref();
    let event = match cmd {
        TicketCommand::Create { file } => return create(store, file.as_deref(), actor),
        TicketCommand::List {
            json,
            limit,
            statuses,
        } => {
            let statuses = statuses
                .iter()
                .map(|s| s.parse::<Status>())
                .collect::<Result<_, _>>()?;
            let list = store.list(&ListFilter {
                statuses,
                limit,
                ..ListFilter::default()
            })?;
            if json {
                say(serde_json::to_string_pretty(&list)?)?;
            } else {
                for s in &list {
                    say(s.line())?;
                }
            }
            return Ok(());
        }
        TicketCommand::Show { id, json, reveal } => {
            let t = store.get(&id.parse()?)?;
            if json {
                let t = if reveal { t } else { t.masked() };
                say(serde_json::to_string_pretty(&t)?)?;
            } else {
                print!("{}", crate::tui::ticket_text(&t, reveal));
            }
            return Ok(());
        }
        TicketCommand::Dispatch { id, req } => {
            let ticket = store.get(&id.parse()?)?;
            let req = DispatchRequest {
                lead: req.lead,
                assisting: req.assisting,
                time_class: req.class.map(|c| match c {
                    ClassArg::Urgent => TimeClass::Urgent,
                    ClassArg::Utility => TimeClass::Utility,
                    ClassArg::Normal => TimeClass::Normal,
                    ClassArg::Statutory => TimeClass::Statutory,
                }),
                working_days: req.days,
                statutory: req
                    .until
                    .as_deref()
                    .map(|u| super::parse_time(u, "--until"))
                    .transpose()?,
                volunteer_consent: req.volunteer_consent,
            };
            let (kind, warnings) = workflow::dispatch(
                &ticket,
                &actor.role,
                &req,
                Catalog::embedded(),
                Calendar::embedded(),
            )?;
            for w in warnings {
                eprintln!("hotline: 注意：{w}");
            }
            (id, kind)
        }
        TicketCommand::Sign { id } => (
            id,
            EventKind::Signed {
                unit: unit_of(actor)?,
            },
        ),
        TicketCommand::Contact { id, note } => (
            id,
            EventKind::Contacted {
                unit: unit_of(actor)?,
                note,
            },
        ),
        TicketCommand::Progress { id, note } => (
            id,
            EventKind::Progress {
                unit: unit_of(actor)?,
                note,
            },
        ),
        TicketCommand::Answer { id, text } => (
            id,
            EventKind::Answered {
                unit: unit_of(actor)?,
                result: text,
            },
        ),
        TicketCommand::Return { id, reason } => (
            id,
            EventKind::Returned {
                unit: unit_of(actor)?,
                reason,
            },
        ),
        TicketCommand::Review { id, verdict, note } => (
            id,
            EventKind::ReturnReviewed {
                approved: verdict.approve,
                note,
            },
        ),
        TicketCommand::Extend { id, until, reason } => (
            id,
            EventKind::ExtensionRequested {
                unit: unit_of(actor)?,
                until: super::parse_time(&until, "--until")?,
                reason,
            },
        ),
        TicketCommand::Extension { id, verdict, note } => (
            id,
            EventKind::ExtensionDecided {
                approved: verdict.approve,
                note,
            },
        ),
        TicketCommand::Callback {
            id,
            resolved,
            rating,
            note,
        } => (
            id,
            EventKind::CalledBack {
                resolved,
                rating: match rating {
                    RatingArg::Satisfied => Rating::Satisfied,
                    RatingArg::Basic => Rating::Basic,
                    RatingArg::Unsatisfied => Rating::Unsatisfied,
                },
                note,
            },
        ),
        TicketCommand::Close { id, note } => (id, EventKind::Closed { note }),
        TicketCommand::Reopen { id, reason } => (id, EventKind::Reopened { reason }),
    };
    let (id, kind) = event;
    let id: TicketId = id.parse()?;
    let ticket = store.get(&id)?;
    let ticket = store.append(&id, ticket.version, now(), actor, kind)?;
    say(status_line(&ticket))?;
    Ok(())
}

fn status_line(t: &Ticket) -> String {
    let mut s = format!("{} {}", t.id, t.status.label());
    if let Some(d) = t.deadline {
        s.push_str(&format!(
            "  截止 {}",
            d.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
        ));
    }
    s
}

/// Record a call from JSON. The check advises and the script cannot argue, so its advice
/// is the decision; a rejection cites the blocking finding as its ground.
fn create(store: &dyn TicketStore, file: Option<&Path>, actor: &Actor) -> Result<()> {
    let (source, text) = super::read_input(file)?;
    let intake = super::parse_intake(&source, &text)?;
    let assessment = super::intake::assess(&intake, Some(store))?;
    let ground = (assessment.decision != Decision::Accept)
        .then(|| {
            assessment
                .findings
                .iter()
                .find(|f| f.severity == Severity::Block)
                .map(|f| format!("第{}条：{}", f.rule, f.message))
        })
        .flatten();
    let mut intake = intake;
    intake.time_class = intake.time_class.or(Some(assessment.time_class));
    let location = workflow::locate(&intake);
    let ticket = store.create(NewTicket {
        at: now(),
        actor: actor.clone(),
        intake,
        location,
        then: vec![workflow::decision_event(
            assessment.decision,
            &assessment,
            ground,
        )],
    })?;
    if assessment.decision != Decision::Accept {
        eprintln!(
            "hotline: 注意：按第十一条检查结果记录为「{}」",
            assessment.decision.label()
        );
    }
    say(ticket.id)?;
    Ok(())
}
