//! `hotline demo`: fill a fresh data directory with synthetic history, and optionally keep
//! it busy (seats taking calls, units working) for the wallboard.

use std::path::Path;

use anyhow::{Result, bail};
use clap::Args;

use crate::demo::{DEMO_ACTOR, Live, World};
use crate::domain::now;
use crate::store::{ListFilter, SqliteStore, TicketStore};

/// Written into a data directory the demo filled; live mode runs only where it exists, so
/// it never moves real tickets.
const MARKER: &str = "DEMO-DATA.txt";

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Days of history to generate
    #[arg(long, default_value_t = 30)]
    days: u32,
    /// Calls per day
    #[arg(long, default_value_t = 150)]
    per_day: u32,
    #[arg(long, default_value_t = 12345)]
    seed: u64,
    /// Keep going: new calls and work on open tickets until interrupted (Ctrl-C)
    #[arg(long)]
    live: bool,
    /// Live mode: calls per hour, in simulated time
    #[arg(long, default_value_t = 300)]
    rate: u32,
    /// Live mode: how many times faster than life units work and calls come
    #[arg(long, default_value_t = 20)]
    speed: u32,
    /// Live mode: a category that suddenly draws many calls from one street (Art. 5)
    #[arg(long, value_name = "CATEGORY")]
    surge: Option<String>,
}

pub fn run(args: DemoArgs, data_dir: &Path) -> Result<()> {
    let store = SqliteStore::open_dir(data_dir)?;
    let marker = data_dir.join(MARKER);
    let empty = store
        .list(&ListFilter {
            limit: 1,
            ..ListFilter::default()
        })?
        .is_empty();
    if empty {
        eprintln!("正在生成演示数据（合成数据，非真实工单）……");
        let filled = World::new(&store, args.seed).fill(now(), args.days, args.per_day)?;
        std::fs::write(
            &marker,
            format!(
                "本目录中的工单均为 hotline demo 生成的合成演示数据，不是真实诉求。\n\
                 操作人一律记为「{DEMO_ACTOR}」，诉求内容以【演示数据】开头。\n"
            ),
        )?;
        println!(
            "演示数据已写入 {}：工单 {} 件（在办 {} 件），事件 {} 条",
            data_dir.display(),
            filled.tickets,
            filled.open,
            filled.events
        );
    } else if !marker.exists() {
        bail!(
            "数据目录 {} 中已有非演示工单，演示数据只写入新的目录（--data-dir）",
            data_dir.display()
        );
    }
    if args.live {
        live(&store, &args)?;
    }
    Ok(())
}

fn live(store: &SqliteStore, args: &DemoArgs) -> Result<()> {
    if let Some(c) = &args.surge
        && crate::dispatch::Catalog::embedded().category(c).is_none()
    {
        bail!("派单目录中没有分类「{c}」");
    }
    let mut live = Live::start(store, args.seed ^ 0x5eed, args.rate, args.speed, now())?;
    if let Some(c) = &args.surge {
        live.start_surge(now(), c);
    }
    eprintln!(
        "模拟繁忙时段：每小时约 {} 个来电，{} 倍速（Ctrl-C 结束）",
        args.rate, args.speed
    );
    loop {
        let wait = live.next_at().signed_duration_since(now());
        if let Ok(wait) = wait.to_std() {
            std::thread::sleep(wait.min(std::time::Duration::from_secs(1)));
        }
        live.run_due(now())?;
    }
}
