#!/usr/bin/python3
"""Writes the synthetic captures the inspect tests compare against tshark. Usage: gen_captures.py OUTDIR"""
import sys, os
from scapy.all import ARP, Dot1Q, DNSRROPT, CookedLinux, IP, ICMP, UDP, TCP, DNS, DNSQR, DNSRR, Ether, Raw, fragment, wrpcap, PcapWriter
from scapy.utils import PcapNgWriter

out = sys.argv[1]
C, S = "10.0.0.1", "10.0.0.2"
t = [1700000000.0]

def at(p, dt=0.001):
    t[0] += dt
    p.time = t[0]
    return p

def icmp_pkts():
    ps = []
    seq = 1
    for size in (0, 56, 1472, 1473, 3000, 8000):
        data = bytes((i % 256) for i in range(size))
        req = IP(src=C, dst=S, id=0x1000 + seq, ttl=64, flags="DF" if size <= 1472 else 0) / ICMP(type=8, id=0x1234, seq=seq) / Raw(data)
        rep = IP(src=S, dst=C, id=0x2000 + seq, ttl=63) / ICMP(type=0, id=0x1234, seq=seq) / Raw(data)
        for p in (req, rep):
            if len(p) > 1500:
                for f in fragment(p, fragsize=1480):
                    ps.append(at(f))
            else:
                ps.append(at(p))
        seq += 1
    # an unanswered request, a reply without a request, and a duplicated reply (only the first names its request)
    ps.append(at(IP(src=C, dst=S, id=7) / ICMP(type=8, id=0x99, seq=300) / Raw(b"x" * 8)))
    ps.append(at(IP(src=S, dst=C, id=11) / ICMP(type=0, id=0x99, seq=301) / Raw(b"x" * 8)))
    ps.append(at(IP(src=C, dst=S, id=12) / ICMP(type=8, id=0x99, seq=302) / Raw(b"x" * 8)))
    ps.append(at(IP(src=S, dst=C, id=13) / ICMP(type=0, id=0x99, seq=302) / Raw(b"x" * 8)))
    ps.append(at(IP(src=S, dst=C, id=13) / ICMP(type=0, id=0x99, seq=302) / Raw(b"x" * 8)))
    ps.append(at(IP(src=S, dst=C, id=8) / ICMP(type=3, code=3) / IP(src=C, dst=S) / UDP(sport=5555, dport=9)))
    ps.append(at(IP(src=C, dst=S, id=9, ttl=1) / UDP(sport=33434, dport=33435) / Raw(b"probe")))
    ps.append(at(IP(src=S, dst=C, id=10) / ICMP(type=11, code=0) / IP(src=C, dst=S, ttl=1, id=9) / UDP(sport=33434, dport=33435, len=13)))
    return ps

def dns_pkts():
    ps = []
    q = IP(src=C, dst=S, id=30) / UDP(sport=40000, dport=53) / DNS(id=0xbeef, rd=1, qd=DNSQR(qname="jstack.test", qtype="A"))
    a = IP(src=S, dst=C, id=31) / UDP(sport=53, dport=40000) / DNS(id=0xbeef, qr=1, aa=1, rd=1, ra=1, qd=DNSQR(qname="jstack.test", qtype="A"),
            an=DNSRR(rrname="jstack.test", type="A", ttl=60, rdata="10.0.0.2") / DNSRR(rrname="jstack.test", type="A", ttl=60, rdata="10.0.0.3"))
    q2 = IP(src=C, dst=S, id=32) / UDP(sport=40001, dport=53) / DNS(id=0x0102, rd=1, qd=DNSQR(qname="nope.jstack.test", qtype="A"))
    a2 = IP(src=S, dst=C, id=33) / UDP(sport=53, dport=40001) / DNS(id=0x0102, qr=1, rcode=3, rd=1, ra=1, qd=DNSQR(qname="nope.jstack.test", qtype="A"))
    q3 = IP(src=C, dst=S, id=34) / UDP(sport=40002, dport=53) / DNS(id=0x0203, rd=1, qd=DNSQR(qname="jstack.test", qtype="AAAA"))
    u = IP(src=C, dst=S, id=35) / UDP(sport=1234, dport=7777) / Raw(b"hello")
    a3 = IP(src=S, dst=C, id=36) / UDP(sport=53, dport=40002) / DNS(id=0x0203, qr=1, rd=1, ra=1, qd=DNSQR(qname="jstack.test", qtype="AAAA"),
            an=DNSRR(rrname="jstack.test", type="CNAME", ttl=60, rdata="host.jstack.test") / DNSRR(rrname="host.jstack.test", type="AAAA", ttl=60, rdata="fd00::2"),
            ar=DNSRROPT(rclass=1232))
    q4 = IP(src=C, dst=S, id=37) / UDP(sport=40003, dport=53) / DNS(id=0x0304, rd=1, qd=DNSQR(qname="2.0.0.10.in-addr.arpa", qtype="PTR"), ar=DNSRROPT(rclass=1232))
    a4 = IP(src=S, dst=C, id=38) / UDP(sport=53, dport=40003) / DNS(id=0x0304, qr=1, rd=1, ra=1, qd=DNSQR(qname="2.0.0.10.in-addr.arpa", qtype="PTR"),
            an=DNSRR(rrname="2.0.0.10.in-addr.arpa", type="PTR", ttl=60, rdata="jstack.test"))
    for p in (q, a, q2, a2, q3, u, a3, q4, a4):
        ps.append(at(p))
    return ps

