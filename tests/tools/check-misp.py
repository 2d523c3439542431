#!/usr/bin/env python3
"""check-misp.py - validate a MISP feed as cordon gives it to partners.

    check-misp.py [--templates DIR] FEED

FEED is a directory made by `cordon export misp`; DIR the MISP object
templates to check against (default: tests/misp-objects beside this
script: objects/NAME/definition.json and relationships/definition.json).
Checks, as a MISP instance adding FEED as a "MISP Feed" would rely on:

  - manifest.json and the event files agree: every manifest entry has its
    EVENT-UUID.json and every event file an entry; the entry's
    integrity:sha256 is the file's; its info, date, timestamp,
    threat_level_id, analysis, Orgc and Tag are the event's;
  - each event has MISP's fields with MISP's types (ids and timestamps as
    strings of digits, UUIDs), exactly one tlp: tag, and UUIDs used once;
  - every object names a template of DIR with its uuid and version; each
    attribute's object_relation is an attribute of that template with the
    template's misp-attribute type, a category the template lists (or
    MISP's default for the type), a string value; one value only for an
    attribute that is not `multiple`; required and requiredOneOf hold;
  - every object reference starts at its object, has a relationship type
    of relationships/definition.json, and points at an object of the
    same event;
  - hashes.csv is exactly md5(value),EVENT-UUID for every attribute value
    (object attributes included), and nothing else.

Prints one line per problem and exits 1 if there is any (2 on bad usage).
Python 3 standard library only.
"""
import argparse
import collections
import hashlib
import json
import os
import re
import sys

# MISP's default category for each attribute type the templates may use
# (describeTypes.json, sane_defaults).
DEFAULT_CATEGORY = {
    "attachment": "External analysis", "counter": "Other", "date-of-birth": "Person",
    "datetime": "Other", "email-src": "Payload delivery", "first-name": "Person",
    "float": "Other", "full-name": "Person", "gender": "Person",
    "identity-card-number": "Person", "ip-src": "Network activity", "last-name": "Person",
    "link": "External analysis", "middle-name": "Person", "nationality": "Person",
    "passport-country": "Person", "passport-expiration": "Person", "passport-number": "Person",
    "phone-number": "Person", "place-of-birth": "Person", "redress-number": "Person",
    "text": "Other", "url": "Network activity",
}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DIGITS = re.compile(r"^[0-9]+$")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")
EVENT_FIELDS = ["uuid", "info", "date", "threat_level_id", "analysis", "timestamp",
                "publish_timestamp", "published", "Orgc", "Tag", "Attribute", "Object"]
MANIFEST_FIELDS = ["info", "Orgc", "date", "timestamp", "threat_level_id", "analysis", "Tag",
                   "integrity:sha256"]


