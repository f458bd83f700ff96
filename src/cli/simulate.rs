//! `hotline simulate`: a load generator. Starts a fresh `hotline serve` on loopback,
//! drives it with many concurrent simulated agents creating tickets, and then makes the
//! same number of inserts straight into SQLite as the ceiling — all in one run.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::domain::{Actor, Caller, Channel, Decision, EventKind, Intake, Kind, Role, now};
use crate::store::wire::{CreateRequest, IDEMPOTENCY_KEY};
use crate::store::{NewTicket, SqliteStore};

#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// Concurrent simulated agents
    #[arg(long, default_value_t = 200)]
    agents: usize,
    /// Tickets to create in all
    #[arg(long, default_value_t = 20_000)]
    tickets: usize,
    /// Offered load in tickets per second for all agents together (open loop; latency is
    /// measured from each request's scheduled time). Without it, every agent sends its
    /// next ticket as soon as the last is answered.
    #[arg(long)]
    rate: Option<f64>,
}

/// A scratch directory removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_server(dir: &Path) -> Result<(Served, String)> {
    let exe = std::env::current_exe().context("找不到 hotline 程序本身")?;
    let mut child = Command::new(exe)
        .arg("--data-dir")
        .arg(dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("无法启动 hotline serve")?;
    let mut line = String::new();
    let stdout = child.stdout.take().context("无法读取服务输出")?;
    let served = Served(child);
    BufReader::new(stdout).read_line(&mut line)?;
    if !line.starts_with("http://") {
        bail!("hotline serve 没有报告监听地址");
    }
    Ok((served, line.trim().to_string()))
}

fn call(i: usize) -> NewTicket {
    NewTicket {
        at: now(),
        actor: Actor::new("模拟坐席", Role::Agent),
        intake: Intake {
            caller: Caller {
                name: "王女士".into(),
                phone: format!("139{:08}", i % 100_000_000),
            },
            channel: Channel::Phone,
            kind: Kind::Help,
            district: Some("赛罕区".into()),
            street: None,
            address: Some(format!("大学东街{}号", i % 500)),
            description: format!("模拟来电 {i}：小区停水"),
            category: None,
            time_class: None,
            kb_ref: None,
        },
        location: crate::domain::Location::default(),
        then: vec![EventKind::Decided {
            decision: Decision::Accept,
            findings: vec![],
            ground: None,
            target: None,
        }],
    }
}

fn body(i: usize) -> Result<Vec<u8>> {
    let new = call(i);
    Ok(serde_json::to_vec(&CreateRequest {
        at: Some(new.at),
        actor: new.actor.name,
        intake: new.intake,
        location: new.location,
        then: new.then,
    })?)
}

/// Latencies in microseconds of one agent, and its failures.
type Outcome = (Vec<u64>, usize);

async fn agent(
    client: reqwest::Client,
    url: Arc<String>,
    token: Arc<String>,
    mine: Vec<usize>,
    start: Instant,
    interval: Option<Duration>,
) -> Result<Outcome> {
    let mut latencies = Vec::with_capacity(mine.len());
    let mut failures = 0;
    for i in mine {
        let body = body(i)?;
        let scheduled = match interval {
            Some(every) => {
                let at = start + every * i as u32;
                tokio::time::sleep_until(at.into()).await;
                at
            }
            None => Instant::now(),
        };
        let sent = client
            .post(url.as_str())
            .bearer_auth(token.as_str())
            .header(IDEMPOTENCY_KEY, format!("sim-{i}"))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await;
        match sent {
            Ok(r) if r.status() == reqwest::StatusCode::CREATED => {
                latencies.push(scheduled.elapsed().as_micros() as u64)
            }
            _ => failures += 1,
        }
    }
    Ok((latencies, failures))
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i] as f64 / 1000.0
}

pub fn run(args: SimulateArgs) -> Result<()> {
    if args.agents == 0 || args.tickets == 0 {
        bail!("--agents 和 --tickets 须大于 0");
    }
    let scratch = Scratch(std::env::temp_dir().join(format!("hotline-sim-{}", std::process::id())));
    let server_dir = scratch.0.join("server");
    let token = crate::server::Tokens::open_dir(&server_dir)?.create(&Role::Agent)?;
    let (served, base) = start_server(&server_dir)?;
    let url = Arc::new(format!("{base}/api/v1/tickets"));
    let token = Arc::new(token);

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let (elapsed, mut latencies, failures) = rt.block_on(async {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(args.agents)
            .timeout(Duration::from_secs(30))
            .build()?;
        let interval = args.rate.map(|r| Duration::from_secs_f64(1.0 / r));
        let start = Instant::now();
        let tasks: Vec<_> = (0..args.agents)
            .map(|a| {
                let mine = (a..args.tickets).step_by(args.agents).collect();
                tokio::spawn(agent(
                    client.clone(),
                    url.clone(),
                    token.clone(),
                    mine,
                    start,
                    interval,
                ))
            })
            .collect();
        let mut latencies = Vec::with_capacity(args.tickets);
        let mut failures = 0;
        for t in tasks {
            let (l, f) = t.await??;
            latencies.extend(l);
            failures += f;
        }
        anyhow::Ok((start.elapsed(), latencies, failures))
    })?;
    drop(served);
    latencies.sort_unstable();

    // The ceiling: the same inserts, same transactions, straight into SQLite.
    let ceiling_store = SqliteStore::open_dir(&scratch.0.join("ceiling"))?;
    let calls: Vec<NewTicket> = (0..args.tickets).map(call).collect();
    let start = Instant::now();
    for (i, new) in calls.into_iter().enumerate() {
        ceiling_store.create_once(&format!("sim-{i}"), new)?;
    }
    let ceiling = start.elapsed();

    let served_rate = latencies.len() as f64 / elapsed.as_secs_f64();
    let ceiling_rate = args.tickets as f64 / ceiling.as_secs_f64();
    let load = match args.rate {
        Some(r) => format!("开环，目标 {r:.0} 张/秒"),
        None => "闭环，应答即发下一张".to_string(),
    };
    println!(
        "模拟坐席 {} 个，工单 {} 张（{load}）",
        args.agents, args.tickets
    );
    println!(
        "经服务器：{served_rate:.0} 张/秒，用时 {:.2} 秒，失败 {failures}",
        elapsed.as_secs_f64()
    );
    println!(
        "延迟：p50 {:.2} ms，p99 {:.2} ms，最大 {:.2} ms",
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0)
    );
    println!(
        "上限（直接写 SQLite）：{ceiling_rate:.0} 张/秒，用时 {:.2} 秒；服务器达到上限的 {:.0}%",
        ceiling.as_secs_f64(),
        100.0 * served_rate / ceiling_rate
    );
    if failures > 0 {
        bail!("{failures} 张工单未能创建");
    }
    Ok(())
}
