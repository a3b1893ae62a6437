#!/bin/bash
# Runs INSIDE a network namespace the test created (ip netns exec NS bash live_traffic.sh OUT.pcapng).
# Captures loopback traffic of this namespace only: pings of several sizes (lo MTU lowered to 1500, so the big ones
# fragment), DNS over UDP, HTTP keep-alive and pipelining, TCP keep-alive probes, a zero window, and (when netem is
# available) a bulk transfer with loss and reordering. Every process started here is ended by PID before exit.
set -u
OUT=$1
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT
ip link set lo up
ip link set lo mtu 1500
tshark -i lo -w "$OUT" -a duration:40 -q 2> "$OUT.log" &
tpid=$!
# wait (bounded) until tshark says it captures; on a loaded machine that can take several seconds (once, 30+)
for i in $(seq 1 900); do grep -q "Capturing on" "$OUT.log" 2>/dev/null && break; sleep 0.1; done
grep -q "Capturing on" "$OUT.log" || { echo "tshark did not start capturing within 90 s" >&2; exit 3; }
$PY "$HERE/live_servers.py" 2> "$OUT.servers.log" &
pids+=($!)
for i in $(seq 1 300); do grep -q "ready" "$OUT.servers.log" 2>/dev/null && break; sleep 0.1; done
grep -q "ready" "$OUT.servers.log" || { echo "the servers did not start within 30 s" >&2; exit 3; }
for s in 0 56 1472 3000; do ping -c 1 -s $s -W 1 127.0.0.1 > /dev/null; done
dig +tries=1 +time=1 @127.0.0.1 jstack.test A > /dev/null
dig +tries=1 +time=1 +noedns @127.0.0.1 nope.jstack.test A > /dev/null
curl -s -o /dev/null -o /dev/null http://127.0.0.1/ http://127.0.0.1/a
printf 'GET /p1 HTTP/1.1\r\nHost: jstack.test\r\n\r\nGET /p2 HTTP/1.1\r\nHost: jstack.test\r\nConnection: close\r\n\r\n' | nc -w 2 127.0.0.1 80 > /dev/null
# TCP keep-alive probes: an idle connection with a 1 s keep-alive time
$PY - <<'PYEOF'
import socket, time
s = socket.create_connection(("127.0.0.1", 7001))
s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
s.sendall(b"hello\n")
time.sleep(2.5)
s.close()
PYEOF
# zero window: the server on 7002 does not read for a while, with a small receive buffer
$PY - <<'PYEOF'
import socket
s = socket.create_connection(("127.0.0.1", 7002))
s.settimeout(5)
try:
    s.sendall(b"z" * 300000)
except OSError:
    pass
s.close()
PYEOF
if tc qdisc add dev lo root netem delay 2ms loss 3% reorder 10% 50% 2>/dev/null; then
  $PY - <<'PYEOF'
import socket
s = socket.create_connection(("127.0.0.1", 7003))
s.sendall(b"b" * 200000)
s.shutdown(socket.SHUT_WR)
s.settimeout(10)
try:
    s.recv(10)
except OSError:
    pass
s.close()
PYEOF
  tc qdisc del dev lo root
fi
# the pings once more: under heavy load the first packets after "Capturing on" have been missed (once)
for s in 0 56 1472 3000; do ping -c 1 -s $s -W 1 127.0.0.1 > /dev/null; done
sleep 0.3
kill -INT $tpid
wait $tpid
