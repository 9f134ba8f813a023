#!/usr/bin/env python3
"""Checks the exported OpenAPI documents with real validators (run by tests/tests/openapi.rs).

  openapi_check.py documents FILE...   validate each file with openapi-spec-validator as OpenAPI 3.1;
                                       prints one JSON line per file: {"file", "errors": [...]}
  openapi_check.py cases FILE          FILE holds {"components": {doc: components}, "cases": [{"label",
                                       "doc", "schema", "instance"}]}; validates each instance with
                                       jsonschema's Draft 2020-12 validator against its schema, whose
                                       `#/components/...` references resolve to the document's
                                       components; prints {"label", "errors": [...]} per case, one a line

Needs the PyPI packages openapi-spec-validator and jsonschema (.ci/run installs them into target/pyenv).
"""

import json
import sys


def documents(files):
    from openapi_spec_validator import OpenAPIV31SpecValidator

    for name in files:
        with open(name, encoding="utf-8") as f:
            doc = json.load(f)
        errors = [str(e).splitlines()[0] for e in OpenAPIV31SpecValidator(doc).iter_errors()]
        print(json.dumps({"file": name, "errors": errors}, ensure_ascii=False))


def cases(file):
    from jsonschema import Draft202012Validator

    with open(file, encoding="utf-8") as f:
        data = json.load(f)
    for case in data["cases"]:
        root = dict(case["schema"])
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        root["components"] = data["components"][case["doc"]]
        Draft202012Validator.check_schema(root)
        validator = Draft202012Validator(root)
        errors = [
            "/".join(str(p) for p in e.absolute_path) + ": " + e.message
            for e in validator.iter_errors(case["instance"])
        ]
        print(json.dumps({"label": case["label"], "errors": errors}, ensure_ascii=False))


def main(argv):
    if len(argv) >= 2 and argv[0] == "documents":
        documents(argv[1:])
    elif len(argv) == 2 and argv[0] == "cases":
        cases(argv[1])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
