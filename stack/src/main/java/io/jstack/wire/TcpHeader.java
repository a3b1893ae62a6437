package io.jstack.wire;

import java.nio.ByteBuffer;
import java.util.Set;

/**
 * The meaning of a TCP header (RFC 9293 §3.1) with the options jstack understands: MSS (§3.7.1) and window
 * scale (RFC 7323 §2); -1 means the option is absent. For tests, tools and API boundaries; the hot path reads
 * {@link TcpPacket} directly.
 */
public record TcpHeader(int sourcePort, int destinationPort, int seq, int ack, Set<TcpFlag> flags, int window,
                        int urgentPointer, int mss, int windowScale) {
    public TcpHeader {
        flags = Set.copyOf(flags);
    }

    /** Reads a header from a view that passed {@link TcpPacket#check()}. */
    public static TcpHeader parse(TcpPacket p) {
        return new TcpHeader(p.sourcePort(), p.destinationPort(), p.seq(), p.ack(), TcpFlag.of(p.flags()),
                p.window(), p.urgentPointer(), p.mssOption(), p.windowScaleOption());
    }

    /** Header length with options, padded to 32 bits. */
    public int length() {
        return TcpPacket.MIN_HEADER_LENGTH + optionBytes();
    }

    private int optionBytes() {
        return (mss >= 0 ? 4 : 0) + (windowScale >= 0 ? 4 : 0);
    }

    /** Writes the header at {@code off} with checksum 0; returns its length. */
    public int emit(ByteBuffer buf, int off) {
        TcpPacket.emitHeader(buf, off, sourcePort, destinationPort, seq, ack, TcpFlag.bits(flags), window,
                optionBytes());
        int i = off + TcpPacket.MIN_HEADER_LENGTH;
        if (mss >= 0) {
            buf.put(i, (byte) TcpPacket.OPT_MSS).put(i + 1, (byte) 4).putShort(i + 2, (short) mss);
            i += 4;
        }
        if (windowScale >= 0) {
            buf.put(i, (byte) TcpPacket.OPT_NOP).put(i + 1, (byte) TcpPacket.OPT_WINDOW_SCALE).put(i + 2, (byte) 3)
                    .put(i + 3, (byte) windowScale);
        }
        buf.putShort(off + 18, (short) urgentPointer);
        return length();
    }
}
