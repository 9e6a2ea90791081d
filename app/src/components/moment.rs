use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// A moment as people read it in a list ("3 hours ago"), with the exact UTC time on hover and
/// in `datetime` for machines; `never` when there is none.
#[component]
pub fn Moment(at: Option<DateTime<Utc>>, never: &'static str) -> impl IntoView {
    match at {
        Some(at) => {
            let exact = exact(at);
            view! {
                <time datetime=at.to_rfc3339() title=exact.clone()>
                    {relative(at, Utc::now())}
                    <span class="visually-hidden">{format!(" ({exact})")}</span>
                </time>
            }
            .into_any()
        }
        None => view! { <span class="muted">{never}</span> }.into_any(),
    }
}

/// The exact time, as every page writes it.
pub fn exact(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// How long ago `at` was, seen at `now`, in the largest whole unit up to days; older than a
/// month, the date. A moment ahead of `now` (clocks a little apart) reads "just now".
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - at).num_seconds();
    let unit = |n: i64, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one} ago")
        } else {
            format!("{n} {many} ago")
        }
    };
    match seconds {
        ..60 => "just now".to_string(),
        60..3_600 => unit(seconds / 60, "minute", "minutes"),
        3_600..86_400 => unit(seconds / 3_600, "hour", "hours"),
        86_400..2_592_000 => unit(seconds / 86_400, "day", "days"),
        _ => at.format("%Y-%m-%d").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::relative;
    use chrono::{Duration, TimeZone, Utc};

    #[test]
    fn moments_read_in_the_largest_whole_unit() {
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap();
        let ago = |d: Duration| relative(now - d, now);
        assert_eq!(ago(Duration::seconds(-30)), "just now");
        assert_eq!(ago(Duration::seconds(59)), "just now");
        assert_eq!(ago(Duration::minutes(1)), "1 minute ago");
        assert_eq!(ago(Duration::minutes(59)), "59 minutes ago");
        assert_eq!(ago(Duration::hours(1)), "1 hour ago");
        assert_eq!(ago(Duration::hours(23)), "23 hours ago");
        assert_eq!(ago(Duration::days(1)), "1 day ago");
        assert_eq!(ago(Duration::days(29)), "29 days ago");
        assert_eq!(ago(Duration::days(30)), "2026-11-03");
    }
}
