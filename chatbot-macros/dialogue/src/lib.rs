//! The dialogue compiler: reads the TOML dialogues of a catalogue folder, checks every
//! rule an author can break, and hands a validated [`model::Catalogue`] to its users —
//! the `catalogue!` proc-macro (through [`codegen`]), `build.rs`, and the server's
//! `graph` command. It is a plain library, so it is unit-tested like any code and there
//! is exactly one parser.
//!
//! Layout of a catalogue folder: one sub-folder per report holding `dialogue.toml`
//! (the structure) and one `<locale>.toml` per locale (the texts). See `dialogues/README.md`.

mod compile;
pub mod diagnostic;
pub mod graph;
pub mod model;
pub mod text;

#[cfg(feature = "codegen")]
pub mod codegen;

use std::path::{Path, PathBuf};

pub use compile::{ReportFiles, STRUCTURE_FILE, compile};
pub use diagnostic::{Diagnostic, Source};
pub use model::Catalogue;

/// Why a catalogue could not be compiled.
#[derive(Debug)]
pub enum Error {
    /// The folder or one of its files could not be read.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The dialogues break one or more rules; every mistake found is listed.
    Invalid(Vec<Diagnostic>),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io { path, error } => write!(f, "cannot read {}: {error}", path.display()),
            Error::Invalid(list) => {
                for (i, d) in list.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    writeln!(f, "error: {d}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {}

/// Every `.toml` file of a catalogue folder, sorted, so that tools tracking changes
/// (`build.rs`) and the compiler see the same set.
pub fn source_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |error| Error::Io { path, error }
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let folder = entry.map_err(io(dir))?.path();
        if !folder.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&folder).map_err(io(&folder))? {
            let file = entry.map_err(io(&folder))?.path();
            if file.is_file() && file.extension().is_some_and(|e| e == "toml") {
                files.push(file);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Reads and compiles the catalogue in `dir`. Paths in diagnostics are shown relative
/// to `root` (the crate root, so they read `dialogues/newjob/en.toml`).
pub fn load(dir: &Path, root: &Path) -> Result<Catalogue, Error> {
    let files = source_files(dir)?;
    let mut sources = Vec::with_capacity(files.len());
    for file in &files {
        let text = std::fs::read_to_string(file).map_err(|error| Error::Io {
            path: file.clone(),
            error,
        })?;
        let display = file
            .strip_prefix(root)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        sources.push(Source { display, text });
    }
    let mut catalogue = compile_sources(&sources)?;
    catalogue.files = files
        .into_iter()
        .zip(sources.into_iter().map(|s| s.display))
        .collect();
    Ok(catalogue)
}

/// Compiles a catalogue from files already in memory, named `<folder>/<report>/<file>.toml`
/// (as `load` names them, and as the generated `SOURCES` holds them).
pub fn compile_sources(sources: &[Source]) -> Result<Catalogue, Error> {
    let mut folders: Vec<ReportFiles> = Vec::new();
    for source in sources {
        let (folder, name) = source
            .display
            .rsplit_once('/')
            .unwrap_or(("", &source.display));
        let Some(stem) = name.strip_suffix(".toml") else {
            continue;
        };
        let at = match folders.iter().position(|f| f.folder == folder) {
            Some(at) => at,
            None => {
                folders.push(ReportFiles {
                    structure: None,
                    locales: Vec::new(),
                    folder: folder.to_owned(),
                });
                folders.len() - 1
            }
        };
        if name == STRUCTURE_FILE {
            folders[at].structure = Some(source.clone());
        } else {
            folders[at].locales.push((stem.to_owned(), source.clone()));
        }
    }
    compile(&folders).map_err(Error::Invalid)
}
