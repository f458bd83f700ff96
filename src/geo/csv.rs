//! A minimal reader for the embedded division CSVs (quoted fields, no embedded newlines).

use thiserror::Error;

#[derive(Debug, Error)]
pub enum CsvError {
    #[error("CSV header lacks column `{0}`")]
    MissingColumn(String),
    #[error("CSV line {line}: too few fields")]
    ShortRow { line: usize },
    #[error("alias refers to unknown county code {0}")]
    UnknownCode(String),
}

/// The `columns` of every data row, in the order asked for.
pub fn records(text: &str, columns: &[&str]) -> Result<Vec<Vec<String>>, CsvError> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = split(lines.next().unwrap_or_default());
    let idx: Vec<usize> = columns
        .iter()
        .map(|c| {
            header
                .iter()
                .position(|h| h == c)
                .ok_or_else(|| CsvError::MissingColumn((*c).to_owned()))
        })
        .collect::<Result<_, _>>()?;
    lines
        .enumerate()
        .map(|(n, line)| {
            let fields = split(line);
            idx.iter()
                .map(|&i| fields.get(i).cloned())
                .collect::<Option<Vec<_>>>()
                .ok_or(CsvError::ShortRow { line: n + 2 })
        })
        .collect()
}

fn split(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().expect("never empty").push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            _ => fields.last_mut().expect("never empty").push(c),
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_commas_stay_in_one_field() {
        let rows = records("a,b,c\n1,\"x, \"\"y\"\"\",3\n", &["c", "b"]).unwrap();
        assert_eq!(rows, vec![vec!["3".to_owned(), "x, \"y\"".to_owned()]]);
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(matches!(
            records("a\n1\n", &["b"]),
            Err(CsvError::MissingColumn(c)) if c == "b"
        ));
        assert!(matches!(
            records("a,b\n1\n", &["b"]),
            Err(CsvError::ShortRow { line: 2 })
        ));
    }
}
