package io.jstack.wire;

import java.nio.ByteBuffer;

/**
 * The meaning of a UDP header (RFC 768), for tests, tools and API boundaries; the hot path uses {@link UdpPacket}.
 *
 * @param length   header plus data, in bytes
 * @param checksum the checksum field as sent; 0 means none
 */
public record UdpHeader(int sourcePort, int destinationPort, int length, int checksum) {
    public static UdpHeader parse(UdpPacket p) {
        return new UdpHeader(p.sourcePort(), p.destinationPort(), p.length(), p.checksum());
    }

    /** Writes the four fields exactly as held (no checksum computation) at {@code off}. */
    public void emit(ByteBuffer buf, int off) {
        buf.putShort(off, (short) sourcePort);
        buf.putShort(off + 2, (short) destinationPort);
        buf.putShort(off + 4, (short) length);
        buf.putShort(off + 6, (short) checksum);
    }
}
