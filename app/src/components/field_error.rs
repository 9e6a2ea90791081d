//! Errors shown at the field they are about: the input is marked invalid and points to the
//! message, which a screen reader reads with it (aria-invalid, aria-describedby).

use crate::error::AppError;
use leptos::prelude::*;

/// One field of a form, and the latest error of the action the form runs.
#[derive(Clone, Copy)]
pub struct FieldCheck {
    error: Signal<Option<AppError>>,
    /// The field's name as the domain names it in a validation error (`name`, `emails`).
    field: &'static str,
    /// The input's id; the message's id is `<id>-error`.
    id: &'static str,
}

impl FieldCheck {
    pub fn new(error: Signal<Option<AppError>>, field: &'static str, id: &'static str) -> Self {
        FieldCheck { error, field, id }
    }

    /// The message for this field, when the latest error is about it.
    pub fn message(self) -> Option<String> {
        self.error.with(|e| {
            e.as_ref()
                .filter(|e| e.field() == Some(self.field))
                .map(ToString::to_string)
        })
    }

    /// `aria-invalid`'s value.
    pub fn invalid(self) -> Option<&'static str> {
        self.message().map(|_| "true")
    }

    /// `aria-describedby`'s value: the help line's id, then the message's while there is one.
    pub fn described_by(self, help: Option<&str>) -> Option<String> {
        let error = self.message().map(|_| format!("{}-error", self.id));
        match (help, error) {
            (Some(help), Some(error)) => Some(format!("{help} {error}")),
            (Some(help), None) => Some(help.to_string()),
            (None, error) => error,
        }
    }
}

/// The message under a field, while the latest error is about it.
#[component]
pub fn FieldErrorText(check: FieldCheck) -> impl IntoView {
    move || {
        check.message().map(|message| {
            view! { <p class="field-error" id=format!("{}-error", check.id)>{message}</p> }
        })
    }
}
