//! Keyset pagination: the store fetches one row more than asked to know
//! whether there is a next page, and hands back the sort key of the last
//! row. The API turns that key into an opaque cursor.

/// The sort key of the last row of the previous page: (sort value, id).
pub type PageKey = (String, String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u32,
    pub after: Option<PageKey>,
}

impl PageRequest {
    pub const DEFAULT_LIMIT: u32 = 50;
    pub const MAX_LIMIT: u32 = 200;

    pub fn first(limit: u32) -> Self {
        Self {
            limit: limit.clamp(1, Self::MAX_LIMIT),
            after: None,
        }
    }

    pub fn after(&self) -> Option<(&str, &str)> {
        self.after.as_ref().map(|(a, b)| (a.as_str(), b.as_str()))
    }

    pub fn fetch_limit(&self) -> i64 {
        i64::from(self.limit) + 1
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Present when more rows follow.
    pub next: Option<PageKey>,
}

impl<T> Page<T> {
    pub fn from_fetched(mut items: Vec<T>, limit: u32, key: impl Fn(&T) -> PageKey) -> Self {
        let more = items.len() > limit as usize;
        items.truncate(limit as usize);
        let next = if more { items.last().map(key) } else { None };
        Self { items, next }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_row_means_next_page() {
        let p = Page::from_fetched(vec![1, 2, 3], 2, |n| (n.to_string(), String::new()));
        assert_eq!(p.items, [1, 2]);
        assert_eq!(p.next, Some(("2".to_string(), String::new())));
        let last = Page::from_fetched(vec![1, 2], 2, |n| (n.to_string(), String::new()));
        assert_eq!(last.next, None);
        assert_eq!(PageRequest::first(10_000).limit, PageRequest::MAX_LIMIT);
    }
}
