//! Synthetic calls: when people call (a day's rhythm), where from (the real divisions),
//! about what (the real catalog, with heating and rain seasons), and who (a few people
//! call often; some matters bring several neighbours to call at once).

use chrono::{DateTime, Datelike, Duration, FixedOffset, Timelike};

use super::rng::Rng;
use crate::dispatch::Catalog;
use crate::domain::{Caller, Channel, Intake, Kind};
use crate::geo::Divisions;

/// Relative call volume per hour of the day (busy mornings and afternoons, quiet nights).
const HOURLY: [f64; 24] = [
    0.8, 0.5, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 5.0, 7.0, 7.5, 6.5, 4.5, 4.0, 6.0, 6.8, 6.5, 5.5, 4.0,
    3.5, 3.0, 2.5, 1.8, 1.2,
];

const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "高", "郭",
];

/// People who call again and again, so the analysis has high-frequency callers to find.
const FREQUENT_CALLERS: u64 = 25;

/// Everything a generated call needs besides its time.
#[derive(Debug, Clone)]
pub struct Call {
    pub category: String,
    pub district: String,
    pub street: String,
}

/// Heating season (10-15 to 4-15) and rain season (July, August) shift what people call about.
fn season_weight(category: &str, at: DateTime<FixedOffset>) -> f64 {
    let md = (at.month(), at.day());
    let heating = md >= (10, 15) || md <= (4, 15);
    let rain = matches!(at.month(), 7 | 8);
    match category {
        "城乡建设-供热" if heating => 12.0,
        "城乡建设-供热" => 0.3,
        "城乡建设-排水" if rain => 8.0,
        "城乡建设-物业管理" | "城市管理-市容环卫" | "城乡建设-供水" => 3.0,
        "环境保护-噪声" | "交通出行-公交" | "城市管理-占道" => 2.0,
        _ => 1.0,
    }
}

/// A random moment in the hour-weighted day of `day_start`.
pub fn time_in_day(rng: &mut Rng, day_start: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    let hour = rng.weighted(&HOURLY) as i64;
    day_start + Duration::hours(hour) + Duration::seconds(rng.range(0, 3600))
}

/// What and where a call at `at` is about.
pub fn topic(rng: &mut Rng, catalog: &Catalog, at: DateTime<FixedOffset>) -> Call {
    let categories = catalog.categories();
    let weights: Vec<f64> = categories
        .iter()
        .map(|c| season_weight(&c.name, at))
        .collect();
    let category = categories[rng.weighted(&weights)].name.clone();
    let divisions = Divisions::embedded();
    let counties: Vec<_> = divisions
        .counties()
        .iter()
        .filter(|c| catalog.kind_of(&format!("H{}", c.code)).is_some())
        .collect();
    // The four urban districts hold most of the city's people.
    let weights: Vec<f64> = counties
        .iter()
        .map(|c| if c.name.ends_with('区') { 4.0 } else { 1.0 })
        .collect();
    let county = counties[rng.weighted(&weights)];
    let streets: Vec<_> = divisions
        .streets()
        .iter()
        .filter(|s| s.county_code == county.code)
        .collect();
    Call {
        category,
        district: county.code.clone(),
        street: rng.pick(&streets).code.clone(),
    }
}

/// The intake of a call, clearly marked as synthetic.
pub fn intake(rng: &mut Rng, call: &Call, at: DateTime<FixedOffset>) -> Intake {
    let phone = if rng.chance(0.06) {
        format!("1990471{:04}", rng.range(0, FREQUENT_CALLERS as i64))
    } else {
        format!("199{:08}", rng.range(0, 100_000_000))
    };
    let title = if rng.chance(0.5) { "先生" } else { "女士" };
    let topic = call.category.split('-').nth(1).unwrap_or(&call.category);
    let building = rng.range(1, 40);
    let kind = [
        Kind::Consult,
        Kind::Help,
        Kind::Complaint,
        Kind::Report,
        Kind::Suggestion,
    ][rng.weighted(&[0.3, 0.3, 0.3, 0.05, 0.05])];
    let channel = [Channel::Phone, Channel::Wechat, Channel::App, Channel::Web]
        [rng.weighted(&[0.7, 0.15, 0.1, 0.05])];
    Intake {
        caller: Caller {
            name: format!("{}{title}", rng.pick(&SURNAMES)),
            phone,
        },
        channel,
        kind,
        district: Some(call.district.clone()),
        street: Some(call.street.clone()),
        address: Some(format!("演示小区{building}号楼")),
        description: format!(
            "【演示数据】反映{topic}问题（{}），请尽快处理。",
            at.format("%m月%d日")
        ),
        category: Some(call.category.clone()),
        time_class: None,
        kb_ref: None,
    }
}

/// Calls over `days` days up to `now`, about `per_day` a day, with occasional group
/// complaints (several neighbours within two hours about the same thing).
pub fn history(
    rng: &mut Rng,
    catalog: &Catalog,
    now: DateTime<FixedOffset>,
    days: u32,
    per_day: u32,
) -> Vec<(DateTime<FixedOffset>, Call)> {
    let today = now
        .with_hour(0)
        .and_then(|t| t.with_minute(0))
        .and_then(|t| t.with_second(0))
        .unwrap_or(now);
    let mut calls = Vec::new();
    for d in (0..days as i64).rev() {
        let day = today - Duration::days(d);
        for _ in 0..per_day {
            let at = time_in_day(rng, day);
            if at > now {
                continue;
            }
            let call = topic(rng, catalog, at);
            if rng.chance(0.01) {
                for _ in 0..rng.range(3, 7) {
                    let later = at + Duration::minutes(rng.range(1, 120));
                    if later <= now {
                        calls.push((later, call.clone()));
                    }
                }
            }
            calls.push((at, call));
        }
    }
    calls.sort_by_key(|(at, _)| *at);
    calls
}
