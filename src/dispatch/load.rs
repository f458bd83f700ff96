//! Parse and check the catalog files; every error names the file and, where it can, the line.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;

use super::DispatchError;
use super::catalog::{Catalog, Category, Party, Unit, UnitKind, is_digits, street_district};
use crate::domain::TimeClass;
use crate::sla::{DEFAULT_WORKING_DAYS, WORKING_DAYS};

pub(super) struct Source<'a> {
    path: &'a Path,
    text: &'a str,
}

impl<'a> Source<'a> {
    pub(super) fn new(path: &'a Path, text: &'a str) -> Self {
        Source { path, text }
    }

    fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    fn parse<T: DeserializeOwned>(&self) -> Result<T, DispatchError> {
        toml::from_str(self.text).map_err(|e| DispatchError::Syntax {
            path: self.path.to_path_buf(),
            line: e.span().map_or(1, |span| self.line(span.start)),
            message: e.message().trim().to_string(),
        })
    }

    fn invalid(&self, span: &Range<usize>, message: String) -> DispatchError {
        DispatchError::Invalid {
            path: self.path.to_path_buf(),
            line: self.line(span.start),
            message,
        }
    }

    fn path(&self) -> PathBuf {
        self.path.to_path_buf()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitsFile {
    #[serde(default)]
    unit: Vec<Spanned<Unit>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoriesFile {
    #[serde(default)]
    category: Vec<Spanned<Category>>,
}

pub(super) fn build(units: Source, categories: Source) -> Result<Catalog, DispatchError> {
    let mut catalog = load_units(&units)?;
    for spanned in categories.parse::<CategoriesFile>()?.category {
        let span = spanned.span();
        let category = check_category(&catalog, spanned.into_inner())
            .map_err(|message| categories.invalid(&span, message))?;
        if catalog.category(&category.name).is_some() {
            let message = format!("分类 {} 重复", category.name);
            return Err(categories.invalid(&span, message));
        }
        catalog.categories.push(category);
    }
    Ok(catalog)
}

fn load_units(src: &Source) -> Result<Catalog, DispatchError> {
    let mut units = BTreeMap::new();
    let mut district_offices = HashMap::new();
    let mut city_office = None;
    for spanned in src.parse::<UnitsFile>()?.unit {
        let span = spanned.span();
        let unit = spanned.into_inner();
        let invalid = |message: String| src.invalid(&span, message);
        check_unit(&unit).map_err(invalid)?;
        let code = unit.code.clone();
        // Routing needs exactly one office per place: the city, and each district.
        let taken = match (unit.kind, &unit.district) {
            (UnitKind::DistrictHotlineOffice, Some(district)) => district_offices
                .insert(district.clone(), code.clone())
                .map(|_| format!("旗县区 {district} ")),
            (UnitKind::CityHotlineOffice, _) => city_office
                .replace(code.clone())
                .map(|_| "全市".to_string()),
            _ => None,
        };
        if let Some(place) = taken {
            return Err(invalid(format!("{place}只能有一个接诉即办工作管理部门")));
        }
        if units.insert(code.clone(), unit).is_some() {
            return Err(invalid(format!("单位代码 {code} 重复")));
        }
    }
    let city_office = city_office.ok_or_else(|| DispatchError::Incomplete {
        path: src.path(),
        message: "缺少市接诉即办工作管理部门（kind = \"city_hotline_office\"）".to_string(),
    })?;
    Ok(Catalog {
        units,
        categories: Vec::new(),
        district_offices,
        city_office,
    })
}

fn check_unit(unit: &Unit) -> Result<(), String> {
    let code = &unit.code;
    let code_chars = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-';
    if code.is_empty() || !code.bytes().all(code_chars) {
        return Err(format!(
            "单位代码 {code:?} 只能由大写字母、数字和连字符组成"
        ));
    }
    if street_district(code).is_some() {
        return Err(format!(
            "单位代码 {code} 与街道/乡镇代码（S+9位区划代码）冲突"
        ));
    }
    if unit.name.trim().is_empty() {
        return Err(format!("单位 {code} 缺少名称"));
    }
    let territorial = matches!(
        unit.kind,
        UnitKind::DistrictGovernment | UnitKind::DistrictHotlineOffice
    );
    match (&unit.district, territorial) {
        _ if unit.kind == UnitKind::Street => Err(format!(
            "街道/乡镇不在目录中列出，由 9 位区划代码派生（S+代码）：{code}"
        )),
        (None, true) => Err(format!("旗县区单位 {code} 须填写 district")),
        (Some(d), _) if !(is_digits(d, 6) && d.starts_with("1501")) => Err(format!(
            "单位 {code} 的 district {d} 不是呼和浩特市旗县区的 6 位代码"
        )),
        _ => Ok(()),
    }
}

fn check_category(catalog: &Catalog, mut category: Category) -> Result<Category, String> {
    let name = &category.name;
    let two_levels = name
        .split_once('-')
        .is_some_and(|(a, b)| !a.trim().is_empty() && !b.trim().is_empty() && !b.contains('-'));
    if !two_levels {
        return Err(format!("分类名称 {name:?} 须为“一级-二级”"));
    }
    if let Party::Unit(code) = &category.lead {
        let kind = catalog.kind_of(code);
        if !matches!(kind, Some(UnitKind::CityDepartment | UnitKind::Utility)) {
            return Err(format!(
                "{name} 的主办单位 {code} 须为目录中的市级部门或公共服务企业，或填 territorial"
            ));
        }
    }
    let mut seen = HashSet::new();
    for party in &category.assisting {
        if *party == category.lead {
            return Err(format!("{name} 的主办单位不能同时列为协办单位"));
        }
        if !seen.insert(party) {
            return Err(format!("{name} 的协办单位重复"));
        }
        if let Party::Unit(code) = party
            && catalog.unit(code).is_none()
        {
            return Err(format!("{name} 的协办单位 {code} 不在目录中"));
        }
    }
    category.working_days = match (category.time_class, category.working_days) {
        (TimeClass::Normal, None) => Some(DEFAULT_WORKING_DAYS),
        (TimeClass::Normal, Some(n)) if WORKING_DAYS.contains(&n) => Some(n),
        (TimeClass::Normal, Some(n)) => {
            return Err(format!(
                "{name} 的 working_days = {n} 超出 5 至 10 个工作日（条例第十六条第三项）"
            ));
        }
        (_, None) => None,
        (_, Some(_)) => return Err(format!("{name}：只有 normal 类可以填写 working_days")),
    };
    Ok(category)
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNITS: &str = r#"
[[unit]]
code = "C-HOTLINE"
name = "市热线"
kind = "city_hotline_office"
confirmed = false
source = "t"

[[unit]]
code = "C-A"
name = "甲局"
kind = "city_department"
confirmed = true
source = "t"

[[unit]]
code = "H150105"
name = "赛罕区热线"
kind = "district_hotline_office"
district = "150105"
confirmed = false
source = "t"
"#;

    fn build_str(units: &str, categories: &str) -> Result<Catalog, DispatchError> {
        build(
            Source::new(Path::new("u.toml"), units),
            Source::new(Path::new("c.toml"), categories),
        )
    }

    /// Builds with one bad entry and returns the error text.
    fn error(units: &str, categories: &str) -> String {
        build_str(units, categories).unwrap_err().to_string()
    }

    fn category(body: &str) -> String {
        format!("\n[[category]]\nname = \"甲-乙\"\n{body}\n")
    }

    #[test]
    fn minimal_catalog_builds_with_default_working_days() {
        let cat = build_str(UNITS, &category("lead = \"C-A\"\ntime_class = \"normal\"")).unwrap();
        assert_eq!(cat.category("甲-乙").unwrap().working_days, Some(10));
        assert_eq!(cat.city_office, "C-HOTLINE");
    }

    #[test]
    fn syntax_error_names_file_and_line() {
        let msg = error(UNITS, "\n[[category]]\nname = \"甲-乙\"\nlead = \n");
        assert!(msg.contains("c.toml") && msg.contains("第 4 行"), "{msg}");
        let units = format!(
            "{UNITS}\n[[unit]]\ncode = \"C-B\"\nname = \"乙\"\nkind = \"moon\"\nconfirmed = true\nsource = \"t\"\n"
        );
        let line = units[..units.find("moon").unwrap()].matches('\n').count() + 1;
        let msg = error(&units, "");
        assert!(
            msg.contains("u.toml") && msg.contains(&format!("第 {line} 行")),
            "{msg}"
        );
    }

    #[test]
    fn semantic_errors_name_the_entry_line() {
        let extra = "\n[[unit]]\ncode = \"C-A\"\nname = \"重复\"\nkind = \"city_department\"\nconfirmed = true\nsource = \"t\"\n";
        let units = format!("{UNITS}{extra}");
        let line = units.lines().count() - extra.lines().count() + 2;
        let msg = error(&units, "");
        assert!(
            msg.contains("重复") && msg.contains(&format!("第 {line} 行")),
            "{msg}"
        );
    }

    #[test]
    fn unit_rules() {
        let unit = |fields: &str| {
            format!(
                "{UNITS}\n[[unit]]\nname = \"某\"\nconfirmed = true\nsource = \"t\"\n{fields}\n"
            )
        };
        let cases = [
            ("code = \"c-low\"\nkind = \"utility\"", "大写字母"),
            ("code = \"S150105001\"\nkind = \"utility\"", "冲突"),
            ("code = \"X\"\nkind = \"street\"", "派生"),
            (
                "code = \"G150105\"\nkind = \"district_government\"",
                "须填写 district",
            ),
            (
                "code = \"U\"\nkind = \"utility\"\ndistrict = \"110105\"",
                "6 位代码",
            ),
            (
                "code = \"H2\"\nkind = \"district_hotline_office\"\ndistrict = \"150105\"",
                "旗县区 150105 只能有一个",
            ),
            (
                "code = \"C-H2\"\nkind = \"city_hotline_office\"",
                "全市只能有一个",
            ),
        ];
        for (fields, needle) in cases {
            let msg = error(&unit(fields), "");
            assert!(
                msg.contains(needle) && msg.contains("u.toml"),
                "{needle}: {msg}"
            );
        }
        let no_city_office = UNITS.replacen("city_hotline_office", "city_department", 1);
        assert!(error(&no_city_office, "").contains("缺少市接诉即办"));
    }

    #[test]
    fn category_rules() {
        let cases = [
            (
                "lead = \"C-A\"\ntime_class = \"normal\"\nname2 = 1",
                "unknown field",
            ),
            (
                "lead = \"H150105\"\ntime_class = \"normal\"",
                "市级部门或公共服务企业",
            ),
            (
                "lead = \"C-NONE\"\ntime_class = \"normal\"",
                "市级部门或公共服务企业",
            ),
            (
                "lead = \"C-A\"\nassisting = [\"C-A\"]\ntime_class = \"normal\"",
                "同时列为协办",
            ),
            (
                "lead = \"C-A\"\nassisting = [\"territorial\", \"territorial\"]\ntime_class = \"normal\"",
                "协办单位重复",
            ),
            (
                "lead = \"territorial\"\nassisting = [\"C-NONE\"]\ntime_class = \"normal\"",
                "不在目录中",
            ),
            (
                "lead = \"C-A\"\ntime_class = \"normal\"\nworking_days = 11",
                "第十六条",
            ),
            (
                "lead = \"C-A\"\ntime_class = \"utility\"\nworking_days = 5",
                "只有 normal",
            ),
        ];
        for (body, needle) in cases {
            let msg = error(UNITS, &category(body));
            assert!(
                msg.contains(needle) && msg.contains("c.toml"),
                "{needle}: {msg}"
            );
        }
        let bad_name = "\n[[category]]\nname = \"甲\"\nlead = \"C-A\"\ntime_class = \"normal\"\n";
        assert!(error(UNITS, bad_name).contains("一级-二级"));
        let twice = category("lead = \"C-A\"\ntime_class = \"urgent\"").repeat(2);
        assert!(error(UNITS, &twice).contains("分类 甲-乙 重复"));
    }

    #[test]
    fn load_dir_reads_both_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("units.toml"), UNITS).unwrap();
        let missing = Catalog::load_dir(dir.path()).unwrap_err();
        assert!(
            matches!(&missing, DispatchError::Io { path, .. } if path.ends_with("categories.toml"))
        );
        let categories = category("lead = \"territorial\"\ntime_class = \"urgent\"");
        std::fs::write(dir.path().join("categories.toml"), categories).unwrap();
        let cat = Catalog::load_dir(dir.path()).unwrap();
        assert_eq!(cat.categories().len(), 1);
        assert_eq!(cat.units().count(), 3);
    }
}
