//! Command line: `hotline` opens the console; subcommands script the same operations.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

use crate::domain::{Intake, Location, TicketId, TimeClass, now};
use crate::store::{ListFilter, NewTicket, SqliteStore, TicketStore};

#[derive(Parser, Debug)]
#[command(name = "hotline", version, about = "呼和浩特 12345 热线坐席终端")]
pub struct Cli {
    /// Data directory (default: $XDG_DATA_HOME/hotline)
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Who is working (recorded on every event); default: the login name
    #[arg(long, global = true, value_name = "NAME")]
    pub agent: Option<String>,
    /// Keymap to start from: default or vim (a user keymap.toml overrides it)
    #[arg(long, value_name = "NAME", default_value = "default")]
    pub keymap: String,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Tickets: create from an intake JSON, list, show
    #[command(subcommand)]
    Ticket(TicketCommand),
    /// Time limits (Art. 16): compute a deadline
    #[command(subcommand)]
    Sla(SlaCommand),
}

#[derive(Subcommand, Debug)]
pub enum SlaCommand {
    /// Print the deadline as RFC 3339 at +08:00
    Deadline {
        /// When the call was taken (RFC 3339, any offset)
        #[arg(long)]
        from: String,
        #[arg(long, value_enum)]
        class: SlaClass,
        /// Working days for the normal class (5-10, default 10)
        #[arg(long)]
        days: Option<u32>,
    },
}

/// The classes with a computable limit (statutory limits are explicit dates).
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum SlaClass {
    Urgent,
    Utility,
    Normal,
}

#[derive(Subcommand, Debug)]
pub enum TicketCommand {
    /// Create a ticket from an intake as JSON (FILE, or - / nothing for stdin); prints its id
    Create { file: Option<PathBuf> },
    /// List tickets, newest first (caller identity masked)
    List {
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 100)]
        limit: usize,
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
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hotline: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let data_dir = crate::paths::data_dir(cli.data_dir.clone());
    let agent = cli.agent.clone().unwrap_or_else(default_agent);
    match cli.command {
        None => crate::tui::run(crate::tui::Options {
            data_dir,
            agent,
            keymap: cli.keymap,
        }),
        Some(Command::Ticket(cmd)) => ticket(cmd, &data_dir, &agent),
        Some(Command::Sla(SlaCommand::Deadline { from, class, days })) => {
            sla_deadline(&from, class, days)
        }
    }
}

fn sla_deadline(from: &str, class: SlaClass, days: Option<u32>) -> Result<()> {
    let from = chrono::DateTime::parse_from_rfc3339(from)
        .with_context(|| format!("--from 不是 RFC 3339 时间：{from}"))?;
    let class = match class {
        SlaClass::Urgent => TimeClass::Urgent,
        SlaClass::Utility => TimeClass::Utility,
        SlaClass::Normal => TimeClass::Normal,
    };
    let d = crate::sla::deadline(crate::sla::Calendar::embedded(), from, class, days, None)?;
    for w in &d.warnings {
        eprintln!("hotline: 注意：{w}");
    }
    println!(
        "{}",
        d.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    );
    Ok(())
}

fn default_agent() -> String {
    std::env::var("USER").unwrap_or_else(|_| "坐席".to_string())
}

/// Read all of FILE, or stdin for `-` / no file.
pub fn read_input(file: Option<&Path>) -> Result<(String, String)> {
    let mut text = String::new();
    match file {
        Some(p) if p != Path::new("-") => {
            text =
                std::fs::read_to_string(p).with_context(|| format!("无法读取 {}", p.display()))?;
            Ok((p.display().to_string(), text))
        }
        _ => {
            std::io::stdin()
                .read_to_string(&mut text)
                .context("无法读取标准输入")?;
            Ok(("<stdin>".to_string(), text))
        }
    }
}

/// Parse an intake, naming the source and line of any mistake.
pub fn parse_intake(source: &str, text: &str) -> Result<Intake> {
    let intake: Intake = serde_json::from_str(text).map_err(|e| {
        anyhow::anyhow!(
            "{source}:{}:{}: 受理单 JSON 有误：{e}",
            e.line(),
            e.column()
        )
    })?;
    if intake.description.trim().is_empty() {
        bail!("{source}: 诉求内容（description）不能为空");
    }
    Ok(intake)
}

fn ticket(cmd: TicketCommand, data_dir: &Path, agent: &str) -> Result<()> {
    match cmd {
        TicketCommand::Create { file } => {
            let (source, text) = read_input(file.as_deref())?;
            let intake = parse_intake(&source, &text)?;
            let store = SqliteStore::open_dir(data_dir)?;
            let location = Location {
                address: intake.address.clone(),
                ..Location::default()
            };
            let ticket = store.create(NewTicket {
                at: now(),
                actor: agent.to_string(),
                intake,
                location,
                then: vec![],
            })?;
            println!("{}", ticket.id);
        }
        TicketCommand::List { json, limit } => {
            let store = SqliteStore::open_dir(data_dir)?;
            let list = store.list(&ListFilter {
                statuses: vec![],
                limit,
            })?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for s in &list {
                    println!("{}", s.line());
                }
            }
        }
        TicketCommand::Show { id, json, reveal } => {
            let id: TicketId = id.parse()?;
            let store = SqliteStore::open_dir(data_dir)?;
            let t = store.get(&id)?;
            if json {
                let t = if reveal { t } else { t.masked() };
                println!("{}", serde_json::to_string_pretty(&t)?);
            } else {
                print!("{}", crate::tui::ticket_text(&t, reveal));
            }
        }
    }
    Ok(())
}
