use crate::components::notice::focus_when_shown;
use leptos::html::Button;
use leptos::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Which confirmation of the page is open, if any: opening one closes the others, so a page
/// never shows two questions at once. Provided by `App`; without it each button keeps its own.
#[derive(Clone, Copy)]
pub struct OpenConfirmation(RwSignal<Option<usize>>);

impl OpenConfirmation {
    pub fn provide() {
        provide_context(OpenConfirmation(RwSignal::new(None)));
    }
}

/// Numbers each button in this process (in the browser, the page); used only while a page runs,
/// never rendered, so the server's numbers need not match.
static NEXT_CONFIRMATION: AtomicUsize = AtomicUsize::new(1);

/// A button that asks before it acts: the first click shows the question with confirm and
/// cancel buttons (the cancel button takes the focus, and Escape cancels); only the confirm
/// button runs `on_confirm`. Red for what cannot be undone; `reversible` actions (deactivate,
/// reset a password, remove a member) keep the quieter secondary style.
#[component]
pub fn ConfirmButton(
    /// The button's label, e.g. "Delete".
    label: &'static str,
    /// The question shown on the first click.
    #[prop(into)]
    question: String,
    /// The label of the button that goes ahead, e.g. "Delete role".
    confirm_label: &'static str,
    on_confirm: Callback<()>,
    /// The action can be undone (by activating again, adding again, ...).
    #[prop(optional)]
    reversible: bool,
) -> impl IntoView {
    let id = NEXT_CONFIRMATION.fetch_add(1, Ordering::Relaxed);
    let open = use_context::<OpenConfirmation>()
        .map(|shared| shared.0)
        .unwrap_or_else(|| RwSignal::new(None));
    let asking = move || open.get() == Some(id);
    let close = move || {
        if open.get_untracked() == Some(id) {
            open.set(None);
        }
    };
    let class = if reversible {
        "button button-secondary"
    } else {
        "button button-danger"
    };
    let cancel = NodeRef::<Button>::new();
    focus_when_shown(cancel);
    view! {
        <Show
            when=asking
            fallback=move || {
                view! {
                    <button type="button" class=class on:click=move |_| open.set(Some(id))>
                        {label}
                    </button>
                }
            }
        >
            <span
                class="confirm"
                role="group"
                aria-label="Confirm"
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        close();
                    }
                }
            >
                <span>{question.clone()}</span>
                <button
                    type="button"
                    class=class
                    on:click=move |_| {
                        close();
                        on_confirm.run(());
                    }
                >
                    {confirm_label}
                </button>
                <button type="button" class="button button-secondary" node_ref=cancel on:click=move |_| close()>
                    "Cancel"
                </button>
            </span>
        </Show>
    }
}
