//! `hotline kb check | search`: the knowledge base from a script.

use std::path::Path;

use super::say;
use anyhow::{Result, bail};
use clap::Subcommand;

use crate::kb::Severity;
use crate::tui::kbpane::KbBase;

#[derive(Subcommand, Debug)]
pub enum KbCommand {
    /// Validate every article: TOML, required and unknown fields, duplicate ids, stale reviews
    Check,
    /// Search as the console does; --json prints [{id, title, score, ...}] best first
    Search {
        query: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: KbCommand, dir: Option<&Path>) -> Result<()> {
    let today = crate::domain::now().date_naive();
    match cmd {
        KbCommand::Check => {
            let report = match dir {
                Some(d) => crate::kb::check_dir(d, today)?,
                None => crate::kb::load_embedded(today).1,
            };
            for d in &report.diagnostics {
                eprintln!("{d}");
            }
            let errors = report.count(Severity::Error);
            let warnings = report.count(Severity::Warning);
            if errors > 0 {
                bail!(
                    "知识库有 {errors} 个错误、{warnings} 个警告（{} 条有效）",
                    report.articles
                );
            }
            say(format!(
                "知识库检查通过：{} 条，{warnings} 个警告",
                report.articles
            ))?;
        }
        KbCommand::Search { query, limit, json } => {
            let (kb, _) = match dir {
                Some(d) => crate::kb::load_dir(d, today)?,
                None => crate::kb::load_embedded(today),
            };
            let base = KbBase::new(kb, today);
            let hits = base.index.search(&query, limit);
            if json {
                say(serde_json::to_string_pretty(&hits)?)?;
            } else {
                for h in &hits {
                    say(format!("{:>6}  {:<28}  {}", h.score, h.id, h.title))?;
                }
            }
        }
    }
    Ok(())
}