class Checker:
    def __init__(self, templates_dir):
        self.problems = []
        self.templates = {}
        objects = os.path.join(templates_dir, "objects")
        for name in sorted(os.listdir(objects)):
            path = os.path.join(objects, name, "definition.json")
            if os.path.isfile(path):
                with open(path, encoding="utf-8") as f:
                    t = json.load(f)
                self.templates[t["name"]] = t
        with open(os.path.join(templates_dir, "relationships", "definition.json"),
                  encoding="utf-8") as f:
            self.relationships = {v["name"] for v in json.load(f)["values"]}
        if not self.templates or not self.relationships:
            raise SystemExit("check-misp: no templates in %s" % templates_dir)

    def bad(self, where, what):
        self.problems.append("%s: %s" % (where, what))

    # --- one event --------------------------------------------------------------------

    def check_event(self, name, ev, hashes):
        where = name
        for k in EVENT_FIELDS:
            if k not in ev:
                self.bad(where, "Event has no %s" % k)
        for k in ("uuid", "info", "date", "threat_level_id", "analysis", "timestamp",
                  "publish_timestamp"):
            if k in ev and not isinstance(ev[k], str):
                self.bad(where, "Event %s is not a string: %r" % (k, ev[k]))
        if not UUID.match(str(ev.get("uuid", ""))):
            self.bad(where, "Event uuid %r is not a UUID" % ev.get("uuid"))
        if name != "%s.json" % ev.get("uuid"):
            self.bad(where, "the file is not named after the event's uuid %s" % ev.get("uuid"))
        if not ev.get("info"):
            self.bad(where, "Event info is empty")
        if not DATE.match(str(ev.get("date", ""))):
            self.bad(where, "Event date %r is not YYYY-MM-DD" % ev.get("date"))
        if ev.get("threat_level_id") not in ("1", "2", "3", "4"):
            self.bad(where, "threat_level_id %r is not 1-4" % ev.get("threat_level_id"))
        if ev.get("analysis") not in ("0", "1", "2"):
            self.bad(where, "analysis %r is not 0-2" % ev.get("analysis"))
        for k in ("timestamp", "publish_timestamp"):
            if not DIGITS.match(str(ev.get(k, ""))):
                self.bad(where, "Event %s %r is not a number" % (k, ev.get(k)))
        if ev.get("published") is not True:
            self.bad(where, "Event is not published")
        orgc = ev.get("Orgc")
        if (not isinstance(orgc, dict) or set(orgc) != {"name", "uuid"} or not orgc["name"]
                or not UUID.match(str(orgc["uuid"]))):
            self.bad(where, "Orgc is not {name, uuid}: %r" % orgc)
        tags = ev.get("Tag")
        if not isinstance(tags, list) or not all(
                isinstance(t, dict) and isinstance(t.get("name"), str) and
                re.match(r"^#[0-9a-fA-F]{6}$", str(t.get("colour", ""))) for t in tags):
            self.bad(where, "Tag is not a list of {name, colour}: %r" % tags)
            tags = []
        tlp = [t["name"] for t in tags if t["name"].lower().startswith("tlp:")]
        if len(tlp) != 1:
            self.bad(where, "%d tlp: tags (%s), not one" % (len(tlp), ", ".join(tlp)))
        elif tlp[0] not in ("tlp:clear", "tlp:green", "tlp:amber", "tlp:amber+strict"):
            self.bad(where, "%s is not a TLP level partners may receive" % tlp[0])
        if ev.get("Attribute") != [] and not isinstance(ev.get("Attribute"), list):
            self.bad(where, "Attribute is not a list")
        objects = ev.get("Object") if isinstance(ev.get("Object"), list) else []
        if not objects:
            self.bad(where, "the event holds no object")
        seen = {ev.get("uuid")}
        obj_uuids = set()
        for o in objects:
            if isinstance(o, dict) and UUID.match(str(o.get("uuid", ""))):
                obj_uuids.add(o["uuid"])
        for a in ev.get("Attribute") or []:
            self.check_attribute(where + " top-level attribute", a, None, seen)
            if isinstance(a.get("value"), str):
                hashes[(hashlib.md5(a["value"].encode("utf-8")).hexdigest(), ev["uuid"])] += 1
        for i, o in enumerate(objects):
            self.check_object("%s object %d" % (where, i), o, obj_uuids, seen, ev.get("uuid"),
                              hashes)

    def check_uuid(self, where, u, seen):
        if not UUID.match(str(u)):
            self.bad(where, "uuid %r is not a UUID" % u)
        elif u in seen:
            self.bad(where, "uuid %s is used twice" % u)
        seen.add(u)

    def check_attribute(self, where, a, tattr, seen):
        if not isinstance(a, dict):
            self.bad(where, "not an object")
            return
        self.check_uuid(where, a.get("uuid"), seen)
        for k in ("type", "category", "value", "timestamp"):
            if not isinstance(a.get(k), str) or a.get(k) == "":
                self.bad(where, "%s is not a non-empty string: %r" % (k, a.get(k)))
        if not DIGITS.match(str(a.get("timestamp", ""))):
            self.bad(where, "timestamp %r is not a number" % a.get("timestamp"))
        for k in ("to_ids", "disable_correlation"):
            if not isinstance(a.get(k), bool):
                self.bad(where, "%s is not a boolean" % k)
        if tattr is None:
            return
        if a.get("type") != tattr["misp-attribute"]:
            self.bad(where, "type %s, but the template says %s" % (a.get("type"),
                                                                     tattr["misp-attribute"]))
        allowed = tattr.get("categories") or [DEFAULT_CATEGORY.get(tattr["misp-attribute"])]
        if a.get("category") not in allowed:
            self.bad(where, "category %r is not one of %s" % (a.get("category"), allowed))
        if tattr.get("values_list") and a.get("value") not in tattr["values_list"]:
            self.bad(where, "value %r is not in the template's values_list" % a.get("value"))

    def check_object(self, where, o, obj_uuids, seen, event_uuid, hashes):
        if not isinstance(o, dict):
            self.bad(where, "not an object")
            return
        name = o.get("name")
        where = "%s (%s)" % (where, name)
        self.check_uuid(where, o.get("uuid"), seen)
        t = self.templates.get(name)
        if t is None:
            self.bad(where, "no template %r in %s" % (name, sorted(self.templates)))
            return
        if o.get("template_uuid") != t["uuid"]:
            self.bad(where, "template_uuid %s, not the template's %s" % (o.get("template_uuid"),
                                                                          t["uuid"]))
        if o.get("template_version") != str(t["version"]):
            self.bad(where, "template_version %r, not the template's %r" % (
                o.get("template_version"), str(t["version"])))
        if o.get("meta-category") != t.get("meta-category"):
            self.bad(where, "meta-category %r, not the template's %r" % (o.get("meta-category"),
                                                                          t.get("meta-category")))
        if not DIGITS.match(str(o.get("timestamp", ""))):
            self.bad(where, "timestamp %r is not a number" % o.get("timestamp"))
        attrs = o.get("Attribute")
        if not isinstance(attrs, list) or not attrs:
            self.bad(where, "no attributes")
            attrs = []
        used = collections.Counter()
        for i, a in enumerate(attrs):
            rel = a.get("object_relation") if isinstance(a, dict) else None
            awhere = "%s attribute %d (%s)" % (where, i, rel)
            tattr = t["attributes"].get(rel)
            if tattr is None:
                self.bad(awhere, "object_relation %r is not an attribute of template %s" % (rel,
                                                                                            name))
            self.check_attribute(awhere, a, tattr, seen)
            used[rel] += 1
            if tattr is not None and used[rel] == 2 and not tattr.get("multiple"):
                self.bad(awhere, "%s is given more than once, but is not multiple" % rel)
            if isinstance(a, dict) and isinstance(a.get("value"), str):
                hashes[(hashlib.md5(a["value"].encode("utf-8")).hexdigest(), event_uuid)] += 1
        for r in t.get("required", []):
            if not used[r]:
                self.bad(where, "required attribute %s is missing" % r)
        one_of = t.get("requiredOneOf", [])
        if one_of and not any(used[r] for r in one_of):
            self.bad(where, "none of requiredOneOf %s is given" % one_of)
        refs = o.get("ObjectReference", [])
        if not isinstance(refs, list):
            self.bad(where, "ObjectReference is not a list")
            refs = []
        for i, r in enumerate(refs):
            rwhere = "%s reference %d" % (where, i)
            if not isinstance(r, dict):
                self.bad(rwhere, "not an object")
                continue
            self.check_uuid(rwhere, r.get("uuid"), seen)
            if r.get("object_uuid") != o.get("uuid"):
                self.bad(rwhere, "object_uuid %s is not its object's" % r.get("object_uuid"))
            if r.get("relationship_type") not in self.relationships:
                self.bad(rwhere, "relationship_type %r is not in relationships/definition.json"
                         % r.get("relationship_type"))
            if r.get("referenced_uuid") not in obj_uuids:
                self.bad(rwhere, "referenced_uuid %s is not an object of this event"
                         % r.get("referenced_uuid"))
            elif r.get("referenced_uuid") == o.get("uuid"):
                self.bad(rwhere, "the object references itself")
            if not DIGITS.match(str(r.get("timestamp", ""))):
                self.bad(rwhere, "timestamp %r is not a number" % r.get("timestamp"))

    # --- the feed -----------------------------------------------------------------------

    def check_feed(self, feed):
        try:
            with open(os.path.join(feed, "manifest.json"), "rb") as f:
                manifest = json.loads(f.read().decode("utf-8"))
        except (OSError, ValueError) as e:
            self.bad("manifest.json", "cannot be read: %s" % e)
            return
        if not isinstance(manifest, dict) or not manifest:
            self.bad("manifest.json", "is not an object of events")
            return
        names = sorted(n for n in os.listdir(feed) if n.endswith(".json") and
                       n != "manifest.json")
        for n in names:
            if n[:-5] not in manifest:
                self.bad(n, "is not in manifest.json")
        hashes = collections.Counter()
        for uuid, entry in manifest.items():
            where = "manifest.json %s" % uuid
            if not UUID.match(uuid):
                self.bad(where, "key is not a UUID")
            if not isinstance(entry, dict):
                self.bad(where, "entry is not an object")
                continue
            for k in MANIFEST_FIELDS:
                if k not in entry:
                    self.bad(where, "has no %s" % k)
            path = os.path.join(feed, uuid + ".json")
            try:
                with open(path, "rb") as f:
                    raw = f.read()
            except OSError:
                self.bad(where, "no file %s.json" % uuid)
                continue
            if not HEX64.match(str(entry.get("integrity:sha256", ""))):
                self.bad(where, "integrity:sha256 is not a SHA-256")
            elif hashlib.sha256(raw).hexdigest() != entry["integrity:sha256"]:
                self.bad(where, "integrity:sha256 is not the SHA-256 of %s.json" % uuid)
            try:
                doc = json.loads(raw.decode("utf-8"))
            except ValueError as e:
                self.bad(uuid + ".json", "is not JSON: %s" % e)
                continue
            ev = doc.get("Event") if isinstance(doc, dict) else None
            if not isinstance(ev, dict) or set(doc) != {"Event"}:
                self.bad(uuid + ".json", "is not {\"Event\": {...}}")
                continue
            self.check_event(uuid + ".json", ev, hashes)
            for k in ("info", "date", "Orgc", "Tag"):
                if entry.get(k) != ev.get(k):
                    self.bad(where, "%s %r differs from the event's %r" % (k, entry.get(k),
                                                                           ev.get(k)))
            for k in ("timestamp", "threat_level_id", "analysis"):
                v = entry.get(k)
                if isinstance(v, bool) or not isinstance(v, int) or str(v) != ev.get(k):
                    self.bad(where, "%s %r differs from the event's %r" % (k, v, ev.get(k)))
        self.check_hashes(feed, hashes)

    def check_hashes(self, feed, expected):
        try:
            with open(os.path.join(feed, "hashes.csv"), "rb") as f:
                text = f.read().decode("utf-8")
        except (OSError, ValueError) as e:
            self.bad("hashes.csv", "cannot be read: %s" % e)
            return
        got = collections.Counter()
        for i, line in enumerate(text.split("\n")[:-1] if text.endswith("\n") else
                                 text.split("\n")):
            m = re.match(r"^([0-9a-f]{32}),([0-9a-f-]{36})$", line)
            if not m:
                self.bad("hashes.csv line %d" % (i + 1), "is not md5,EVENT-UUID: %r" % line)
                continue
            got[(m.group(1), m.group(2))] += 1
        for k in sorted((got - expected).keys()):
            self.bad("hashes.csv", "%s,%s is no attribute value of that event" % k)
        for k in sorted((expected - got).keys()):
            self.bad("hashes.csv", "%s,%s is missing (an attribute value of that event)" % k)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description="validate a MISP feed directory")
    ap.add_argument("--templates", default=os.path.join(here, "..", "misp-objects"),
                    help="MISP object templates (objects/, relationships/)")
    ap.add_argument("feed", help="the feed directory")
    args = ap.parse_args()
    c = Checker(args.templates)
    c.check_feed(args.feed)
    for p in c.problems:
        print(p)
    n = len([x for x in os.listdir(args.feed) if x.endswith(".json") and x != "manifest.json"])
    if c.problems:
        print("%d problems in %s" % (len(c.problems), args.feed))
        return 1
    print("ok: %d events in %s" % (n, args.feed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
