package io.jstack.wire;

import java.nio.ByteBuffer;

/**
 * Flyweight over an IPv4 header (RFC 791 §3.1). Valid only during the call that received it; never store it.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * |         Identification        |Flags|      Fragment Offset    |
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * |                       Source Address                          |
 * |                    Destination Address                        |
 * |                    Options                    |    Padding    |
 * </pre>
 *
 * @spec https://www.rfc-editor.org/rfc/rfc791#section-3.1 RFC 791 §3.1
 */
public final class Ipv4Packet {
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_TOTAL_LENGTH = 65535;
    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    /** Bit 0 of the flags: reserved, must be zero (RFC 791 §3.1). */
    public static final int FLAG_RESERVED = 0x8000;
    /** The largest IPv4 header: IHL 15. */
    public static final int MAX_HEADER_LENGTH = 60;
    private static final int OPTION_END = 0, OPTION_NOP = 1;
    private static final int VER_IHL = 0, TOS = 1, TOTAL_LENGTH = 2, IDENT = 4, FLAGS_FRAG = 6, TTL = 8,
            PROTOCOL = 9, CHECKSUM = 10, SOURCE = 12, DESTINATION = 16;

    private ByteBuffer buf;
    private int off;

    public Ipv4Packet wrap(ByteBuffer buf, int off) {
        this.buf = buf;
        this.off = off;
        return this;
    }

    public ByteBuffer buffer() {
        return buf;
    }

    public int offset() {
        return off;
    }

    /**
     * Checks that the bytes up to {@code buf.limit()} hold a well-formed IPv4 header and datagram. After
     * {@code NONE}, no accessor can throw. Bytes past the total length (link padding) are allowed.
     */
    public Malformed check() {
        int available = buf.limit() - off;
        if (available < MIN_HEADER_LENGTH) return Malformed.TRUNCATED;
        // RFC 791 §3.1: Version 4; IHL counts 32-bit words and "the minimum value for a correct header is 5".
        if (version() != 4) return Malformed.BAD_VERSION;
        int hl = headerLength();
        if (hl < MIN_HEADER_LENGTH) return Malformed.BAD_HEADER_LENGTH;
        if (hl > available) return Malformed.TRUNCATED;
        int total = totalLength();
        if (total < hl) return Malformed.BAD_LENGTH;
        if (total > available) return Malformed.TRUNCATED;
        // RFC 1122 §3.2.1.2: a host MUST verify the header checksum and silently discard a datagram that fails.
        if (Checksum.compute(buf, off, hl) != 0) return Malformed.BAD_CHECKSUM;
        // RFC 791 §3.1: "Bit 0: reserved, must be zero".
        int ff = flagsAndFragment();
        if ((ff & FLAG_RESERVED) != 0) return Malformed.BAD_FRAGMENT;
        if (isFragment()) {
            int dataLength = total - hl;
            // RFC 791 §3.2: every fragment but the last carries a multiple of 8 data octets; an empty fragment
            // carries nothing and would only make reassembly ambiguous (Linux discards it too).
            if (dataLength == 0 || (moreFragments() && (dataLength & 7) != 0)) return Malformed.BAD_FRAGMENT;
            // RFC 791 §3.1: the whole datagram, header included, fits the 16-bit total length.
            if (fragmentOffsetBytes() + dataLength > MAX_TOTAL_LENGTH - hl) return Malformed.BAD_FRAGMENT;
        }
        return checkOptions(hl);
    }

    /**
     * RFC 791 §3.1: options are either one octet (End of Option List 0, No Operation 1) or type, length and data
     * with a length that counts the type and length octets. We interpret none (RFC 1122 §3.2.1.8: silently ignore
     * options not understood) but refuse a list that runs past the header.
     */
    private Malformed checkOptions(int hl) {
        int i = off + MIN_HEADER_LENGTH;
        int end = off + hl;
        while (i < end) {
            int type = Byte.toUnsignedInt(buf.get(i));
            if (type == OPTION_END) break;
            if (type == OPTION_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= end) return Malformed.BAD_OPTION;
            int len = Byte.toUnsignedInt(buf.get(i + 1));
            if (len < 2 || i + len > end) return Malformed.BAD_OPTION;
            i += len;
        }
        return Malformed.NONE;
    }

    public int version()          { return Byte.toUnsignedInt(buf.get(off + VER_IHL)) >>> 4; }
    public int headerLength()     { return (buf.get(off + VER_IHL) & 0x0f) * 4; }
    public int tos()              { return Byte.toUnsignedInt(buf.get(off + TOS)); }
    public int totalLength()      { return Short.toUnsignedInt(buf.getShort(off + TOTAL_LENGTH)); }
    public int identification()   { return Short.toUnsignedInt(buf.getShort(off + IDENT)); }
    public int flagsAndFragment() { return Short.toUnsignedInt(buf.getShort(off + FLAGS_FRAG)); }
    public boolean dontFragment() { return (flagsAndFragment() & FLAG_DF) != 0; }
    public boolean moreFragments(){ return (flagsAndFragment() & FLAG_MF) != 0; }
    /** The fragment offset in bytes (the field counts 8-byte units). */
    public int fragmentOffsetBytes() { return (flagsAndFragment() & 0x1fff) * 8; }
    public boolean isFragment()   { return moreFragments() || fragmentOffsetBytes() != 0; }
    public int ttl()              { return Byte.toUnsignedInt(buf.get(off + TTL)); }
    public int protocol()         { return Byte.toUnsignedInt(buf.get(off + PROTOCOL)); }
    public int checksum()         { return Short.toUnsignedInt(buf.getShort(off + CHECKSUM)); }
    public int source()           { return buf.getInt(off + SOURCE); }
    public int destination()      { return buf.getInt(off + DESTINATION); }
    /** Absolute offset of the payload in the buffer. */
    public int payloadOffset()    { return off + headerLength(); }
    public int payloadLength()    { return totalLength() - headerLength(); }

    /**
     * Writes a 20-byte header without options at {@code off} and fills in its checksum. The payload must
     * already follow it.
     */
    public static void emit(ByteBuffer buf, int off, int totalLength, int ident, int flagsAndFragment, int ttl,
                            int protocol, int src, int dst) {
        emit(buf, off, 0, totalLength, ident, flagsAndFragment, ttl, protocol, src, dst);
    }

    /** As {@link #emit(ByteBuffer, int, int, int, int, int, int, int, int)}, with a type of service octet. */
    public static void emit(ByteBuffer buf, int off, int tos, int totalLength, int ident, int flagsAndFragment,
                            int ttl, int protocol, int src, int dst) {
        buf.put(off + VER_IHL, (byte) 0x45);
        buf.put(off + TOS, (byte) tos);
        buf.putShort(off + TOTAL_LENGTH, (short) totalLength);
        buf.putShort(off + IDENT, (short) ident);
        buf.putShort(off + FLAGS_FRAG, (short) flagsAndFragment);
        buf.put(off + TTL, (byte) ttl);
        buf.put(off + PROTOCOL, (byte) protocol);
        buf.putShort(off + CHECKSUM, (short) 0);
        buf.putInt(off + SOURCE, src);
        buf.putInt(off + DESTINATION, dst);
        buf.putShort(off + CHECKSUM, (short) Checksum.compute(buf, off, MIN_HEADER_LENGTH));
    }
}
