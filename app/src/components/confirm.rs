use leptos::prelude::*;

/// A destructive button that asks before it acts: the first click shows the question with
/// confirm and cancel buttons; only the confirm button runs `on_confirm`.
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
) -> impl IntoView {
    let asking = RwSignal::new(false);
    view! {
        <Show
            when=move || asking.get()
            fallback=move || {
                view! {
                    <button type="button" class="button button-danger" on:click=move |_| asking.set(true)>
                        {label}
                    </button>
                }
            }
        >
            <span class="confirm" role="group" aria-label="Confirm">
                <span>{question.clone()}</span>
                <button
                    type="button"
                    class="button button-danger"
                    on:click=move |_| {
                        asking.set(false);
                        on_confirm.run(());
                    }
                >
                    {confirm_label}
                </button>
                <button type="button" class="button button-secondary" on:click=move |_| asking.set(false)>
                    "Cancel"
                </button>
            </span>
        </Show>
    }
}
