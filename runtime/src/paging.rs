//! End signals of paginated operations: given a page, where the next one starts, or that it was the
//! last. The generated `Paginated::next_page` impls of cursor paging (`empty_cursor`, `{more: …}`) and
//! of short-page offset paging call these; the client's stream (`Client::paginate`) adds the loop
//! protection (a request that would repeat the current one ends the stream with an error).

/// Cursor paging that ends on an empty cursor: the next cursor, or `None` when `cursor` is missing
/// (the response left it out) or empty.
pub fn after_cursor(cursor: Option<&str>) -> Option<String> {
    cursor.filter(|c| !c.is_empty()).map(str::to_owned)
}

/// Cursor paging with a "more pages follow" flag (`has_more`): the next cursor while `more` holds,
/// `Ok(None)` once it does not (false, 0 or missing), and `Err` when it holds but the page carries no
/// cursor to continue from (`cursor_field` names it in the message).
pub fn after_more(
    more: bool,
    cursor: Option<&str>,
    cursor_field: &str,
) -> Result<Option<String>, String> {
    if !more {
        return Ok(None);
    }
    match after_cursor(cursor) {
        Some(next) => Ok(Some(next)),
        None => Err(format!(
            "a page that says more pages follow carries no `{cursor_field}`"
        )),
    }
}

/// Offset paging without a total: the offset of the page after the one that started at `offset` and
/// had `items` items, or `None` when that page was the last: empty, or shorter than the `limit` the
/// request asked for (with no limit sent, only an empty page is known to be the last).
pub fn after_short_page(offset: i64, items: usize, limit: Option<i64>) -> Option<i64> {
    let count = i64::try_from(items).unwrap_or(i64::MAX);
    if items == 0 || limit.is_some_and(|limit| count < limit) {
        return None;
    }
    Some(offset.saturating_add(count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absent_or_empty_cursor_ends() {
        assert_eq!(after_cursor(None), None);
        assert_eq!(after_cursor(Some("")), None);
        assert_eq!(after_cursor(Some("c2")), Some("c2".into()));
    }

    #[test]
    fn more_ends_when_false_and_needs_a_cursor_while_true() {
        assert_eq!(after_more(false, Some("c2"), "next"), Ok(None));
        assert_eq!(after_more(true, Some("c2"), "next"), Ok(Some("c2".into())));
        let err = after_more(true, None, "next_cursor").unwrap_err();
        assert!(err.contains("next_cursor"), "{err}");
        assert!(after_more(true, Some(""), "next").is_err());
    }

    #[test]
    fn a_short_or_empty_page_is_the_last() {
        assert_eq!(after_short_page(0, 2, Some(2)), Some(2));
        assert_eq!(after_short_page(4, 1, Some(2)), None, "short");
        assert_eq!(after_short_page(4, 0, Some(2)), None, "empty");
        assert_eq!(after_short_page(4, 0, None), None);
        assert_eq!(after_short_page(4, 3, None), Some(7), "no limit sent");
        assert_eq!(
            after_short_page(0, 5, Some(2)),
            Some(5),
            "a page longer than asked is not short"
        );
    }
}
