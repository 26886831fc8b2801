//! Every class of authoring mistake is a compile error that names the TOML file, line
//! and column, says what is wrong and how to fix it (trybuild `.stderr` snapshots over
//! the fixture catalogues in `tests/ui/fixtures/`).

#[test]
fn dialogue_mistakes_are_compile_errors() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
