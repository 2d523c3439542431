#!/usr/bin/env python3
"""soak.py - cordon under load while its server is killed: a TAP test.

For SECONDS (its argument), officers create, patch and link records and upload evidence
over HTTP, an analyst saves and dry-runs rules, and the command line
imports and exports, all at once, while the server is killed with SIGKILL
and started again at random moments. After each restart and at the end:
every write that was acknowledged is there as acknowledged, `audit verify`
and `evidence verify` pass; at the end, the server's heap (anonymous resident memory) and
open descriptors did not grow (the last fifth of the run against the
first, in runs of 10 minutes or more), and its log holds no error a
client did not cause.

Run by tests/e2e/soak.sh (`make check`: 2 minutes) and `make soak`
(30 minutes). Needs: CORDON (the binary), CORDON_STORE (a store with the
users and tokens soak.sh made), the tokens in SOAK_OFFICER_TOKEN and
SOAK_ANALYST_TOKEN, a partner named in SOAK_PARTNER.
"""
import hashlib
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

CORDON = os.environ["CORDON"]
STORE = os.environ["CORDON_STORE"]
WORK = tempfile.mkdtemp(prefix="cordon-soak.", dir=os.environ.get("TMPDIR"))
SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 120.0
rnd = random.Random(int(os.environ.get("SOAK_SEED", str(time.time_ns()))))


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0
        self.lock = threading.Lock()

    def ok(self, cond, what, diag=""):
        with self.lock:
            self.n += 1
            print(("ok" if cond else "not ok"), self.n, "-", what, flush=True)
            if not cond:
                self.failed += 1
                for line in str(diag).splitlines()[:12]:
                    print("#  ", line, flush=True)
        return cond

    def skip(self, what, why):
        with self.lock:
            self.n += 1
            print(f"ok {self.n} - {what} # SKIP {why}", flush=True)

    def diag(self, text):
        with self.lock:
            print("#", text, flush=True)


T = Tap()


# --- the server --------------------------------------------------------------

