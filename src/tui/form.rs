//! The intake form (受理表单): fields, focus, validation, and the draft that survives
//! pane switches and crashes.

use serde::{Deserialize, Serialize};

use super::input::TextInput;
use crate::domain::{Caller, Channel, Intake, Kind, Label, TimeClass};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Name,
    Phone,
    Channel,
    Kind,
    District,
    Street,
    Address,
    Category,
    TimeClass,
    Description,
}

impl Field {
    pub const ALL: [Field; 10] = [
        Field::Name,
        Field::Phone,
        Field::Channel,
        Field::Kind,
        Field::District,
        Field::Street,
        Field::Address,
        Field::Category,
        Field::TimeClass,
        Field::Description,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "姓名",
            Field::Phone => "电话",
            Field::Channel => "渠道",
            Field::Kind => "类型",
            Field::District => "区县",
            Field::Street => "街道",
            Field::Address => "地址",
            Field::Category => "分类",
            Field::TimeClass => "时限",
            Field::Description => "诉求",
        }
    }

    pub fn is_choice(self) -> bool {
        matches!(self, Field::Channel | Field::Kind | Field::TimeClass)
    }
}

/// Everything typed so far, including invalid values: saved as JSON so nothing is lost.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub name: String,
    pub phone: String,
    pub channel: Option<Channel>,
    pub kind: Option<Kind>,
    pub district: String,
    pub street: String,
    pub address: String,
    pub category: String,
    pub time_class: Option<TimeClass>,
    pub description: String,
    pub kb_ref: Option<String>,
}

#[derive(Debug, Clone)]
pub struct IntakeForm {
    pub focus: Field,
    name: TextInput,
    phone: TextInput,
    district: TextInput,
    street: TextInput,
    address: TextInput,
    category: TextInput,
    description: TextInput,
    pub channel: Channel,
    pub kind: Kind,
    /// None: let the check suggest the class.
    pub time_class: Option<TimeClass>,
    pub kb_ref: Option<String>,
    /// Inline errors from the last submit, by field.
    pub errors: Vec<(Field, String)>,
}

impl Default for IntakeForm {
    fn default() -> Self {
        Self {
            focus: Field::Name,
            name: TextInput::single_line(),
            phone: TextInput::single_line(),
            district: TextInput::single_line(),
            street: TextInput::single_line(),
            address: TextInput::single_line(),
            category: TextInput::single_line(),
            description: TextInput::multi_line(),
            channel: Channel::Phone,
            kind: Kind::Consult,
            time_class: None,
            kb_ref: None,
            errors: Vec::new(),
        }
    }
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn cycle<T: Label + PartialEq>(current: T, step: isize) -> T {
    let all = T::ALL;
    let i = all.iter().position(|x| *x == current).unwrap_or(0) as isize;
    all[(i + step).rem_euclid(all.len() as isize) as usize]
}

impl IntakeForm {
    pub fn input(&self, field: Field) -> Option<&TextInput> {
        match field {
            Field::Name => Some(&self.name),
            Field::Phone => Some(&self.phone),
            Field::District => Some(&self.district),
            Field::Street => Some(&self.street),
            Field::Address => Some(&self.address),
            Field::Category => Some(&self.category),
            Field::Description => Some(&self.description),
            Field::Channel | Field::Kind | Field::TimeClass => None,
        }
    }

    pub fn input_mut(&mut self, field: Field) -> Option<&mut TextInput> {
        match field {
            Field::Name => Some(&mut self.name),
            Field::Phone => Some(&mut self.phone),
            Field::District => Some(&mut self.district),
            Field::Street => Some(&mut self.street),
            Field::Address => Some(&mut self.address),
            Field::Category => Some(&mut self.category),
            Field::Description => Some(&mut self.description),
            Field::Channel | Field::Kind | Field::TimeClass => None,
        }
    }

    /// The text shown for a choice field.
    pub fn choice_text(&self, field: Field) -> &'static str {
        match field {
            Field::Channel => self.channel.label(),
            Field::Kind => self.kind.label(),
            Field::TimeClass => self.time_class.map_or("自动建议", Label::label),
            _ => "",
        }
    }

    pub fn focus_step(&mut self, step: isize) {
        let i = Field::ALL
            .iter()
            .position(|f| *f == self.focus)
            .unwrap_or(0) as isize;
        self.focus = Field::ALL[(i + step).rem_euclid(Field::ALL.len() as isize) as usize];
    }

