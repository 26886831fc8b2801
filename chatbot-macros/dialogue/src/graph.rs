//! A report's dialogue as a graph (Mermaid or Graphviz dot), for reviews and docs:
//! steps, default (`next`) edges, option edges labelled with their ids, the purchase marked.

use std::fmt::Write;

use crate::model::Report;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Mermaid,
    Dot,
}

/// Every edge of the dialogue: (from, to, label), the default way first.
fn edges(report: &Report) -> Vec<(&str, &str, &str)> {
    let name = |i: usize| report.steps[i].name.as_str();
    let mut edges = vec![
        ("_new", name(report.start_new), "new visitor"),
        (
            "_returning",
            name(report.start_returning),
            "returning visitor",
        ),
    ];
    for step in &report.steps {
        if let Some(next) = step.next {
            edges.push((&step.name, name(next), "default"));
        }
        if let Some(unclear) = step.unclear {
            edges.push((&step.name, name(unclear), "unclear"));
        }
        for option in &step.options {
            edges.push((&step.name, name(option.next), &option.id));
        }
    }
    edges
}

pub fn render(report: &Report, format: Format) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = match format {
        Format::Mermaid => mermaid(report, &mut out),
        Format::Dot => dot(report, &mut out),
    };
    out
}

fn mermaid(report: &Report, out: &mut String) -> std::fmt::Result {
    writeln!(out, "flowchart TD")?;
    writeln!(out, "    _new([start: new visitor])")?;
    writeln!(out, "    _returning([start: returning visitor])")?;
    for step in &report.steps {
        if step.purchase {
            writeln!(out, "    {0}[[\"{0} (purchase)\"]]", step.name)?;
        } else {
            writeln!(out, "    {0}[\"{0}\"]", step.name)?;
        }
    }
    for (from, to, label) in edges(report) {
        if label.contains("visitor") {
            writeln!(out, "    {from} --> {to}")?;
        } else {
            writeln!(out, "    {from} -->|{label}| {to}")?;
        }
    }
    Ok(())
}

fn dot(report: &Report, out: &mut String) -> std::fmt::Result {
    writeln!(out, "digraph \"{}\" {{", report.id)?;
    writeln!(out, "    rankdir=TB;")?;
    writeln!(out, "    _new [shape=oval, label=\"start: new visitor\"];")?;
    writeln!(
        out,
        "    _returning [shape=oval, label=\"start: returning visitor\"];"
    )?;
    for step in &report.steps {
        let shape = if step.purchase {
            "doubleoctagon"
        } else {
            "box"
        };
        let label = if step.purchase {
            format!("{} (purchase)", step.name)
        } else {
            step.name.clone()
        };
        writeln!(out, "    {} [shape={shape}, label=\"{label}\"];", step.name)?;
    }
    for (from, to, label) in edges(report) {
        if label.contains("visitor") {
            writeln!(out, "    {from} -> {to};")?;
        } else {
            let style = if label == "default" {
                ", style=bold"
            } else {
                ""
            };
            writeln!(out, "    {from} -> {to} [label=\"{label}\"{style}];")?;
        }
    }
    writeln!(out, "}}")
}
