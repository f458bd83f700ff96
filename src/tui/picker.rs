//! Candidates for the form's place and category fields, chosen by typing Chinese or pinyin.

use super::form::{Field, IntakeForm};
use crate::dispatch::Catalog;
use crate::geo::{Divisions, Place};

const MAX: usize = 6;

/// Candidate values for the focused field, best first (empty when none fit).
pub fn candidates(form: &IntakeForm) -> Vec<String> {
    let Some(text) = form.input(form.focus).map(|i| i.text().trim()) else {
        return Vec::new();
    };
    if text.is_empty() {
        return Vec::new();
    }
    let divisions = Divisions::embedded();
    let found: Vec<String> = match form.focus {
        Field::District => divisions
            .search(text)
            .into_iter()
            .filter_map(|p| match p {
                Place::County(c) => Some(c.name.clone()),
                Place::Street(_) => None,
            })
            .collect(),
        Field::Street => {
            let county = form
                .input(Field::District)
                .and_then(|d| divisions.resolve_district(d.text()))
                .map(|c| c.code.clone());
            divisions
                .search(text)
                .into_iter()
                .filter_map(|p| match p {
                    Place::Street(s) if county.as_ref().is_none_or(|c| *c == s.county_code) => {
                        Some(s.name.clone())
                    }
                    _ => None,
                })
                .collect()
        }
        Field::Category => {
            let needle = text.to_lowercase();
            Catalog::embedded()
                .categories()
                .iter()
                .filter(|c| c.name.to_lowercase().contains(&needle))
                .map(|c| c.name.clone())
                .collect()
        }
        _ => Vec::new(),
    };
    // A value already typed in full needs no picker.
    if found.len() == 1 && found[0] == text {
        return Vec::new();
    }
    found.into_iter().take(MAX).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(field: Field, text: &str) -> IntakeForm {
        let mut f = IntakeForm::default();
        f.focus = field;
        f.input_mut(field).unwrap().set(text);
        f
    }

    #[test]
    fn districts_by_chinese_and_pinyin() {
        assert_eq!(candidates(&form(Field::District, "赛罕"))[0], "赛罕区");
        assert_eq!(candidates(&form(Field::District, "shq"))[0], "赛罕区");
        assert!(candidates(&form(Field::District, "赛罕区")).is_empty());
    }

    #[test]
    fn streets_stay_inside_the_chosen_district() {
        let mut f = form(Field::Street, "街道");
        f.input_mut(Field::District).unwrap().set("赛罕区");
        let c = candidates(&f);
        assert!(!c.is_empty());
        let d = Divisions::embedded();
        for name in c {
            let s = d.resolve_street(Some("150105"), &name).unwrap();
            assert_eq!(s.county_code, "150105");
        }
    }

    #[test]
    fn categories_by_substring() {
        assert!(candidates(&form(Field::Category, "供热")).contains(&"城乡建设-供热".to_string()));
        assert!(candidates(&form(Field::Name, "供热")).is_empty());
    }
}
