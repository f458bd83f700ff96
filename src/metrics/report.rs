//! The work report (Art. 29) and the public disclosure report (Art. 34), as Markdown, CSV
//! or JSON. JSON keys are stable (documented in README, "Report JSON"); the public report
//! leaves out frequent callers and ticket ids, and no report ever holds a caller's name,
//! phone, address or any free text from a ticket.

use std::fmt::Write;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::{
    Cluster, Config, Dimension, FrequentCaller, Hotspot, MetricsError, MonthTop, Period, RateTable,
    Rates, Surge, Tally, analysis, rates, tally,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Md,
    Csv,
    Json,
}

#[derive(Debug, Clone, Serialize)]
pub struct Volumes {
    pub total: u64,
    pub by_kind: Vec<Tally>,
    pub by_channel: Vec<Tally>,
    pub by_category: Vec<Tally>,
    pub by_district: Vec<Tally>,
    /// Art. 11 decisions: accepted, rejected, transferred, redirected.
    pub decisions: Vec<Tally>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// "work" (Art. 29) or "public" (Art. 34).
    pub kind: &'static str,
    pub from: DateTime<FixedOffset>,
    pub to: DateTime<FixedOffset>,
    pub generated_at: DateTime<FixedOffset>,
    pub rates: RateTable,
    pub volumes: Volumes,
    pub overdue_by_unit: Vec<Tally>,
    pub hotspots: Vec<Hotspot>,
    pub clusters: Vec<Cluster>,
    pub seasonal: Vec<MonthTop>,
    pub surges: Vec<Surge>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequent_callers: Option<Vec<FrequentCaller>>,
}

