//! Masking of caller identity in lists, logs and exports (Art. 32).

/// `张三丰` → `张**`: keeps the first character (the family name in most Chinese names).
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

/// `13904710000` → `139****0000`; landlines keep the area code and the last two digits.
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(|c| c.is_ascii_digit()).collect();
    let n = digits.len();
    let (keep_head, keep_tail) = match n {
        11 if digits[0] == '1' => (3, 4),
        11 | 12 if digits[0] == '0' => (4, 2),
        0..=4 => (0, 0),
        _ => (0, 2),
    };
    digits
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < keep_head || i >= n - keep_tail {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_family_name_only() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name(" 李 "), "李");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn mobiles_keep_prefix_and_last_four() {
        assert_eq!(mask_phone("13904710000"), "139****0000");
    }

    #[test]
    fn landlines_keep_area_code_and_last_two() {
        assert_eq!(mask_phone("0471-6961234"), "0471*****34");
        assert_eq!(mask_phone("6961234"), "*****34");
        assert_eq!(mask_phone("110"), "***");
    }
}
