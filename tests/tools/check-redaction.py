#!/usr/bin/env python3
"""check-redaction.py - prove an export holds nothing its partner may not see.

    check-redaction.py --records ALL.jsonl --store-uuid UUID
                       --profile non-nominal|nominal --ceiling TLP
                       [--expect TEXT]... [--expect-id ID]...
                       [--withhold ID]... PATH...

ALL.jsonl is every record of the store (`cordon export-json`), the source
of truth; PATH are the files (or directories of files) the partner was
given, in any format. From the records alone, this works out what must
not appear, then searches every byte of every file for it (signatures, which are
no text, apart):

  - a record above the ceiling (or red, or evidence; or, non-nominal, a
    phone, account, address or document entity): its id (as a whole
    word), its STIX ids, its names, aliases and identifiers, its titles
    and free text;
  - non-nominal: every person's, company's and vehicle's name, alias,
    birth date and identifier that is not open (IMO, MMSI, container,
    AWB, B/L and flight are), and every text only the nominal profile
    keeps (notes, concealment detail, case titles and summaries, alert
    titles and explanations, carriers, attributes).

Text is compared folded (case, diacritics, đ → d, punctuation), so
"Nguyen Van Hung" is found as surely as "Nguyễn Văn Hùng", in the raw
bytes and in every JSON string (escapes decoded). --expect and
--expect-id name what must be found (so a search that sees nothing cannot
pass). --withhold names a record withheld for a reason its own fields do
not show (only a withheld link leads to it). Prints each finding; exits 1 if there is any.
"""
import argparse
import json
import os
import re
import sys
import unicodedata
import uuid

CORDON_NS = uuid.UUID("044baeab-438c-4549-bed4-1ebd89d52832")
RANK = {"clear": 0, "green": 1, "amber": 2, "amber+strict": 3, "red": 4}
OPEN_IDENTIFIERS = {"imo", "mmsi", "container", "awb", "bl", "flight"}
OPEN_NAMES = {"vessel", "aircraft", "container", "parcel"}
PERSONAL = {"phone", "account", "address", "document"}
STIX_TYPES = ["identity", "x-cordon-entity", "x-cordon-seizure", "x-cordon-route", "location",
              "relationship", "report", "grouping", "misp-event"]


def fold(s):
    s = unicodedata.normalize("NFKD", s).replace("đ", "d").replace("Đ", "D")
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    return " " + " ".join(re.findall(r"[^\W_]+", s)) + " "


def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)


def texts_of(path):
    """The file's text, and every string inside it if it is JSON."""
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8", errors="replace")
    parts = [text]
    try:
        parts += list(strings(json.loads(text)))
    except ValueError:
        pass
    return "\n".join(parts)


def stix_ids(store_uuid, rid):
    ns = uuid.uuid5(CORDON_NS, store_uuid)
    return ["%s--%s" % (t, uuid.uuid5(ns, "%s/%s" % (t, rid))) for t in STIX_TYPES]


def withheld(rec, ceiling, nominal, also=()):
    if rec["id"] in also:
        return True
    if RANK.get(rec.get("tlp"), 4) > ceiling or rec.get("tlp") == "red" or rec["kind"] == "evidence":
        return True
    return not nominal and rec["kind"] == "entity" and rec.get("type") in PERSONAL


def values_of(rec):
    """A record's names, identifiers and free text."""
    out = []
    if rec["kind"] == "entity":
        out += [rec.get("name")] + rec.get("aliases", []) + list(rec.get("identifiers", {}).values())
        out.append(rec.get("born_on"))
    out += [rec.get("title"), rec.get("summary"), rec.get("notes"), rec.get("explain")]
    out.append((rec.get("commodity") or {}).get("description"))
    out.append((rec.get("concealment") or {}).get("detail"))
    out += [leg.get("carrier") for leg in rec.get("legs", [])]
    out += [v for v in (rec.get("attributes") or {}).values() if isinstance(v, str)]
    return [v for v in out if isinstance(v, str) and len(fold(v).split()) and len(fold(v)) > 4]


