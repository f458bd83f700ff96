//! Art. 15: the suggested dispatch of a ticket from its category and place.

use serde::Serialize;

use super::DispatchError;
use super::catalog::{Catalog, Category, Party, Unit, street_district, street_unit_code};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Routing {
    pub lead: String,
    pub assisting: Vec<String>,
    /// Why, in Chinese, citing the article; shown to the agent and kept on the ticket.
    pub reason: String,
}

/// Where the matter is: the district's hotline office and the street unit, when known.
struct Place<'a> {
    office: Option<&'a Unit>,
    street: Option<String>,
}

impl Place<'_> {
    /// The units standing for the territorial side.
    fn territorial(&self) -> Vec<String> {
        self.office
            .map(|office| office.code.clone())
            .into_iter()
            .chain(self.street.clone())
            .collect()
    }
}

impl Catalog {
    /// Suggests lead and assisting units. `district_code` is a 6-digit division code,
    /// `street_code` a 9-digit one (its first six digits give the district when none is given).
    pub fn route(
        &self,
        category: &str,
        district_code: Option<&str>,
        street_code: Option<&str>,
    ) -> Result<Routing, DispatchError> {
        let place = self.place(district_code, street_code)?;
        Ok(match self.category(category) {
            None => self.undetermined(
                &place,
                format!("「{category}」未列入派单目录，权责不明确"),
                Vec::new(),
            ),
            Some(cat) => match &cat.lead {
                Party::Unit(lead) => self.clear_duty(cat, lead, &place),
                Party::Territorial => self.territorial(cat, &place),
            },
        })
    }

