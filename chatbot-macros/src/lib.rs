//! `catalogue!("path/to/dialogues")`: compiles a folder of TOML dialogues into Rust items
//! (see `chatbot_dialogue::codegen`). This crate only expands; parsing, validation and
//! code generation live in the `chatbot-dialogue` library.

use std::path::{Path, PathBuf};

use proc_macro::TokenStream;

/// Expands to the catalogue's `Report`, `Locale`, `State` enums and their tables.
///
/// The path is relative to the file that calls the macro, like `include_str!`.
/// `catalogue!("../dialogues", env = "CHATBOT_DIALOGUES")` reads the folder named by
/// that environment variable instead, when it is set at build time (relative to the
/// crate root): a whole other catalogue served by the same code (the build script must
/// declare the variable with `rerun-if-env-changed`).
///
/// Every mistake in the dialogues becomes a `compile_error!` that names the TOML file,
/// line and column.
#[proc_macro]
pub fn catalogue(input: TokenStream) -> TokenStream {
    let Input { path, env } = syn::parse_macro_input!(input as Input);
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let chosen = env
        .as_ref()
        .and_then(|name| std::env::var_os(name.value()))
        .filter(|v| !v.is_empty());
    let dir = match chosen {
        Some(dir) => manifest.unwrap_or_default().join(dir),
        None => {
            let caller = proc_macro::Span::call_site().local_file();
            let base = caller
                .as_deref()
                .and_then(Path::parent)
                .map(Path::to_path_buf)
                .or(manifest)
                .unwrap_or_default();
            base.join(path.value())
        }
    };
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

/// `"path"` or `"path", env = "VARIABLE"`.
struct Input {
    path: syn::LitStr,
    env: Option<syn::LitStr>,
}

impl syn::parse::Parse for Input {
    fn parse(input: syn::parse::ParseStream) -> syn::Result<Self> {
        let path = input.parse()?;
        let mut env = None;
        if input.parse::<Option<syn::Token![,]>>()?.is_some() && !input.is_empty() {
            let key: syn::Ident = input.parse()?;
            if key != "env" {
                return Err(syn::Error::new(key.span(), "expected `env = \"VARIABLE\"`"));
            }
            input.parse::<syn::Token![=]>()?;
            env = Some(input.parse()?);
        }
        Ok(Input { path, env })
    }
}
