//! Keyset pages: `?limit=&cursor=`, ordered by id, `{"items": [...], "next_cursor": id|null}`.
//! Every roster list and the history of an object page this way.

use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{Error, Result};

/// Rows per page when `limit` is not given, and the most a page may hold.
pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

/// One page of a list, ordered by id. Pass `next_cursor` back as `cursor` for the next page;
/// it is null on the last one.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<i64>,
}

impl<T> Page<T> {
    /// The same page with each item turned into another value.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

/// Where a page starts and how long it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    pub limit: i64,
    /// Rows with an id above this one.
    pub after: i64,
}

impl Paging {
    /// The longest page, from the start: what the roster pages show.
    pub fn first(limit: i64) -> Paging {
        Paging {
            limit: limit.clamp(1, MAX_LIMIT),
            after: 0,
        }
    }

    /// `limit` defaults to 50 and is capped at 500; below 1 is refused.
    pub fn new(limit: Option<i64>, cursor: Option<i64>) -> Result<Paging> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if limit < 1 {
            return Err(Error::query("limit"));
        }
        Ok(Paging {
            limit: limit.min(MAX_LIMIT),
            after: cursor.unwrap_or(0),
        })
    }

    /// Cuts the `limit + 1` rows fetched into a page and the cursor of the next one.
    pub fn page<T>(&self, mut rows: Vec<T>, id: impl Fn(&T) -> i64) -> Page<T> {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(id)
        } else {
            None
        };
        Page {
            items: rows,
            next_cursor,
        }
    }
}

/// A `LIKE` pattern matching names that contain `q`, with `\` as the escape character.
pub fn contains_pattern(q: &str) -> String {
    let mut p = String::from("%");
    for c in q.trim().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cut_one_past_the_limit() {
        let p = Paging::new(Some(2), None).unwrap();
        assert_eq!(p.after, 0);
        let page = p.page(vec![1, 2, 3], |x| *x);
        assert_eq!((page.items, page.next_cursor), (vec![1, 2], Some(2)));
        let page = p.page(vec![4, 5], |x| *x);
        assert_eq!(page.next_cursor, None);
        assert_eq!(Paging::new(Some(9999), Some(7)).unwrap().limit, MAX_LIMIT);
        assert_eq!(Paging::new(None, None).unwrap().limit, DEFAULT_LIMIT);
        assert!(Paging::new(Some(0), None).is_err());
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern(" 3号楼 "), "%3号楼%");
        assert_eq!(contains_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
