// Rebuild when the embedded site's location changes (feature `embed-assets`).
fn main() {
    println!("cargo:rerun-if-env-changed=LATCHKEY_EMBED_SITE_DIR");
}
