//! `hotline report`: the work report (Art. 29) or, with --public, the disclosure report
//! (Art. 34) for a period.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::Args;

use crate::domain::now;
use crate::metrics::{self, Config, Format, Period, Report};

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// First day (YYYY-MM-DD, Hohhot time)
    #[arg(long)]
    from: NaiveDate,
    /// Last day, included
    #[arg(long)]
    to: NaiveDate,
    #[arg(long, value_enum, default_value = "md")]
    format: Format,
    /// The public disclosure report: no caller identity, no ticket ids, no free text
    #[arg(long)]
    public: bool,
    /// Metric definitions to use instead of the built-in assets/metrics.toml
    #[arg(long, value_name = "FILE")]
    metrics: Option<PathBuf>,
}

pub fn run(args: ReportArgs, data_dir: &Path) -> Result<()> {
    let config = match &args.metrics {
        Some(path) => Config::load(path)?,
        None => Config::embedded().clone(),
    };
    let period = Period::days(args.from, args.to, now())?;
    let conn = metrics::open(data_dir)
        .with_context(|| format!("无法打开数据目录 {}", data_dir.display()))?;
    let report = Report::build(&conn, &period, &config, args.public)?;
    print!("{}", report.render(args.format));
    Ok(())
}