def nominal_values(rec):
    """What only the nominal profile shares of a visible record."""
    out = [rec.get("notes"), (rec.get("concealment") or {}).get("detail")]
    if rec["kind"] == "case":
        out += [rec.get("title"), rec.get("summary")]
    if rec["kind"] == "alert":
        out += [rec.get("title"), rec.get("explain")]
    out += [leg.get("carrier") for leg in rec.get("legs", [])]
    out += [v for v in (rec.get("attributes") or {}).values() if isinstance(v, str)]
    if rec["kind"] == "entity" and rec.get("type") not in OPEN_NAMES:
        out += [rec.get("name")] + rec.get("aliases", [])
    if rec["kind"] == "entity":
        out.append(rec.get("born_on"))
        out += [v for k, v in rec.get("identifiers", {}).items() if k not in OPEN_IDENTIFIERS]
    return [v for v in out if isinstance(v, str) and len(fold(v)) > 4]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", required=True)
    ap.add_argument("--store-uuid", required=True)
    ap.add_argument("--profile", required=True, choices=["non-nominal", "nominal"])
    ap.add_argument("--ceiling", required=True, choices=["clear", "green", "amber", "amber+strict"])
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--expect-id", action="append", default=[])
    ap.add_argument("--withhold", action="append", default=[])
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()
    nominal = a.profile == "nominal"
    ceiling = RANK[a.ceiling]

    records = []
    with open(a.records, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                records.append(json.loads(line))
    missing = set(a.withhold) - {rec["id"] for rec in records}
    if missing:
        sys.exit("--withhold: no record %s" % ", ".join(sorted(missing)))
    ids, texts, allowed = {}, {}, set()
    # What the partner may see anyway: a withheld record's value that is
    # also shared by a record it may see (a carrier that is a visible
    # company) is no leak.
    for rec in records:
        if not withheld(rec, ceiling, nominal, a.withhold):
            shared = values_of(rec) if nominal else [
                v for v in values_of(rec) if v not in nominal_values(rec)]
            allowed |= {fold(v) for v in shared}
    for rec in records:
        if withheld(rec, ceiling, nominal, a.withhold):
            ids[rec["id"]] = "%s (withheld, %s)" % (rec["id"], rec.get("tlp"))
            for sid in stix_ids(a.store_uuid, rec["id"]):
                ids[sid] = "the STIX id of withheld %s" % rec["id"]
            for v in values_of(rec):
                if fold(v) not in allowed:
                    texts[fold(v)] = "%r of withheld %s" % (v, rec["id"])
        elif not nominal:
            for v in nominal_values(rec):
                if fold(v) not in allowed:
                    texts.setdefault(fold(v), "%r of %s (nominal only)" % (v, rec["id"]))

    files = []
    for p in a.paths:
        if os.path.isdir(p):
            for d, _, fs in os.walk(p):
                files += [os.path.join(d, f) for f in sorted(fs)]
        else:
            files.append(p)
    # A signature is 64 bytes of Ed25519 over the file beside it, no text:
    # read as text, chance makes words of it ("E-1") that are not there.
    files = [f for f in files if not f.endswith(".sig")]
    findings, seen_text, seen_ids = [], "", set()
    for path in files:
        t = texts_of(path)
        folded = fold(t)
        seen_text += folded
        found = set(re.findall(r"(?<![A-Za-z0-9-])(?:[CSERLVA]-[0-9]+|[a-z-]+--[0-9a-f-]{36})(?![0-9])", t))
        seen_ids |= found
        for i in found & ids.keys():
            findings.append("%s: %s" % (path, ids[i]))
        for needle, why in texts.items():
            if needle in folded:
                findings.append("%s: %s" % (path, why))
    for e in a.expect:
        if fold(e) not in seen_text:
            findings.append("expected %r, not found (is the search blind?)" % e)
    for e in a.expect_id:
        if e not in seen_ids:
            findings.append("expected id %s, not found (is the search blind?)" % e)
    for f in findings:
        print(f)
    print("%d files, %d withheld ids and %d texts looked for: %d found" % (len(files), len(ids),
          len(texts), len(findings)))
    sys.exit(1 if findings else 0)


if __name__ == "__main__":
    main()
