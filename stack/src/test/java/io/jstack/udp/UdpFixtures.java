package io.jstack.udp;

import io.jstack.wire.Ipv4Address;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Builds and takes apart raw IPv4+UDP packets for scripted peers, with its own byte-by-byte checksum, written
 * independently of {@link io.jstack.wire.Checksum} so that the two check each other.
 */
public final class UdpFixtures {
    public static final int HOST = Ipv4Address.parse("10.0.0.2").value();
    public static final int PEER = Ipv4Address.parse("10.0.0.1").value();

    private UdpFixtures() {}

    /** RFC 1071 the slow way: 16-bit big-endian words, an odd last byte padded with zero, carries folded. */
    public static int referenceChecksum(byte[] b, int off, int len, long initial) {
        long sum = initial;
        for (int i = 0; i < len; i += 2) {
            int hi = b[off + i] & 0xff;
            int lo = i + 1 < len ? b[off + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (int) (~sum & 0xffff);
    }

    static long pseudo(int src, int dst, int udpLength) {
        return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + 17 + udpLength;
    }

    /** An IPv4 header (no options) with a correct checksum, for {@code payloadLength} bytes of payload. */
    public static byte[] ipHeader(int src, int dst, int protocol, int payloadLength) {
        ByteBuffer b = ByteBuffer.allocate(20);
        b.put(0, (byte) 0x45);
        b.putShort(2, (short) (20 + payloadLength));
        b.putShort(4, (short) 0x1234);
        b.put(8, (byte) 64);
        b.put(9, (byte) protocol);
        b.putInt(12, src);
        b.putInt(16, dst);
        byte[] h = b.array();
        int c = referenceChecksum(h, 0, 20, 0);
        h[10] = (byte) (c >>> 8);
        h[11] = (byte) c;
        return h;
    }

    /** A UDP datagram in an IPv4 packet with a correct checksum (a computed 0 sent as 0xffff). */
    public static byte[] udp(int src, int srcPort, int dst, int dstPort, byte[] data) {
        byte[] u = udpOnly(src, srcPort, dst, dstPort, data, true);
        return concat(ipHeader(src, dst, 17, u.length), u);
    }

    /** The UDP header and data only; with {@code checksum} false the checksum field is 0 ("none"). */
    public static byte[] udpOnly(int src, int srcPort, int dst, int dstPort, byte[] data, boolean checksum) {
        int len = 8 + data.length;
        ByteBuffer b = ByteBuffer.allocate(len);
        b.putShort(0, (short) srcPort);
        b.putShort(2, (short) dstPort);
        b.putShort(4, (short) len);
        b.put(8, data);
        byte[] u = b.array();
        if (checksum) {
            int c = referenceChecksum(u, 0, len, pseudo(src, dst, len));
            if (c == 0) c = 0xffff;
            u[6] = (byte) (c >>> 8);
            u[7] = (byte) c;
        }
        return u;
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** A received packet taken apart, after checking its IP and UDP checksums with the reference sum. */
    public record Received(int src, int dst, int protocol, int srcPort, int dstPort, byte[] data, byte[] raw) {}

    /** Parses an IPv4+UDP packet; throws AssertionError when a checksum or length is wrong. */
    public static Received parseUdp(byte[] p) {
        if (p == null) throw new AssertionError("no packet");
        ByteBuffer b = ByteBuffer.wrap(p);
        int hl = (p[0] & 0x0f) * 4;
        if (referenceChecksum(p, 0, hl, 0) != 0) throw new AssertionError("bad IP checksum");
        if (p[9] != 17) throw new AssertionError("not UDP: protocol " + p[9]);
        int src = b.getInt(12), dst = b.getInt(16);
        int ulen = Short.toUnsignedInt(b.getShort(hl + 4));
        if (ulen != p.length - hl) throw new AssertionError("UDP length " + ulen + " vs " + (p.length - hl));
        int csum = Short.toUnsignedInt(b.getShort(hl + 6));
        if (csum == 0) throw new AssertionError("we must always send a checksum");
        if (referenceChecksum(p, hl, ulen, pseudo(src, dst, ulen)) != 0) throw new AssertionError("bad UDP checksum");
        return new Received(src, dst, 17, Short.toUnsignedInt(b.getShort(hl)), Short.toUnsignedInt(b.getShort(hl + 2)),
                Arrays.copyOfRange(p, hl + 8, hl + ulen), p);
    }
}
