package io.jstack.wire;

import java.nio.ByteBuffer;

/**
 * Flyweight over a TCP segment (RFC 9293 §3.1). Valid only during the call that received it; never store it.
 * TCP has no length field, so {@link #wrap} takes the segment length from the IP layer.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * |                        Sequence Number                        |
 * |                    Acknowledgment Number                      |
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |           Checksum            |         Urgent Pointer        |
 * |                           [Options]                           |
 * |                             data                              |
 * </pre>
 *
 * @spec https://www.rfc-editor.org/rfc/rfc9293#section-3.1 RFC 9293 §3.1
 */
public final class TcpPacket {
    private static final int SRC_PORT = 0, DST_PORT = 2, SEQ = 4, ACK = 8, DATA_OFFSET = 12, FLAGS = 13,
            WINDOW = 14, CHECKSUM = 16, URGENT = 18;
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;
    public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK_FLAG = 0x10, URG = 0x20;
    /** Option kinds (RFC 9293 §3.2, RFC 7323 §2.2). */
    public static final int OPT_END = 0, OPT_NOP = 1, OPT_MSS = 2, OPT_WINDOW_SCALE = 3;

    private ByteBuffer buf;
    private int off;
    private int length;

    public TcpPacket wrap(ByteBuffer buf, int off, int length) {
        this.buf = buf;
        this.off = off;
        this.length = length;
        return this;
    }

    public ByteBuffer buffer() {
        return buf;
    }

    public int offset() {
        return off;
    }

    /** The whole segment's length: header, options and data. */
    public int length() {
        return length;
    }

    /**
     * Checks lengths and the option list (RFC 9293 §3.2: every option but End and NOP has a length octet that
     * counts kind and length, and must stay inside the header). After {@code NONE}, no accessor can throw.
     */
    public Malformed check() {
        if (length < MIN_HEADER_LENGTH || off + length > buf.limit()) return Malformed.TRUNCATED;
        int h = headerLength();
        if (h < MIN_HEADER_LENGTH || h > length) return Malformed.BAD_HEADER_LENGTH;
        int i = off + MIN_HEADER_LENGTH;
        int end = off + h;
        while (i < end) {
            int kind = Byte.toUnsignedInt(buf.get(i));
            if (kind == OPT_END) break;
            if (kind == OPT_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= end) return Malformed.BAD_OPTION;
            int len = Byte.toUnsignedInt(buf.get(i + 1));
            if (len < 2 || i + len > end) return Malformed.BAD_OPTION;
            if (kind == OPT_MSS && len != 4) return Malformed.BAD_OPTION;
            if (kind == OPT_WINDOW_SCALE && len != 3) return Malformed.BAD_OPTION;
            i += len;
        }
        return Malformed.NONE;
    }

    /** True when the checksum over the pseudo-header and segment verifies (RFC 9293 §3.1). */
    public boolean checksumOk(int src, int dst) {
        long sum = Checksum.pseudoHeader(src, dst, IpProtocol.TCP.code(), length);
        return Checksum.finish(Checksum.partial(buf, off, length, sum)) == 0;
    }

    public int sourcePort()      { return Short.toUnsignedInt(buf.getShort(off + SRC_PORT)); }
    public int destinationPort() { return Short.toUnsignedInt(buf.getShort(off + DST_PORT)); }
    public int seq()             { return buf.getInt(off + SEQ); }
    public int ack()             { return buf.getInt(off + ACK); }
    public int headerLength()    { return (Byte.toUnsignedInt(buf.get(off + DATA_OFFSET)) >>> 4) * 4; }
    public int flags()           { return Byte.toUnsignedInt(buf.get(off + FLAGS)); }
    public int window()          { return Short.toUnsignedInt(buf.getShort(off + WINDOW)); }
    public int checksum()        { return Short.toUnsignedInt(buf.getShort(off + CHECKSUM)); }
    public int urgentPointer()   { return Short.toUnsignedInt(buf.getShort(off + URGENT)); }
    public boolean has(int flag) { return (flags() & flag) != 0; }
    public int payloadOffset()   { return off + headerLength(); }
    public int payloadLength()   { return length - headerLength(); }

