#!/usr/bin/env python3
"""check-stix.py - validate what cordon gives partners as STIX 2.1.

    check-stix.py SCHEMAS BUNDLE.json          a bundle (cordon export stix)
    check-stix.py SCHEMAS --objects FILE       a JSON array of objects (TAXII)

SCHEMAS is the OASIS cti-stix2-json-schemas `schemas/` directory. Checks:
the bundle's envelope against common/bundle.json; every object against
the OASIS schema of its type (custom objects against common/core.json and
the JSON schema their extension-definition carries); the four TLP 2.0
marking definitions are the official ones; every object but the markings
has exactly one TLP marking, the producer as created_by_ref, modified >=
created; every reference points at an object that is there; the custom
objects' schemas are those of doc/stix/ (when --doc DIR is given). Prints
one line per problem and exits 1 if there is any.
"""
import json
import os
import re
import sys

import jsonschema

try:  # jsonschema >= 4.18
    import referencing
    import referencing.jsonschema
except ImportError:  # Debian 12's jsonschema 4.10
    referencing = None

TLP = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": ("TLP:CLEAR", "clear"),
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": ("TLP:GREEN", "green"),
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": ("TLP:AMBER", "amber"),
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": ("TLP:AMBER+STRICT", "amber+strict"),
}
TLP_EXT = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TYPE_SCHEMA = {
    "identity": "sdos/identity.json",
    "grouping": "sdos/grouping.json",
    "report": "sdos/report.json",
    "location": "sdos/location.json",
    "relationship": "sros/relationship.json",
    "marking-definition": "common/marking-definition.json",
    "extension-definition": "common/extension-definition.json",
}

problems = []


def problem(where, what):
    problems.append("%s: %s" % (where, what))


def official_marking(mid):
    name, value = TLP[mid]
    return {"type": "marking-definition", "spec_version": "2.1", "id": mid,
            "created": "2022-10-01T00:00:00.000Z", "name": name,
            "extensions": {TLP_EXT: {"extension_type": "property-extension", "tlp_2_0": value}}}


class Schemas:
    def __init__(self, root):
        self.root = root
        self.by_id = {}
        for d, _, files in os.walk(root):
            for f in files:
                if f.endswith(".json"):
                    with open(os.path.join(d, f), encoding="utf-8") as fh:
                        s = json.load(fh)
                    self.by_id[s["$id"]] = s
        self.path_id = {}
        for sid in self.by_id:
            rel = sid.split("/schemas/", 1)[1]
            self.path_id[rel] = sid
        if referencing:
            self.registry = referencing.Registry().with_resources(
                (sid, referencing.Resource.from_contents(s, default_specification=referencing.jsonschema.DRAFT202012))
                for sid, s in self.by_id.items())

    def validator(self, schema):
        cls = jsonschema.Draft202012Validator
        if referencing:
            return cls(schema, registry=self.registry)
        return cls(schema, resolver=jsonschema.RefResolver.from_schema(schema, store=self.by_id))

    def check(self, rel, obj, where):
        schema = self.by_id[self.path_id[rel]]
        for e in sorted(self.validator(schema).iter_errors(obj), key=lambda e: list(e.path)):
            problem(where, "%s: %s" % (rel, e.message[:300]))


def check_objects(schemas, objects, doc):
    ids = {o.get("id") for o in objects}
    if len(ids) != len(objects):
        problem("objects", "an id is given twice")
    producer = [o for o in objects if o.get("type") == "identity" and o.get("created_by_ref") == o.get("id")]
    if len(producer) != 1:
        problem("objects", "no single producer identity (an identity created by itself)")
    producer = producer[0]["id"] if producer else None
    exts = {o["id"]: o for o in objects if o.get("type") == "extension-definition"}
    custom = {}
    for e in exts.values():
        try:
            custom[json.loads(e["schema"]).get("title")] = json.loads(e["schema"])
        except (ValueError, KeyError):
            problem(e.get("id"), "schema is not JSON")
    if doc:
        for f in os.listdir(doc):
            if f.endswith(".json"):
                with open(os.path.join(doc, f), encoding="utf-8") as fh:
                    want = json.load(fh)
                if custom.get(want.get("title")) != want:
                    problem(f, "the extension-definition's schema differs from doc/stix/" + f)
    for mid in TLP:
        got = [o for o in objects if o.get("id") == mid]
        if not got:
            problem(mid, "the TLP marking definition is missing")
        elif got[0] != official_marking(mid):
            problem(mid, "differs from the OASIS TLP 2.0 marking definition")
    for o in objects:
        t, oid = o.get("type"), o.get("id", "?")
        where = oid
        if not isinstance(oid, str) or not oid.startswith(str(t) + "--"):
            problem(where, "id does not start with its type")
        if t in TYPE_SCHEMA:
            schemas.check(TYPE_SCHEMA[t], o, where)
        elif t and t.startswith("x-cordon-"):
            schemas.check("common/core.json", o, where)
            if t not in custom:
                problem(where, "no extension-definition declares " + t)
            else:
                for e in jsonschema.Draft202012Validator(custom[t]).iter_errors(o):
                    problem(where, "%s schema: %s" % (t, e.message[:300]))
            ext = o.get("extensions", {})
            if not any(k in exts and v.get("extension_type") == "new-sdo" for k, v in ext.items()):
                problem(where, "no new-sdo extension naming its extension-definition")
        else:
            problem(where, "unexpected type %r" % t)
        if t == "marking-definition":
            continue
        if o.get("created_by_ref") != producer:
            problem(where, "created_by_ref is not the producer")
        marks = o.get("object_marking_refs", [])
        if len(marks) != 1 or marks[0] not in TLP:
            problem(where, "not exactly one shareable TLP 2.0 marking: %r" % marks)
        if o.get("modified", "") < o.get("created", ""):
            problem(where, "modified is before created")
        # Every reference resolves inside what was given.
        refs = list(o.get("object_refs", []))
        for k in ("source_ref", "target_ref", "created_by_ref"):
            if k in o:
                refs.append(o[k])
        refs += list(marks)
        refs += [k for k in o.get("extensions", {}) if k.startswith("extension-definition--") and k != TLP_EXT]
        for r in refs:
            if r not in ids:
                problem(where, "refers to %s, which is not there" % r)
        for k, v in o.get("extensions", {}).items():
            if k in exts and v.get("extension_type") == "property-extension":
                for e in jsonschema.Draft202012Validator(custom.get("cordon-details", {})).iter_errors(v):
                    problem(where, "cordon-details: " + e.message[:300])


def main():
    args = sys.argv[1:]
    doc = None
    if "--doc" in args:
        i = args.index("--doc")
        doc = args[i + 1]
        del args[i:i + 2]
    if len(args) < 2:
        sys.exit(__doc__)
    schemas = Schemas(args[0])
    if args[1] == "--objects":
        with open(args[2], encoding="utf-8") as f:
            objects = json.load(f)
    else:
        with open(args[1], encoding="utf-8") as f:
            bundle = json.load(f)
        objects = bundle.get("objects", [])
        if not re.match(r"^bundle--[0-9a-f-]{36}$", str(bundle.get("id"))):
            problem("bundle", "no bundle id")
        envelope = dict(bundle)
        envelope["objects"] = [o for o in objects if o.get("type") == "identity"][:1]
        schemas.check("common/bundle.json", envelope, "bundle")
    if not objects:
        problem("objects", "none")
    check_objects(schemas, objects, doc)
    for p in problems:
        print(p)
    print("%d objects, %d problems" % (len(objects), len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
