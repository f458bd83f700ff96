//! The knowledge-base pane (Art. 14, 31): a query typed like any field, results that
//! update on every keystroke (searched off the input path), and the answer to read aloud.

use std::sync::Arc;

use chrono::NaiveDate;

use super::input::TextInput;
use crate::kb::{Article, Hit, Index, Kb};

/// A loaded knowledge base with its index, shared with the search workers.
pub struct KbBase {
    pub kb: Kb,
    pub index: Index,
    pub today: NaiveDate,
}

impl std::fmt::Debug for KbBase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KbBase({} articles)", self.kb.articles().len())
    }
}

impl KbBase {
    pub fn new(kb: Kb, today: NaiveDate) -> Arc<Self> {
        let index = Index::build(&kb);
        Arc::new(Self { kb, index, today })
    }

    pub fn search(&self, query: &str) -> Vec<Hit> {
        self.index.search(query, 30)
    }

    pub fn article(&self, hit: &Hit) -> Option<&Article> {
        self.kb.articles().get(hit.article)
    }
}

#[derive(Debug, Default)]
pub struct KbPane {
    pub base: Option<Arc<KbBase>>,
    pub query: TextInput,
    pub hits: Vec<Hit>,
    pub selected: usize,
    /// Sequence of the newest search sent; older results are dropped when they arrive.
    pub sent: u64,
    pub scroll: u16,
}

impl KbPane {
    pub fn selected_article(&self) -> Option<&Article> {
        let base = self.base.as_ref()?;
        base.article(self.hits.get(self.selected)?)
    }

    pub fn select(&mut self, step: isize) {
        let n = self.hits.len();
        if n > 0 {
            self.selected = (self.selected as isize + step).clamp(0, n as isize - 1) as usize;
            self.scroll = 0;
        }
    }

    /// Take results for search `seq` unless a newer one is already out.
    pub fn receive(&mut self, seq: u64, hits: Vec<Hit>) {
        if seq == self.sent {
            self.hits = hits;
            self.selected = 0;
            self.scroll = 0;
        }
    }
}
