#!/usr/bin/env bash
# Shows that cargo rebuilds the catalogue when a dialogue file is edited, added or
# removed, and that a broken dialogue fails the build with one clear error (no cascade).
# Run from the repository root; restores every file it touches.
set -euo pipefail
cd "$(dirname "$0")/.."
file=dialogues/newjob/en.toml
backup=$(mktemp)
cp "$file" "$backup"
restore() { cp "$backup" "$file"; rm -f dialogues/newjob/de.toml "$backup"; }
trap restore EXIT
log=$(mktemp)

step() { printf '%-58s' "$1"; }
pass() { echo "ok"; }
fail() { echo "FAILED"; cat "$log"; exit 1; }

cargo build --quiet
step "no change: the catalogue is not rebuilt"
cargo build 2>"$log"; grep -q "Compiling chatbot " "$log" && fail || pass

step "editing a dialogue file rebuilds it"
printf '\n# edited by check-rebuild.sh\n' >> "$file"
cargo build 2>"$log"; grep -q "Compiling chatbot " "$log" && pass || fail
cp "$backup" "$file"; cargo build --quiet

step "adding a file is seen (an unknown locale fails the build)"
cp "$file" dialogues/newjob/de.toml
if cargo build 2>"$log"; then fail; fi
grep -q '`de.toml` is not a locale of the catalogue' "$log" && pass || fail

step "removing it again builds"
rm dialogues/newjob/de.toml
cargo build 2>"$log" && grep -q "Compiling chatbot " "$log" && pass || fail

step "a misspelt placeholder is one error at file:line:col"
sed -i '0,/{price}/s//{prise}/' "$file"
if cargo build 2>"$log"; then fail; fi
grep -q "unknown placeholder \`{prise}\`" "$log" && grep -q -- "--> dialogues/newjob/en.toml:" "$log" || fail
[ "$(grep -c '^error' "$log")" -eq 2 ] && pass || fail   # the error, and "could not compile"
echo "rebuild tracking: all checks passed"
