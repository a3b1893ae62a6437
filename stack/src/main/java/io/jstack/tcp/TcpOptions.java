package io.jstack.tcp;

import static io.jstack.wire.TcpPacket.ACK_FLAG;
import static io.jstack.wire.TcpPacket.RST;
import static io.jstack.wire.TcpPacket.SYN;

import io.jstack.wire.TcpPacket;
import java.nio.ByteBuffer;

/**
 * The options of RFC 7323 (timestamps) and RFC 2018 (SACK) in one segment, parsed into reusable fields so the
 * data path allocates nothing, and the writer of every option a connection's segments carry. MSS and window
 * scale are read by {@link TcpPacket} itself. An option of a known kind with the wrong length is ignored, as
 * if absent (RFC 9293 §3.2 only requires that it be skipped safely; {@link TcpPacket#check} bounded it).
 *
 * @spec https://www.rfc-editor.org/rfc/rfc7323#section-3 RFC 7323 §3
 * @spec https://www.rfc-editor.org/rfc/rfc2018#section-3 RFC 2018 §2-3
 */
final class TcpOptions {
    static final int OPT_SACK_PERMITTED = 4, OPT_SACK = 5, OPT_TIMESTAMPS = 8;
    /** At most 4 SACK blocks fit in 40 bytes of options (RFC 2018 §3); 3 beside a timestamp. */
    static final int MAX_SACK_BLOCKS = 4;

    boolean timestamps;
    int tsVal, tsEcr;
    boolean sackPermitted;
    int sackBlocks;
    final int[] sackStart = new int[MAX_SACK_BLOCKS], sackEnd = new int[MAX_SACK_BLOCKS];

    /** Reads the segment's options; the view must have passed {@link TcpPacket#check}. */
    TcpOptions parse(TcpPacket seg) {
        timestamps = false;
        sackPermitted = false;
        sackBlocks = 0;
        ByteBuffer b = seg.buffer();
        int i = seg.offset() + TcpPacket.MIN_HEADER_LENGTH;
        int end = seg.offset() + seg.headerLength();
        while (i < end) {
            int kind = Byte.toUnsignedInt(b.get(i));
            if (kind == TcpPacket.OPT_END) break;
            if (kind == TcpPacket.OPT_NOP) {
                i++;
                continue;
            }
            int len = Byte.toUnsignedInt(b.get(i + 1));
            switch (kind) {
                case OPT_TIMESTAMPS -> {
                    if (len == 10) {
                        timestamps = true;
                        tsVal = b.getInt(i + 2);
                        tsEcr = b.getInt(i + 6);
                    }
                }
                case OPT_SACK_PERMITTED -> sackPermitted = len == 2;
                case OPT_SACK -> {
                    int n = (len - 2) / 8;
                    if ((len - 2) % 8 == 0) {
                        for (int k = 0; k < n && sackBlocks < MAX_SACK_BLOCKS; k++) {
                            sackStart[sackBlocks] = b.getInt(i + 2 + 8 * k);
                            sackEnd[sackBlocks++] = b.getInt(i + 6 + 8 * k);
                        }
                    }
                }
                default -> {}
            }
            i += len;
        }
        return this;
    }

    // ---------------------------------------------------------------- writing

    /**
     * Bytes of options (a multiple of 4) for a segment of {@code c}. The layout is Linux's, which keeps every
     * option aligned: {@code mss, [sackOK,TS | nop,nop,TS | nop,nop,sackOK], [nop,wscale]} on a SYN,
     * {@code [nop,nop,TS], [nop,nop,sack...]} after it.
     */
    static int length(TcpConnection c, int flags, int mss, int wsShift, int dataLen) {
        int n = mss >= 0 ? 4 : 0;
        boolean syn = (flags & SYN) != 0;
        if (c.ts.on) n += 12;
        else if (syn && c.sack.on) n += 4;
        if (wsShift >= 0) n += 4;
        int blocks = sackBlocksFor(c, flags, n, dataLen);
        if (blocks > 0) n += 4 + 8 * blocks;
        return n;
    }

    /** Writes the options {@link #length} counted at {@code i}; returns the index after them. */
    static int write(TcpConnection c, ByteBuffer tx, int i, int flags, int ack, int mss, int wsShift, int dataLen) {
        boolean syn = (flags & SYN) != 0;
        int before = (mss >= 0 ? 4 : 0) + (c.ts.on ? 12 : syn && c.sack.on ? 4 : 0) + (wsShift >= 0 ? 4 : 0);
        int blocks = sackBlocksFor(c, flags, before, dataLen);
        if (mss >= 0) {
            tx.put(i, (byte) TcpPacket.OPT_MSS).put(i + 1, (byte) 4).putShort(i + 2, (short) mss);
            i += 4;
        }
        if (c.ts.on) {
            if (syn && c.sack.on) {
                tx.put(i, (byte) OPT_SACK_PERMITTED).put(i + 1, (byte) 2);
            } else {
                tx.put(i, (byte) TcpPacket.OPT_NOP).put(i + 1, (byte) TcpPacket.OPT_NOP);
            }
            // RFC 7323 §3.2: TSval from our clock; TSecr echoes TS.Recent when the ACK bit is set, else 0.
            boolean hasAck = (flags & ACK_FLAG) != 0;
            tx.put(i + 2, (byte) OPT_TIMESTAMPS).put(i + 3, (byte) 10).putInt(i + 4, c.ts.clock(c.now))
                    .putInt(i + 8, hasAck ? c.ts.tsRecent : 0);
            if (hasAck) c.ts.lastAckSent = ack;
            i += 12;
        } else if (syn && c.sack.on) {
            tx.put(i, (byte) TcpPacket.OPT_NOP).put(i + 1, (byte) TcpPacket.OPT_NOP)
                    .put(i + 2, (byte) OPT_SACK_PERMITTED).put(i + 3, (byte) 2);
            i += 4;
        }
        if (wsShift >= 0) {
            tx.put(i, (byte) TcpPacket.OPT_NOP).put(i + 1, (byte) TcpPacket.OPT_WINDOW_SCALE).put(i + 2, (byte) 3)
                    .put(i + 3, (byte) wsShift);
            i += 4;
        }
        if (blocks > 0) {
            tx.put(i, (byte) TcpPacket.OPT_NOP).put(i + 1, (byte) TcpPacket.OPT_NOP).put(i + 2, (byte) OPT_SACK)
                    .put(i + 3, (byte) (2 + 8 * blocks));
            i += 4;
            for (int k = 0; k < blocks; k++) {
                tx.putInt(i, c.sack.start(k)).putInt(i + 4, c.sack.end(k));
                i += 8;
            }
            c.sack.reported();
        }
        return i;
    }

    /**
     * SACK blocks for this segment (RFC 2018 §4): on every ACK while out-of-order data is held, as many of the
     * most recent blocks as fit in the 40 bytes of options and in the MTU beside the data.
     */
    private static int sackBlocksFor(TcpConnection c, int flags, int otherOptionBytes, int dataLen) {
        if (!c.sack.on || (flags & (SYN | RST)) != 0 || (flags & ACK_FLAG) == 0) return 0;
        int have = c.sack.count();
        if (have == 0) return 0;
        int room = Math.min(TcpPacket.MAX_HEADER_LENGTH - TcpPacket.MIN_HEADER_LENGTH,
                c.layer.mtu() - 40 - dataLen) - otherOptionBytes - 4;
        return Math.max(0, Math.min(have, room / 8));
    }
}
