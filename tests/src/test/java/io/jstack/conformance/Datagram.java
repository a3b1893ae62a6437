package io.jstack.conformance;

import io.jstack.wire.Ipv4Address;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The harness's own IPv4, ICMP and UDP codec (RFC 791 §3.1, RFC 792, RFC 768), independent of jstack's like
 * {@link Segment}: builds the peer's packets from {@link IpSpec} lines, decodes what the stack sends, and tells
 * why a packet does not match an expected line.
 */
final class Datagram {
    static final int ICMP = 1, TCP = 6, UDP = 17;

    private Datagram() {}

    /**
     * A datagram the peer injected, as a whole (before any fragmentation): what an ICMP error from the stack must
     * quote, and what an echo reply must mirror.
     */
    record Sent(int ident, int protocol, int src, int dst, byte[] transport, int wireTotalLength, int headerLength) {}

    /** The IPv4 packet for an injected line; {@code sent} receives the whole datagram it belongs to. */
    static byte[] build(IpSpec s, int stackPort, int peerPort, int echoId, byte[] lastFromStack, Sent[] sent) {
        IpSpec.Ip ip = s.ip();
        byte[] t = transport(s, stackPort, peerPort, echoId, ip, lastFromStack);
        int protocol = switch (s.kind()) {
            case ECHO, ECHO_REPLY, ICMP -> ICMP;
            case UDP -> UDP;
            case RAW -> ip.protocol();
        };
        if (ip.protocol() != null) protocol = ip.protocol();
        int start = 0, end = t.length;
        boolean mf = false;
        if (s.frag() != null) {
            start = s.frag().start();
            end = s.frag().end();
            if (end > t.length) throw new IllegalArgumentException("fragment ends past the message (" + t.length + " bytes)");
            mf = end < t.length || s.frag().mf();
        }
        int hl = 20 + (ip.options() != null ? ip.options().length : 0);
        int dataLen = end - start;
        int total = ip.totalLength() != null ? ip.totalLength() : hl + dataLen;
        int src = ip.src() != null ? ip.src() : Target.PEER;
        int dst = ip.dst() != null ? ip.dst() : Target.STACK;
        int ident = ident(peerPort, ip.ipid());
        ByteBuffer b = ByteBuffer.allocate(hl + dataLen + ip.pad());
        int version = ip.version() != null ? ip.version() : 4;
        int ihl = ip.ihl() != null ? ip.ihl() : hl / 4;
        int frag = (ip.df() ? 0x4000 : 0) | (mf ? 0x2000 : 0) | (start / 8);
        b.put((byte) (version << 4 | ihl)).put((byte) (ip.tos() != null ? ip.tos() : 0)).putShort((short) total)
                .putShort((short) ident).putShort((short) frag).put((byte) (ip.ttl() != null ? ip.ttl() : 64))
                .put((byte) protocol).putShort((short) 0).putInt(src).putInt(dst);
        if (ip.options() != null) b.put(ip.options());
        int sum = Segment.checksum(b.array(), 0, hl, 0);
        if (ip.badSum()) sum ^= 0x5a5a;
        b.putShort(10, (short) sum);
        b.put(hl, t, start, dataLen);
        sent[0] = new Sent(ident, protocol, src, dst, t, s.frag() == null ? total : -1, hl);
        return b.array();
    }

    /** The identification of injected datagrams: unique per script (peer port), plus the line's {@code ipid}. */
    static int ident(int peerPort, int ipid) {
        return (peerPort * 16 + ipid) & 0xffff;
    }

