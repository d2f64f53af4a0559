"""Every run file in configs/ validates against the published JSON Schema (python3-jsonschema).

usage: check_schema.py CONFIGS_DIR
"""
import json
import pathlib
import sys

import jsonschema

folder = pathlib.Path(sys.argv[1])
schema = json.loads((folder / "run.schema.json").read_text())
jsonschema.Draft202012Validator.check_schema(schema)
runs = [p for p in sorted(folder.glob("*.json")) if p.name != "run.schema.json"]
assert runs, "no run files in configs/"
for p in runs:
    jsonschema.validate(json.loads(p.read_text()), schema)
    print("valid:", p.name)
# The schema must also reject what the engine rejects.
for bad in ({"input": {"path": "a"}, "analyzers": [{"type": "voronoi", "cutof": 1}]},
            {"input": {"path": "a"}, "analyzers": [{"type": "nonexistent"}]},
            {"analyzers": []}):
    try:
        jsonschema.validate(bad, schema)
    except jsonschema.ValidationError:
        continue
    raise AssertionError(f"schema accepted {bad}")
