#!/usr/bin/python3
"""Servers for live_traffic.sh, on 127.0.0.1 inside the test's namespace: DNS (53/udp), HTTP/1.1 with keep-alive and
pipelining (80), an echo-less sink (7001), a slow reader (7002) and a bulk sink (7003). Ends after 30 s at most."""
import socket, struct, threading, time, sys

def dns():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 53))
    while True:
        q, addr = s.recvfrom(512)
        if len(q) < 12:
            continue
        qid = q[:2]
        i = 12
        labels = []
        while i < len(q) and q[i] != 0:
            labels.append(q[i + 1:i + 1 + q[i]].decode())
            i += 1 + q[i]
        question = q[12:i + 5]
        name = ".".join(labels)
        if name == "jstack.test":
            ans = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([10, 0, 0, 2])
            hdr = qid + struct.pack(">HHHHH", 0x8580, 1, 1, 0, 0)
        else:
            ans = b""
            hdr = qid + struct.pack(">HHHHH", 0x8583, 1, 0, 0, 0)
        s.sendto(hdr + question + ans, addr)

def http_conn(c):
    buf = b""
    c.settimeout(5)
    try:
        while True:
            while b"\r\n\r\n" not in buf:
                d = c.recv(4096)
                if not d:
                    return
                buf += d
            head, buf = buf.split(b"\r\n\r\n", 1)
            path = head.split(b" ")[1]
            body = b"<html>" + path + b"</html>\n"
            close = b"connection: close" in head.lower()
            resp = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n%s\r\n" % (
                len(body), b"Connection: close\r\n" if close else b"") + body
            c.sendall(resp)
            if close:
                return
    except OSError:
        pass
    finally:
        c.close()

def serve(port, handler, rcvbuf=None):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind(("127.0.0.1", port))
    s.listen(8)
    while True:
        c, _ = s.accept()
        threading.Thread(target=handler, args=(c,), daemon=True).start()

def sink(c):
    try:
        c.settimeout(10)
        while c.recv(65536):
            pass
    except OSError:
        pass
    c.close()

def slow(c):
    time.sleep(1.5)
    sink(c)

for target in (dns, lambda: serve(80, http_conn), lambda: serve(7001, sink), lambda: serve(7002, slow, 4096),
               lambda: serve(7003, sink)):
    threading.Thread(target=target, daemon=True).start()
time.sleep(0.2)
print("ready", file=sys.stderr, flush=True)
time.sleep(30)
