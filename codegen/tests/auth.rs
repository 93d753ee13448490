//! `smithy.api#auth` as the published models use it (`../shared/models`): which
//! operations go out unsigned.

use codegen::ir::Ir;
use codegen::Options;
use std::path::Path;

fn published(name: &str) -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../shared/models/{name}.json"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn lower(name: &str) -> Ir {
    codegen::load(
        &format!("{name}.json"),
        &published(name),
        &Options::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn unsigned(ir: &Ir) -> Vec<&str> {
    ir.operations
        .iter()
        .filter(|op| !op.signed)
        .map(|op| op.name.as_str())
        .collect()
}

#[test]
fn sts_web_identity_and_saml_are_unsigned() {
    let json = published("sts");
    let ir =
        codegen::load("sts.json", &json, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        unsigned(&ir),
        ["AssumeRoleWithSAML", "AssumeRoleWithWebIdentity"]
    );
    let assume_role = ir.operations.iter().find(|op| op.name == "AssumeRole");
    assert!(assume_role.is_some_and(|op| op.signed));

    // The generated impls say so, and only those two.
    let files =
        codegen::emit_crate(&ir, "sts.json", &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let with_const: Vec<&str> = files
        .iter()
        .filter(|f| f.contents.contains("const SIGNED: bool = false;"))
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(
        with_const,
        [
            "src/operation/assume_role_with_saml.rs",
            "src/operation/assume_role_with_web_identity.rs"
        ]
    );
    assert!(!files
        .iter()
        .any(|f| f.contents.contains("const SIGNED: bool = true")));
}

#[test]
fn every_other_published_operation_is_signed() {
    // (EC2 speaks ec2Query, which this generator does not.)
    for name in ["iam", "rds", "sns", "elasticache", "cloudformation"] {
        let ir = lower(name);
        assert!(!ir.operations.is_empty());
        assert_eq!(unsigned(&ir), Vec::<&str>::new(), "{name}");
    }
}
