//! `smithy.api#sensitive` as the published models use it (`../shared/models`): which
//! structures' `Debug` hides which members.

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

/// Names of the structures whose `Debug` redacts something, with the redacted members.
fn redacting(ir: &Ir) -> Vec<String> {
    ir.structures
        .iter()
        .filter(|s| s.redacts())
        .map(|s| {
            let members: Vec<&str> = s
                .members
                .iter()
                .filter(|m| m.sensitive)
                .map(|m| m.name.as_str())
                .collect();
            format!("{}: {}", s.name.text, members.join(", "))
        })
        .collect()
}

#[test]
fn sts_and_iam_redact_their_secrets() {
    assert_eq!(
        redacting(&lower("sts")),
        [
            "AssumeRoleWithSamlRequest: SAMLAssertion",
            "AssumeRoleWithWebIdentityRequest: WebIdentityToken",
            "Credentials: SecretAccessKey",
            "GetDelegatedAccessTokenRequest: TradeInToken",
            "GetWebIdentityTokenResponse: WebIdentityToken",
        ]
    );
    assert_eq!(
        redacting(&lower("iam")),
        [
            "AccessKey: SecretAccessKey",
            "ChangePasswordRequest: OldPassword, NewPassword",
            "CreateLoginProfileRequest: Password",
            "CreateSamlProviderRequest: AddPrivateKey",
            "ServiceSpecificCredential: ServicePassword, ServiceCredentialSecret",
            "UpdateLoginProfileRequest: Password",
            "UpdateSamlProviderRequest: AddPrivateKey",
            "UploadServerCertificateRequest: PrivateKey",
            "VirtualMfaDevice: Base32StringSeed, QRCodePNG",
        ]
    );
}

#[test]
fn member_traits_of_smithy_1_models_count() {
    // Smithy 1.0 allowed `sensitive` on members (2.0 only on shapes): honoured, and on a
    // list's member it redacts the list.
    let json = r#"{
      "smithy": "1.0",
      "shapes": {
        "a#S": {
          "type": "service", "version": "1", "operations": [{"target": "a#Op"}],
          "traits": {"aws.protocols#awsQuery": {}, "aws.auth#sigv4": {"name": "s"}}
        },
        "a#Op": {"type": "operation", "input": {"target": "a#In"}},
        "a#In": {
          "type": "structure",
          "members": {
            "Plain": {"target": "smithy.api#String"},
            "Secret": {"target": "smithy.api#String", "traits": {"smithy.api#sensitive": {}}},
            "Secrets": {"target": "a#SecretItems"}
          }
        },
        "a#SecretItems": {
          "type": "list",
          "member": {"target": "smithy.api#String", "traits": {"smithy.api#sensitive": {}}}
        }
      }
    }"#;
    let ir = codegen::load("m.json", json, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(redacting(&ir), ["In: Secret, Secrets"]);
}
