//! Picking users, teams and virtual accounts by name: a combobox (WAI-ARIA 1.2 pattern) over
//! the domain's suggestions, and links from a subject to its page.

use crate::components::field_error::{FieldCheck, FieldErrorText};
use crate::server_fns::subjects::suggest_subjects;
use domain::dto::{SubjectKind, SubjectLink, SubjectSearch, SubjectSuggestion};
use leptos::prelude::*;
use leptos_router::components::A;

/// The page of a subject.
pub fn subject_href(link: SubjectLink) -> String {
    match link {
        SubjectLink::User(id) => format!("/access/users/{id}"),
        SubjectLink::Team(id) => format!("/access/teams/{id}"),
        SubjectLink::VirtualAccount(id) => format!("/access/virtual-accounts/{id}"),
    }
}

/// A subject by the name people know it by, linked to its page, with the API's form beside it.
#[component]
pub fn SubjectName(link: SubjectLink, label: String, subject: String) -> impl IntoView {
    view! {
        <A href=subject_href(link)>{label}</A>
        " "
        <span class="muted mono subject-key">{subject}</span>
    }
}

/// A text field that suggests subjects as one types. Choosing a suggestion puts its subject
/// (`user:EMAIL`, `team:NAME`, `virtualaccount:NAME`) in `value` and shows it by name; typing
/// the subject by hand still works. With `on_pick`, choosing calls it and empties the field
/// instead, so one field can pick several (team members).
///
/// Keys: Down and Up move through the suggestions, Enter chooses, Escape closes the list.
#[component]
pub fn SubjectPicker(
    /// The input's id (its label's `for`).
    #[prop(into)]
    id: Oco<'static, str>,
    value: RwSignal<String>,
    kinds: Vec<SubjectKind>,
    placeholder: &'static str,
    /// Help text's id, for aria-describedby.
    #[prop(optional)]
    described_by: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] on_pick: Option<Callback<SubjectSuggestion>>,
    /// The form's error, shown at this field when it is about it.
    #[prop(optional)]
    check: Option<FieldCheck>,
) -> impl IntoView {
    let listbox = format!("{id}-suggestions");
    let option_prefix = StoredValue::new(format!("{id}-suggestion-"));
    let option_id = move |i: usize| option_prefix.with_value(|prefix| format!("{prefix}{i}"));
    // The latest answer, with the text it answers, so a late answer to older text is ignored.
    let suggestions = RwSignal::new((String::new(), Vec::<SubjectSuggestion>::new()));
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    let chosen = RwSignal::new(None::<SubjectSuggestion>);
    let fetch = Action::new(move |text: &String| {
        let text = text.clone();
        let kinds = kinds.clone();
        async move {
            let found = suggest_subjects(SubjectSearch {
                text: text.clone(),
                kinds,
            })
            .await
            .unwrap_or_default();
            (text, found)
        }
    });
    Effect::new(move |_| {
        if let Some((text, found)) = fetch.value().get()
            && text == value.get_untracked()
        {
            active.set(None);
            suggestions.set((text, found));
        }
    });
    // The chosen suggestion stands only while `value` still holds its subject (a form that
    // empties `value` after saving empties the picker too).
    let shown_choice = move || chosen.get().filter(|c| value.with(|v| *v == c.subject));
    // The suggestions on show: the latest answer, while the list is open and answers what the
    // field holds.
    let visible = Memo::new(move |_| {
        suggestions.with(|(text, found)| {
            if open.get() && !text.trim().is_empty() && value.with(|v| v == text) {
                found.clone()
            } else {
                Vec::new()
            }
        })
    });
    let choose = move |suggestion: SubjectSuggestion| {
        open.set(false);
        active.set(None);
        match on_pick {
            Some(pick) => {
                value.set(String::new());
                pick.run(suggestion);
            }
            None => {
                value.set(suggestion.subject.clone());
                chosen.set(Some(suggestion));
            }
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let count = visible.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % count)));
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = Some(a.map_or(count - 1, |i| (i + count - 1) % count)));
            }
            "Enter" => {
                if let Some(i) = active.get_untracked()
                    && let Some(suggestion) = visible.with_untracked(|v| v.get(i).cloned())
                {
                    // Choosing, not submitting the form.
                    ev.prevent_default();
                    choose(suggestion);
                }
            }
            "Escape" if open.get_untracked() => {
                ev.prevent_default();
                open.set(false);
                active.set(None);
            }
            _ => {}
        }
    };
    // "Change" puts the focus back in the field it brings back.
    let input = NodeRef::<leptos::html::Input>::new();
    let refocus = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(field) = input.get()
            && refocus.get_untracked()
        {
            refocus.set(false);
            let _ = field.focus();
        }
    });
    let listbox_for_input = listbox.clone();
    view! {
        <div class="subject-picker">
            <Show
                when=move || shown_choice().is_some()
                fallback=move || {
                    let listbox = listbox_for_input.clone();
                    view! {
                        <input
                            node_ref=input
                            id=id.clone()
                            type="text"
                            role="combobox"
                            autocomplete="off"
                            aria-autocomplete="list"
                            aria-controls=listbox
                            aria-expanded=move || (!visible.with(Vec::is_empty)).to_string()
                            aria-activedescendant=move || active.get().map(option_id)
                            aria-invalid=move || check.and_then(FieldCheck::invalid)
                            aria-describedby=move || match check {
                                Some(check) => check.described_by(described_by),
                                None => described_by.map(str::to_string),
                            }
                            required=required
                            placeholder=placeholder
                            prop:value=move || value.get()
                            on:input=move |ev| {
                                let text = event_target_value(&ev);
                                value.set(text.clone());
                                chosen.set(None);
                                open.set(true);
                                if !text.trim().is_empty() {
                                    fetch.dispatch(text);
                                }
                            }
                            on:keydown=on_keydown
                            on:blur=move |_| open.set(false)
                        />
                    }
                }
            >
                {move || {
                    shown_choice()
                        .map(|c| {
                            view! {
                                <div class="subject-choice">
                                    <span>
                                        <strong>{c.label.clone()}</strong>
                                        " "
                                        <span class="muted">{c.detail.clone()}</span>
                                    </span>
                                    <button
                                        type="button"
                                        class="button button-secondary button-small"
                                        aria-label=format!("Change {}", c.label)
                                        on:click=move |_| {
                                            value.set(String::new());
                                            chosen.set(None);
                                            refocus.set(true);
                                        }
                                    >
                                        "Change"
                                    </button>
                                </div>
                            }
                        })
                }}
            </Show>
            <ul id=listbox role="listbox" class="subject-suggestions" hidden=move || visible.with(Vec::is_empty)>
                {move || {
                    visible
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, suggestion)| {
                            let picked = suggestion.clone();
                            view! {
                                <li
                                    id=option_id(i)
                                    role="option"
                                    aria-selected=move || (active.get() == Some(i)).to_string()
                                    on:mousedown=move |ev| {
                                        // Before the field's blur closes the list.
                                        ev.prevent_default();
                                        choose(picked.clone());
                                    }
                                >
                                    <span class="suggestion-label">{suggestion.label}</span>
                                    <span class="muted">{suggestion.detail}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            {check.map(|check| view! { <FieldErrorText check/> })}
            <span class="visually-hidden" aria-live="polite">
                {move || {
                    let n = visible.with(Vec::len);
                    match n {
                        0 => String::new(),
                        1 => "1 suggestion.".to_string(),
                        n => format!("{n} suggestions."),
                    }
                }}
            </span>
        </div>
    }
}
