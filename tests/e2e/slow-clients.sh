#!/bin/bash
# slow-clients.sh - clients that trickle their requests a byte at a time
# cannot hold the server's connections: 32 of them from one address (the
# per-address cap) are cut once the deadline for a request's head, or the
# minimum rate of its body, is missed, and the address is served again.
# The deadline is shortened for the test (CORDON_HEAD_TIMEOUT=2, against
# 10 s by default); libmicrohttpd's idle timeout (30 s) never fires here.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

setup init
CORDON_HEAD_TIMEOUT=2 CORDON_BODY_RATE=1000 start_server

# trickle HEAD|BODY: 32 connections trickling a byte every 0.5 s; prints
# whether a 33rd was refused while they held on, how long until a plain
# request from the same address was answered again, and how many of the
# 32 the server cut within 15 s.
trickle() {
	python3 - "$PORT" "$1" <<'PY'
import socket, sys, time
port, what = int(sys.argv[1]), sys.argv[2]
if what == "HEAD":
    start = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
    drip = b"X-Slow: 1\r\n" * 1000
else:
    start = (b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             b"Content-Length: 100000\r\n\r\n")
    drip = b" " * 100000
def plain():
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        ok = s.recv(12).startswith(b"HTTP/1.1 200")
        s.close()
        return ok
    except OSError:
        return False
socks = []
for i in range(32):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(start)
    socks.append(s)
t0 = time.time()
open_ = {s: True for s in socks}
refused = not plain()
answered, i = None, 0
while time.time() - t0 < 15 and (answered is None or any(open_.values())):
    for s in socks:
        if open_[s]:
            try:
                s.sendall(drip[i:i + 1])
            except OSError:
                open_[s] = False
    i += 1
    if answered is None and plain():
        answered = time.time() - t0
    time.sleep(0.5)
print("refused=%d answered=%s cut=%d" % (refused, "%.1f" % answered if answered else "never",
      sum(1 for v in open_.values() if not v)))
PY
}

res=$(trickle HEAD)
echo "# heads: $res"
case "$res" in refused=1*) ok 0 "32 trickling heads fill the address's share: a 33rd is refused" ;; *) ok 1 "32 trickling heads fill the address's share ($res)" ;; esac
a=$(printf '%s' "$res" | sed 's/.*answered=\([^ ]*\).*/\1/')
case "$a" in never) ok 1 "the address is served again once the head deadline has passed ($res)" ;;
*) awk "BEGIN { exit !($a <= 6) }"; ok $? "the address is served again once the head deadline has passed (${a}s)" ;; esac
case "$res" in *cut=32) ok 0 "every trickling head was cut" ;; *) ok 1 "every trickling head was cut ($res)" ;; esac

res=$(trickle BODY)
echo "# bodies: $res"
case "$res" in refused=1*) ok 0 "32 trickling bodies fill the address's share" ;; *) ok 1 "32 trickling bodies fill the address's share ($res)" ;; esac
a=$(printf '%s' "$res" | sed 's/.*answered=\([^ ]*\).*/\1/')
case "$a" in never) ok 1 "the address is served again once the bodies are too slow ($res)" ;;
*) awk "BEGIN { exit !($a <= 6) }"; ok $? "the address is served again once the bodies are too slow (${a}s)" ;; esac
case "$res" in *cut=32) ok 0 "every trickling body was cut" ;; *) ok 1 "every trickling body was cut ($res)" ;; esac

# A request at a decent pace is not cut: 300 kB at 100 kB/s.
printf '{"user":"x","password":"%s"}' "$(head -c 300000 /dev/zero | tr '\0' 'y')" > "$T/big.json"
code=$(curl -s -o /dev/null -w '%{http_code}' --limit-rate 100k -H 'Content-Type: application/json' \
    --data-binary @"$T/big.json" "$URL/api/v1/login")
[ "$code" = 401 ]; ok $? "a body sent at 100 kB/s for 3 s is taken whole ($code)"
CORDON_HEAD_TIMEOUT=0 timeout 10 "$CORDON" serve --listen 127.0.0.1:0 2>"$T/err"; rc=$?
[ $rc -eq 2 ]; ok $? "CORDON_HEAD_TIMEOUT=0 is refused (exit $rc)"
grep -q "CORDON_HEAD_TIMEOUT must be" "$T/err"; ok $? "saying what it must be"

done_testing
