use leptos::prelude::*;

/// A value to paste elsewhere, shown in full (a new token, a one-time link, a redirect URL): a
/// read-only field that selects itself on focus, and a Copy button using the clipboard, with
/// a fallback sentence when the browser refuses.
#[component]
pub fn CopyField(
    /// The field's id; its label is `label`, visible to screen readers only.
    #[prop(into)]
    id: String,
    #[prop(into)] label: String,
    value: String,
    /// `data-testid` of the field, for end-to-end tests.
    #[prop(optional)]
    test_id: Option<&'static str>,
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
            <label for=id.clone() class="visually-hidden">{label}</label>
            <input
                id=id
                class="token-value mono"
                data-testid=test_id
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
                view! { <p class="help" role="status">"The browser did not allow copying: select the text and copy it yourself."</p> }
                    .into_any(),
            ),
            None => None,
        }}
    }
}
