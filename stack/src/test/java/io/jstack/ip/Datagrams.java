package io.jstack.ip;

import io.jstack.wire.Checksum;
import io.jstack.wire.Ipv4Address;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Test fixtures: IPv4 datagrams and ICMP messages built byte by byte, independently of the code under test
 * (the checksum aside, which has its own reference test), and an independent RFC 791 fragmenter.
 */
public final class Datagrams {
    public static final int HOST = Ipv4Address.parse("10.0.0.2").value();
    public static final int PEER = Ipv4Address.parse("10.0.0.1").value();
    /** An experimental protocol number (RFC 3692) for capturing transports in tests. */
    public static final int TEST_PROTOCOL = 253;

    private Datagrams() {}

    /**
     * Bytes from annotated hex: whitespace is ignored, and everything from {@code #} to the end of a line is a
     * comment.
     */
    public static byte[] hex(String annotated) {
        StringBuilder sb = new StringBuilder();
        for (String line : annotated.split("\n")) {
            int c = line.indexOf('#');
            sb.append((c >= 0 ? line.substring(0, c) : line).replaceAll("\\s+", ""));
        }
        return HexFormat.of().parseHex(sb.toString());
    }

    /** A datagram with the given header fields, options and payload; the header checksum is correct. */
    public static byte[] ipv4(int src, int dst, int protocol, int ident, int flagsAndOffset, int ttl, byte[] options,
                              byte[] payload) {
        if (options.length % 4 != 0) throw new IllegalArgumentException("options must fill whole words");
        int hl = 20 + options.length;
        ByteBuffer b = ByteBuffer.allocate(hl + payload.length);
        b.put(0, (byte) (0x40 | hl / 4));
        b.putShort(2, (short) (hl + payload.length));
        b.putShort(4, (short) ident);
        b.putShort(6, (short) flagsAndOffset);
        b.put(8, (byte) ttl);
        b.put(9, (byte) protocol);
        b.putInt(12, src);
        b.putInt(16, dst);
        b.put(20, options);
        b.put(hl, payload);
        fixHeaderChecksum(b.array());
        return b.array();
    }

    public static byte[] ipv4(int src, int dst, int protocol, byte[] payload) {
        return ipv4(src, dst, protocol, 1, 0, 64, new byte[0], payload);
    }

    /** Recomputes the header checksum after a test changed a field. */
    public static byte[] fixHeaderChecksum(byte[] d) {
        ByteBuffer b = ByteBuffer.wrap(d);
        int hl = (d[0] & 0x0f) * 4;
        b.putShort(10, (short) 0);
        b.putShort(10, (short) Checksum.compute(b, 0, Math.min(hl, d.length)));
        return d;
    }

    /** An ICMP message: type, code, second word, data; checksum correct. */
    public static byte[] icmp(int type, int code, int rest, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.put(0, (byte) type);
        b.put(1, (byte) code);
        b.putInt(4, rest);
        b.put(8, data);
        b.putShort(2, (short) Checksum.compute(b, 0, b.capacity()));
        return b.array();
    }

    public static byte[] echoRequest(int id, int seq, byte[] data) {
        return icmp(8, 0, id << 16 | seq, data);
    }

    /** A payload of {@code n} bytes whose every byte depends on its position, so misplaced data shows. */
    public static byte[] pattern(int n, int seed) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) p[i] = (byte) (i * 31 + (i >>> 8) * 7 + seed);
        return p;
    }

    /**
     * Splits {@code payload} into fragments of at most {@code dataPerFragment} bytes (a multiple of 8), each with
     * a plain 20-byte header: RFC 791 §3.2, written independently of {@link Ipv4Layer}.
     */
    public static List<byte[]> fragments(int src, int dst, int protocol, int ident, byte[] payload,
                                         int dataPerFragment) {
        List<byte[]> out = new ArrayList<>();
        for (int o = 0; o < payload.length; o += dataPerFragment) {
            int n = Math.min(dataPerFragment, payload.length - o);
            boolean more = o + n < payload.length;
            byte[] part = new byte[n];
            System.arraycopy(payload, o, part, 0, n);
            out.add(fragment(src, dst, protocol, ident, o, more, part));
        }
        return out;
    }

    /** One fragment carrying {@code data} at byte offset {@code offset} (a multiple of 8). */
    public static byte[] fragment(int src, int dst, int protocol, int ident, int offset, boolean more, byte[] data) {
        return ipv4(src, dst, protocol, ident, (more ? 0x2000 : 0) | offset / 8, 64, new byte[0], data);
    }

    /** The payloads of received fragments put back in order by offset, for checking what a stack sent. */
    public static byte[] joinFragments(List<byte[]> fragments) {
        List<byte[]> sorted = new ArrayList<>(fragments);
        sorted.sort((a, b) -> Integer.compare(offsetOf(a), offsetOf(b)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] f : sorted) {
            int hl = (f[0] & 0x0f) * 4;
            if (offsetOf(f) != out.size()) throw new AssertionError("gap or overlap at " + out.size());
            out.write(f, hl, f.length - hl);
        }
        return out.toByteArray();
    }

    public static int offsetOf(byte[] f) {
        return (ByteBuffer.wrap(f).getShort(6) & 0x1fff) * 8;
    }

    public static boolean moreFragments(byte[] f) {
        return (ByteBuffer.wrap(f).getShort(6) & 0x2000) != 0;
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.write(p, 0, p.length);
        return out.toByteArray();
    }
}
