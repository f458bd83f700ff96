//! Command line: `hotline` opens the console; subcommands script the same operations.

mod demo;
mod intake;
mod kb;
mod report;
mod serve;
mod simulate;
mod ticket;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use crate::domain::{Actor, Role, TimeClass};

pub use intake::parse_intake;

#[derive(Parser, Debug)]
#[command(name = "hotline", version, about = "呼和浩特 12345 热线坐席终端")]
pub struct Cli {
    /// Data directory (default: $XDG_DATA_HOME/hotline)
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Who is working (recorded on every event); default: the login name
    #[arg(long, global = true, value_name = "NAME")]
    pub agent: Option<String>,
    /// Role to act in: agent, supervisor, unit:CODE or admin
    #[arg(long, global = true, value_name = "ROLE", default_value = "agent")]
    pub role: Role,
    /// Knowledge-base directory (default: the bundled base)
    #[arg(long, global = true, value_name = "DIR")]
    pub kb: Option<PathBuf>,
    /// Article 11 rules and labelled calls directory, e.g. a tuned copy of assets/rules
    /// (default: the bundled rules)
    #[arg(long, global = true, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Keymap to start from: default or vim (a user keymap.toml overrides it)
    #[arg(long, value_name = "NAME", default_value = "default")]
    pub keymap: String,
    /// Ticket server (http://HOST:PORT) instead of the local file; also `store` in config.toml
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,
    /// Bearer token for --store (from `hotline token create`); also `token` in config.toml
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Tickets: create from an intake JSON, list, show, and move through their life
    #[command(subcommand)]
    Ticket(ticket::TicketCommand),
    /// The Article 11 check of one intake (JSON from FILE or stdin)
    #[command(subcommand)]
    Intake(intake::IntakeCommand),
    /// The knowledge base: check the articles, search them
    #[command(subcommand)]
    Kb(kb::KbCommand),
    /// Time limits (Art. 16): compute a deadline
    #[command(subcommand)]
    Sla(SlaCommand),
    /// Serve the ticket store over HTTP (prints the bound address, e.g. http://127.0.0.1:8345)
    Serve {
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8345")]
        listen: std::net::SocketAddr,
    },
    /// Access tokens for `hotline serve`
    #[command(subcommand)]
    Token(serve::TokenCommand),
    /// Load test: many simulated agents against a fresh local server, and the SQLite ceiling
    Simulate(simulate::SimulateArgs),
    /// Fill a new data directory with synthetic history (marked 演示数据); --live keeps it busy
    Demo(demo::DemoArgs),
    /// The work report (Art. 29), or with --public the disclosure report (Art. 34)
    Report(report::ReportArgs),
    /// The shift supervisors' wallboard: tiles, live queue and charts
    Wallboard {
        /// Metric definitions, targets and thresholds instead of the built-in ones
        #[arg(long, value_name = "FILE")]
        metrics: Option<PathBuf>,
    },
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
    // Only the commands that check calls load a tuned copy of the rules.
    if let Some(dir) = &cli.rules
        && matches!(
            cli.command,
            None | Some(Command::Intake(_)) | Some(Command::Ticket(_))
        )
    {
        let rules = crate::intake::RuleSet::load_dir(dir)
            .with_context(|| format!("--rules {}", dir.display()))?;
        crate::intake::RuleSet::install(rules)?;
    }
    let explicit_dir = cli.data_dir.clone();
    let data_dir = crate::paths::data_dir(cli.data_dir.clone());
    let actor = Actor::new(
        cli.agent.clone().unwrap_or_else(default_agent),
        cli.role.clone(),
    );
    // Only the commands that work on tickets read the server settings.
    let remote = || serve::remote(cli.store.clone(), cli.token.clone());
    match cli.command {
        None => crate::tui::run(crate::tui::Options {
            remote: remote()?,
            data_dir,
            kb_dir: cli.kb.clone(),
            actor,
            keymap: cli.keymap,
        }),
        Some(Command::Serve { listen }) => serve::serve(listen, &data_dir),
        Some(Command::Token(cmd)) => serve::token(cmd, &data_dir, &cli.role),
        Some(Command::Simulate(args)) => simulate::run(args),
        Some(Command::Ticket(cmd)) => ticket::run(cmd, &data_dir, remote()?.as_ref(), &actor),
        Some(Command::Intake(cmd)) => intake::run(cmd, explicit_dir.as_deref()),
        Some(Command::Kb(cmd)) => kb::run(cmd, cli.kb.as_deref()),
        Some(Command::Sla(SlaCommand::Deadline { from, class, days })) => {
            sla_deadline(&from, class, days)
        }
        Some(Command::Demo(args)) => demo::run(args, &data_dir),
        Some(Command::Report(args)) => report::run(args, &data_dir),
        Some(Command::Wallboard { metrics }) => {
            let config = match metrics {
                Some(path) => crate::metrics::Config::load(&path)?,
                None => crate::metrics::Config::embedded().clone(),
            };
            crate::wallboard::run(
                &data_dir,
                config,
                serve::remote(cli.store, cli.token)?,
                &cli.keymap,
            )
        }
    }
}

fn default_agent() -> String {
    std::env::var("USER").unwrap_or_else(|_| "坐席".to_string())
}

/// Read all of FILE, or stdin for `-` / no file. Returns the name to cite in errors.
fn read_input(file: Option<&Path>) -> Result<(String, String)> {
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

/// Print a line on stdout. A reader that went away (`| head`) is not an error.
fn say(line: impl std::fmt::Display) -> Result<()> {
    use std::io::Write;
    match writeln!(std::io::stdout().lock(), "{line}") {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn parse_time(s: &str, what: &str) -> Result<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .with_context(|| format!("{what} 不是 RFC 3339 时间：{s}"))
}

fn sla_deadline(from: &str, class: SlaClass, days: Option<u32>) -> Result<()> {
    let from = parse_time(from, "--from")?;
    let class = match class {
        SlaClass::Urgent => TimeClass::Urgent,
        SlaClass::Utility => TimeClass::Utility,
        SlaClass::Normal => TimeClass::Normal,
    };
    let d = crate::sla::deadline(crate::sla::Calendar::embedded(), from, class, days, None)?;
    for w in &d.warnings {
        eprintln!("hotline: 注意：{w}");
    }
    say(d.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))?;
    Ok(())
}
