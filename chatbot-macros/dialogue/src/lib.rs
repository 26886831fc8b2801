//! The dialogue compiler: reads the TOML dialogues of a catalogue folder, checks every
//! rule an author can break, and hands a validated [`model::Catalogue`] to its users —
//! the `catalogue!` proc-macro (through [`codegen`]), `build.rs`, and the server's
//! `graph` command. It is a plain library, so it is unit-tested like any code and there
//! is exactly one parser.
//!
//! Layout of a catalogue folder: `catalogue.toml` (the locales and currencies), and one
//! sub-folder per report holding `dialogue.toml` (the structure) and one `<locale>.toml`
//! per locale (the texts). See `dialogues/README.md`.
//!
//! The compiler has two halves, as askama keeps its parser apart from its derive: `parse`
//! reads the TOML into raw values that remember where they were written (and words
//! syntax mistakes for an author), `rules` checks them and builds the model; neither
//! imports the other's insides, and `diagnostic` and `suggest` serve both.
//!
//! [`runtime`] and [`answer`] are what the generated code and the server use at run
//! time; `phf` is re-exported for the generated lookup tables.

pub mod answer;
pub mod diagnostic;
pub mod graph;
pub mod model;
mod parse;
mod rules;
pub mod runtime;
mod suggest;
pub mod text;

pub use phf;

#[cfg(feature = "codegen")]
pub mod codegen;

use std::path::{Path, PathBuf};

pub use diagnostic::{Diagnostic, Source};
pub use model::Catalogue;
pub use rules::locales::{CATALOGUE_FILE, plural_categories};
pub use rules::{ReportFiles, STRUCTURE_FILE, compile};

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

/// Every `.toml` file of a catalogue folder (`catalogue.toml` and the report folders'
/// files), sorted, so that tools tracking changes (`build.rs`) and the compiler see the
/// same set.
pub fn source_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |error| Error::Io { path, error }
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let folder = entry.map_err(io(dir))?.path();
        if folder.file_name().is_some_and(|n| n == CATALOGUE_FILE) && folder.is_file() {
            files.push(folder);
            continue;
        }
        if !folder.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&folder).map_err(io(&folder))? {
            let file = entry.map_err(io(&folder))?.path();
            if file.is_file() && file.extension().is_some_and(|e| e == "toml") {
                files.push(file);
            } else if file.is_dir() {
                // A variant of the report's dialogue.
                for entry in std::fs::read_dir(&file).map_err(io(&file))? {
                    let file = entry.map_err(io(&file))?.path();
                    if file.is_file() && file.extension().is_some_and(|e| e == "toml") {
                        files.push(file);
                    }
                }
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

/// Compiles a catalogue from files already in memory, named `<folder>/catalogue.toml`,
/// `<folder>/<report>/<file>.toml` and `<folder>/<report>/<variant>/<file>.toml` (as `load`
/// names them, and as the generated `SOURCES` holds them).
pub fn compile_sources(sources: &[Source]) -> Result<Catalogue, Error> {
    let mut folders: Vec<ReportFiles> = Vec::new();
    let mut catalogue: Option<&Source> = None;
    // The catalogue file is the one at the top: the shortest path of that name.
    for source in sources {
        if source.display.rsplit('/').next() == Some(CATALOGUE_FILE)
            && catalogue.is_none_or(|c| c.display.len() > source.display.len())
        {
            catalogue = Some(source);
        }
    }
    for source in sources {
        if catalogue.is_some_and(|c| std::ptr::eq(c, source)) {
            continue;
        }
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
                    variants: Vec::new(),
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
    let catalogue = match catalogue {
        Some(c) => c,
        None => {
            let top = folders
                .iter()
                .filter_map(|f| f.folder.rsplit_once('/').map(|(top, _)| top))
                .next()
                .unwrap_or("dialogues");
            let missing = Source {
                display: format!("{top}/{CATALOGUE_FILE}"),
                text: String::new(),
            };
            let d = Diagnostic::new(&missing, 0..0, format!("the catalogue has no `{CATALOGUE_FILE}`"))
                .help("create it with a `[locales.<code>]` table (its `name` and `ui` words) for each language; see dialogues/README.md");
            return Err(Error::Invalid(vec![d]));
        }
    };
    // A folder inside a report's folder holds one of its dialogue variants.
    let top = catalogue
        .display
        .rsplit_once('/')
        .map_or(String::new(), |(dir, _)| format!("{dir}/"));
    let (reports, nested): (Vec<ReportFiles>, Vec<ReportFiles>) =
        folders.into_iter().partition(|f| {
            !f.folder
                .strip_prefix(&top)
                .unwrap_or(&f.folder)
                .contains('/')
        });
    let mut reports = reports;
    for variant in nested {
        let parent = variant.folder.rsplit_once('/').map_or("", |(p, _)| p);
        match reports.iter_mut().find(|r| r.folder == parent) {
            Some(report) => report.variants.push(variant),
            None => reports.push(ReportFiles {
                structure: None,
                locales: Vec::new(),
                folder: parent.to_owned(),
                variants: vec![variant],
            }),
        }
    }
    compile(catalogue, &reports).map_err(Error::Invalid)
}