    private static byte[] transport(IpSpec s, int stackPort, int peerPort, int echoId, IpSpec.Ip ip,
                                    byte[] lastFromStack) {
        int len = s.len() != null ? s.len() : s.kind() == IpSpec.Kind.ECHO ? 56 : 0;
        byte[] data = new byte[len];
        for (int i = 0; i < len; i++) data[i] = (byte) (s.fill() != null ? s.fill() : i);
        if (s.quoteLast()) {
            if (lastFromStack == null) throw new IllegalArgumentException("quotelast: the stack sent nothing yet");
            // RFC 792: the quoted internet header plus the first 64 bits of the original datagram's data.
            int quoted = Math.min(lastFromStack.length, (lastFromStack[0] & 0xf) * 4 + 8);
            data = Arrays.copyOf(lastFromStack, quoted);
        }
        switch (s.kind()) {
            case ECHO, ICMP -> {
                ByteBuffer b = ByteBuffer.allocate(8 + data.length);
                if (s.kind() == IpSpec.Kind.ECHO) {
                    b.put((byte) 8).put((byte) 0).putShort((short) 0)
                            .putShort((short) (s.id() != null ? s.id() : echoId))
                            .putShort((short) (s.seq() != null ? s.seq() : 0));
                } else {
                    b.put((byte) (int) s.type()).put((byte) (int) s.code()).putInt(0).putShort((short) 0);
                }
                b.put(data);
                int sum = Segment.checksum(b.array(), 0, b.capacity(), 0);
                if (s.udp().badSum()) sum ^= 0x5a5a;
                b.putShort(2, (short) sum);
                return b.array();
            }
            case UDP -> {
                IpSpec.Udp u = s.udp();
                int sp = u.srcPort() != null ? u.srcPort() : peerPort;
                int dp = u.dstPort() != null ? u.dstPort() : stackPort;
                ByteBuffer b = ByteBuffer.allocate(8 + data.length);
                b.putShort((short) sp).putShort((short) dp)
                        .putShort((short) (u.length() != null ? u.length() : 8 + data.length)).putShort((short) 0).put(data);
                int src = ip.src() != null ? ip.src() : Target.PEER;
                int dst = ip.dst() != null ? ip.dst() : Target.STACK;
                // A length field shorter than the payload: the datagram (and its checksum) ends where it says.
                int covered = u.length() != null && u.length() >= 8 && u.length() < b.capacity() ? u.length() : b.capacity();
                int sum = Segment.checksum(b.array(), 0, covered, pseudo(src, dst, UDP, covered));
                if (sum == 0) sum = 0xffff; // RFC 768: a computed zero is sent as all ones
                if (u.badSum()) sum ^= 0x5a5a;
                if (u.zeroSum()) sum = 0; // RFC 768: zero means "no checksum"
                b.putShort(6, (short) sum);
                return b.array();
            }
            default -> {
                return data;
            }
        }
    }

    static long pseudo(int src, int dst, int protocol, int length) {
        return ((src >>> 16) & 0xffff) + (src & 0xffff) + ((dst >>> 16) & 0xffff) + (dst & 0xffff) + protocol + length;
    }

    /** A packet the stack sent: its IPv4 header fields and transport bytes (after reassembly, if any). */
    record Received(int version, int headerLength, int ident, int ttl, int protocol, int src, int dst, boolean headerOk,
                    byte[] transport, int fragments) {
        static Received decode(byte[] p) {
            if (p.length < 20 || (p[0] >> 4 & 0xf) != 4) return null;
            ByteBuffer b = ByteBuffer.wrap(p);
            int hl = (p[0] & 0xf) * 4;
            int total = Short.toUnsignedInt(b.getShort(2));
            if (hl < 20 || total < hl || total > p.length) return null;
            return new Received(4, hl, Short.toUnsignedInt(b.getShort(4)), Byte.toUnsignedInt(p[8]),
                    Byte.toUnsignedInt(p[9]), b.getInt(12), b.getInt(16), Segment.checksum(p, 0, hl, 0) == 0,
                    Arrays.copyOfRange(p, hl, total), 1);
        }

        int u16(int at) {
            return at + 1 < transport.length ? ((transport[at] & 0xff) << 8) | (transport[at + 1] & 0xff) : -1;
        }

        boolean isIcmpError() {
            if (protocol != ICMP || transport.length < 8) return false;
            int t = transport[0] & 0xff;
            return t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
        }
    }

    /**
     * Puts the stack's fragments back together (RFC 791 §3.2), so an expected echo reply or UDP datagram of any size
     * is one line. A packet that is not a fragment passes through; a fragment yields null until its datagram is whole.
     */
    static final class Collector {
        /** The pieces of one datagram by offset, and where it ends once its last fragment came (else -1). */
        private static final class Pieces {
            final java.util.TreeMap<Integer, byte[]> byOffset = new java.util.TreeMap<>();
            int end = -1;
        }

        private final Map<Long, Pieces> pending = new HashMap<>();