class Tcp:
    def __init__(self, sport, dport, cisn, sisn):
        self.sport, self.dport = sport, dport
        self.c, self.s = cisn, sisn
        self.ipid = 100
    def pkt(self, from_client, seq, ack, flags, win, payload=b"", opts=None):
        self.ipid += 1
        src, dst = (C, S) if from_client else (S, C)
        sp, dp = (self.sport, self.dport) if from_client else (self.dport, self.sport)
        tcp = TCP(sport=sp, dport=dp, seq=seq & 0xffffffff, ack=ack & 0xffffffff, flags=flags, window=win, options=opts or [])
        p = IP(src=src, dst=dst, id=self.ipid, flags="DF") / tcp
        if payload:
            p = p / Raw(payload)
        return p

def tcp_pkts():
    ps = []
    T = Tcp(54321, 80, 1000000, 5000000)
    c, s = T.c, T.s
    ps.append(at(T.pkt(True, c, 0, "S", 64240, opts=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (12345, 0)), ("NOP", None), ("WScale", 7)])))
    ps.append(at(T.pkt(False, s, c + 1, "SA", 65160, opts=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (999, 12345)), ("NOP", None), ("WScale", 7)])))
    c += 1; s += 1
    ps.append(at(T.pkt(True, c, s, "A", 502)))
    req = b"GET / HTTP/1.1\r\nHost: jstack.test\r\nConnection: keep-alive\r\n\r\n"
    ps.append(at(T.pkt(True, c, s, "PA", 502, req)))
    c += len(req)
    body = b"<html>hello</html>\n"
    resp = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    ps.append(at(T.pkt(False, s, c, "A", 509)))
    ps.append(at(T.pkt(False, s, c, "PA", 509, resp)))
    s += len(resp)
    ps.append(at(T.pkt(True, c, s, "A", 501)))
    # pipelined requests in one segment
    pipe = b"GET /a HTTP/1.1\r\nHost: jstack.test\r\n\r\nGET /b HTTP/1.1\r\nHost: jstack.test\r\n\r\n"
    ps.append(at(T.pkt(True, c, s, "PA", 501, pipe)))
    c += len(pipe)
    r404 = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
    ps.append(at(T.pkt(False, s, c, "PA", 509, r404)))
    s += len(r404)
    ps.append(at(T.pkt(False, s, c, "PA", 509, r404)))
    s += len(r404)
    ps.append(at(T.pkt(True, c, s, "A", 501)))
    # bulk data from server: 5 segments, seg 2 lost, then dup acks, fast retransmission
    seg = [bytes([65 + i]) * 1000 for i in range(6)]
    base = s
    ps.append(at(T.pkt(False, base, c, "A", 509, seg[0])))
    ps.append(at(T.pkt(True, c, base + 1000, "A", 501)))
    # seg[1] lost
    ps.append(at(T.pkt(False, base + 2000, c, "A", 509, seg[2])))   # previous segment not captured
    ps.append(at(T.pkt(True, c, base + 1000, "A", 501)))            # dup ack 1
    ps.append(at(T.pkt(False, base + 3000, c, "A", 509, seg[3])))
    ps.append(at(T.pkt(True, c, base + 1000, "A", 501)))            # dup ack 2
    ps.append(at(T.pkt(True, c, base + 1000, "A", 501)))            # dup ack 3
    ps.append(at(T.pkt(False, base + 1000, c, "A", 509, seg[1]), 0.0005))   # fast retransmission
    ps.append(at(T.pkt(True, c, base + 4000, "A", 501)))
    # out of order: seg5 before seg4 quickly
    ps.append(at(T.pkt(False, base + 5000, c, "A", 509, seg[5]), 0.0001))
    ps.append(at(T.pkt(False, base + 4000, c, "A", 509, seg[4]), 0.0001))
    ps.append(at(T.pkt(True, c, base + 6000, "A", 501)))
    # plain retransmission after a timeout
    ps.append(at(T.pkt(False, base + 5000, c, "A", 509, seg[5]), 0.3))
    ps.append(at(T.pkt(True, c, base + 6000, "A", 501)))
    s = base + 6000
    # zero window from client, window probe / keep-alive, window update
    ps.append(at(T.pkt(False, s, c, "A", 509, b"Z" * 200)))
    s += 200
    ps.append(at(T.pkt(True, c, s, "A", 0)))
    ps.append(at(T.pkt(False, s, c, "A", 509, b"Z"), 0.2))
    ps.append(at(T.pkt(True, c, s, "A", 0)))
    ps.append(at(T.pkt(True, c, s, "A", 501)))
    # keep-alive from client
    ps.append(at(T.pkt(True, c - 1, s, "A", 501), 1.5))
    ps.append(at(T.pkt(False, s, c, "A", 509)))
    # window full: small window advertised by client (2 * 128 = 256 bytes)
    ps.append(at(T.pkt(True, c, s, "A", 2)))
    ps.append(at(T.pkt(False, s, c, "PA", 509, b"W" * 256)))
    s += 256
    ps.append(at(T.pkt(True, c, s, "A", 501)))
    # close
    ps.append(at(T.pkt(True, c, s, "FA", 501)))
    ps.append(at(T.pkt(False, s, c + 1, "FA", 509)))
    ps.append(at(T.pkt(True, c + 1, s + 1, "A", 501)))
    # a second stream, refused
    T2 = Tcp(54322, 81, 7, 0)
    ps.append(at(T2.pkt(True, 7, 0, "S", 64240, opts=[("MSS", 1460)])))
    ps.append(at(T2.pkt(False, 0, 8, "RA", 0)))
    return ps

