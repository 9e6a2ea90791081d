//! Static files (wasm, js, css) and the 404 page. `make build` embeds the built site into the
//! binary (feature `embed-assets`), so `dist/latchkey` runs from any directory; otherwise the
//! files are read from LEPTOS_SITE_ROOT.
//!
//! An embedded site carries brotli and gzip copies of the bundle and the stylesheet
//! (`scripts/build-site.sh release`), sent to browsers that accept them, and its bundle (the
//! shared code, the loader and the pages' chunks) sits in a folder named after its content
//! (`BUNDLE_NAME`), so browsers keep those files for a year without asking.

use crate::router::AppState;
use app::shell;
use axum::extract::{Request, State};
use axum::http::Uri;
use axum::response::Response;

/// The bundle's path under `pkg/` without extension (`<name>.js`, `<name>_bg.wasm`):
/// `latchkey-<hash>/latchkey` in a release, whose folder holds the split bundle
/// (`scripts/build-site.sh release` sets LATCHKEY_BUNDLE_NAME at compile time), `latchkey`
/// otherwise.
pub const BUNDLE_NAME: &str = match option_env!("LATCHKEY_BUNDLE_NAME") {
    Some(name) => name,
    None => "latchkey",
};

pub async fn fallback(uri: Uri, State(state): State<AppState>, request: Request) -> Response {
    #[cfg(feature = "embed-assets")]
    if let Some(response) = embedded::serve(&uri, request.headers()) {
        return response;
    }
    leptos_axum::file_and_error_handler::<AppState, _>(shell)(uri, State(state), request).await
}

/// A stored encoding of a file, as `Content-Encoding` names it and as the build names its copy.
#[cfg(any(feature = "embed-assets", test))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
}

#[cfg(any(feature = "embed-assets", test))]
impl Encoding {
    fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }

    /// The ending of the build's compressed copy of a file.
    #[cfg(feature = "embed-assets")]
    fn suffix(self) -> &'static str {
        match self {
            Encoding::Brotli => ".br",
            Encoding::Gzip => ".gz",
        }
    }
}

/// The stored encodings an `Accept-Encoding` value allows, smallest first. A coding with
/// `q=0` is refused; `*` allows both.
#[cfg(any(feature = "embed-assets", test))]
fn accepted_encodings(accept_encoding: &str) -> Vec<Encoding> {
    // (coding, refused) for each listed coding.
    let listed: Vec<(&str, bool)> = accept_encoding
        .split(',')
        .map(|item| {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let refused = parts.any(|param| {
                param
                    .trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (coding, refused)
        })
        .collect();
    // A coding named outright decides for itself; otherwise `*` speaks for it.
    let allowed = |token: &str| {
        let named = listed
            .iter()
            .find(|(coding, _)| coding.eq_ignore_ascii_case(token));
        match named.or_else(|| listed.iter().find(|(coding, _)| *coding == "*")) {
            Some((_, refused)) => !refused,
            None => false,
        }
    };
    [Encoding::Brotli, Encoding::Gzip]
        .into_iter()
        .filter(|encoding| allowed(encoding.token()))
        .collect()
}

#[cfg(feature = "embed-assets")]
mod embedded {
    use super::{BUNDLE_NAME, accepted_encodings};
    use axum::body::Body;
    use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
    use axum::response::Response;

    /// The site built by scripts/build-site.sh, baked in at compile time from
    /// LATCHKEY_EMBED_SITE_DIR.
    #[derive(rust_embed::RustEmbed)]
    #[folder = "$LATCHKEY_EMBED_SITE_DIR"]
    struct Site;

    pub fn serve(uri: &Uri, headers: &HeaderMap) -> Option<Response> {
        let path = uri.path().trim_start_matches('/');
        let original = Site::get(path)?;
        let accept = headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let (file, encoding) = accepted_encodings(accept)
            .into_iter()
            .find_map(|encoding| {
                Site::get(&format!("{path}{}", encoding.suffix())).map(|f| (f, Some(encoding)))
            })
            .unwrap_or((original, None));
        let etag = format!("\"{}\"", hex::encode(file.metadata.sha256_hash()));
        let not_modified = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == etag);
        // A content-named bundle folder never changes under its name; anything else (the
        // stylesheet, the favicon) is revalidated, cheaply, with the ETag.
        let content_named = BUNDLE_NAME.rsplit_once('/').is_some_and(|(folder, _)| {
            path.strip_prefix("pkg/")
                .and_then(|name| name.strip_prefix(folder))
                .is_some_and(|rest| rest.starts_with('/'))
        });
        let cache = if content_named {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        let mime = mime_guess::from_path(path).first_or_octet_stream();
        let mut builder = Response::builder()
            .header(header::ETAG, HeaderValue::from_str(&etag).ok()?)
            .header(header::CACHE_CONTROL, cache)
            .header(header::VARY, "Accept-Encoding");
        if let Some(encoding) = encoding {
            builder = builder.header(header::CONTENT_ENCODING, encoding.token());
        }
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

#[cfg(test)]
mod tests {
    use super::{Encoding, accepted_encodings};

    #[test]
    fn browsers_get_the_smallest_encoding_they_accept() {
        use Encoding::{Brotli, Gzip};
        assert_eq!(
            accepted_encodings("gzip, deflate, br, zstd"),
            [Brotli, Gzip]
        );
        assert_eq!(accepted_encodings("gzip"), [Gzip]);
        assert_eq!(accepted_encodings("BR;q=0.5, identity"), [Brotli]);
        assert_eq!(accepted_encodings("br;q=0, gzip;q=1.0"), [Gzip]);
        assert_eq!(accepted_encodings("*"), [Brotli, Gzip]);
        assert_eq!(accepted_encodings("br;q=0, *"), [Gzip]);
        assert_eq!(accepted_encodings(""), []);
        assert_eq!(accepted_encodings("identity"), []);
    }
}
