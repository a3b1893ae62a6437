package io.jstack.wire;

import java.nio.ByteBuffer;

/**
 * The meaning of an ICMP header (RFC 792): type, code and the second word, whose meaning depends on the type
 * (identifier and sequence for echo).
 *
 * @spec https://www.rfc-editor.org/rfc/rfc792 RFC 792
 */
public record IcmpHeader(int type, int code, int restOfHeader) {
    public IcmpHeader {
        if (type < 0 || type > 255 || code < 0 || code > 255) throw new IllegalArgumentException("type/code octet");
    }

    public static IcmpHeader echo(int type, int identifier, int sequence) {
        return new IcmpHeader(type, 0, (identifier & 0xffff) << 16 | (sequence & 0xffff));
    }

    /** The header of a checked view. */
    public static IcmpHeader parse(IcmpPacket p) {
        return new IcmpHeader(p.type(), p.code(), p.restOfHeader());
    }

    /** Writes the header at {@code off} with the checksum over it and the {@code dataLength} bytes after it. */
    public void emit(ByteBuffer buf, int off, int dataLength) {
        IcmpPacket.emit(buf, off, type, code, restOfHeader, dataLength);
    }

    public int identifier() {
        return restOfHeader >>> 16;
    }

    public int sequence() {
        return restOfHeader & 0xffff;
    }

    public int length() {
        return IcmpPacket.HEADER_LENGTH;
    }
}
