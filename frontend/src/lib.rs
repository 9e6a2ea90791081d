//! The browser half of the console: hydrates the server-rendered HTML.

// Release builds keep every view's full type (debug builds erase them); the console's nested
// tables need more than the default query depth.
#![recursion_limit = "512"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // A split bundle (release builds; see app::routes) hydrates once the first page's chunk
    // has arrived.
    #[cfg(latchkey_split)]
    leptos::mount::hydrate_lazy(app::App);
    #[cfg(not(latchkey_split))]
    leptos::mount::hydrate_body(app::App);
}