class Server:
    """`cordon serve` on a free port; started again after each kill."""

    def __init__(self):
        self.proc = None
        self.port = None
        self.log = open(os.path.join(WORK, "server.log"), "ab")
        self.started = 0.0
        self.lock = threading.Lock()
        self.restarts = 0

    def start(self):
        for _ in range(20):
            rfd, wfd = os.pipe()
            self.proc = subprocess.Popen(
                [CORDON, "serve", "--listen", "127.0.0.1:0", "--ready-fd", str(wfd)],
                stdout=subprocess.DEVNULL, stderr=self.log, pass_fds=(wfd,))
            os.close(wfd)
            with os.fdopen(rfd) as ready:
                line = ready.readline().strip()	# the bound address, once listening
            if line:
                self.port = int(line.rsplit(":", 1)[1])
                self.started = time.monotonic()
                return
            self.proc.wait()
        raise SystemExit("Bail out! cordon serve did not start: see " + self.log.name)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.restarts += 1

    def stop(self):
        """SIGTERM, and its exit status: a clean stop is 0."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait()

    def sample(self):
        """(anonymous resident KiB, open descriptors) of the running server,
        or None: the store's pages mapped from its file are not counted,
        since they grow with the store and belong to the page cache."""
        try:
            pid = self.proc.pid
            with open(f"/proc/{pid}/status") as f:
                rss = next(int(l.split()[1]) for l in f if l.startswith("RssAnon:"))
            fds = len(os.listdir(f"/proc/{pid}/fd"))
            return rss, fds
        except (OSError, StopIteration):
            return None


S = Server()
stop = threading.Event()
paused = threading.Lock()	# held while the server is down and being checked


class Down(Exception):
    """The server could not be reached: it is being restarted."""


def request(token, method, path, body=None, headers=None, raw=False):
    """One request; (status, parsed JSON or bytes). Raises Down."""
    h = {"Authorization": f"Bearer {token}"}
    if headers:
        h.update(headers)
    if body is not None and not raw:
        body = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    try:
        c = http.client.HTTPConnection("127.0.0.1", S.port, timeout=60)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
    except (OSError, http.client.HTTPException) as e:
        raise Down(str(e))
    try:
        return r.status, json.loads(data) if data else None
    except ValueError:
        return r.status, data


OFFICER = os.environ["SOAK_OFFICER_TOKEN"]
ANALYST = os.environ["SOAK_ANALYST_TOKEN"]
PARTNER = os.environ["SOAK_PARTNER"]

# What was acknowledged: id -> (version, {path: value}) and evidence -> sha256.
acked = {}
acked_evidence = {}
acked_imports = []
acked_lock = threading.Lock()
unexpected = []	# answers no client should have had (5xx, or a write refused without cause)
counts = {"writes": 0, "evidence": 0, "rules": 0, "dry_runs": 0, "imports": 0, "exports": 0, "down": 0}


def note_ack(rec, fields):
    with acked_lock:
        acked[rec["id"]] = (rec["version"], fields)
        counts["writes"] += 1


def expect(status, want, what, body):
    if status >= 500 or status not in want:
        with acked_lock:
            unexpected.append(f"{what}: {status} {str(body)[:200]}")
        return False
    return True


# --- the clients -------------------------------------------------------------

def officer(n):
    """Cases, seizures, entities, patches, links and evidence, forever."""
    mine = []	# (seizure id, version) this officer owns
    i = 0
    while not stop.is_set():
        i += 1
        try:
            st, case = request(OFFICER, "POST", "/api/v1/cases", {"title": f"soak {n}-{i}", "office": "Soak"})
            if not expect(st, (201,), "create a case", case):
                continue
            note_ack(case, {"title": f"soak {n}-{i}"})
            amount = rnd.randint(1, 10000) / 10
            st, sz = request(OFFICER, "POST", "/api/v1/seizures", {
                "case": case["id"], "occurred_at": day(rnd.randrange(DAYS)),
                "commodity": {"category": rnd.choice(["tobacco", "wildlife", "narcotics"]), "description": f"soak {n}-{i}"},
                "quantity": {"amount": amount, "unit": "kg"}})
            if not expect(st, (201,), "create a seizure", sz):
                continue
            note_ack(sz, {"quantity.amount": amount})
            mine.append(sz["id"])
            # Patch one of mine, as its last acknowledged version.
            sid = rnd.choice(mine)
            with acked_lock:
                ver = acked[sid][0]
            amount = rnd.randint(1, 10000) / 10
            st, p = request(OFFICER, "PATCH", f"/api/v1/seizures/{sid}", {"quantity": {"amount": amount}},
                            headers={"If-Match": f'"{ver}"'})
            # 412: a patch whose answer was lost in a kill moved it on.
            if expect(st, (200, 412), "patch a seizure", p) and st == 200:
                note_ack(p, {"quantity.amount": amount})
            st, e = request(OFFICER, "POST", "/api/v1/entities", {"type": "company", "name": f"Soak Trading {n}-{i}"})
            if not expect(st, (201,), "create an entity", e):
                continue
            note_ack(e, {"name": f"Soak Trading {n}-{i}"})
            st, ln = request(OFFICER, "POST", "/api/v1/links", {"from": e["id"], "to": sz["id"], "type": "consignee_of"})
            if expect(st, (201,), "link", ln):
                note_ack(ln, {"from": e["id"], "to": sz["id"]})
            if i % 4 == 0:
                blob = os.urandom(rnd.randint(1, 200000))
                st, v = request(OFFICER, "POST", f"/api/v1/cases/{case['id']}/evidence?filename=scan-{n}-{i}.bin",
                                blob, headers={"Content-Type": "application/octet-stream"}, raw=True)
                if expect(st, (201,), "upload evidence", v):
                    with acked_lock:
                        acked_evidence[v["id"]] = hashlib.sha256(blob).hexdigest()
                        counts["evidence"] += 1
        except Down:
            with acked_lock:
                counts["down"] += 1
            with paused:
                pass


DAYS = 3650	# seizures happen over ten years, so that a day's dry run stays small


def day(n):
    """The n-th day from 2015-01-01, as a date."""
    return time.strftime("%Y-%m-%d", time.gmtime(1420070400 + n * 86400))


RULE = """return {
  name = "soak-big", title = "Big seizure (soak)", severity = "medium", on = { "seizure" },
  check = function(rec)
    local q = rec.quantity
    if q and q.amount and q.amount > %d then
      alert { key = rec.id, title = "Big seizure " .. rec.id, refs = { rec.id } }
    end
  end,
}
"""


def analyst():
    """Dry-run a rule again and again, saving a new version now and then,
    as a person editing it would (every few seconds, not every request:
    a rule keeps the list of its versions)."""
    saved = 0.0
    while not stop.is_set():
        try:
            src = (RULE % rnd.randint(500, 990)).encode()
            if time.monotonic() - saved > rnd.uniform(2, 6):
                st, r = request(ANALYST, "PUT", "/api/v1/rules/soak-big", src,
                                headers={"Content-Type": "text/x-lua"}, raw=True)
                if expect(st, (200, 201), "save a rule", r):
                    saved = time.monotonic()
                    with acked_lock:
                        counts["rules"] += 1
            d0 = rnd.randrange(DAYS - 7)
            st, d = request(ANALYST, "POST", f"/api/v1/rules/test?since={day(d0)}&until={day(d0 + 7)}", src,
                            headers={"Content-Type": "text/x-lua"}, raw=True)
            if expect(st, (200,), "dry-run a rule", d):
                with acked_lock:
                    counts["dry_runs"] += 1
        except Down:
            with paused:
                pass


def tag(i):
    """The tag of the i-th import's case: found through the tag index."""
    return f"soak-import-{i}"


