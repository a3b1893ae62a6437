"""Writes malformed IPv4 packets into a TUN device from the kernel side, as an AF_PACKET socket on the
interface: each one goes straight to the process reading the device. Every packet is invalid in a way an IPv4
host must drop (RFC 791, RFC 1122 section 3.2.1): truncated, wrong version, bad header length, total length
inconsistent with the header or the packet, bad checksum, reserved flag set, or addressed to someone else.

usage: malformed.py SEED COUNT IFNAME OUR_ADDRESS   (prints "sent N" and one "kind K" line per kind used)
"""
import random
import socket
import struct
import sys

seed, count, ifname, ours = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
rnd = random.Random(seed)
OURS = socket.inet_aton(ours)
PEER = socket.inet_aton("10.0.0.1")


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def header(total, dst=OURS, ver_ihl=0x45, flags=0, proto=1, options=b""):
    h = struct.pack("!BBHHHBBH4s4s", ver_ihl, 0, total, rnd.getrandbits(16), flags, 64, proto, 0, PEER, dst)
    h += options
    return h[:10] + struct.pack("!H", checksum(h)) + h[12:]


def echo(payload_len):
    body = bytes(rnd.getrandbits(8) for _ in range(payload_len))
    icmp = struct.pack("!BBHHH", 8, 0, 0, rnd.getrandbits(16), rnd.getrandbits(16)) + body
    return icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]


def valid(dst=OURS):
    data = echo(rnd.randrange(0, 200))
    return header(20 + len(data), dst) + data


def truncated():                 # shorter than the minimum header
    return valid()[: rnd.randrange(1, 20)]


def bad_version():               # RFC 791 section 3.1: version 4 only
    p = bytearray(valid())
    p[0] = (rnd.choice([v for v in range(16) if v != 4]) << 4) | 5
    return bytes(p)


def short_ihl():                 # IHL below 5 words
    data = echo(8)
    return header(20 + len(data), ver_ihl=0x40 | rnd.randrange(0, 5)) + data


def ihl_beyond_packet():         # header length larger than the bytes present
    return header(60, ver_ihl=0x4f)[:rnd.randrange(20, 60)]


def total_below_header():        # total length smaller than the header
    data = echo(8)
    return header(rnd.randrange(0, 20), ) + data


def total_beyond_packet():       # total length larger than the bytes present
    data = echo(rnd.randrange(0, 100))
    return header(20 + len(data) + rnd.randrange(1, 1000)) + data


def bad_checksum():              # RFC 1122 section 3.2.1.2: MUST verify, silently discard on failure
    p = bytearray(valid())
    p[10] ^= 1 << rnd.randrange(0, 8)
    return bytes(p)


def reserved_flag():             # RFC 791 section 3.1: bit 0 of the flags MUST be zero
    data = echo(16)
    return header(20 + len(data), flags=0x8000) + data


def not_ours():                  # RFC 1122 section 3.2.1.3: not our address (and not broadcast)
    while True:
        dst = struct.pack("!I", rnd.getrandbits(32))
        if dst != OURS and dst != b"\xff\xff\xff\xff" and dst[0] < 224:
            return valid(dst)


def noise():                     # random bytes that are not IPv4
    p = bytearray(rnd.getrandbits(8) for _ in range(rnd.randrange(1, 300)))
    p[0] = (rnd.choice([v for v in range(16) if v != 4]) << 4) | (p[0] & 0x0f)
    return bytes(p)


KINDS = [truncated, bad_version, short_ihl, ihl_beyond_packet, total_below_header, total_beyond_packet,
         bad_checksum, reserved_flag, not_ours, noise]

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind((ifname, 0x0800))
used = {}
for i in range(count):
    kind = KINDS[i % len(KINDS)] if i < len(KINDS) else rnd.choice(KINDS)
    s.send(kind())
    used[kind.__name__] = used.get(kind.__name__, 0) + 1
s.close()
print("sent %d" % count)
for k in sorted(used):
    print("kind %s %d" % (k, used[k]))
