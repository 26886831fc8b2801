//! `catalogue!("path/to/dialogues")`: compiles a folder of TOML dialogues into Rust items
//! (see `chatbot_dialogue::codegen`). This crate only expands; parsing, validation and
//! code generation live in the `chatbot-dialogue` library.

use std::path::{Path, PathBuf};

use proc_macro::TokenStream;

/// Expands to the catalogue's `Report`, `Locale`, `State` enums and their tables.
///
/// The path is relative to the file that calls the macro, like `include_str!`.
/// Every mistake in the dialogues becomes a `compile_error!` that names the TOML file,
/// line and column.
#[proc_macro]
pub fn catalogue(input: TokenStream) -> TokenStream {
    let path = syn::parse_macro_input!(input as syn::LitStr);
    let caller = proc_macro::Span::call_site().local_file();
    let base = caller
        .as_deref()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from))
        .unwrap_or_default();
    let dir = base.join(path.value());
    let dir = dir.canonicalize().unwrap_or(dir);
    chatbot_dialogue::codegen::expand(&dir, &crate_root(&dir), path.span()).into()
}

/// The nearest folder above `dir` with a `Cargo.toml`: diagnostics show paths relative to
/// it (`dialogues/newjob/en.toml`), which reads well and is the same on every machine.
fn crate_root(dir: &Path) -> PathBuf {
    dir.ancestors()
        .find(|a| a.join("Cargo.toml").is_file())
        .unwrap_or(dir)
        .to_path_buf()
}
