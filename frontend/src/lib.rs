//! The browser half of the console: hydrates the server-rendered HTML.

// Release builds keep every view's full type (debug builds erase them); the console's nested
// tables need more than the default query depth.
#![recursion_limit = "512"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
