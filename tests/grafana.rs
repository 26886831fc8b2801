//! `docs/grafana/funnel.json`, the funnel of every instance in Grafana: every PromQL
//! expression in it names only metrics the server serves, with labels they carry, so the
//! dashboard cannot drift from `/metrics`.

use std::collections::{BTreeMap, BTreeSet};

use chatbot::metrics::Metrics;
use serde_json::Value;

/// Every `expr` and `query` string in the dashboard.
fn expressions(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("expr" | "query", Value::String(s)) => out.push(s.clone()),
                    _ => expressions(v, out),
                }
            }
        }
        Value::Array(list) => list.iter().for_each(|v| expressions(v, out)),
        _ => {}
    }
}

/// The metric names served, each with the label names its series carry.
fn served() -> BTreeMap<String, BTreeSet<String>> {
    let text = Metrics::new().render();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let series = line.split(' ').next().unwrap_or_default();
        let (name, labels) = series.split_once('{').unwrap_or((series, ""));
        let entry = out.entry(name.to_owned()).or_default();
        for pair in labels
            .trim_end_matches('}')
            .split(',')
            .filter(|p| !p.is_empty())
        {
            entry.extend(pair.split_once('=').map(|(k, _)| k.to_owned()));
        }
    }
    out
}

#[test]
fn every_promql_expression_names_served_metrics_and_labels() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/grafana/funnel.json");
    let dashboard: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the dashboard")).expect("JSON");
    let mut exprs = Vec::new();
    expressions(&dashboard, &mut exprs);
    let served = served();
    let mut checked = 0;
    for expr in exprs.iter().filter(|e| e.contains("chatbot_")) {
        // Metric names: identifiers starting with chatbot_.
        let metrics: Vec<&str> = expr
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| w.starts_with("chatbot_"))
            .collect();
        assert!(!metrics.is_empty(), "{expr}");
        // Label names: inside `by (...)` and before `=`, `=~`, `!=` in selectors.
        let mut labels: Vec<String> = Vec::new();
        for part in expr.split("by (").skip(1) {
            let inside = part.split(')').next().unwrap_or_default();
            labels.extend(inside.split(',').map(|l| l.trim().to_owned()));
        }
        for part in expr.split('{').skip(1) {
            let inside = part.split('}').next().unwrap_or_default();
            for matcher in inside.split(',') {
                let name: String = matcher
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    labels.push(name);
                }
            }
        }
        for metric in &metrics {
            let carried = served
                .get(*metric)
                .unwrap_or_else(|| panic!("{metric} is not served (in {expr})"));
            for label in &labels {
                assert!(
                    carried.contains(label),
                    "{metric} has no label {label} (in {expr})"
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 8, "the dashboard's expressions: {checked}");
}
