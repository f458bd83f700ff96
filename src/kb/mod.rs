//! The knowledge base (Art. 14, 31): articles loaded and checked, and the search agents use first.

mod article;
mod check;
mod index;
mod load;
mod pinyin;
mod search;
mod text;

use std::path::PathBuf;

pub use article::Article;
pub use check::{Diagnostic, Report, Severity};
pub use index::Index;
pub use load::{check_dir, load_dir, load_embedded};
pub use search::{Hit, MatchedBy};

#[derive(Debug, thiserror::Error)]
pub enum KbError {
    #[error("无法读取知识库 {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A loaded knowledge base: the articles that passed the checks, in path order.
#[derive(Debug, Clone, Default)]
pub struct Kb {
    articles: Vec<Article>,
}

impl Kb {
    pub fn new(articles: Vec<Article>) -> Self {
        Kb { articles }
    }

    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    pub fn get(&self, id: &str) -> Option<&Article> {
        self.articles.iter().find(|a| a.id == id)
    }
}
