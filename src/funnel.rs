//! `/funnel`: the sales funnel of this instance, per report and dialogue variant, for a
//! marketer: how many dialogues started, entered each step, reached the checkout and
//! paid, with conversion, its 95 % interval, and the chance that one variant converts
//! better than the other. A plain HTML page with server-drawn SVG bars (askama), read
//! from the instance's own Prometheus text, so it shows exactly what `/metrics` serves.
//! For all instances, `docs/grafana/funnel.json` draws the same from Prometheus.
//!
//! The statistics: conversion is paid / started (and checkout / started), with a Wilson
//! score interval at 95 %; "chance to beat" is the posterior probability that a
//! variant's paid conversion is the higher one, each variant's conversion given a
//! Beta(1 + paid, 1 + started - paid) posterior (a uniform prior), integrated
//! numerically.

use askama::Template;

use crate::catalogue::{Report, State};

/// One series of the exposition: its name, its labels and its value.
type Sample<'a> = (&'a str, Vec<(&'a str, &'a str)>, f64);

/// The counters the funnel reads, from the Prometheus text exposition.
struct Samples<'a> {
    lines: Vec<Sample<'a>>,
}

impl<'a> Samples<'a> {
    fn parse(text: &'a str) -> Samples<'a> {
        let lines = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|line| {
                let (series, value) = line.rsplit_once(' ')?;
                let value: f64 = value.parse().ok()?;
                let (name, labels) = match series.split_once('{') {
                    Some((name, rest)) => (name, rest.strip_suffix('}')?),
                    None => (series, ""),
                };
                let labels = labels
                    .split(',')
                    .filter_map(|pair| {
                        let (k, v) = pair.split_once('=')?;
                        Some((k, v.trim_matches('"')))
                    })
                    .collect();
                Some((name, labels, value))
            })
            .collect();
        Samples { lines }
    }

    /// The sum of `name` over the series whose labels include all of `want`.
    fn sum(&self, name: &str, want: &[(&str, &str)]) -> f64 {
        self.lines
            .iter()
            .filter(|(n, labels, _)| {
                *n == name && want.iter().all(|w| labels.iter().any(|l| l == w))
            })
            .map(|(.., v)| v)
            .sum()
    }
}

/// One step's bar.
pub struct Bar {
    pub step: &'static str,
    pub entered: u64,
    /// Width in percent of the widest bar of its variant.
    pub width: f64,
}

/// A conversion with its 95 % interval, in percent.
pub struct Rate {
    pub count: u64,
    pub percent: f64,
    pub low: f64,
    pub high: f64,
}

/// One variant of one report.
pub struct VariantFunnel {
    pub name: &'static str,
    pub weight: u32,
    pub started: u64,
    pub checkout: Rate,
    pub paid: Rate,
    pub steps: Vec<Bar>,
    /// The chance, in percent, that this variant's paid conversion beats the others'.
    pub beats: Option<f64>,
}

pub struct ReportFunnel {
    pub slug: &'static str,
    pub variants: Vec<VariantFunnel>,
    pub unattributed: u64,
}

#[derive(Template)]
#[template(path = "funnel.html")]
pub struct FunnelPage {
    pub reports: Vec<ReportFunnel>,
}

/// The funnel page of the metrics in `prometheus` (this instance's `/metrics`).
pub fn page(prometheus: &str) -> FunnelPage {
    let samples = Samples::parse(prometheus);
    let reports = Report::ALL
        .iter()
        .map(|&report| {
            let slug = report.slug();
            let mut variants: Vec<VariantFunnel> = report
                .variants()
                .iter()
                .enumerate()
                .map(|(index, variant)| {
                    let want = [("report", slug), ("variant", variant.name)];
                    let count = |name| samples.sum(name, &want) as u64;
                    let started = count("chatbot_dialogues_started_total");
                    let steps: Vec<(&'static str, u64)> = State::ALL
                        .iter()
                        .filter(|s| s.report() == report && s.variant() == index)
                        .map(|s| {
                            let mut labels = want.to_vec();
                            labels.push(("step", s.name()));
                            let n = samples.sum("chatbot_funnel_step_entered_total", &labels);
                            (s.name(), n as u64)
                        })
                        .collect();
                    let widest = steps.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
                    VariantFunnel {
                        name: variant.name,
                        weight: variant.weight,
                        started,
                        checkout: rate(count("chatbot_purchases_total"), started),
                        paid: rate(count("chatbot_payments_total"), started),
                        steps: steps
                            .into_iter()
                            .map(|(step, entered)| Bar {
                                step,
                                entered,
                                width: 100.0 * entered as f64 / widest as f64,
                            })
                            .collect(),
                        beats: None,
                    }
                })
                .collect();
            if variants.len() > 1 {
                let posteriors: Vec<(u64, u64)> =
                    variants.iter().map(|v| (v.paid.count, v.started)).collect();
                for (i, variant) in variants.iter_mut().enumerate() {
                    variant.beats = Some(100.0 * chance_to_beat(i, &posteriors));
                }
            }
            ReportFunnel {
                slug,
                variants,
                unattributed: samples
                    .sum("chatbot_payments_unattributed_total", &[("report", slug)])
                    as u64,
            }
        })
        .collect();
    FunnelPage { reports }
}

/// `count` of `total`, with its Wilson score interval at 95 %.
fn rate(count: u64, total: u64) -> Rate {
    if total == 0 {
        return Rate {
            count,
            percent: 0.0,
            low: 0.0,
            high: 0.0,
        };
    }
    let (n, p, z) = (total as f64, count as f64 / total as f64, 1.96_f64);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n);
    Rate {
        count,
        percent: 100.0 * p,
        low: 100.0 * (centre - half).max(0.0),
        high: 100.0 * (centre + half).min(1.0),
    }
}