    fn place(
        &self,
        district: Option<&str>,
        street: Option<&str>,
    ) -> Result<Place<'_>, DispatchError> {
        let street = street.map(street_unit_code).transpose()?;
        let street_in = street.as_deref().and_then(street_district);
        let district = match (district, street_in) {
            (Some(d), Some(s)) if d != s => {
                return Err(DispatchError::StreetOutsideDistrict {
                    street: street.unwrap_or_default(),
                    district: d.to_string(),
                });
            }
            (d, s) => d.or(s),
        };
        let office = district
            .map(|d| {
                self.district_office(d)
                    .ok_or_else(|| DispatchError::UnknownDistrict(d.to_string()))
            })
            .transpose()?;
        Ok(Place { office, street })
    }

    /// Art. 15(1): a clear duty goes straight to the city unit; a territorial part of the
    /// category goes along as assisting when the place is known.
    fn clear_duty(&self, cat: &Category, lead: &str, place: &Place) -> Routing {
        let mut assisting = Vec::new();
        let mut pending_territorial = false;
        for party in &cat.assisting {
            match party {
                Party::Unit(code) => assisting.push(code.clone()),
                Party::Territorial if place.office.is_some() => {
                    assisting.extend(place.territorial())
                }
                Party::Territorial => pending_territorial = true,
            }
        }
        let mut reason = format!(
            "「{}」权责明确，直接派至市级承办单位{}（条例第十五条第一项）",
            cat.name,
            self.label(lead)
        );
        if pending_territorial {
            reason.push_str("；属地协办单位待确定所在旗县区后补派");
        }
        self.finish(lead.to_string(), assisting, reason)
    }

    /// Art. 15(1): a territorial matter goes to the district's hotline office; without a
    /// district the jurisdiction is unclear (Art. 15(3)).
    fn territorial(&self, cat: &Category, place: &Place) -> Routing {
        let mut assisting: Vec<String> = cat
            .assisting
            .iter()
            .filter_map(|party| match party {
                Party::Unit(code) => Some(code.clone()),
                Party::Territorial => None,
            })
            .collect();
        match place.office {
            Some(office) => {
                assisting.extend(place.street.clone());
                let reason = format!(
                    "「{}」按属地管理直接派至{}（条例第十五条第一项）",
                    cat.name,
                    office.label()
                );
                self.finish(office.code.clone(), assisting, reason)
            }
            None => self.undetermined(
                place,
                format!("「{}」属属地事项，但未确定所在旗县区", cat.name),
                assisting,
            ),
        }
    }

    /// Art. 15(3): the district's hotline office, or the city's, dispatches by the mechanism.
    fn undetermined(&self, place: &Place, why: String, assisting: Vec<String>) -> Routing {
        let lead = place
            .office
            .map_or(&self.city_office, |office| &office.code);
        let reason = format!(
            "{why}，由{}依照派单工作机制确定承办单位（条例第十五条第三项）",
            self.label(lead)
        );
        self.finish(lead.clone(), assisting, reason)
    }

    /// Adds the double-dispatch clause (Art. 15(2), 17) when units assist.
    fn finish(&self, lead: String, assisting: Vec<String>, mut reason: String) -> Routing {
        if !assisting.is_empty() {
            reason.push_str(&format!(
                "；涉及多个单位，工单双派，{}协办（条例第十五条第二项、第十七条）",
                assisting
                    .iter()
                    .map(|code| self.label(code))
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        Routing {
            lead,
            assisting,
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(category: &str, district: Option<&str>, street: Option<&str>) -> Routing {
        Catalog::embedded()
            .route(category, district, street)
            .unwrap()
    }

    #[test]
    fn clear_duty_goes_to_the_city_unit() {
        let r = route("城乡建设-供水", Some("150105"), None);
        assert_eq!(r.lead, "U-WATER");
        assert!(r.assisting.is_empty());
        assert!(r.reason.contains("第十五条第一项") && r.reason.contains("春华水务"));
        assert!(!r.reason.contains("双派"));
    }

    #[test]
    fn clear_duty_with_territorial_part_is_double_dispatched() {
        let r = route("劳动保障-欠薪", Some("150105"), Some("150105001"));
        assert_eq!(r.lead, "C-HRSS");
        assert_eq!(r.assisting, ["H150105", "S150105001"]);
        assert!(r.reason.contains("第十五条第二项") && r.reason.contains("名称待确认"));

        let r = route("劳动保障-欠薪", None, None);
        assert_eq!(r.lead, "C-HRSS");
        assert!(r.assisting.is_empty());
        assert!(r.reason.contains("待确定所在旗县区后补派"), "{}", r.reason);
    }

    #[test]
    fn territorial_goes_to_the_district_hotline_office() {
        let r = route("城市管理-占道", Some("150121"), None);
        assert_eq!(r.lead, "H150121");
        assert!(r.assisting.is_empty());
        assert!(r.reason.contains("属地管理") && r.reason.contains("土默特左旗"));

        // The street alone gives the district; it joins as assisting.
        let r = route("城乡建设-物业管理", None, Some("150102001"));
        assert_eq!(r.lead, "H150102");
        assert_eq!(r.assisting, ["C-HOUSING", "S150102001"]);
    }

    #[test]
    fn territorial_without_district_goes_to_the_city_office() {
        let r = route("城市管理-占道", None, None);
        assert_eq!(r.lead, "C-HOTLINE");
        assert!(r.reason.contains("第十五条第三项") && r.reason.contains("未确定所在旗县区"));
    }

    #[test]
    fn unknown_category_is_decided_by_the_hotline_office() {
        let r = route("外星-来访", Some("150104"), None);
        assert_eq!(r.lead, "H150104");
        assert!(r.assisting.is_empty());
        assert!(r.reason.contains("未列入派单目录") && r.reason.contains("第十五条第三项"));
        assert_eq!(route("外星-来访", None, None).lead, "C-HOTLINE");
    }

    #[test]
    fn bad_places_are_errors() {
        let cat = Catalog::embedded();
        let err = cat
            .route("城市管理-占道", Some("110105"), None)
            .unwrap_err();
        assert!(matches!(err, DispatchError::UnknownDistrict(d) if d == "110105"));
        let err = cat.route("城市管理-占道", None, Some("1501")).unwrap_err();
        assert!(matches!(err, DispatchError::BadStreetCode(_)));
        let err = cat
            .route("城市管理-占道", Some("150102"), Some("150105001"))
            .unwrap_err();
        assert!(matches!(err, DispatchError::StreetOutsideDistrict { .. }));
        let err = cat
            .route("城市管理-占道", None, Some("990105001"))
            .unwrap_err();
        assert!(matches!(err, DispatchError::UnknownDistrict(d) if d == "990105"));
    }

    #[test]
    fn every_suggestion_passes_the_assignment_rules() {
        let cat = Catalog::embedded();
        let places = [
            (None, None),
            (Some("150105"), None),
            (Some("150125"), Some("150125100")),
        ];
        for c in cat.categories() {
            for (district, street) in places {
                let r = cat.route(&c.name, district, street).unwrap();
                cat.validate_assignment(&r.lead, &r.assisting, &c.name, false)
                    .unwrap_or_else(|e| panic!("{}: {e}", c.name));
            }
        }
    }
}
