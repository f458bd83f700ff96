//! The metric definitions, weights, targets and thresholds from `assets/metrics.toml`,
//! validated so a mistake names its file and line.

use std::path::Path;
use std::sync::OnceLock;

use serde::Deserialize;
use toml::Spanned;

use super::MetricsError;

const EMBEDDED: &str = include_str!("../../assets/metrics.toml");
const EMBEDDED_PATH: &str = "assets/metrics.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    response: RawResponse,
    satisfaction: RawSatisfaction,
    weights: Spanned<Triple>,
    targets: Spanned<Triple>,
    thresholds: Thresholds,
    analysis: Spanned<Analysis>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResponse {
    limit_hours: Spanned<LimitHours>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSatisfaction {
    basic_weight: Spanned<f64>,
}

/// Hours from dispatch to first contact that count as a response, per time class.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitHours {
    pub urgent: f64,
    pub utility: f64,
    pub normal: f64,
    pub statutory: f64,
}

/// One number per rate: weights or targets.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Triple {
    pub response: f64,
    pub resolution: f64,
    pub satisfaction: f64,
}

impl Triple {
    fn all(&self) -> [f64; 3] {
        [self.response, self.resolution, self.satisfaction]
    }
}

/// Counts at which a wallboard tile turns red.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub waiting_dispatch: u64,
    pub returned: u64,
    pub extensions: u64,
    pub waiting_callback: u64,
    pub at_risk: u64,
    pub overdue: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Analysis {
    pub hotspots: usize,
    pub cluster_min: u32,
    pub cluster_hours: u32,
    pub frequent_caller_min: u32,
    pub surge_hours: u32,
    pub surge_baseline_days: u32,
    pub surge_ratio: f64,
    pub surge_min: u32,
}

/// The validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub limit_hours: LimitHours,
    pub basic_weight: f64,
    pub weights: Triple,
    pub targets: Triple,
    pub thresholds: Thresholds,
    pub analysis: Analysis,
}

impl Config {
    /// The definitions built into the binary.
    pub fn embedded() -> &'static Config {
        static CONFIG: OnceLock<Config> = OnceLock::new();
        CONFIG.get_or_init(|| {
            Config::parse(EMBEDDED_PATH, EMBEDDED).expect("the embedded metrics.toml is tested")
        })
    }

    pub fn load(path: &Path) -> Result<Config, MetricsError> {
        let text = std::fs::read_to_string(path).map_err(|source| MetricsError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Config::parse(&path.display().to_string(), &text)
    }

    pub fn parse(file: &str, text: &str) -> Result<Config, MetricsError> {
        let invalid =
            |span: Option<std::ops::Range<usize>>, message: String| MetricsError::Invalid {
                file: file.to_string(),
                line: span.map_or(0, |s| line_of(text, s.start)),
                message,
            };
        let raw: Raw = toml::from_str(text).map_err(|e| invalid(e.span(), e.message().into()))?;
        let limits = &raw.response.limit_hours;
        let l = limits.get_ref();
        if [l.urgent, l.utility, l.normal, l.statutory]
            .iter()
            .any(|h| !(*h > 0.0 && h.is_finite()))
        {
            return Err(invalid(
                Some(limits.span()),
                "响应时限必须是正的小时数".into(),
            ));
        }
        let basic = &raw.satisfaction.basic_weight;
        if !(0.0..=1.0).contains(basic.get_ref()) {
            return Err(invalid(
                Some(basic.span()),
                "basic_weight（基本满意的计入比例）必须在 0 到 1 之间".into(),
            ));
        }
        let w = raw.weights.get_ref().all();
        if w.iter().any(|x| *x < 0.0) || (w.iter().sum::<f64>() - 1.0).abs() > 1e-6 {
            return Err(invalid(
                Some(raw.weights.span()),
                format!(
                    "三率权重必须非负且合计为 1（现为 {}）",
                    w.iter().sum::<f64>()
                ),
            ));
        }
        if raw
            .targets
            .get_ref()
            .all()
            .iter()
            .any(|x| !(0.0..=1.0).contains(x))
        {
            return Err(invalid(
                Some(raw.targets.span()),
                "目标值必须在 0 到 1 之间".into(),
            ));
        }
        let a = *raw.analysis.get_ref();
        if a.cluster_min < 2
            || a.surge_ratio <= 1.0
            || a.surge_hours == 0
            || a.surge_baseline_days == 0
        {
            return Err(invalid(
                Some(raw.analysis.span()),
                "cluster_min 至少为 2，surge_ratio 必须大于 1，surge_hours 与 surge_baseline_days 必须为正"
                    .into(),
            ));
        }
        Ok(Config {
            limit_hours: *l,
            basic_weight: *basic.get_ref(),
            weights: *raw.weights.get_ref(),
            targets: *raw.targets.get_ref(),
            thresholds: raw.thresholds,
            analysis: a,
        })
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_file_is_valid() {
        let c = Config::embedded();
        assert_eq!(c.basic_weight, 1.0);
        assert_eq!(c.limit_hours.urgent, 1.0);
    }

    fn error_for(from: &str, to: &str) -> String {
        assert!(EMBEDDED.contains(from), "{from}");
        Config::parse("m.toml", &EMBEDDED.replacen(from, to, 1))
            .unwrap_err()
            .to_string()
    }

    fn line_containing(needle: &str) -> usize {
        line_of(EMBEDDED, EMBEDDED.find(needle).unwrap())
    }

    #[test]
    fn mistakes_name_file_and_line() {
        let e = error_for(
            "resolution = 0.35\nsatisfaction = 0.35",
            "resolution = 0.5\nsatisfaction = 0.35",
        );
        assert!(e.contains("m.toml") && e.contains("合计为 1"), "{e}");
        assert!(
            e.contains(&format!(":{}", line_containing("[weights]"))),
            "{e}"
        );

        let e = error_for("basic_weight = 1.0", "basic_weight = 1.5");
        assert!(
            e.contains(&format!("m.toml:{}", line_containing("basic_weight = 1.0"))),
            "{e}"
        );

        let e = error_for("urgent = 1,", "urgent = 0,");
        assert!(e.contains("响应时限"), "{e}");

        let e = error_for("surge_min = 5", "surge_minimum = 5");
        assert!(
            e.contains(&format!("m.toml:{}", line_containing("surge_min = 5"))),
            "{e}"
        );
    }
}
