package io.jstack.wire;

import java.nio.ByteBuffer;

/**
 * Flyweight over a UDP datagram (RFC 768). Valid only during the call that received it; never store it.
 *
 * <pre>
 *  0      7 8     15 16    23 24    31
 * +--------+--------+--------+--------+
 * |     Source      |   Destination   |
 * |      Port       |      Port       |
 * +--------+--------+--------+--------+
 * |                 |                 |
 * |     Length      |    Checksum     |
 * +--------+--------+--------+--------+
 * |          data octets ...
 * </pre>
 *
 * @spec https://www.rfc-editor.org/rfc/rfc768 RFC 768
 * @spec https://www.rfc-editor.org/rfc/rfc1122#section-4.1 RFC 1122 §4.1
 */
public final class UdpPacket {
    public static final int HEADER_LENGTH = 8;
    /** The largest payload an IPv4 datagram without options can carry: 65535 - 20 - 8. */
    public static final int MAX_PAYLOAD = Ipv4Packet.MAX_TOTAL_LENGTH - Ipv4Packet.MIN_HEADER_LENGTH - HEADER_LENGTH;
    private static final int SOURCE_PORT = 0, DESTINATION_PORT = 2, LENGTH = 4, CHECKSUM = 6;

    private ByteBuffer buf;
    private int off;
    private int available;

    /** Points the view at the UDP datagram at {@code off}, which the IP layer says is {@code ipPayloadLength} long. */
    public UdpPacket wrap(ByteBuffer buf, int off, int ipPayloadLength) {
        this.buf = buf;
        this.off = off;
        this.available = Math.max(0, Math.min(ipPayloadLength, buf.limit() - off));
        return this;
    }

    public ByteBuffer buffer() {
        return buf;
    }

    public int offset() {
        return off;
    }

    /**
     * Checks the header and the length field; after {@code NONE} no accessor can throw. The checksum is checked
     * separately by {@link #checksumValid}, which needs the pseudo-header.
     */
    public Malformed check() {
        if (available < HEADER_LENGTH) return Malformed.TRUNCATED;
        int len = length();
        // RFC 768: the length counts the header, so it is at least 8.
        if (len < HEADER_LENGTH) return Malformed.BAD_LENGTH;
        // RFC 1122 §4.1.3.4 (and Linux): a length beyond the IP payload means the datagram was cut short.
        if (len > available) return Malformed.TRUNCATED;
        return Malformed.NONE;
    }

    public int sourcePort()      { return Short.toUnsignedInt(buf.getShort(off + SOURCE_PORT)); }
    public int destinationPort() { return Short.toUnsignedInt(buf.getShort(off + DESTINATION_PORT)); }
    /** The length field: header plus data. Bytes of the IP payload beyond it are not part of the datagram. */
    public int length()          { return Short.toUnsignedInt(buf.getShort(off + LENGTH)); }
    public int checksum()        { return Short.toUnsignedInt(buf.getShort(off + CHECKSUM)); }
    /** Absolute offset of the data in the buffer. */
    public int payloadOffset()   { return off + HEADER_LENGTH; }
    public int payloadLength()   { return length() - HEADER_LENGTH; }

    /**
     * Whether the checksum verifies against the pseudo-header of {@code src} and {@code dst}. RFC 768: an all-zero
     * checksum field means the sender computed none, so the datagram is accepted (RFC 1122 §4.1.3.4: if the
     * checksum is present and wrong, the datagram MUST be discarded silently).
     */
    public boolean checksumValid(int src, int dst) {
        if (checksum() == 0) return true;
        int len = length();
        long sum = Checksum.pseudoHeader(src, dst, IpProtocol.UDP.code(), len);
        return Checksum.finish(Checksum.partial(buf, off, len, sum)) == 0;
    }

    /**
     * Writes the header at {@code off} in front of {@code payloadLength} data bytes that already follow it, and
     * fills in the checksum over the pseudo-header (RFC 1122 §4.1.3.4: MUST be enabled by default). A computed
     * checksum of zero is sent as all ones (RFC 768), since zero means "no checksum".
     */
    public static void emit(ByteBuffer buf, int off, int srcPort, int dstPort, int payloadLength, int src, int dst) {
        int len = HEADER_LENGTH + payloadLength;
        buf.putShort(off + SOURCE_PORT, (short) srcPort);
        buf.putShort(off + DESTINATION_PORT, (short) dstPort);
        buf.putShort(off + LENGTH, (short) len);
        buf.putShort(off + CHECKSUM, (short) 0);
        long sum = Checksum.pseudoHeader(src, dst, IpProtocol.UDP.code(), len);
        int c = Checksum.finish(Checksum.partial(buf, off, len, sum));
        buf.putShort(off + CHECKSUM, (short) (c == 0 ? 0xffff : c));
    }
}
