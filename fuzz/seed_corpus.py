#!/usr/bin/env python3
"""Writes the committed seed corpora under fuzz/corpus/<target>/ from the repository's tests.

response_ok:     the success bodies of the generated crate's doctests (one per operation
                 example), the response snapshot test's body, and a few edge cases.
response_error:  the error bodies of conformance/tests/wire_snapshots.rs and a few more, each
                 behind the status byte that conformance::fuzz::response_error reads.
form_round_trip: a few deterministic byte strings (the target derives its inputs from them).
model_loader:    model/elasticache.json and codegen/tests/fixtures/{ok,err}/*.json.

It also writes fuzz/xml.dict, the libFuzzer dictionary run.sh gives the response targets:
XML syntax and the element names of model/elasticache.json.

Run from anywhere: python3 fuzz/seed_corpus.py. It replaces the four folders and the dictionary.
"""
import hashlib
import json
import pathlib
import random
import re
import shutil

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
NS = "http://elasticache.amazonaws.com/doc/2015-02-02/"
# conformance::fuzz::ERROR_STATUSES = [400, 403, 404, 429, 500, 503]
STATUS_BYTE = {400: 0, 403: 1, 404: 2, 429: 3, 500: 4, 503: 5}


def rust_unescape(s):
    return json.loads('"' + s.replace("\\'", "'") + '"')


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main():
    for t in ["response_ok", "response_error", "form_round_trip", "model_loader"]:
        shutil.rmtree(CORPUS / t, ignore_errors=True)

    # response_ok
    for f in sorted((ROOT / "generated/src/operation").glob("*.rs")):
        for m in re.finditer(r'let xml = "((?:[^"\\]|\\.)*)";', f.read_text()):
            write("response_ok", rust_unescape(m.group(1)))
    snap = (ROOT / "conformance/tests/wire_snapshots.rs").read_text()
    m = re.search(r'const SNAPSHOT_XML: &str = r#"(.*?)"#;', snap, re.S)
    write("response_ok", m.group(1))
    for body in [
        f'<DeleteSnapshotResponse xmlns="{NS}"><DeleteSnapshotResult/></DeleteSnapshotResponse>',
        f'<DescribeSnapshotsResponse xmlns="{NS}"><DescribeSnapshotsResult><Marker>m&lt;1&gt;</Marker>'
        "<Snapshots><Snapshot><SnapshotName><![CDATA[a<b]]>&#x263A;&amp;</SnapshotName>"
        "<NodeSnapshots/></Snapshot><Snapshot/></Snapshots></DescribeSnapshotsResult>"
        "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeSnapshotsResponse>",
        "<DescribeCacheClustersResponse><DescribeCacheClustersResult><CacheClusters><CacheCluster>"
        "<CacheClusterId>c</CacheClusterId><NumCacheNodes>-2147483648</NumCacheNodes><CacheNodes><CacheNode>"
        "<Endpoint><Address>h</Address><Port>6379</Port></Endpoint></CacheNode></CacheNodes>"
        "<Tags><Tag><Key>k</Key></Tag></Tags></CacheCluster></CacheClusters></DescribeCacheClustersResult>"
        "</DescribeCacheClustersResponse>",
    ]:
        write("response_ok", body)

    # response_error
    cases = re.findall(r'\((\d{3}), "(<(?:[^"\\]|\\.)*)"\)', snap)
    bodies = [(int(s), rust_unescape(b)) for s, b in cases if int(s) >= 400]
    bodies += [
        (404, "<ErrorResponse><Error><Code>SnapshotNotFoundFault</Code><Message>gone</Message></Error><RequestId>r</RequestId></ErrorResponse>"),
        (400, f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>CacheClusterAlreadyExists</Code>'
              "<Message>a &amp; b</Message></Error><RequestId>x</RequestId></ErrorResponse>"),
        (400, "<ErrorResponse><Error><Code>InvalidParameterValue</Code><Message/></Error></ErrorResponse>"),
        (503, ""),
        (429, "<Response><Errors><Error><Code>Throttling</Code></Error></Errors></Response>"),
    ]
    for status, body in bodies:
        write("response_error", bytes([STATUS_BYTE[status]]) + body.encode())

    # form_round_trip
    rng = random.Random(7)
    for n in [0, 16, 64, 128, 256, 512]:
        write("form_round_trip", bytes(rng.randrange(256) for _ in range(n)) or b"\x00")

    # model_loader
    write("model_loader", (ROOT / "model/elasticache.json").read_bytes())
    for f in sorted((ROOT / "codegen/tests/fixtures").glob("*/*.json")):
        write("model_loader", f.read_bytes())

    # the dictionary of the response targets
    tokens = {"<", "</", "/>", ">", "&amp;", "&lt;", "&#x", "&#", ";", "<![CDATA[", "]]>", "<!--",
              "-->", "<?xml version=\"1.0\"?>", "<!DOCTYPE", " xmlns=\"" + NS + "\"",
              "<ErrorResponse>", "<Error>", "<Code>", "<Message>", "<Type>", "<RequestId>",
              "<ResponseMetadata>", "true", "false", "-2147483648", "2147483647", "Z", "T", ".",
              "2016-12-21T22:24:04.955Z"}
    model = json.loads((ROOT / "model/elasticache.json").read_text())
    for sid, shape in model["shapes"].items():
        name = sid.split("#")[1]
        if shape["type"] == "operation":
            tokens |= {f"<{name}Response>", f"<{name}Result>"}
        if shape["type"] == "structure" and "smithy.api#error" in shape.get("traits", {}):
            code = shape["traits"].get("aws.protocols#awsQueryError", {}).get("code", name)
            tokens.add(code)
        for mname, m in shape.get("members", {}).items():
            if shape["type"] == "structure":
                tokens.add("<" + m.get("traits", {}).get("smithy.api#xmlName", mname) + ">")
        if shape["type"] == "list" and "smithy.api#xmlName" in shape["member"].get("traits", {}):
            tokens.add("<" + shape["member"]["traits"]["smithy.api#xmlName"] + ">")
    lines = [json.dumps(t, ensure_ascii=True) for t in sorted(tokens)]
    (ROOT / "fuzz/xml.dict").write_text("# written by seed_corpus.py\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
