use leptos::prelude::Read;
use leptos_router::hooks::use_params_map;

/// The `:id` of the current route as `wrap(id)`, read reactively: `None` when it is not a
/// number (the page then shows its not-found panel).
pub fn id_param<T: 'static>(
    wrap: fn(i64) -> T,
) -> impl Fn() -> Option<T> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .map(wrap)
    }
}