    /** SEG.LEN (RFC 9293 §3.4): data octets plus one each for SYN and FIN. */
    public int segmentLength() {
        return payloadLength() + (has(SYN) ? 1 : 0) + (has(FIN) ? 1 : 0);
    }

    /** The MSS option's value, or -1 when absent (RFC 9293 §3.7.1). */
    public int mssOption() {
        int i = findOption(OPT_MSS);
        return i < 0 ? -1 : Short.toUnsignedInt(buf.getShort(i + 2));
    }

    /** The window scale option's shift count, or -1 when absent (RFC 7323 §2.2). */
    public int windowScaleOption() {
        int i = findOption(OPT_WINDOW_SCALE);
        return i < 0 ? -1 : Byte.toUnsignedInt(buf.get(i + 2));
    }

    /** Absolute index of the option of {@code kind}, or -1; unknown options are skipped (RFC 9293 §3.2). */
    private int findOption(int kind) {
        int i = off + MIN_HEADER_LENGTH;
        int end = off + headerLength();
        while (i < end) {
            int k = Byte.toUnsignedInt(buf.get(i));
            if (k == OPT_END) return -1;
            if (k == OPT_NOP) {
                i++;
                continue;
            }
            if (k == kind) return i;
            i += Byte.toUnsignedInt(buf.get(i + 1));
        }
        return -1;
    }

    /**
     * Writes a header at {@code off} with {@code optionBytes} (a multiple of 4) of options to follow, checksum
     * zero. Fill the options and data, then call {@link #fillChecksum}.
     */
    public static void emitHeader(ByteBuffer buf, int off, int srcPort, int dstPort, int seq, int ack, int flags,
                                  int window, int optionBytes) {
        buf.putShort(off + SRC_PORT, (short) srcPort);
        buf.putShort(off + DST_PORT, (short) dstPort);
        buf.putInt(off + SEQ, seq);
        buf.putInt(off + ACK, ack);
        buf.put(off + DATA_OFFSET, (byte) (((MIN_HEADER_LENGTH + optionBytes) / 4) << 4));
        buf.put(off + FLAGS, (byte) flags);
        buf.putShort(off + WINDOW, (short) window);
        buf.putShort(off + CHECKSUM, (short) 0);
        buf.putShort(off + URGENT, (short) 0);
    }

    /** Sets URG and the urgent pointer of a header written by {@link #emitHeader} (RFC 9293 §3.1), before the checksum. */
    public static void setUrgentPointer(ByteBuffer buf, int off, int pointer) {
        buf.put(off + FLAGS, (byte) (buf.get(off + FLAGS) | URG));
        buf.putShort(off + URGENT, (short) pointer);
    }

    /** Computes and stores the checksum of the {@code length}-byte segment at {@code off} (RFC 9293 §3.1). */
    public static void fillChecksum(ByteBuffer buf, int off, int length, int src, int dst) {
        buf.putShort(off + CHECKSUM, (short) 0);
        long sum = Checksum.pseudoHeader(src, dst, IpProtocol.TCP.code(), length);
        buf.putShort(off + CHECKSUM, (short) Checksum.finish(Checksum.partial(buf, off, length, sum)));
    }

    /**
     * Stores in the checksum field the folded pseudo-header sum for a {@code length}-byte segment, not
     * complemented: the partial checksum a link with checksum offload completes over the segment's bytes.
     */
    public static void fillPseudoHeaderSum(ByteBuffer buf, int off, int length, int src, int dst) {
        long sum = Checksum.pseudoHeader(src, dst, IpProtocol.TCP.code(), length);
        buf.putShort(off + CHECKSUM, (short) ~Checksum.finish(sum));
    }
}
