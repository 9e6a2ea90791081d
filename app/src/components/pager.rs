//! "Showing 26–50 of 112", with Previous, page numbers and Next, under a paged list.

use leptos::prelude::*;
use leptos_router::components::A;

/// The pager of one page of a list. `href(n)` is the address of page `n` (from 1), keeping the
/// list's search and filters.
#[component]
pub fn Pager(
    /// Offset of the first item shown.
    offset: u64,
    limit: u64,
    /// Items on this page.
    shown: usize,
    total: u64,
    href: impl Fn(u64) -> String,
) -> impl IntoView {
    let first = offset + 1;
    let last = offset + shown as u64;
    let current = offset / limit.max(1) + 1;
    let pages = total.div_ceil(limit.max(1)).max(1);
    let previous = (offset > 0).then(|| href(current.saturating_sub(1)));
    let next = (last < total).then(|| href(current + 1));
    let numbers = (pages > 1).then(|| {
        page_numbers(current, pages)
            .into_iter()
            .map(|n| match n {
                Some(n) if n == current => view! {
                    <span class="page-number" aria-current="page">{n}</span>
                }
                .into_any(),
                Some(n) => view! {
                    <A href=href(n) attr:class="page-number" attr:aria-label=format!("Page {n}")>{n}</A>
                }
                .into_any(),
                None => view! { <span class="page-gap" aria-hidden="true">"\u{2026}"</span> }.into_any(),
            })
            .collect_view()
    });
    view! {
        <nav class="pager" aria-label="Pages">
            <span class="muted">{format!("Showing {first}\u{2013}{last} of {total}")}</span>
            {previous.map(|href| view! { <A href=href attr:class="button button-secondary" attr:rel="prev">"Previous"</A> })}
            {numbers}
            {next.map(|href| view! { <A href=href attr:class="button button-secondary" attr:rel="next">"Next"</A> })}
        </nav>
    }
}

/// The page numbers a pager offers: the first, the last, and the current one with its
/// neighbours; `None` where numbers are left out.
fn page_numbers(current: u64, pages: u64) -> Vec<Option<u64>> {
    let mut out = Vec::new();
    for n in 1..=pages {
        if n == 1 || n == pages || n.abs_diff(current) <= 1 {
            out.push(Some(n));
        } else if out.last().is_some_and(Option::is_some) {
            out.push(None);
        }
    }
    out
}

/// Percent-encodes a query-string value (everything but RFC 3986 unreserved characters).
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The `?page=` of the current address (1 when absent or not a positive number).
pub fn page_number() -> Memo<u64> {
    let query = leptos_router::hooks::use_query_map();
    Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u64>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    })
}

/// The address of one page of a searchable list at `path` (`?page=&q=`), keeping the search.
pub fn search_page_href(path: &str, search: &str, page: u64) -> String {
    let mut href = format!("{path}?page={}", page.max(1));
    if !search.trim().is_empty() {
        href.push_str(&format!("&q={}", encode_query_value(search.trim())));
    }
    href
}

#[cfg(test)]
mod tests {
    use super::page_numbers;

    #[test]
    fn page_numbers_keep_the_ends_and_the_neighbours() {
        assert_eq!(page_numbers(1, 1), [Some(1)]);
        assert_eq!(page_numbers(2, 3), [Some(1), Some(2), Some(3)]);
        assert_eq!(
            page_numbers(5, 9),
            [Some(1), None, Some(4), Some(5), Some(6), None, Some(9)]
        );
        assert_eq!(page_numbers(1, 4000), [Some(1), Some(2), None, Some(4000)]);
    }
}
