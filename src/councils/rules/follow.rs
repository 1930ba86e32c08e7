//! Follow-through (accountability, like Decidim's): each decision becomes items with an
//! owner, a due date and a progress of 0–100 %; a parent item's progress is derived from
//! its children; an unfinished item past its due day is overdue.
//!
//! **A parent's progress is the mean of its children's, rounded down**, each child weighing
//! the same whatever its own size (as Decidim averages its children), cancelled children
//! left out. Rounding down means a parent shows 100 % only when every child is done: 99 %
//! and 100 % make 99 %, never a "done" that is not. A parent whose children are all
//! cancelled (or that has none) shows its own progress. Weights were left out on purpose:
//! nobody enters them reliably, and an unweighted mean is what residents can check.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use crate::clock::{Millis, china};
use crate::councils::model::{FollowStatus, Progress};

/// The progress a parent derives from its children's, or `None` without children.
pub fn derived(children: &[Progress]) -> Option<Progress> {
    if children.is_empty() {
        return None;
    }
    let sum: u64 = children.iter().map(|p| u64::from(p.percent())).sum();
    let mean = sum / children.len() as u64;
    Progress::new(mean as i64).ok()
}

/// One follow-through item as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    pub id: i64,
    pub parent: Option<i64>,
    /// Its own progress, as last reported.
    pub progress: Progress,
    pub status: FollowStatus,
}

/// The progress every item shows: a leaf its own, a parent the mean of what its children
/// (not cancelled) show, recursively. A parent link to no item, or one that would close a
/// loop, is ignored.
pub fn rollup(items: &[Item]) -> BTreeMap<i64, Progress> {
    let by_id: BTreeMap<i64, &Item> = items.iter().map(|i| (i.id, i)).collect();
    let mut children: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for i in items {
        if let Some(p) = i.parent.filter(|p| by_id.contains_key(p) && *p != i.id) {
            children.entry(p).or_default().push(i.id);
        }
    }
    let mut shown: BTreeMap<i64, Progress> = BTreeMap::new();
    for root in items.iter().map(|i| i.id) {
        // Depth first without recursion: (item, children visited yet).
        let mut stack = vec![(root, false)];
        let mut on_path: BTreeSet<i64> = BTreeSet::new();
        while let Some((id, expanded)) = stack.pop() {
            if shown.contains_key(&id) {
                continue;
            }
            let kids = children.get(&id).map(Vec::as_slice).unwrap_or_default();
            if !expanded {
                on_path.insert(id);
                stack.push((id, true));
                for k in kids {
                    if !on_path.contains(k) && !shown.contains_key(k) {
                        stack.push((*k, false));
                    }
                }
                continue;
            }
            on_path.remove(&id);
            let counted: Vec<Progress> = kids
                .iter()
                .filter(|k| by_id[*k].status != FollowStatus::Cancelled)
                .filter_map(|k| shown.get(k).copied())
                .collect();
            let own = by_id[&id].progress;
            shown.insert(id, derived(&counted).unwrap_or(own));
        }
    }
    shown
}

/// The status a progress report implies, unless the item was cancelled: 0 % planned,
/// 100 % done, anything between in progress.
pub fn status_for(progress: Progress, cancelled: bool) -> FollowStatus {
    match progress.percent() {
        _ if cancelled => FollowStatus::Cancelled,
        0 => FollowStatus::Planned,
        100 => FollowStatus::Done,
        _ => FollowStatus::InProgress,
    }
}

/// Overdue: not done nor cancelled, and `now` is past the due day (the whole due day counts,
/// in Asia/Shanghai).
pub fn overdue(due_on: Date, status: FollowStatus, now: Millis) -> bool {
    if matches!(status, FollowStatus::Done | FollowStatus::Cancelled) {
        return false;
    }
    match end_of_day(due_on) {
        Some(end) => now >= end,
        None => false,
    }
}

/// The first moment after `day` in Asia/Shanghai.
fn end_of_day(day: Date) -> Option<Millis> {
    let next = day.tomorrow().ok()?;
    let z = next.to_zoned_datetime(china()).ok()?;
    Some(Millis(z.timestamp().as_millisecond()))
}

#[cfg(test)]
#[path = "tests/follow.rs"]
mod tests;
