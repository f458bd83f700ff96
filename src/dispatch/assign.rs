//! Checks an assignment of lead and assisting units against Art. 17, 21 and 23.

use std::collections::HashSet;

use super::DispatchError;
use super::catalog::{Catalog, Party, UnitKind};

impl Catalog {
    /// Whether `lead` may lead `category` with `assisting` helping. `volunteer_consent`: the
    /// caller agreed to a volunteer organisation taking part (Art. 23). A category missing
    /// from the catalog has no known department duty, so only the general rules apply.
    pub fn validate_assignment(
        &self,
        lead: &str,
        assisting: &[String],
        category: &str,
        volunteer_consent: bool,
    ) -> Result<(), DispatchError> {
        let kind = |code: &str| {
            self.kind_of(code)
                .ok_or_else(|| DispatchError::UnknownUnit(code.to_string()))
        };
        let lead_kind = kind(lead)?;
        let mut seen = HashSet::new();
        let mut volunteer = lead_kind == UnitKind::Volunteer;
        for code in assisting {
            volunteer |= kind(code)? == UnitKind::Volunteer;
            if code == lead {
                return Err(DispatchError::LeadAlsoAssisting(self.label(lead)));
            }
            if !seen.insert(code.as_str()) {
                return Err(DispatchError::DuplicateAssisting(self.label(code)));
            }
        }
        if let Some(departments) = self.department_duty(category) {
            let category = category.to_string();
            match lead_kind {
                // Art. 21(2): streets and townships may lead territorial matters only.
                UnitKind::Street => {
                    return Err(DispatchError::StreetCannotLead {
                        category,
                        lead: lead.to_string(),
                    });
                }
                // Art. 23: volunteers take what lies beyond the units' duties.
                UnitKind::Volunteer => return Err(DispatchError::VolunteerCannotLead { category }),
                // Art. 21(1): with the department involved, the duty is disputed, and the
                // city department leads.
                UnitKind::DistrictGovernment | UnitKind::DistrictHotlineOffice => {
                    if let Some(department) = departments.iter().find(|d| seen.contains(**d)) {
                        return Err(DispatchError::CityDepartmentMustLead {
                            department: self.label(department),
                            lead: self.label(lead),
                        });
                    }
                }
                _ => {}
            }
        }
        if volunteer && !volunteer_consent {
            return Err(DispatchError::VolunteerNeedsConsent);
        }
        Ok(())
    }

