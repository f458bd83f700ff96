//! Field validation of the intake form, with messages for the agent.

use crate::domain::Intake;
use crate::geo::Divisions;
use thiserror::Error;

const MAX_DESCRIPTION: usize = 2000;
const MAX_NAME: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FieldError {
    #[error("联系电话格式不正确：应为11位手机号，或7-8位座机号（可加0471区号）")]
    Phone,
    #[error("诉求内容不能为空")]
    DescriptionEmpty,
    #[error("诉求内容不能超过{MAX_DESCRIPTION}字（当前{0}字）")]
    DescriptionTooLong(usize),
    #[error("诉求内容含有不可见的控制字符，请删除后再提交")]
    DescriptionControl,
    #[error("诉求人姓名不能为空")]
    NameEmpty,
    #[error("诉求人姓名不能超过{MAX_NAME}字")]
    NameTooLong,
    #[error("区县“{0}”不是呼和浩特市的行政区划")]
    District(String),
    #[error("街道（乡镇）“{0}”无法识别，请从列表中选择")]
    Street(String),
}

impl FieldError {
    /// The form field the error belongs to, for placing the message.
    pub fn field(&self) -> &'static str {
        match self {
            FieldError::Phone => "phone",
            FieldError::DescriptionEmpty
            | FieldError::DescriptionTooLong(_)
            | FieldError::DescriptionControl => "description",
            FieldError::NameEmpty | FieldError::NameTooLong => "name",
            FieldError::District(_) => "district",
            FieldError::Street(_) => "street",
        }
    }
}

/// All problems of the form at once, so the agent can fix them in one pass.
pub fn validate(intake: &Intake) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = intake.caller.name.trim();
    if name.is_empty() {
        errors.push(FieldError::NameEmpty);
    } else if name.chars().count() > MAX_NAME {
        errors.push(FieldError::NameTooLong);
    }
    if !valid_phone(intake.caller.phone.trim()) {
        errors.push(FieldError::Phone);
    }
    let description = &intake.description;
    let len = description.chars().count();
    if description.trim().is_empty() {
        errors.push(FieldError::DescriptionEmpty);
    } else if len > MAX_DESCRIPTION {
        errors.push(FieldError::DescriptionTooLong(len));
    }
    if description
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        errors.push(FieldError::DescriptionControl);
    }
    let divisions = Divisions::embedded();
    let district = given(&intake.district);
    if let Some(d) = district.filter(|d| divisions.resolve_district(d).is_none()) {
        errors.push(FieldError::District(d.to_owned()));
    }
    let county_ok = district.is_none_or(|d| divisions.resolve_district(d).is_some());
    if let Some(s) = given(&intake.street)
        && county_ok
        && divisions.resolve_street(district, s).is_none()
    {
        errors.push(FieldError::Street(s.to_owned()));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn given(field: &Option<String>) -> Option<&str> {
    field.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// 11-digit mobile (1[3-9]…), or a 7–8 digit landline with optional 0471 / 0471- prefix.
fn valid_phone(phone: &str) -> bool {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mobile = phone.len() == 11
        && all_digits(phone)
        && phone.starts_with('1')
        && matches!(phone.as_bytes()[1], b'3'..=b'9');
    let local = phone
        .strip_prefix("0471-")
        .or_else(|| phone.strip_prefix("0471"))
        .unwrap_or(phone);
    let landline = (7..=8).contains(&local.len()) && all_digits(local) && !local.starts_with('0');
    mobile || landline
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Caller, Channel, Kind};

    fn intake() -> Intake {
        Intake {
            caller: Caller {
                name: "王五".into(),
                phone: "13904710000".into(),
            },
            channel: Channel::Phone,
            kind: Kind::Help,
            district: Some("赛罕区".into()),
            street: Some("大学东路街道".into()),
            address: None,
            description: "小区停水".into(),
            category: None,
            time_class: None,
            kb_ref: None,
        }
    }

    #[test]
    fn a_good_form_passes() {
        assert_eq!(validate(&intake()), Ok(()));
    }

    #[test]
    fn phones() {
        for ok in [
            "13904710000",
            "19912345678",
            "6961234",
            "69612345",
            "04716961234",
            "0471-69612345",
        ] {
            assert!(valid_phone(ok), "{ok}");
        }
        for bad in [
            "12904710000",
            "1390471000",
            "139047100001",
            "0472-6961234",
            "696123",
            "0471-0961234",
            "139a4710000",
            "",
        ] {
            assert!(!valid_phone(bad), "{bad}");
        }
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let mut i = intake();
        i.caller.name = " ".into();
        i.caller.phone = "123".into();
        i.description = "停水\u{7}".into();
        i.district = Some("昆都仑区".into());
        let errors = validate(&i).unwrap_err();
        let fields: Vec<_> = errors.iter().map(FieldError::field).collect();
        assert_eq!(fields, ["name", "phone", "description", "district"]);
        assert!(errors[3].to_string().contains("昆都仑区"));
    }

    #[test]
    fn lengths_and_whitespace() {
        let mut i = intake();
        i.description = "水".repeat(2001);
        i.caller.name = "名".repeat(51);
        assert_eq!(
            validate(&i).unwrap_err(),
            [
                FieldError::NameTooLong,
                FieldError::DescriptionTooLong(2001)
            ]
        );
        i.description = "第一行\n\t第二行".into();
        i.caller.name = "名".repeat(50);
        assert_eq!(validate(&i), Ok(()));
    }

    #[test]
    fn street_must_belong_to_the_district() {
        let mut i = intake();
        i.street = Some("察素齐镇".into());
        assert_eq!(
            validate(&i).unwrap_err(),
            [FieldError::Street("察素齐镇".into())]
        );
        i.district = None;
        assert_eq!(validate(&i), Ok(()));
    }
}