def malformed_pkts():
    ps = []
    good = IP(src=C, dst=S, id=1) / ICMP(type=8, id=1, seq=1) / Raw(b"abcdefgh")
    raw = bytes(good)
    ps.append(at(Raw(raw[:12])))                              # truncated IPv4 header
    ps.append(at(Raw(bytes([0x45, 0, 0, 200]) + raw[4:])))    # total length beyond the frame
    ps.append(at(Raw(bytes([0x43]) + raw[1:])))               # IHL below 5
    ps.append(at(Raw(bytes([0x65]) + raw[1:])))               # version 6 header garbage
    t = bytes(IP(src=C, dst=S, id=2) / TCP(sport=1, dport=2, dataofs=3, flags="S"))
    ps.append(at(Raw(t)))                                     # TCP data offset below 5
    u = IP(src=C, dst=S, id=3) / UDP(sport=53, dport=5353, len=4) / Raw(b"\x00\x01")
    ps.append(at(u))                                          # UDP length below 8
    d = IP(src=S, dst=C, id=4) / UDP(sport=53, dport=40000) / Raw(b"\xbe\xef\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\x06jst")
    ps.append(at(d))                                          # truncated DNS
    bad = IP(src=C, dst=S, id=5, chksum=0x1234) / ICMP(type=8, id=1, seq=2, chksum=0x4321) / Raw(b"abcdefgh")
    ps.append(at(bad))                                        # bad checksums
    ps.append(at(Raw(b"")))                                   # empty frame
    t12 = bytes(IP(src=S, dst=C, id=6) / TCP(sport=45223, dport=56724, seq=1, ack=2, flags="A"))
    ps.append(at(Raw(bytes([0x47]) + t12[1:])))               # IHL 7: the TCP header loses 8 bytes to "options"
    ps.append(at(Raw(bytes([0x46]) + t12[1:])))               # IHL 6: 16 bytes of TCP header left
    return ps

def write_raw(name, pkts, linktype=101, **kw):
    w = PcapWriter(os.path.join(out, name), linktype=linktype, sync=True, **kw)
    for p in pkts:
        w.write(p)
    w.close()

if __name__ == "__main__":
    os.makedirs(out, exist_ok=True)
    write_raw("icmp.pcap", icmp_pkts())
    write_raw("dns.pcap", dns_pkts(), linktype=228)
    write_raw("tcp.pcap", tcp_pkts())
    write_raw("malformed.pcap", malformed_pkts())
    sll = [at(CookedLinux(pkttype=0, lladdrtype=772, lladdrlen=6, proto=0x0800) / p) for p in dns_pkts() + tcp_pkts()[:12]]
    write_raw("sll.pcap", sll, linktype=113)
    write_raw("be-nano.pcap", icmp_pkts()[:8], nano=True, endianness=">")
    eth = [at(Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff") / ARP(op=1, hwsrc="02:00:00:00:00:01", psrc=C, pdst=S)),
           at(Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01") / ARP(op=2, hwsrc="02:00:00:00:00:02", psrc=S,
                                                                           hwdst="02:00:00:00:00:01", pdst=C)),
           at(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / Dot1Q(vlan=5) / IP(src=C, dst=S) / ICMP(id=3, seq=4))]
    eth += [at(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / p) for p in dns_pkts() + tcp_pkts()[:6]]
    w = PcapNgWriter(os.path.join(out, "eth.pcapng"))
    for p in eth:
        w.write(p)
    w.close()
