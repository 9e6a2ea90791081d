use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// An error, announced to screen readers; names its form field, if any, in `data-field`.
#[component]
pub fn ErrorMessage(error: AppError) -> impl IntoView {
    view! {
        <p class="notice notice-error" role="alert" data-field=error.field().map(str::to_string)>
            {error.to_string()}
        </p>
    }
}

/// The error of the last submission of a form, while there is one.
#[component]
pub fn ErrorNotice(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || error.get().map(|error| view! { <ErrorMessage error/> })
}

/// What a page shows when the object in its address is not in this tenant.
#[component]
pub fn NotFoundPanel(
    /// E.g. "User not found".
    title: &'static str,
    message: &'static str,
    back_href: &'static str,
    back_label: &'static str,
) -> impl IntoView {
    view! {
        <Title text=title/>
        <h1>{title}</h1>
        <p>{message}</p>
        <A href=back_href>{back_label}</A>
    }
}

/// The error of an action's latest result, as a signal for `ErrorNotice`.
pub fn action_error<I, O>(action: ServerAction<I>) -> Signal<Option<AppError>>
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

/// Counts `action`'s successes into `changes`, for resources that should reload after a change
/// but not after a refusal (a reload rebuilds the page's forms under whoever is correcting one).
pub fn count_successes<I, O>(action: ServerAction<I>, changes: RwSignal<u32>)
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_))) {
            changes.update(|n| *n += 1);
        }
    });
}