        Received offer(byte[] p) {
            Received r = Received.decode(p);
            if (r == null) return null;
            int frag = Short.toUnsignedInt(ByteBuffer.wrap(p).getShort(6));
            boolean more = (frag & 0x2000) != 0;
            int offset = (frag & 0x1fff) * 8;
            if (!more && offset == 0) return r;
            long key = ((long) r.src() << 32) ^ ((long) r.ident() << 8) ^ r.protocol();
            Pieces d = pending.computeIfAbsent(key, k -> new Pieces());
            d.byOffset.put(offset, r.transport());
            if (!more) d.end = offset + r.transport().length;
            if (d.end < 0) return null;
            java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
            int at = 0;
            while (at < d.end) {
                byte[] piece = d.byOffset.get(at);
                if (piece == null || piece.length == 0) return null;
                whole.writeBytes(piece);
                at += piece.length;
            }
            pending.remove(key);
            return new Received(4, r.headerLength(), r.ident(), r.ttl(), r.protocol(), r.src(), r.dst(), r.headerOk(),
                    whole.toByteArray(), d.byOffset.size());
        }
    }

    /** Why {@code r} does not match the expected line, or null. */
    static String mismatch(IpSpec e, Received r, int stackPort, int peerPort, int echoId, Sent lastSent,
                           Map<Integer, Sent> echoes) {
        if (!r.headerOk()) return "bad IPv4 header checksum";
        if (r.src() != Target.STACK || r.dst() != Target.PEER) return "addresses differ";
        if (e.ip().ttl() != null && r.ttl() != e.ip().ttl()) return "ttl differs";
        if (e.ip().ihl() != null && r.headerLength() / 4 != e.ip().ihl()) return "header length differs";
        byte[] t = r.transport();
        switch (e.kind()) {
            case UDP -> {
                if (r.protocol() != UDP || t.length < 8) return "not a UDP datagram";
                if (r.u16(0) != stackPort || r.u16(2) != peerPort) return "ports differ";
                if (r.u16(4) != t.length) return "UDP length field " + r.u16(4) + " but " + t.length + " bytes";
                // RFC 1122 §4.1.3.4: the checksum MUST be generated by default, so zero ("none") is a failure too.
                if (r.u16(6) == 0) return "no UDP checksum";
                if (Segment.checksum(t, 0, t.length, pseudo(r.src(), r.dst(), UDP, t.length)) != 0) {
                    return "bad UDP checksum";
                }
                if (e.len() != null && t.length - 8 != e.len()) return "length differs";
                return fillMismatch(e, t, 8);
            }
            case ECHO_REPLY -> {
                if (r.protocol() != ICMP || t.length < 8 || t[0] != 0 || t[1] != 0) return "not an echo reply";
                if (Segment.checksum(t, 0, t.length, 0) != 0) return "bad ICMP checksum";
                int id = e.id() != null ? e.id() : echoId;
                if (r.u16(4) != id) return "id differs";
                if (e.seq() != null && r.u16(6) != e.seq()) return "seq differs";
                if (e.len() != null && t.length - 8 != e.len()) return "length differs";
                String f = fillMismatch(e, t, 8);
                if (f != null) return f;
                // RFC 792 / RFC 1122 §3.2.2.6: the data of the request, returned unchanged.
                Sent req = echoes.get(r.u16(4) << 16 | r.u16(6));
                if (req != null && !Arrays.equals(req.transport(), 8, req.transport().length, t, 8, t.length)) {
                    return "data is not the request's data";
                }
                return null;
            }
            case ICMP -> {
                if (r.protocol() != ICMP || t.length < 8) return "not an ICMP message";
                if (Segment.checksum(t, 0, t.length, 0) != 0) return "bad ICMP checksum";
                if ((t[0] & 0xff) != e.type() || (e.code() != null && (t[1] & 0xff) != e.code())) {
                    return "type/code differ";
                }
                if (e.pointer() != null && (t[4] & 0xff) != e.pointer()) return "pointer differs";
                if (!e.quote()) return null;
                return quoteMismatch(t, lastSent);
            }
            default -> throw new IllegalStateException("not expected: " + e.kind());
        }
    }

    private static String fillMismatch(IpSpec e, byte[] t, int from) {
        if (e.fill() == null) return null;
        for (int i = from; i < t.length; i++) if ((t[i] & 0xff) != e.fill()) return "data differs at byte " + (i - from);
        return null;
    }

