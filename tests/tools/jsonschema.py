#!/usr/bin/env python3
"""jsonschema.py DOC COMMAND FILE: validate the JSON document in FILE against the schema
docs/json.md gives for COMMAND (the ```json block after "<!-- schema: COMMAND -->").

A subset of JSON Schema, python3 stdlib only:
  type (a name or a list: object, array, string, integer, number, boolean, null),
  properties, required, additionalProperties (false by default: a key the binary writes
  and the doc does not list is an error; true, or a schema for every other value),
  items, enum, const, pattern, minimum, multipleOf (checked on the number as printed,
  so 0.29999999999999999 is not a multiple of 0.1), $ref "#/$defs/NAME" (the block's own
  "$defs"). Every document must have "schema": 1 and "command": COMMAND.
Prints one line per error ("path: what") and exits 1 when there is any; 2 when the doc
has no schema for COMMAND."""
import decimal
import json
import re
import sys

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, decimal.Decimal)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def schema_for(doc_text, command):
    m = re.search(r"<!-- schema: %s -->\s*```json\n(.*?)```" % re.escape(command), doc_text, re.S)
    return json.loads(m.group(1)) if m else None


def check(v, s, root, path, errs):
    if "$ref" in s:
        # {"type": [..., "null"], "$ref": …}: null, or what the reference says.
        if v is None and "null" in (s.get("type") if isinstance(s.get("type"), list) else []):
            return
        name = s["$ref"].split("/")[-1]
        s = root.get("$defs", {}).get(name)
        if s is None:
            errs.append("%s: schema has no $defs/%s" % (path, name))
            return
    t = s.get("type")
    if t is not None:
        names = t if isinstance(t, list) else [t]
        if not any(TYPES[n](v) for n in names):
            errs.append("%s: %s is not %s" % (path, json.dumps(v, default=str)[:60], " or ".join(names)))
            return
    if "const" in s and v != s["const"]:
        errs.append("%s: %r is not %r" % (path, v, s["const"]))
    if "enum" in s and v not in s["enum"]:
        errs.append("%s: %r is not one of %s" % (path, v, s["enum"]))
    if "pattern" in s and isinstance(v, str) and not re.search(s["pattern"], v):
        errs.append("%s: %r does not match %s" % (path, v, s["pattern"]))
    if "minimum" in s and TYPES["number"](v) and v < s["minimum"]:
        errs.append("%s: %s is below %s" % (path, v, s["minimum"]))
    if "multipleOf" in s and isinstance(v, decimal.Decimal):
        if v % decimal.Decimal(str(s["multipleOf"])) != 0:
            errs.append("%s: %s is not rounded to %s" % (path, v, s["multipleOf"]))
    if isinstance(v, dict):
        props = s.get("properties", {})
        for k in s.get("required", []):
            if k not in v:
                errs.append("%s: key %r missing" % (path, k))
        extra = s.get("additionalProperties", False)
        for k, x in v.items():
            if k in props:
                check(x, props[k], root, "%s.%s" % (path, k), errs)
            elif extra is False:
                errs.append("%s: key %r is not documented" % (path, k))
            elif isinstance(extra, dict):
                check(x, extra, root, "%s.%s" % (path, k), errs)
    if isinstance(v, list) and "items" in s:
        for i, x in enumerate(v):
            check(x, s["items"], root, "%s[%d]" % (path, i), errs)


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: jsonschema.py DOC COMMAND FILE")
    doc, command, path = sys.argv[1:]
    schema = schema_for(open(doc, encoding="utf-8").read(), command)
    if schema is None:
        print("%s: no schema for %r" % (doc, command))
        sys.exit(2)
    try:
        # Reals as printed: multipleOf sees the digits the binary wrote.
        v = json.loads(open(path, encoding="utf-8").read(), parse_float=decimal.Decimal)
    except ValueError as e:
        print("%s: not JSON: %s" % (path, e))
        sys.exit(1)
    errs = []
    if not isinstance(v, dict) or v.get("schema") != 1 or v.get("command") != command:
        errs.append('$: "schema": 1 and "command": "%s" missing' % command)
    check(v, schema, schema, "$", errs)
    for e in errs[:40]:
        print("# %s: %s" % (path.rsplit("/", 1)[-1], e))
    sys.exit(1 if errs else 0)


if __name__ == "__main__":
    main()