    /// The city departments a category names when it is a department's duty (its lead is a
    /// city department); `None` for territorial, utility-led and unknown categories.
    fn department_duty(&self, category: &str) -> Option<Vec<&str>> {
        let cat = self.category(category)?;
        let is_department = |code: &str| self.kind_of(code) == Some(UnitKind::CityDepartment);
        if !matches!(&cat.lead, Party::Unit(lead) if is_department(lead)) {
            return None;
        }
        let parties = std::iter::once(&cat.lead).chain(&cat.assisting);
        Some(
            parties
                .filter_map(|party| match party {
                    Party::Unit(code) if is_department(code) => Some(code.as_str()),
                    _ => None,
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(
        lead: &str,
        assisting: &[&str],
        category: &str,
        consent: bool,
    ) -> Result<(), DispatchError> {
        let assisting: Vec<String> = assisting.iter().map(|s| s.to_string()).collect();
        Catalog::embedded().validate_assignment(lead, &assisting, category, consent)
    }

    #[test]
    fn plain_assignments_pass() {
        check(
            "C-MARKET",
            &["H150105", "S150105001"],
            "市场监管-食品安全",
            false,
        )
        .unwrap();
        check(
            "H150105",
            &["S150105001", "C-URBAN"],
            "城市管理-违章建筑",
            false,
        )
        .unwrap();
        // Art. 21(2): a street may lead a territorial matter.
        check("S150105001", &["H150105"], "城市管理-占道", false).unwrap();
        // A district may lead a department's category when no city department is involved.
        check("G150105", &["S150105001"], "市场监管-消费维权", false).unwrap();
    }

    #[test]
    fn unknown_units_are_rejected() {
        let err = check("C-NONE", &[], "城市管理-占道", false).unwrap_err();
        assert!(matches!(err, DispatchError::UnknownUnit(c) if c == "C-NONE"));
        let err = check("H150105", &["S990105001"], "城市管理-占道", false).unwrap_err();
        assert!(matches!(err, DispatchError::UnknownUnit(_)));
    }

    #[test]
    fn lead_cannot_also_assist() {
        let err = check("C-HRSS", &["H150105", "C-HRSS"], "劳动保障-欠薪", false).unwrap_err();
        assert!(matches!(err, DispatchError::LeadAlsoAssisting(_)));
        assert!(err.to_string().contains("第十七条"));
    }

    #[test]
    fn duplicate_assisting_is_rejected() {
        let err = check("C-HRSS", &["H150105", "H150105"], "劳动保障-欠薪", false).unwrap_err();
        assert!(matches!(err, DispatchError::DuplicateAssisting(_)));
    }

    #[test]
    fn city_department_leads_in_a_dispute_with_a_district() {
        for lead in ["H150105", "G150105"] {
            let err = check(lead, &["C-HRSS"], "劳动保障-欠薪", false).unwrap_err();
            assert!(
                matches!(err, DispatchError::CityDepartmentMustLead { .. }),
                "{lead}"
            );
            let msg = err.to_string();
            assert!(
                msg.contains("第二十一条第一款") && msg.contains("人力资源和社会保障局"),
                "{msg}"
            );
        }
        // Also when the department is one the category names as assisting.
        let err = check("H150105", &["C-HOUSING"], "城乡建设-建筑施工", false).unwrap_err();
        assert!(matches!(err, DispatchError::CityDepartmentMustLead { .. }));
        // Not a department's duty: the district leads with the bureau assisting.
        check("H150105", &["C-HOUSING"], "城乡建设-物业管理", false).unwrap();
    }

    #[test]
    fn street_never_leads_a_department_duty() {
        let err = check("S150105001", &[], "市场监管-消费维权", false).unwrap_err();
        assert!(matches!(err, DispatchError::StreetCannotLead { .. }));
        assert!(err.to_string().contains("第二十一条第二款"));
        let err = check("S150105001", &["C-MARKET"], "市场监管-消费维权", false).unwrap_err();
        assert!(matches!(err, DispatchError::StreetCannotLead { .. }));
    }

    #[test]
    fn volunteer_never_leads_a_department_duty() {
        let err = check("V-VOLUNTEER", &[], "民政服务-养老服务", true).unwrap_err();
        assert!(matches!(err, DispatchError::VolunteerCannotLead { .. }));
        assert!(err.to_string().contains("第二十三条"));
    }

    #[test]
    fn volunteer_needs_the_callers_consent() {
        let err = check("V-VOLUNTEER", &["S150105001"], "社区事务-邻里纠纷", false).unwrap_err();
        assert!(matches!(err, DispatchError::VolunteerNeedsConsent));
        check("V-VOLUNTEER", &["S150105001"], "社区事务-邻里纠纷", true).unwrap();
        // As assisting, too.
        let err = check(
            "C-CIVIL-AFFAIRS",
            &["V-VOLUNTEER"],
            "民政服务-养老服务",
            false,
        )
        .unwrap_err();
        assert!(matches!(err, DispatchError::VolunteerNeedsConsent));
        check(
            "C-CIVIL-AFFAIRS",
            &["V-VOLUNTEER"],
            "民政服务-养老服务",
            true,
        )
        .unwrap();
        // Outside the catalog: no known duty, so a consenting volunteer may lead.
        check("V-VOLUNTEER", &[], "其他-陪同就医", true).unwrap();
    }
}
