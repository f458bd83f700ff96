//! The catalog: handling units and the categories that map a matter to them.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::DispatchError;
use super::load::{self, Source};
use crate::domain::TimeClass;

const UNITS_FILE: &str = "units.toml";
const CATEGORIES_FILE: &str = "categories.toml";
const EMBEDDED_UNITS: &str = include_str!("../../assets/dispatch/units.toml");
const EMBEDDED_CATEGORIES: &str = include_str!("../../assets/dispatch/categories.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    CityDepartment,
    DistrictGovernment,
    DistrictHotlineOffice,
    /// Derived from a 9-digit division code, never listed in the catalog.
    Street,
    Utility,
    Volunteer,
    CityHotlineOffice,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    /// 6-digit division code of a territorial unit.
    #[serde(default)]
    pub district: Option<String>,
    /// false: a placeholder name the hotline office has yet to confirm.
    pub confirmed: bool,
    pub source: String,
}

impl Unit {
    /// The name as shown to people: an unconfirmed name is never stated as fact.
    pub fn label(&self) -> String {
        if self.confirmed || self.name.contains("待确认") {
            self.name.clone()
        } else {
            format!("{}（名称待确认）", self.name)
        }
    }
}

/// Who a category names: a unit by code, or the territorial side (the district's hotline
/// office, and the street when known).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Party {
    Territorial,
    Unit(String),
}

const TERRITORIAL: &str = "territorial";

impl From<String> for Party {
    fn from(s: String) -> Self {
        if s == TERRITORIAL {
            Party::Territorial
        } else {
            Party::Unit(s)
        }
    }
}

impl From<Party> for String {
    fn from(p: Party) -> Self {
        match p {
            Party::Territorial => TERRITORIAL.to_string(),
            Party::Unit(code) => code,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// "一级-二级", e.g. "城乡建设-供热".
    pub name: String,
    pub lead: Party,
    #[serde(default)]
    pub assisting: Vec<Party>,
    pub time_class: TimeClass,
    /// Set (5–10, default 10) exactly when `time_class` is normal.
    #[serde(default)]
    pub working_days: Option<u32>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Catalog {
    pub(super) units: BTreeMap<String, Unit>,
    pub(super) categories: Vec<Category>,
    /// District code → its hotline office's unit code.
    pub(super) district_offices: HashMap<String, String>,
    pub(super) city_office: String,
}

impl Catalog {
    /// The catalog built into the binary.
    pub fn embedded() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            let dir = Path::new("assets/dispatch");
            load::build(
                Source::new(&dir.join(UNITS_FILE), EMBEDDED_UNITS),
                Source::new(&dir.join(CATEGORIES_FILE), EMBEDDED_CATEGORIES),
            )
            .expect("the embedded catalog is validated by tests")
        })
    }

    /// A catalog from `units.toml` and `categories.toml` in `dir`.
    pub fn load_dir(dir: &Path) -> Result<Catalog, DispatchError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path)
                .map(|text| (path.clone(), text))
                .map_err(|source| DispatchError::Io { path, source })
        };
        let (units_path, units) = read(UNITS_FILE)?;
        let (categories_path, categories) = read(CATEGORIES_FILE)?;
        load::build(
            Source::new(&units_path, &units),
            Source::new(&categories_path, &categories),
        )
    }

    /// A unit listed in the catalog (streets are not listed; see `kind_of`).
    pub fn unit(&self, code: &str) -> Option<&Unit> {
        self.units.get(code)
    }

    pub fn units(&self) -> impl Iterator<Item = &Unit> {
        self.units.values()
    }

    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    pub fn category(&self, name: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.name == name)
    }

    /// Kind of any unit code, including a street derived from a division code in a known
    /// district. Whether the street exists is for the divisions data (`crate::geo`) to say.
    pub fn kind_of(&self, code: &str) -> Option<UnitKind> {
        match self.units.get(code) {
            Some(unit) => Some(unit.kind),
            None => street_district(code)
                .filter(|district| self.district_offices.contains_key(*district))
                .map(|_| UnitKind::Street),
        }
    }

    /// How a unit is shown in reasons and errors: its label, or the code of a street, whose
    /// name lives in the divisions data.
    pub(super) fn label(&self, code: &str) -> String {
        self.units
            .get(code)
            .map_or_else(|| code.to_string(), Unit::label)
    }

    /// The hotline office of a district, if the district is in the catalog.
    pub(super) fn district_office(&self, district: &str) -> Option<&Unit> {
        self.units.get(self.district_offices.get(district)?)
    }
}

