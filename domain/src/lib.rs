//! The access-control core of Latchkey.
//!
//! Always compiled (and wasm-safe): ids, the request/response types that cross the wire, the
//! permission catalog and input validation. With the `ssr` feature: the SeaORM entities, the
//! services, authorization, password hashing and token hashing. Nothing here knows about HTTP or
//! Leptos.

pub mod dto;
pub mod ids;
pub mod permissions;
pub mod resources;
pub mod sso;
pub mod validation;

#[cfg(feature = "ssr")]
mod ssr;
#[cfg(feature = "ssr")]
pub use ssr::*;
