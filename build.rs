//! Makes cargo rebuild the catalogue when a dialogue file is edited, added or removed.
//!
//! The `catalogue!` macro `include_bytes!`es every file it reads, which covers edits; a
//! new or deleted file is only seen through the folder, so the folder and its report
//! folders are tracked here, with the file list from the compiler's own `source_files`.

use std::path::Path;

fn main() {
    // `CHATBOT_DIALOGUES=<folder>` builds the server with another catalogue (see
    // `catalogue!` in src/catalogue.rs).
    println!("cargo::rerun-if-env-changed=CHATBOT_DIALOGUES");
    let chosen = std::env::var_os("CHATBOT_DIALOGUES").filter(|v| !v.is_empty());
    let dir = chosen.as_deref().map_or(Path::new("dialogues"), Path::new);
    println!("cargo::rerun-if-changed={}", dir.display());
    match chatbot_dialogue::source_files(dir) {
        Ok(files) => {
            for folder in files
                .iter()
                .filter_map(|f| f.parent())
                .collect::<std::collections::BTreeSet<_>>()
            {
                println!("cargo::rerun-if-changed={}", folder.display());
            }
            // Adding or removing a file changes this value, which recompiles the crate.
            let list: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
            println!("cargo::rustc-env=CHATBOT_DIALOGUE_FILES={}", list.join(":"));
        }
        Err(e) => println!("cargo::warning={e}"),
    }
}