/// The posterior probability that variant `i`'s conversion is the highest of all, each
/// `(successes, trials)` given a Beta(1 + s, 1 + t - s) posterior: the integral over x of
/// `pdf_i(x) · Π_{j≠i} cdf_j(x)`, on a 2,000-point grid.
fn chance_to_beat(i: usize, all: &[(u64, u64)]) -> f64 {
    const GRID: usize = 2000;
    let params: Vec<(f64, f64)> = all
        .iter()
        .map(|&(s, t)| (1.0 + s as f64, 1.0 + t.saturating_sub(s) as f64))
        .collect();
    let dx = 1.0 / GRID as f64;
    // Every density on the grid, then running sums for the distribution functions.
    let pdfs: Vec<Vec<f64>> = params
        .iter()
        .map(|&(a, b)| {
            let norm = ln_beta(a, b);
            (0..GRID)
                .map(|k| {
                    let x = (k as f64 + 0.5) * dx;
                    ((a - 1.0) * x.ln() + (b - 1.0) * (1.0 - x).ln() - norm).exp()
                })
                .collect()
        })
        .collect();
    let mut cdfs: Vec<f64> = vec![0.0; params.len()];
    let mut chance = 0.0;
    for (k, density) in pdfs[i].iter().enumerate() {
        let others: f64 = (0..params.len())
            .filter(|&j| j != i)
            .map(|j| cdfs[j] + pdfs[j][k] * dx / 2.0)
            .product();
        chance += density * others * dx;
        for (cdf, pdf) in cdfs.iter_mut().zip(&pdfs) {
            *cdf += pdf[k] * dx;
        }
    }
    chance.clamp(0.0, 1.0)
}

/// ln B(a, b).
fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7).
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = C[0];
    for (k, c) in C.iter().enumerate().skip(1) {
        sum += c / (x + k as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_intervals_and_the_chance_to_beat_are_the_textbook_ones() {
        // 10 of 100: Wilson 95 % interval 5.52 % .. 17.44 %.
        let r = rate(10, 100);
        assert!(
            (r.low - 5.52).abs() < 0.01 && (r.high - 17.44).abs() < 0.01,
            "{} {}",
            r.low,
            r.high
        );
        assert_eq!(rate(0, 0).percent, 0.0);
        // Equal evidence: a coin toss; much better evidence: nearly sure.
        let even = chance_to_beat(0, &[(10, 100), (10, 100)]);
        assert!((even - 0.5).abs() < 0.01, "{even}");
        let sure = chance_to_beat(0, &[(60, 100), (20, 100)]);
        assert!(sure > 0.999, "{sure}");
        // Beta(11, 91) vs Beta(16, 86): P(B > A) ≈ 0.86 (by simulation).
        let b = chance_to_beat(1, &[(10, 100), (15, 100)]);
        assert!((b - 0.86).abs() < 0.02, "{b}");
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-10);
    }

    #[test]
    fn the_page_reads_the_prometheus_text() {
        let text = "# HELP x\nchatbot_dialogues_started_total{report=\"newjob\",locale=\"en\",variant=\"short\"} 4\n\
                    chatbot_dialogues_started_total{report=\"newjob\",locale=\"ru\",variant=\"short\"} 6\n\
                    chatbot_payments_total{report=\"newjob\",locale=\"en\",variant=\"short\"} 2\n";
        let page = page(text);
        let newjob = page
            .reports
            .iter()
            .find(|r| r.slug == "newjob")
            .expect("newjob");
        let short = newjob
            .variants
            .iter()
            .find(|v| v.name == "short")
            .expect("short");
        assert_eq!((short.started, short.paid.count), (10, 2));
        assert!((short.paid.percent - 20.0).abs() < 1e-9);
    }
}
