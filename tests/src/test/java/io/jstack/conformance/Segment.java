package io.jstack.conformance;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One TCP segment in an IPv4 packet as the conformance harness sees it: built for injection and parsed from
 * what the stack under test sends. The harness's own codec (RFC 791 §3.1, RFC 9293 §3.1), independent of
 * jstack's, so a bug in jstack's wire code cannot hide itself.
 */
record Segment(int src, int dst, int srcPort, int dstPort, int seq, int ack, int flags, int window,
               List<TcpOption> options, int payloadLength, boolean checksumOk) {
    static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20;

    /** A TCP option (RFC 9293 §3.2, RFC 7323, RFC 2018): kind and its values. */
    record TcpOption(String name, long[] values) {
        static TcpOption of(String name, long... values) {
            return new TcpOption(name, values);
        }
    }

    Segment(int src, int dst, int srcPort, int dstPort, int seq, int ack, int flags, int window,
            List<TcpOption> options, int payloadLength) {
        this(src, dst, srcPort, dstPort, seq, ack, flags, window, options, payloadLength, true);
    }

    /** The IPv4 packet carrying this segment, payload zero-filled; checksums per RFC 1071. */
    byte[] encode() {
        return encode(false);
    }

    /** With {@code ipOptions}, the IPv4 header carries four bytes of options (NOP, NOP, NOP, EOL). */
    byte[] encode(boolean ipOptions) {
        byte[] opts = encodeOptions(options);
        int ihl = ipOptions ? 24 : 20;
        int tcpLen = 20 + opts.length + payloadLength;
        ByteBuffer b = ByteBuffer.allocate(ihl + tcpLen);
        b.put((byte) (0x40 | ihl / 4)).put((byte) 0).putShort((short) (ihl + tcpLen)).putShort((short) 0)
                .putShort((short) 0).put((byte) 64).put((byte) 6).putShort((short) 0).putInt(src).putInt(dst);
        if (ipOptions) b.put((byte) 1).put((byte) 1).put((byte) 1).put((byte) 0);
        b.putShort(10, (short) checksum(b.array(), 0, ihl, 0));
        b.position(ihl);
        b.putShort((short) srcPort).putShort((short) dstPort).putInt(seq).putInt(ack)
                .put((byte) (((20 + opts.length) / 4) << 4)).put((byte) flags).putShort((short) window)
                .putShort((short) 0).putShort((short) 0).put(opts);
        long pseudo = ((src >>> 16) & 0xffff) + (src & 0xffff) + ((dst >>> 16) & 0xffff) + (dst & 0xffff) + 6 + tcpLen;
        b.putShort(ihl + 16, (short) checksum(b.array(), ihl, tcpLen, pseudo));
        return b.array();
    }

    /** Sets the urgent pointer of an encoded segment whose TCP header starts at {@code ihl}, and its checksum. */
    static void setUrgentPointer(byte[] packet, int ihl, int urgent) {
        ByteBuffer b = ByteBuffer.wrap(packet);
        b.putShort(ihl + 18, (short) urgent).putShort(ihl + 16, (short) 0);
        int src = b.getInt(12), dst = b.getInt(16), tcpLen = packet.length - ihl;
        long pseudo = ((src >>> 16) & 0xffff) + (src & 0xffff) + ((dst >>> 16) & 0xffff) + (dst & 0xffff) + 6 + tcpLen;
        b.putShort(ihl + 16, (short) checksum(packet, ihl, tcpLen, pseudo));
    }

    static byte[] encodeOptions(List<TcpOption> options) {
        ByteBuffer o = ByteBuffer.allocate(64);
        for (TcpOption t : options) {
            long[] v = t.values();
            switch (t.name()) {
                case "nop" -> o.put((byte) 1);
                case "eol" -> o.put((byte) 0);
                case "mss" -> o.put((byte) 2).put((byte) 4).putShort((short) v[0]);
                case "wscale" -> o.put((byte) 3).put((byte) 3).put((byte) v[0]);
                case "sackOK" -> o.put((byte) 4).put((byte) 2);
                case "TS" -> o.put((byte) 8).put((byte) 10).putInt((int) v[0]).putInt((int) v[1]);
                case "sack" -> {
                    o.put((byte) 5).put((byte) (2 + 4 * v.length));
                    for (long x : v) o.putInt((int) x);
                }
                default -> { // "kindN len": an unknown option with zero-filled data
                    int kind = Integer.parseInt(t.name().substring(4));
                    o.put((byte) kind).put((byte) v[0]);
                    for (int i = 2; i < v[0]; i++) o.put((byte) 0);
                }
            }
        }
        while (o.position() % 4 != 0) o.put((byte) 0); // RFC 9293 §3.1: pad with zeros (MUST-69)
        byte[] r = new byte[o.position()];
        o.get(0, r);
        return r;
    }

    /** Parses an IPv4/TCP packet; null if it is not a well-formed TCP segment. */
    static Segment decode(byte[] p) {
        if (p.length < 40 || (p[0] >> 4) != 4 || p[9] != 6) return null;
        ByteBuffer b = ByteBuffer.wrap(p);
        int ihl = (p[0] & 0x0f) * 4;
        int total = Short.toUnsignedInt(b.getShort(2));
        if (total > p.length || total < ihl + 20) return null;
        int t = ihl;
        int dataOff = (Byte.toUnsignedInt(p[t + 12]) >>> 4) * 4;
        if (dataOff < 20 || t + dataOff > total) return null;
        List<TcpOption> opts = new ArrayList<>();
        int i = t + 20, end = t + dataOff;
        while (i < end) {
            int kind = Byte.toUnsignedInt(p[i]);
            if (kind == 0) {
                opts.add(TcpOption.of("eol"));
                break;
            }
            if (kind == 1) {
                opts.add(TcpOption.of("nop"));
                i++;
                continue;
            }
            if (i + 1 >= end) break;
            int len = Byte.toUnsignedInt(p[i + 1]);
            if (len < 2 || i + len > end) break;
            switch (kind) {
                case 2 -> opts.add(TcpOption.of("mss", Short.toUnsignedInt(b.getShort(i + 2))));
                case 3 -> opts.add(TcpOption.of("wscale", Byte.toUnsignedInt(p[i + 2])));
                case 4 -> opts.add(TcpOption.of("sackOK"));
                case 8 -> opts.add(TcpOption.of("TS", b.getInt(i + 2) & 0xffffffffL, b.getInt(i + 6) & 0xffffffffL));
                case 5 -> {
                    long[] v = new long[(len - 2) / 4];
                    for (int k = 0; k < v.length; k++) v[k] = b.getInt(i + 2 + 4 * k) & 0xffffffffL;
                    opts.add(new TcpOption("sack", v));
                }
                default -> opts.add(TcpOption.of("kind" + kind, len));
            }
            i += len;
        }
        int src = b.getInt(12), dst = b.getInt(16), tcpLen = total - t;
        long pseudo = ((src >>> 16) & 0xffff) + (src & 0xffff) + ((dst >>> 16) & 0xffff) + (dst & 0xffff) + 6 + tcpLen;
        boolean sumOk = checksum(p, t, tcpLen, pseudo) == 0; // RFC 9293 §3.1: the sender computes it (MUST-2)
        return new Segment(src, dst, Short.toUnsignedInt(b.getShort(t)),
                Short.toUnsignedInt(b.getShort(t + 2)), b.getInt(t + 4), b.getInt(t + 8), Byte.toUnsignedInt(p[t + 13]),
                Short.toUnsignedInt(b.getShort(t + 14)), opts, total - t - dataOff, sumOk);
    }

    /** Sequence space the segment occupies: payload plus one for SYN and one for FIN. */
    int length() {
        return payloadLength + ((flags & SYN) != 0 ? 1 : 0) + ((flags & FIN) != 0 ? 1 : 0);
    }

    static int checksum(byte[] a, int off, int len, long initial) {
        long sum = initial;
        for (int i = 0; i + 1 < len; i += 2) sum += ((a[off + i] & 0xff) << 8) | (a[off + i + 1] & 0xff);
        if ((len & 1) != 0) sum += (a[off + len - 1] & 0xff) << 8;
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) (~sum & 0xffff);
    }

    static String flagString(int flags) {
        StringBuilder s = new StringBuilder();
        if ((flags & SYN) != 0) s.append('S');
        if ((flags & FIN) != 0) s.append('F');
        if ((flags & RST) != 0) s.append('R');
        if ((flags & PSH) != 0) s.append('P');
        if ((flags & URG) != 0) s.append('U');
        if ((flags & ACK) != 0) s.append('.');
        return s.toString();
    }

    static String optionString(List<TcpOption> options) {
        StringBuilder s = new StringBuilder("<");
        for (TcpOption o : options) {
            if (s.length() > 1) s.append(',');
            switch (o.name()) {
                case "TS" -> s.append("TS val ").append(o.values()[0]).append(" ecr ").append(o.values()[1]);
                case "sack" -> {
                    s.append("sack");
                    for (int k = 0; k + 1 < o.values().length; k += 2) {
                        s.append(' ').append(o.values()[k]).append(':').append(o.values()[k + 1]);
                    }
                }
                default -> {
                    s.append(o.name());
                    for (long v : o.values()) s.append(' ').append(v);
                }
            }
        }
        return s.append('>').toString();
    }
}