def command_line():
    """Imports and exports through the command line, beside the server."""
    i = 0
    while not stop.is_set():
        i += 1
        title = f"soak import {i}"
        path = os.path.join(WORK, "import.jsonl")
        with open(path, "w") as f:
            f.write(json.dumps({"kind": "case", "ref": "c", "title": title, "tags": [tag(i)]}) + "\n")
            for k in range(20):
                f.write(json.dumps({"kind": "seizure", "case": "@c", "occurred_at": "2025-03-05",
                                    "commodity": {"category": "timber"}, "quantity": {"amount": k + 1, "unit": "m3"}}) + "\n")
        r = subprocess.run([CORDON, "import", "--json", path], capture_output=True, text=True)
        if r.returncode == 0:
            with acked_lock:
                acked_imports.append((tag(i), title))
                counts["imports"] += 1
        else:
            with acked_lock:
                unexpected.append(f"cordon import: {r.returncode} {r.stderr.strip()[:200]}")
        out = os.path.join(WORK, "export.csv")
        r = subprocess.run([CORDON, "export", "csv", "--partner", PARTNER, "-o", out], capture_output=True, text=True)
        if r.returncode == 0:
            with acked_lock:
                counts["exports"] += 1
        elif "nothing to share" not in r.stderr:	# before the rule's first alert
            with acked_lock:
                unexpected.append(f"cordon export: {r.returncode} {r.stderr.strip()[:200]}")


# --- the checks ----------------------------------------------------------------

def get_path(rec, dotted):
    for part in dotted.split("."):
        rec = rec.get(part) if isinstance(rec, dict) else None
    return rec


def check_acked(when):
    """Every acknowledged write is there, as acknowledged (or moved on)."""
    try:
        check_acked_up(when)
    except Down as e:
        T.ok(False, f"{when}: the server answers while it is checked", str(e))


def check_acked_up(when):
    with acked_lock:
        items = list(acked.items())
        evid = list(acked_evidence.items())
        imports = list(acked_imports)
    kinds = {"C": "cases", "S": "seizures", "E": "entities", "L": "links"}
    missing, wrong = [], []
    for rid, (ver, fields) in items:
        st, rec = request(OFFICER, "GET", f"/api/v1/{kinds[rid[0]]}/{rid}")
        if st != 200:
            missing.append(f"{rid}: {st}")
            continue
        if rec["version"] < ver or (rec["version"] == ver and
                                    any(get_path(rec, k) != v for k, v in fields.items())):
            wrong.append(f"{rid}: acknowledged version {ver} {fields}, found version {rec['version']}")
    for vid, sha in evid:
        st, rec = request(OFFICER, "GET", f"/api/v1/evidence/{vid}")
        if st != 200 or rec.get("sha256") != sha:
            wrong.append(f"{vid}: {st} {rec.get('sha256') if isinstance(rec, dict) else rec}")
    for t, title in imports:
        st, page = request(OFFICER, "GET", f"/api/v1/cases?tag={t}")
        if st != 200 or [c["title"] for c in page["items"]] != [title]:
            missing.append(f"import '{title}': {st} {page}")
    T.ok(not missing and not wrong,
         f"{when}: all {len(items) + len(evid) + len(imports)} acknowledged writes are there as acknowledged",
         "\n".join(missing[:6] + wrong[:6]))


