package io.jstack.wire;

import java.nio.ByteBuffer;

/**
 * Flyweight over an ICMP message for IPv4 (RFC 792). Valid only during the call that received it. The message
 * is bounded by its IP datagram, not by the buffer, so {@link #wrap} takes its length.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * |   Identifier (echo) / unused (errors) | Sequence Number (echo) |
 * |     Data (echo) / Internet Header + 64 bits of Data (errors)   |
 * </pre>
 *
 * @spec https://www.rfc-editor.org/rfc/rfc792 RFC 792
 */
public final class IcmpPacket {
    public static final int HEADER_LENGTH = 8;
    public static final int ECHO_REPLY = 0, DEST_UNREACHABLE = 3, SOURCE_QUENCH = 4, REDIRECT = 5,
            ECHO_REQUEST = 8, TIME_EXCEEDED = 11, PARAMETER_PROBLEM = 12, TIMESTAMP = 13, TIMESTAMP_REPLY = 14,
            INFO_REQUEST = 15, INFO_REPLY = 16, ADDRESS_MASK_REQUEST = 17, ADDRESS_MASK_REPLY = 18;
    private static final int TYPE = 0, CODE = 1, CHECKSUM = 2, IDENTIFIER = 4, SEQUENCE = 6;

    private ByteBuffer buf;
    private int off;
    private int len;

    public IcmpPacket wrap(ByteBuffer buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        this.len = len;
        return this;
    }

    /** The 8-byte header is present, within the buffer, and the checksum over the whole message verifies. */
    public Malformed check() {
        if (len < HEADER_LENGTH || off < 0 || off + len > buf.limit()) return Malformed.TRUNCATED;
        if (Checksum.compute(buf, off, len) != 0) return Malformed.BAD_CHECKSUM;
        return Malformed.NONE;
    }

    /**
     * Whether a message of this type is an error message (RFC 1122 §3.2.2). Types this host does not know are
     * treated as errors, so that it never answers them with an error of its own (as Linux does).
     */
    public static boolean isError(int type) {
        return switch (type) {
            case ECHO_REPLY, ECHO_REQUEST, TIMESTAMP, TIMESTAMP_REPLY, INFO_REQUEST, INFO_REPLY,
                 ADDRESS_MASK_REQUEST, ADDRESS_MASK_REPLY -> false;
            default -> true;
        };
    }

    public ByteBuffer buffer()   { return buf; }
    public int offset()          { return off; }
    public int length()          { return len; }
    public int type()            { return Byte.toUnsignedInt(buf.get(off + TYPE)); }
    public int code()            { return Byte.toUnsignedInt(buf.get(off + CODE)); }
    public int checksum()        { return Short.toUnsignedInt(buf.getShort(off + CHECKSUM)); }
    /** The second word: identifier and sequence of an echo, unused (or next-hop MTU, pointer) in errors. */
    public int restOfHeader()    { return buf.getInt(off + IDENTIFIER); }
    public int identifier()      { return Short.toUnsignedInt(buf.getShort(off + IDENTIFIER)); }
    public int sequence()        { return Short.toUnsignedInt(buf.getShort(off + SEQUENCE)); }
    /** Absolute offset of the data: echo data, or the quoted datagram of an error. */
    public int dataOffset()      { return off + HEADER_LENGTH; }
    public int dataLength()      { return len - HEADER_LENGTH; }

    /**
     * Writes the 8-byte header at {@code off} and the checksum over it and the {@code dataLength} bytes that must
     * already follow it.
     */
    public static void emit(ByteBuffer buf, int off, int type, int code, int restOfHeader, int dataLength) {
        buf.put(off + TYPE, (byte) type);
        buf.put(off + CODE, (byte) code);
        buf.putShort(off + CHECKSUM, (short) 0);
        buf.putInt(off + IDENTIFIER, restOfHeader);
        buf.putShort(off + CHECKSUM, (short) Checksum.compute(buf, off, HEADER_LENGTH + dataLength));
    }
}