impl Report {
    pub fn build(
        conn: &rusqlite::Connection,
        period: &Period,
        config: &Config,
        public: bool,
    ) -> Result<Report, MetricsError> {
        let t = |dim| tally(conn, period, dim, false);
        let by_kind = t(Dimension::Kind)?;
        let mut clusters = analysis::clusters(conn, period, config)?;
        if public {
            for c in &mut clusters {
                c.tickets.clear();
            }
        }
        Ok(Report {
            kind: if public { "public" } else { "work" },
            from: period.from,
            to: period.to,
            generated_at: period.now,
            rates: rates(conn, period, config)?,
            volumes: Volumes {
                total: by_kind.iter().map(|t| t.count).sum(),
                by_kind,
                by_channel: t(Dimension::Channel)?,
                by_category: t(Dimension::Category)?,
                by_district: t(Dimension::District)?,
                decisions: t(Dimension::Decision)?,
            },
            overdue_by_unit: tally(conn, period, Dimension::Lead, true)?,
            hotspots: analysis::hotspots(conn, period, config)?,
            clusters,
            seasonal: analysis::seasonal(conn, period)?,
            surges: analysis::surges(conn, period.now.min(period.to), config)?,
            frequent_callers: if public {
                None
            } else {
                Some(analysis::frequent_callers(conn, period, config)?)
            },
        })
    }

    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => serde_json::to_string_pretty(self).expect("a report serializes"),
            Format::Md => self.markdown(),
            Format::Csv => self.csv(),
        }
    }

    fn title(&self) -> String {
        let kind = if self.kind == "public" {
            "接诉即办工作公开报告（条例第三十四条）"
        } else {
            "接诉即办工作报告（条例第二十九条）"
        };
        format!(
            "呼和浩特市12345热线{kind}：{} 至 {}",
            self.from.format("%Y-%m-%d"),
            (self.to - chrono::Duration::seconds(1)).format("%Y-%m-%d")
        )
    }

    fn markdown(&self) -> String {
        let mut s = format!(
            "# {}\n\n生成时间：{}\n\n",
            self.title(),
            self.generated_at.format("%Y-%m-%d %H:%M")
        );
        let r = &self.rates.overall;
        let _ = writeln!(s, "## 三率（条例第三十三条）\n");
        let _ = writeln!(
            s,
            "| 范围 | 工单 | 响应率 | 解决率 | 满意率 | 综合得分 |\n|---|---:|---:|---:|---:|---:|"
        );
        let line = |name: &str, r: &Rates| {
            format!(
                "| {name} | {} | {} | {} | {} | {} |\n",
                r.counts.tickets,
                r.response.display(),
                r.resolution.display(),
                r.satisfaction.display(),
                r.score.map_or("—".into(), |x| format!("{x:.1}"))
            )
        };
        s.push_str(&line("全市", r));
        let _ = writeln!(
            s,
            "\n### 承办单位排名\n\n| 名次 | 单位 | 派单 | 响应率 | 解决率 | 满意率 | 综合得分 |\n|---:|---|---:|---:|---:|---:|---:|"
        );
        for (i, u) in self.rates.units.iter().enumerate() {
            let r = &u.rates;
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} |",
                i + 1,
                u.name,
                r.counts.dispatched,
                r.response.display(),
                r.resolution.display(),
                r.satisfaction.display(),
                r.score.map_or("—".into(), |x| format!("{x:.1}"))
            );
        }
        let _ = writeln!(
            s,
            "\n### 各旗县区\n\n| 范围 | 工单 | 响应率 | 解决率 | 满意率 | 综合得分 |\n|---|---:|---:|---:|---:|---:|"
        );
        for d in &self.rates.districts {
            s.push_str(&line(&d.name, &d.rates));
        }
        let v = &self.volumes;
        let _ = writeln!(s, "\n## 受理量\n\n共 {} 件。\n", v.total);
        for (title, rows) in [
            ("诉求类型", &v.by_kind),
            ("受理渠道", &v.by_channel),
            ("受理决定（条例第十一条）", &v.decisions),
            ("旗县区", &v.by_district),
            ("诉求分类", &v.by_category),
            ("超时工单（按主办单位）", &self.overdue_by_unit),
        ] {
            let _ = writeln!(s, "### {title}\n\n| 项目 | 件数 |\n|---|---:|");
            for t in rows {
                let _ = writeln!(s, "| {} | {} |", t.label, t.count);
            }
            s.push('\n');
        }
        let _ = writeln!(
            s,
            "## 热点（分类 × 旗县区，与上一周期比较）\n\n| 分类 | 旗县区 | 本期 | 上期 |\n|---|---|---:|---:|"
        );
        for h in &self.hotspots {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                h.category, h.district_name, h.count, h.previous
            );
        }
        let _ = writeln!(
            s,
            "\n## 群体诉求（同一街道同类诉求集中反映）\n\n| 分类 | 街道（乡镇） | 件数 | 时间 |\n|---|---|---:|---|"
        );
        for c in &self.clusters {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} 至 {} |",
                c.category,
                c.street_name,
                c.count,
                c.first.format("%m-%d %H:%M"),
                c.last.format("%m-%d %H:%M")
            );
        }
        let _ = writeln!(s, "\n## 季节性（每月前三类诉求）\n");
        for m in &self.seasonal {
            let top: Vec<String> = m
                .top
                .iter()
                .map(|t| format!("{} {} 件", t.label, t.count))
                .collect();
            let _ = writeln!(s, "- {}（共 {} 件）：{}", m.month, m.total, top.join("，"));
        }
        let _ = writeln!(s, "\n## 突增预警（条例第五条）\n");
        if self.surges.is_empty() {
            let _ = writeln!(s, "无。");
        }
        for x in &self.surges {
            let _ = writeln!(
                s,
                "- {}：近期 {} 件，基线 {:.1} 件",
                x.category, x.recent, x.baseline
            );
        }
        if let Some(callers) = &self.frequent_callers {
            let _ = writeln!(
                s,
                "\n## 高频来电（号码已脱敏）\n\n| 号码 | 件数 |\n|---|---:|"
            );
            for c in callers {
                let _ = writeln!(s, "| {} | {} |", c.phone, c.count);
            }
        }
        s
    }

    /// One long table: section, key, name, metric, value, numerator, denominator.
    fn csv(&self) -> String {
        let mut c = Csv(String::from(
            "section,key,name,metric,value,numerator,denominator\n",
        ));
        let period = format!("{}/{}", self.from.to_rfc3339(), self.to.to_rfc3339());
        c.row(
            "report",
            self.kind,
            &self.title(),
            "period",
            &period,
            "",
            "",
        );
        c.rates("rates_overall", "all", "全市", &self.rates.overall);
        for u in &self.rates.units {
            c.rates("rates_unit", &u.code, &u.name, &u.rates);
        }
        for d in &self.rates.districts {
            c.rates("rates_district", &d.code, &d.name, &d.rates);
        }
        let v = &self.volumes;
        for (section, rows) in [
            ("by_kind", &v.by_kind),
            ("by_channel", &v.by_channel),
            ("decisions", &v.decisions),
            ("by_district", &v.by_district),
            ("by_category", &v.by_category),
            ("overdue_by_unit", &self.overdue_by_unit),
        ] {
            for t in rows {
                c.count(section, &t.key, &t.label, "count", t.count);
            }
        }
        for h in &self.hotspots {
            let key = format!("{}|{}", h.category, h.district);
            let name = format!("{} {}", h.category, h.district_name);
            c.count("hotspots", &key, &name, "count", h.count);
            c.count("hotspots", &key, &name, "previous", h.previous);
        }
        for x in &self.clusters {
            let key = format!("{}|{}|{}", x.category, x.street, x.first.to_rfc3339());
            c.count("clusters", &key, &x.street_name, "count", x.count);
        }
        for x in &self.surges {
            let baseline = format!("{:.2}", x.baseline);
            c.row(
                "surges",
                &x.category,
                &x.category,
                "recent",
                &x.recent.to_string(),
                "",
                &baseline,
            );
        }
        for x in self.frequent_callers.iter().flatten() {
            c.count("frequent_callers", &x.phone, "", "count", x.count);
        }
        c.0
    }
}

struct Csv(String);

impl Csv {
    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        section: &str,
        key: &str,
        name: &str,
        metric: &str,
        value: &str,
        num: &str,
        den: &str,
    ) {
        let _ = writeln!(
            self.0,
            "{section},{},{},{metric},{value},{num},{den}",
            csv_field(key),
            csv_field(name)
        );
    }

    fn count(&mut self, section: &str, key: &str, name: &str, metric: &str, n: u64) {
        self.row(section, key, name, metric, &n.to_string(), "", "");
    }

    fn rates(&mut self, section: &str, key: &str, name: &str, r: &Rates) {
        self.count(section, key, name, "tickets", r.counts.tickets);
        for (metric, rate) in [
            ("response", &r.response),
            ("resolution", &r.resolution),
            ("satisfaction", &r.satisfaction),
        ] {
            let value = rate.value.map_or(String::new(), |v| format!("{v:.4}"));
            let (num, den) = (rate.numerator.to_string(), rate.denominator.to_string());
            self.row(section, key, name, metric, &value, &num, &den);
        }
        let score = r.score.map_or(String::new(), |v| format!("{v:.2}"));
        self.row(section, key, name, "score", &score, "", "");
    }
}

/// RFC 4180: quote fields holding commas, quotes or line breaks.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
