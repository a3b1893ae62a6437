package io.jstack.tools.inspect;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds IPv4 packets and capture files for the unit tests (checksums filled in). */
final class Pkt {
    static final int CLIENT = 0x0a000001, SERVER = 0x0a000002;

    private Pkt() {}

    static byte[] ipv4(int src, int dst, int proto, int id, int flagsFrag, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) id).putShort((short) flagsFrag);
        b.put((byte) 64).put((byte) proto).putShort((short) 0).putInt(src).putInt(dst).put(payload);
        byte[] a = b.array();
        int sum = Bytes.of(a).slice(0, 20).checksum(0);
        a[10] = (byte) (sum >>> 8);
        a[11] = (byte) sum;
        return a;
    }

    static byte[] icmpEcho(int type, int ident, int seq, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.put((byte) type).put((byte) 0).putShort((short) 0).putShort((short) ident).putShort((short) seq).put(data);
        byte[] a = b.array();
        int sum = Bytes.of(a).checksum(0);
        a[2] = (byte) (sum >>> 8);
        a[3] = (byte) sum;
        return a;
    }

    /** A TCP segment; {@code options} must be a multiple of 4 bytes. */
    static byte[] tcp(int src, int dst, int sp, int dp, long seq, long ack, int flags, int win, byte[] options, byte[] data) {
        int hlen = 20 + options.length;
        ByteBuffer b = ByteBuffer.allocate(hlen + data.length);
        b.putShort((short) sp).putShort((short) dp).putInt((int) seq).putInt((int) ack);
        b.putShort((short) ((hlen / 4) << 12 | flags)).putShort((short) win).putShort((short) 0).putShort((short) 0);
        b.put(options).put(data);
        return ipv4(src, dst, 6, 1, 0x4000, b.array());
    }

    static byte[] udp(int src, int dst, int sp, int dp, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.putShort((short) sp).putShort((short) dp).putShort((short) (8 + data.length)).putShort((short) 0).put(data);
        return ipv4(src, dst, 17, 1, 0, b.array());
    }

    static byte[] synOptions(int mss, int wscale) {
        return new byte[] {2, 4, (byte) (mss >>> 8), (byte) mss, 1, 3, 3, (byte) wscale};
    }

    /** A pcap file of raw-IP frames (link type 101), one every millisecond. */
    static byte[] pcap(ByteOrder order, boolean nano, int linkType, byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(24).order(order);
        h.putInt(nano ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(linkType);
        out.writeBytes(h.array());
        for (int i = 0; i < frames.length; i++) {
            ByteBuffer r = ByteBuffer.allocate(16).order(order);
            r.putInt(1_700_000_000).putInt(nano ? i * 1_000_000 : i * 1000).putInt(frames[i].length).putInt(frames[i].length);
            out.writeBytes(r.array());
            out.writeBytes(frames[i]);
        }
        return out.toByteArray();
    }

    static Frame frame(long ms, byte[] data) {
        return new Frame(101, ms * 1_000_000L, 6, data.length, data);
    }
}
