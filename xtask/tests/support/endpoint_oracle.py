"""botocore's endpoint resolver on the cases of xtask/tests/endpoint_rules.rs.

usage: endpoint_oracle.py MODELS_DIR PARTITIONS_JSON CASES_JSONL

Each line of CASES_JSONL is {"service": NAME, "params": {...}}; NAME.json in MODELS_DIR is
the Smithy model whose service carries the rule set. Prints one JSON line per case:
{"url", "properties", "headers"} or {"error": message}.
"""
import json
import sys

from botocore.endpoint_provider import EndpointProvider
from botocore.exceptions import EndpointResolutionError


def rule_set(path):
    with open(path) as f:
        model = json.load(f)
    for shape in model["shapes"].values():
        if shape.get("type") == "service":
            return shape["traits"]["smithy.rules#endpointRuleSet"]
    raise SystemExit(f"{path}: no service shape")


def main():
    models, partitions_path, cases = sys.argv[1:4]
    with open(partitions_path) as f:
        partitions = json.load(f)
    providers = {}
    out = sys.stdout
    with open(cases) as f:
        for line in f:
            case = json.loads(line)
            name = case["service"]
            if name not in providers:
                providers[name] = EndpointProvider(
                    rule_set(f"{models}/{name}.json"), partitions
                )
            try:
                e = providers[name].resolve_endpoint(**case["params"])
                result = {"url": e.url, "properties": e.properties, "headers": e.headers}
            except EndpointResolutionError as err:
                result = {"error": err.kwargs.get("msg", str(err))}
            out.write(json.dumps(result) + "\n")


main()