/// The unit code of a street or township: "S" + its 9-digit division code.
pub fn street_unit_code(code9: &str) -> Result<String, DispatchError> {
    if is_digits(code9, 9) {
        Ok(format!("S{code9}"))
    } else {
        Err(DispatchError::BadStreetCode(code9.to_string()))
    }
}

/// The district part of a street unit code ("S150105001" → "150105").
pub(super) fn street_district(code: &str) -> Option<&str> {
    code.strip_prefix('S')
        .filter(|code9| is_digits(code9, 9))
        .map(|code9| &code9[..6])
}

pub(super) fn is_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_loads() {
        let cat = Catalog::embedded();
        assert!(cat.categories().len() >= 40, "{}", cat.categories().len());
        let water = cat.unit("U-WATER").unwrap();
        assert_eq!(water.name, "呼和浩特春华水务开发集团有限责任公司");
        assert!(water.confirmed);
        assert_eq!(
            cat.category("城乡建设-供热").unwrap().time_class,
            TimeClass::Utility
        );
        assert_eq!(
            cat.category("城市管理-占道").unwrap().lead,
            Party::Territorial
        );
    }

    #[test]
    fn every_territorial_unit_has_a_hotline_office() {
        let cat = Catalog::embedded();
        for unit in cat
            .units()
            .filter(|u| u.kind == UnitKind::DistrictGovernment)
        {
            let district = unit.district.as_deref().unwrap();
            assert!(cat.district_office(district).is_some(), "{}", unit.code);
        }
        assert_eq!(cat.district_offices.len(), 10);
    }

    #[test]
    fn utilities_use_the_24_hour_class() {
        // Art. 16(2), 22: 水电气热.
        for name in ["供水", "排水", "供电", "燃气", "供热"] {
            let c = Catalog::embedded()
                .category(&format!("城乡建设-{name}"))
                .unwrap();
            assert_eq!(c.time_class, TimeClass::Utility, "{name}");
            assert_eq!(c.working_days, None);
        }
    }

    #[test]
    fn unconfirmed_names_are_labelled() {
        let cat = Catalog::embedded();
        assert_eq!(
            cat.unit("C-MARKET").unwrap().label(),
            "呼和浩特市市场监督管理局（名称待确认）"
        );
        assert_eq!(
            cat.unit("C-HOUSING").unwrap().label(),
            "呼和浩特市住房和城乡建设局"
        );
        assert_eq!(
            cat.unit("U-HEATING").unwrap().label(),
            "呼和浩特市供热企业（待确认）"
        );
        assert!(cat.units().filter(|u| !u.confirmed).count() > 20);
    }

    #[test]
    fn street_codes_are_derived() {
        let cat = Catalog::embedded();
        assert_eq!(street_unit_code("150105001").unwrap(), "S150105001");
        assert!(matches!(
            street_unit_code("15010500"),
            Err(DispatchError::BadStreetCode(_))
        ));
        assert_eq!(cat.kind_of("S150105001"), Some(UnitKind::Street));
        assert_eq!(cat.kind_of("S990105001"), None, "district not in Hohhot");
        assert_eq!(cat.kind_of("S15010500"), None);
        assert_eq!(
            cat.kind_of("H150105"),
            Some(UnitKind::DistrictHotlineOffice)
        );
        assert_eq!(cat.kind_of("NOPE"), None);
    }
}