    /**
     * RFC 792, RFC 1122 §3.2.2: an error quotes the offending datagram's IPv4 header and at least its first 8 data
     * bytes. The quote must be the last datagram the peer injected: as sent, its first fragment, or as reassembled.
     */
    static String quoteMismatch(byte[] icmp, Sent s) {
        if (s == null) return "the script injected no datagram to quote";
        int q = 8;
        if (icmp.length < q + 20) return "quote shorter than an IPv4 header";
        ByteBuffer b = ByteBuffer.wrap(icmp);
        int hl = (icmp[q] & 0xf) * 4;
        if ((icmp[q] >> 4 & 0xf) != 4 || hl < 20) return "quoted header is not IPv4";
        if (icmp.length < q + hl + 8) return "quote holds fewer than 8 data bytes";
        int total = Short.toUnsignedInt(b.getShort(q + 2));
        int ident = Short.toUnsignedInt(b.getShort(q + 4));
        int frag = Short.toUnsignedInt(b.getShort(q + 6));
        if (ident != s.ident()) return "quoted identification " + ident + ", injected " + s.ident();
        if ((icmp[q + 9] & 0xff) != s.protocol()) return "quoted protocol differs";
        if (b.getInt(q + 12) != s.src() || b.getInt(q + 16) != s.dst()) return "quoted addresses differ";
        if ((frag & 0x1fff) != 0) return "quotes a non-initial fragment";
        int whole = s.headerLength() + s.transport().length;
        boolean firstFragment = (frag & 0x2000) != 0;
        if (!firstFragment && total != whole && total != s.wireTotalLength()) {
            return "quoted total length " + total + ", injected " + whole;
        }
        if (!Arrays.equals(icmp, q + hl, q + hl + 8, s.transport(), 0, 8)) return "quoted data bytes differ";
        return null;
    }

    /** One line describing a packet the stack sent, in the script's own notation where there is one. */
    static String render(Received r, int stackPort, int peerPort) {
        byte[] t = r.transport();
        StringBuilder b = new StringBuilder();
        switch (r.protocol()) {
            case ICMP -> {
                if (t.length < 8) {
                    b.append("icmp (truncated)");
                    break;
                }
                int type = t[0] & 0xff, code = t[1] & 0xff;
                b.append("icmp ").append(IpSpec.icmpName(type, code));
                if (type == 12) b.append(" ptr ").append(t[4] & 0xff);
                if (type == 0 || type == 8) {
                    b.append(" id ").append(r.u16(4)).append(" seq ").append(r.u16(6)).append(" len ").append(t.length - 8);
                } else if (r.isIcmpError() && t.length >= 28) {
                    ByteBuffer q = ByteBuffer.wrap(t);
                    int frag = Short.toUnsignedInt(q.getShort(14));
                    b.append(" quoting [proto ").append(t[17] & 0xff).append(" ipid ").append(Short.toUnsignedInt(q.getShort(12)))
                            .append(" tlen ").append(Short.toUnsignedInt(q.getShort(10)))
                            .append((frag & 0x2000) != 0 ? " mf" : "").append(" off ").append((frag & 0x1fff) * 8)
                            .append(" from ").append(Ipv4Address.toString(q.getInt(20)))
                            .append(" to ").append(Ipv4Address.toString(q.getInt(24))).append(']');
                }
                if (Segment.checksum(t, 0, t.length, 0) != 0) b.append(" badsum");
            }
            case UDP -> {
                b.append("udp ").append(Math.max(0, t.length - 8));
                if (t.length >= 8) {
                    b.append(" sport ").append(r.u16(0)).append(" dport ").append(r.u16(2));
                    if (r.u16(6) == 0) b.append(" nosum");
                    else if (Segment.checksum(t, 0, t.length, pseudo(r.src(), r.dst(), UDP, t.length)) != 0) {
                        b.append(" badsum");
                    }
                }
            }
            default -> b.append("ip proto ").append(r.protocol()).append(" len ").append(t.length);
        }
        b.append(" ttl ").append(r.ttl());
        if (r.headerLength() != 20) b.append(" ihl ").append(r.headerLength() / 4);
        if (r.fragments() > 1) b.append(" (").append(r.fragments()).append(" fragments)");
        if (!r.headerOk()) b.append(" badipsum");
        if (r.src() != Target.STACK || r.dst() != Target.PEER) {
            b.append(" from ").append(Ipv4Address.toString(r.src())).append(" to ").append(Ipv4Address.toString(r.dst()));
        }
        return b.toString();
    }
}
