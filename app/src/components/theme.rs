//! Light, dark, or whatever the system prefers. The choice lives in a cookie, so the server
//! renders the page in it from the first byte: no flash of the other theme, and no inline
//! script for the page's Content-Security-Policy to allow. Without a cookie the style sheet
//! follows `prefers-color-scheme`.

use leptos::prelude::*;
use leptos::server::SharedValue;
use serde::{Deserialize, Serialize};

/// The cookie holding the choice: `light` or `dark`; absent means the system's.
pub const THEME_COOKIE: &str = "latchkey_theme";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    /// Reads a cookie value or a form value; anything unknown is the system's.
    pub fn parse(value: &str) -> Theme {
        match value.trim() {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// The `data-theme` attribute of `<html>`: none for the system's.
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Theme::System => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }
}

/// The theme this request's cookie asks for (on the server; `System` elsewhere).
pub fn requested_theme() -> Theme {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get_all(axum::http::header::COOKIE)
                    .iter()
                    .filter_map(|value| value.to_str().ok())
                    .flat_map(tower_sessions::cookie::Cookie::split_parse)
                    .filter_map(Result::ok)
                    .find(|cookie| cookie.name() == THEME_COOKIE)
                    .map(|cookie| Theme::parse(cookie.value()))
            })
            .unwrap_or(Theme::System)
    }
    #[cfg(not(feature = "ssr"))]
    {
        Theme::System
    }
}

/// The theme picker of the top bar: a native select, so it works from the keyboard and reads
/// well to screen readers.
#[component]
pub fn ThemeChoice() -> impl IntoView {
    let theme = RwSignal::new(SharedValue::new(requested_theme).into_inner());
    let choose = move |ev| {
        let chosen = Theme::parse(&event_target_value(&ev));
        theme.set(chosen);
        remember(chosen);
    };
    let option = move |value: Theme, label: &'static str| {
        view! {
            <option value=value.key() selected=move || theme.get() == value>
                {label}
            </option>
        }
    };
    view! {
        <label class="theme-choice">
            <span class="visually-hidden">"Theme"</span>
            <select data-testid="theme-choice" on:change=choose>
                {option(Theme::System, "System theme")}
                {option(Theme::Light, "Light")}
                {option(Theme::Dark, "Dark")}
            </select>
        </label>
    }
}

/// Applies `theme` to this page and keeps it for the next ones (a year; the system's
/// removes the cookie).
fn remember(theme: Theme) {
    use wasm_bindgen::JsCast;
    let document = document();
    if let Some(root) = document.document_element() {
        let _ = match theme.attribute() {
            Some(value) => root.set_attribute("data-theme", value),
            None => root.remove_attribute("data-theme"),
        };
    }
    let secure = window()
        .location()
        .protocol()
        .is_ok_and(|protocol| protocol == "https:");
    let lifetime = if theme == Theme::System {
        0
    } else {
        31_536_000
    };
    let cookie = format!(
        "{THEME_COOKIE}={}; Path=/; Max-Age={lifetime}; SameSite=Lax{}",
        theme.key(),
        if secure { "; Secure" } else { "" }
    );
    let _ = document
        .unchecked_into::<web_sys::HtmlDocument>()
        .set_cookie(&cookie);
}

#[cfg(test)]
mod tests {
    use super::Theme;

    #[test]
    fn cookie_values_name_a_theme_and_anything_else_is_the_systems() {
        assert_eq!(Theme::parse("dark"), Theme::Dark);
        assert_eq!(Theme::parse(" light"), Theme::Light);
        for other in ["", "system", "Dark", "<script>"] {
            assert_eq!(Theme::parse(other), Theme::System, "{other}");
        }
        assert_eq!(Theme::System.attribute(), None);
        assert_eq!(Theme::Dark.attribute(), Some("dark"));
    }
}
