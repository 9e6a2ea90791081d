use crate::error::AppError;
use leptos::prelude::*;

/// The error of the last submission of a form, announced to screen readers.
#[component]
pub fn ErrorNotice(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            view! {
                <p class="notice notice-error" role="alert" data-field=e.field().map(str::to_string)>
                    {e.to_string()}
                </p>
            }
        })
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
