//! Static files (wasm, js, css) and the 404 page. `make build` embeds the built site into the
//! binary (feature `embed-assets`), so `dist/latchkey` runs from any directory; otherwise the
//! files are read from LEPTOS_SITE_ROOT.

use crate::router::AppState;
use app::shell;
use axum::extract::{Request, State};
use axum::http::Uri;
use axum::response::Response;

pub async fn fallback(uri: Uri, State(state): State<AppState>, request: Request) -> Response {
    #[cfg(feature = "embed-assets")]
    if let Some(response) = embedded::serve(&uri, request.headers()) {
        return response;
    }
    leptos_axum::file_and_error_handler::<AppState, _>(shell)(uri, State(state), request).await
}

#[cfg(feature = "embed-assets")]
mod embedded {
    use axum::body::Body;
    use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
    use axum::response::Response;

    /// The site built by cargo-leptos, baked in at compile time from LATCHKEY_EMBED_SITE_DIR.
    #[derive(rust_embed::RustEmbed)]
    #[folder = "$LATCHKEY_EMBED_SITE_DIR"]
    struct Site;

    pub fn serve(uri: &Uri, headers: &HeaderMap) -> Option<Response> {
        let path = uri.path().trim_start_matches('/');
        let file = Site::get(path)?;
        let etag = format!("\"{}\"", hex::encode(file.metadata.sha256_hash()));
        let not_modified = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == etag);
        let mime = mime_guess::from_path(path).first_or_octet_stream();
        let builder = Response::builder()
            .header(header::ETAG, HeaderValue::from_str(&etag).ok()?)
            // File names carry no hash, so browsers revalidate (cheaply, with the ETag).
            .header(header::CACHE_CONTROL, "no-cache");
        let response = if not_modified {
            builder.status(StatusCode::NOT_MODIFIED).body(Body::empty())
        } else {
            builder
                .header(header::CONTENT_TYPE, mime.as_ref())
                .body(Body::from(file.data.into_owned()))
        };
        response.ok()
    }
}
