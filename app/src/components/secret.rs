use leptos::prelude::*;

/// A secret shown in full (a new token): a read-only field that selects itself on focus, and a
/// Copy button using the clipboard, with a fallback sentence when the browser refuses.
#[component]
pub fn CopyableSecret(
    /// The field's id; its label is `label`, visible to screen readers only.
    id: &'static str,
    label: &'static str,
    value: String,
) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let to_copy = value.clone();
    let copy = move |_| {
        let promise = window().navigator().clipboard().write_text(&to_copy);
        leptos::task::spawn_local(async move {
            let done = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            copied.set(Some(done));
        });
    };
    view! {
        <div class="copy-row">
            <label for=id class="visually-hidden">{label}</label>
            <input
                id=id
                class="token-value"
                type="text"
                readonly
                value=value
                on:focus=move |ev| {
                    use wasm_bindgen::JsCast;
                    if let Some(input) = ev
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                    {
                        input.select();
                    }
                }
            />
            <button type="button" class="button button-secondary" on:click=copy>"Copy"</button>
        </div>
        {move || match copied.get() {
            Some(true) => Some(view! { <p class="help" role="status">"Copied to the clipboard."</p> }.into_any()),
            Some(false) => Some(
                view! { <p class="help" role="status">"The browser did not allow copying: select the token and copy it yourself."</p> }
                    .into_any(),
            ),
            None => None,
        }}
    }
}
