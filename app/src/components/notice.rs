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

/// Gives `node` the focus once it is on the page: what just happened, or the safe answer to a
/// question, so keyboard and screen-reader users continue from there.
pub fn focus_when_shown<E>(node: NodeRef<E>)
where
    E: leptos::tachys::html::element::ElementType,
    E::Output: wasm_bindgen::JsCast + Clone + 'static,
{
    use wasm_bindgen::JsCast;
    Effect::new(move |_| {
        if let Some(element) = node.get() {
            let _ = element.unchecked_ref::<web_sys::HtmlElement>().focus();
        }
    });
}

/// What an action did, said where it happened: announced, and given the focus so keyboard
/// users continue from it.
#[component]
pub fn Confirmation(children: Children) -> impl IntoView {
    let node = NodeRef::<leptos::html::P>::new();
    focus_when_shown(node);
    view! {
        <p class="notice notice-success" role="status" tabindex="-1" node_ref=node>
            {children()}
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

/// The words of a page's not-found panel.
#[derive(Debug, Clone, Copy)]
pub struct NotFoundCopy {
    /// E.g. "User not found".
    pub title: &'static str,
    pub message: &'static str,
    pub back_href: &'static str,
    pub back_label: &'static str,
}

/// What a detail page shows once the object its address names has loaded: the object
/// (`render`), the not-found panel when the address names nothing in this tenant (another
/// tenant's id reads the same), or the error.
pub fn found_or_not_found<T>(
    result: Result<Option<T>, AppError>,
    not_found: NotFoundCopy,
    render: impl FnOnce(T) -> AnyView,
) -> AnyView {
    match result {
        Ok(Some(found)) => render(found),
        Ok(None) | Err(AppError::NotFound(_)) => view! {
            <NotFoundPanel
                title=not_found.title
                message=not_found.message
                back_href=not_found.back_href
                back_label=not_found.back_label
            />
        }
        .into_any(),
        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
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
