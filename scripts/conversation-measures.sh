#!/usr/bin/env bash
# Prints the conversation measures of issue 13: waiting steps without quick replies,
# the typed-answer corpus per locale (routed as expected, and never a sale by mistake),
# and the price table checked against CLDR's forms. Run from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --quiet --test answers -- --nocapture --test-threads 1 2>&1 \
  | grep -E "waiting steps|typed answers routed|price table|^\s+\"|^test result"