def check_store(when):
    for args, what in ((["audit", "verify"], "audit verify"), (["evidence", "verify"], "evidence verify")):
        r = subprocess.run([CORDON] + args, capture_output=True, text=True)
        T.ok(r.returncode == 0, f"{when}: {what} passes", r.stdout[-600:] + r.stderr[-600:])


def killer(samples):
    """Kill the server at random moments; check after each restart."""
    deadline = time.monotonic() + SECONDS
    gap = max(SECONDS / 8, 5)
    while time.monotonic() < deadline:
        # Sample the server's memory and descriptors while it runs.
        wake = min(deadline, time.monotonic() + rnd.uniform(gap / 2, gap * 1.5))
        while time.monotonic() < wake:
            if time.monotonic() - S.started > 10:	# past its warm-up
                s = S.sample()
                if s:
                    samples.append((time.monotonic(), s[0], s[1], S.restarts))
            time.sleep(0.5)
        if time.monotonic() >= deadline:
            break
        with paused:
            S.kill()
            S.start()
        check_acked(f"restart {S.restarts}")
        check_store(f"restart {S.restarts}")


def main():
    S.start()
    threads = [threading.Thread(target=officer, args=(k,), daemon=True) for k in range(2)]
    threads += [threading.Thread(target=analyst, daemon=True), threading.Thread(target=command_line, daemon=True)]
    for t in threads:
        t.start()
    samples = []
    killer(samples)
    stop.set()
    for t in threads:
        t.join(timeout=120)
    T.ok(all(not t.is_alive() for t in threads), "every client stopped")
    T.diag(f"{SECONDS:.0f} s, {S.restarts} kills: {json.dumps(counts)}")
    T.ok(S.restarts >= 2, f"the server was killed and restarted ({S.restarts} times)")
    T.ok(counts["writes"] > 50 and counts["evidence"] > 0 and counts["imports"] > 0 and counts["exports"] > 0
         and counts["rules"] > 0 and counts["dry_runs"] > 0, "every kind of work was done", json.dumps(counts))
    check_acked("at the end")
    check_store("at the end")
    with acked_lock:
        T.ok(not unexpected, "no client got an answer it did not cause (no 5xx, no refusal of a valid write)",
             "\n".join(unexpected[:10]))

    # Memory and descriptors: the last fifth of the run against the first.
    t0, t1 = samples[0][0], samples[-1][0]
    first = [s for s in samples if s[0] <= t0 + (t1 - t0) / 5]
    last = [s for s in samples if s[0] >= t1 - (t1 - t0) / 5]
    rss0, rss1 = statistics.median(s[1] for s in first), statistics.median(s[1] for s in last)
    fd0, fd1 = statistics.median(s[2] for s in first), statistics.median(s[2] for s in last)
    T.diag(f"server heap (anonymous RSS) {rss0:.0f} → {rss1:.0f} KiB, descriptors {fd0:.0f} → {fd1:.0f} ({len(samples)} samples)")
    for k in sorted({s[3] for s in samples}):	# each server, from its first sample to its last
        mine = [s for s in samples if s[3] == k]
        T.diag(f"  server {k + 1}: {mine[0][1]} → {mine[-1][1]} KiB (peak {max(s[1] for s in mine)}) "
               f"over {mine[-1][0] - mine[0][0]:.0f} s")
    if os.environ.get("SOAK_SANITIZED"):
        T.skip("heap memory is flat", "a sanitizer's allocator holds freed memory on purpose; LeakSanitizer checks leaks")
    elif SECONDS < 600:
        T.skip("heap memory is flat", "too short a run to tell growth from warm-up: make soak (30 minutes) checks it")
    else:
        T.ok(rss1 <= rss0 * 1.10, "heap memory is flat (last fifth within 10 % of the first)", f"{rss0} → {rss1} KiB")
    T.ok(fd1 <= fd0 + max(2, fd0 * 0.10), "open descriptors are flat", f"{fd0} → {fd1}")

    T.ok(S.stop() == 0, "the server stops cleanly at the end")
    S.log.flush()
    bad = []
    with open(S.log.name, errors="replace") as f:
        for line in f:
            w = line.split()
            if len(w) >= 5 and w[0][:2] == "20" and w[4].isdigit():
                if int(w[4]) >= 500:
                    bad.append(line.strip())
            elif not line.startswith("cordon: ") or "error" in line.lower():
                bad.append(line.strip())
    T.ok(not bad, "the server's log holds no error a client did not cause", "\n".join(bad[:10]))
    print(f"1..{T.n}", flush=True)
    return 0 if T.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
