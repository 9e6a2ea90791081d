use leptos::html::Div;
use leptos::prelude::*;
use std::time::Duration;

/// The console's toasts: what an action did, said after the page it happened on has moved on
/// (a role saved, then the list of roles). Provided by the console shell, which stays while
/// pages change; one toast at a time, the newest.
#[derive(Clone, Copy)]
pub struct Toasts(RwSignal<Option<(u64, String)>>);

impl Toasts {
    pub fn provide() -> Toasts {
        let toasts = Toasts(RwSignal::new(None));
        provide_context(toasts);
        toasts
    }

    /// Shows `message`, replacing whatever toast was showing.
    pub fn say(self, message: impl Into<String>) {
        let next = self.0.get_untracked().map_or(1, |(n, _)| n + 1);
        self.0.set(Some((next, message.into())));
    }
}

/// Toasts `message(output)` each time `action` succeeds (nothing outside the console shell).
pub fn toast_on_success<I, O>(action: ServerAction<I>, message: impl Fn(&O) -> String + 'static)
where
    I: leptos::server_fn::ServerFn<Output = O, Error = crate::error::AppError>
        + Clone
        + Send
        + Sync
        + 'static,
    O: Clone + Send + Sync + 'static,
{
    let Some(toasts) = use_context::<Toasts>() else {
        return;
    };
    Effect::new(move |_| {
        if let Some(Ok(output)) = action.value().get() {
            toasts.say(message(&output));
        }
    });
}

/// How long a toast stays unless dismissed.
const SHOWN_FOR: Duration = Duration::from_secs(8);

/// Where the shell shows toasts: announced, and given the focus so keyboard users continue
/// from it (Escape or its button dismisses it; it leaves by itself after a few seconds).
#[component]
pub fn ToastRegion(toasts: Toasts) -> impl IntoView {
    let region = NodeRef::<Div>::new();
    let dismiss = move || toasts.0.set(None);
    Effect::new(move |_| {
        let Some((n, _)) = toasts.0.get() else {
            return;
        };
        if let Some(region) = region.get_untracked() {
            let _ = region.focus();
        }
        set_timeout(
            move || {
                if toasts
                    .0
                    .get_untracked()
                    .is_some_and(|(shown, _)| shown == n)
                {
                    toasts.0.set(None);
                }
            },
            SHOWN_FOR,
        );
    });
    view! {
        // A live region rather than role="status": it is always on the page (so screen readers
        // listen to it before a toast arrives) and must not be taken for a page's own status.
        <div
            class="toast-region"
            aria-live="polite"
            aria-atomic="true"
            tabindex="-1"
            node_ref=region
            data-testid="toast"
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    dismiss();
                }
            }
        >
            {move || {
                toasts
                    .0
                    .get()
                    .map(|(_, message)| {
                        view! {
                            <div class="toast">
                                <span>{message}</span>
                                <button type="button" class="button button-secondary" on:click=move |_| dismiss()>
                                    "Dismiss"
                                </button>
                            </div>
                        }
                    })
            }}
        </div>
    }
}
