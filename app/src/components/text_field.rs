use crate::components::field_error::{FieldCheck, FieldErrorText};
use leptos::prelude::*;

/// A labelled text input bound to `value`, with its help line under it (announced with the
/// input), and with `check`, the form's error when it is about this field.
/// For forms whose state lives in signals rather than in the submitted form.
#[component]
pub fn TextField(
    /// The input's id; the help line's id is `<id>-help`.
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] help: Option<&'static str>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] check: Option<FieldCheck>,
) -> impl IntoView {
    let help_id = help.map(|_| format!("{id}-help"));
    let described_by = {
        let help_id = help_id.clone();
        move || match check {
            Some(check) => check.described_by(help_id.as_deref()),
            None => help_id.clone(),
        }
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                type=input_type
                required=required
                maxlength=maxlength.map(|m| m.to_string())
                placeholder=placeholder
                autocomplete=autocomplete
                aria-invalid=move || check.and_then(FieldCheck::invalid)
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            {help.map(|help| view! { <p class="help" id=help_id>{help}</p> })}
            {check.map(|check| view! { <FieldErrorText check/> })}
        </div>
    }
}
