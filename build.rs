//! Makes cargo rebuild the catalogue when a dialogue file is edited, added or removed,
//! and renders the protocol page's HTML from `docs/protocol.md`.
//!
//! The `catalogue!` macro `include_bytes!`es every file it reads, which covers edits; a
//! new or deleted file is only seen through the folder, so the folder and its report
//! folders are tracked here, with the file list from the compiler's own `source_files`.
//!
//! The markdown is rendered here rather than at run time so the server carries no
//! markdown parser and the page costs nothing to serve; `src/demo.rs` includes the
//! result from `OUT_DIR`.

use std::collections::HashMap;
use std::path::Path;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

fn main() {
    render_protocol();
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

/// `docs/protocol.md` as HTML in `$OUT_DIR/protocol.html`: GitHub's tables and
/// strikethrough, an id on every heading (so sections can be linked), headings one level
/// down (the page's own `<h1>` is its title), and each table in a box that scrolls
/// sideways on a phone instead of widening the page.
///
/// The markdown is this repository's own text, so its inline HTML (if any) is kept.
fn render_protocol() {
    const SOURCE: &str = "docs/protocol.md";
    println!("cargo::rerun-if-changed={SOURCE}");
    let markdown = std::fs::read_to_string(SOURCE)
        .unwrap_or_else(|e| panic!("cannot read {SOURCE} for the protocol page: {e}"));
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events: Vec<Event> = Parser::new_ext(&markdown, options).collect();
    let mut out = Vec::with_capacity(events.len() + 16);
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let text = heading_text(&events[i + 1..]);
                out.push(Event::Start(Tag::Heading {
                    level: demoted(*level),
                    id: Some(CowStr::from(unique_id(&text, &mut ids))),
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                out.push(Event::End(TagEnd::Heading(demoted(*level))));
            }
            Event::Start(Tag::Table(_)) => {
                out.push(Event::Html(CowStr::from("<div class=\"table-scroll\">\n")));
                out.push(event.clone());
            }
            Event::End(TagEnd::Table) => {
                out.push(event.clone());
                out.push(Event::Html(CowStr::from("</div>\n")));
            }
            _ => out.push(event.clone()),
        }
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    let Some(dir) = std::env::var_os("OUT_DIR") else {
        panic!("cargo sets OUT_DIR for build scripts");
    };
    let target = Path::new(&dir).join("protocol.html");
    std::fs::write(&target, html)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", target.display()));
}

/// The plain text of the heading that starts just before `events`.
fn heading_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            _ => {}
        }
    }
    text
}

/// A heading's id as GitHub makes it (lower case, letters, digits, `-` and `_`, spaces
/// as `-`), with `-1`, `-2`, ... after a repeated one.
fn unique_id(text: &str, seen: &mut HashMap<String, usize>) -> String {
    let slug: String = text
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect();
    let slug = if slug.is_empty() {
        "section".to_owned()
    } else {
        slug
    };
    let count = seen.entry(slug.clone()).or_insert(0);
    let id = if *count == 0 {
        slug
    } else {
        format!("{slug}-{count}")
    };
    *count += 1;
    id
}

fn demoted(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}