    /// Left/right (or space) on a choice field.
    pub fn cycle_choice(&mut self, step: isize) {
        match self.focus {
            Field::Channel => self.channel = cycle(self.channel, step),
            Field::Kind => self.kind = cycle(self.kind, step),
            Field::TimeClass => {
                // None ("auto") sits before the first class.
                let all = TimeClass::ALL;
                let i = self
                    .time_class
                    .and_then(|c| all.iter().position(|x| *x == c))
                    .map_or(0, |i| i as isize + 1);
                let n = (i + step).rem_euclid(all.len() as isize + 1);
                self.time_class = (n > 0).then(|| all[n as usize - 1]);
            }
            _ => {}
        }
    }

    pub fn error(&self, field: Field) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.draft() == Self::default().draft()
    }

    /// The intake as typed, valid or not (for the live check).
    pub fn raw_intake(&self) -> Intake {
        Intake {
            caller: Caller {
                name: self.name.text().trim().to_string(),
                phone: self.phone.text().trim().to_string(),
            },
            channel: self.channel,
            kind: self.kind,
            district: opt(self.district.text()),
            street: opt(self.street.text()),
            address: opt(self.address.text()),
            description: self.description.text().trim().to_string(),
            category: opt(self.category.text()),
            time_class: self.time_class,
            kb_ref: self.kb_ref.clone(),
        }
    }

    /// Build the intake, or the inline errors (the form keeps every value either way).
    pub fn to_intake(&self) -> Result<Intake, Vec<(Field, String)>> {
        let intake = self.raw_intake();
        crate::intake::validate(&intake).map_err(|errors| {
            errors
                .iter()
                .map(|e| {
                    let field = match e.field() {
                        "name" => Field::Name,
                        "phone" => Field::Phone,
                        "district" => Field::District,
                        "street" => Field::Street,
                        _ => Field::Description,
                    };
                    (field, e.to_string())
                })
                .collect::<Vec<_>>()
        })?;
        Ok(intake)
    }

    pub fn draft(&self) -> Draft {
        Draft {
            name: self.name.text().to_string(),
            phone: self.phone.text().to_string(),
            channel: Some(self.channel),
            kind: Some(self.kind),
            district: self.district.text().to_string(),
            street: self.street.text().to_string(),
            address: self.address.text().to_string(),
            category: self.category.text().to_string(),
            time_class: self.time_class,
            description: self.description.text().to_string(),
            kb_ref: self.kb_ref.clone(),
        }
    }

    pub fn from_draft(d: &Draft) -> Self {
        let mut f = Self::default();
        f.name.set(&d.name);
        f.phone.set(&d.phone);
        f.district.set(&d.district);
        f.street.set(&d.street);
        f.address.set(&d.address);
        f.category.set(&d.category);
        f.description.set(&d.description);
        f.channel = d.channel.unwrap_or(Channel::Phone);
        f.kind = d.kind.unwrap_or(Kind::Consult);
        f.time_class = d.time_class;
        f.kb_ref = d.kb_ref.clone();
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_form_keeps_values_and_names_fields() {
        let mut f = IntakeForm::default();
        f.input_mut(Field::Phone).unwrap().set("123");
        f.input_mut(Field::Address).unwrap().set("大学东街");
        let errs = f.to_intake().unwrap_err();
        let fields: Vec<Field> = errs.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec![Field::Name, Field::Phone, Field::Description]);
        assert_eq!(f.input(Field::Address).unwrap().text(), "大学东街");
    }

    #[test]
    fn draft_round_trips() {
        let mut f = IntakeForm::default();
        f.input_mut(Field::Description).unwrap().set("停水\n两天");
        f.focus = Field::Kind;
        f.cycle_choice(2);
        f.focus = Field::TimeClass;
        f.cycle_choice(-1);
        let d = f.draft();
        assert_eq!(d.kind, Some(Kind::Complaint));
        assert_eq!(d.time_class, Some(TimeClass::Statutory));
        let json = serde_json::to_string(&d).unwrap();
        let back: Draft = serde_json::from_str(&json).unwrap();
        assert_eq!(IntakeForm::from_draft(&back).draft(), d);
    }

    #[test]
    fn valid_form_builds_intake() {
        let mut f = IntakeForm::default();
        f.input_mut(Field::Name).unwrap().set("张先生");
        f.input_mut(Field::Phone).unwrap().set("13904710000");
        f.input_mut(Field::Description)
            .unwrap()
            .set("  小区停水两天了 ");
        let i = f.to_intake().unwrap();
        assert_eq!(i.description, "小区停水两天了");
        assert_eq!(i.address, None);
        assert!(!f.is_empty());
        assert!(IntakeForm::default().is_empty());
    }
}
