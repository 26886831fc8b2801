//! Which variant of a report's dialogue a dialogue runs (PROTOCOL.md, "Dialogue
//! variants"): the one the first message names; else one drawn from the `visitor` id in
//! the declared weights; else the report's default (its own dialogue, listed first).
//!
//! The draw is a fixed, documented hash, so every instance and every release (while the
//! variants and weights stay the same) gives a visitor the same variant:
//! `bucket = u64::from_be_bytes(SHA-256("<report id>:<visitor digest>")[..8]) % total`,
//! where the visitor digest is the 32 hex digits of [`SessionKey`] (SHA-256 of the id,
//! the only form in which the id is kept), and `total` the sum of the weights; the
//! variant is the first whose running sum of weights exceeds `bucket`, in the order
//! `dialogue.toml` declares them. Each report's experiment is drawn independently.

use crate::catalogue::Report;
use crate::protocol::{ClientError, Visitor};
use crate::session_id::SessionKey;

/// The variant (an index into [`Report::variants`]) a new dialogue of `report` runs.
pub fn choose(
    report: Report,
    named: Option<&str>,
    visitor: Option<Visitor>,
) -> Result<usize, ClientError> {
    let variants = report.variants();
    if let Some(name) = named {
        return variants
            .iter()
            .position(|v| v.name == name)
            .ok_or(ClientError::VariantUnknown);
    }
    Ok(visitor.map_or(0, |Visitor(key)| draw(report, key)))
}

/// The variant the hash gives `visitor` in `report`'s weights.
pub fn draw(report: Report, visitor: SessionKey) -> usize {
    let variants = report.variants();
    let total: u64 = variants.iter().map(|v| u64::from(v.weight)).sum();
    if total == 0 {
        return 0;
    }
    let seed = format!("{}:{visitor}", report.slug());
    let digest = ring::digest::digest(&ring::digest::SHA256, seed.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest.as_ref()[..8]);
    let bucket = u64::from_be_bytes(first) % total;
    let mut sum = 0;
    for (i, variant) in variants.iter().enumerate() {
        sum += u64::from(variant.weight);
        if bucket < sum {
            return i;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session_id::SessionId;

    fn visitor(n: usize) -> SessionKey {
        SessionId::parse(&format!("visitor-{n:012}"))
            .expect("an id")
            .key()
    }

    #[test]
    fn the_split_over_ten_thousand_visitors_follows_the_weights() {
        for report in Report::ALL {
            let variants = report.variants();
            let total: u32 = variants.iter().map(|v| v.weight).sum();
            let mut seen = vec![0usize; variants.len()];
            for n in 0..10_000 {
                seen[draw(report, visitor(n))] += 1;
            }
            for (variant, count) in variants.iter().zip(&seen) {
                let share = *count as f64 / 10_000.0;
                let want = f64::from(variant.weight) / f64::from(total);
                assert!(
                    (share - want).abs() <= 0.02,
                    "{}/{}: {share} of visitors, weight share {want}",
                    report.slug(),
                    variant.name
                );
            }
        }
    }

    #[test]
    fn a_visitor_sees_one_variant_and_a_named_one_wins() {
        let report = Report::ALL[0];
        let v = visitor(7);
        let first = draw(report, v);
        assert!((0..100).all(|_| draw(report, v) == first));
        assert_eq!(choose(report, None, None), Ok(0), "no visitor: the default");
        let last = report.variants().len() - 1;
        let name = report.variants()[last].name;
        assert_eq!(choose(report, Some(name), Some(Visitor(v))), Ok(last));
        assert_eq!(
            choose(report, Some("no-such-variant"), None),
            Err(ClientError::VariantUnknown)
        );
    }
}
