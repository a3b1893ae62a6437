package io.jstack.wire;

import java.nio.ByteBuffer;

/**
 * The meaning of an IPv4 header (RFC 791 §3.1), for API boundaries, tests and tools. Options are not kept: this
 * host interprets none and never sends any, so {@link #emit} always writes a 20-byte header.
 *
 * @param tos            type of service octet (DSCP and ECN, RFC 2474 / RFC 3168)
 * @param totalLength    header plus data, in bytes
 * @param identification the 16-bit datagram identifier
 * @param dontFragment   the DF flag
 * @param moreFragments  the MF flag
 * @param fragmentOffset the fragment offset in bytes (a multiple of 8)
 * @spec https://www.rfc-editor.org/rfc/rfc791#section-3.1 RFC 791 §3.1
 */
public record Ipv4Header(int tos, int totalLength, int identification, boolean dontFragment, boolean moreFragments,
                         int fragmentOffset, int ttl, int protocol, Ipv4Address source, Ipv4Address destination) {
    public Ipv4Header {
        if (tos < 0 || tos > 255 || ttl < 0 || ttl > 255 || protocol < 0 || protocol > 255) {
            throw new IllegalArgumentException("octet field out of range");
        }
        if (totalLength < Ipv4Packet.MIN_HEADER_LENGTH || totalLength > Ipv4Packet.MAX_TOTAL_LENGTH) {
            throw new IllegalArgumentException("total length out of range: " + totalLength);
        }
        if (identification < 0 || identification > 0xffff) throw new IllegalArgumentException("identification");
        if (fragmentOffset < 0 || fragmentOffset > 0x1fff * 8 || (fragmentOffset & 7) != 0) {
            throw new IllegalArgumentException("fragment offset must be a multiple of 8 below 65536: " + fragmentOffset);
        }
    }

    /** The header of a checked view ({@link Ipv4Packet#check()} returned {@code NONE}). */
    public static Ipv4Header parse(Ipv4Packet p) {
        return new Ipv4Header(p.tos(), p.totalLength(), p.identification(), p.dontFragment(), p.moreFragments(),
                p.fragmentOffsetBytes(), p.ttl(), p.protocol(), new Ipv4Address(p.source()),
                new Ipv4Address(p.destination()));
    }

    /** Writes this header, without options and with its checksum, at {@code off}. */
    public void emit(ByteBuffer buf, int off) {
        int flags = (dontFragment ? Ipv4Packet.FLAG_DF : 0) | (moreFragments ? Ipv4Packet.FLAG_MF : 0);
        Ipv4Packet.emit(buf, off, tos, totalLength, identification, flags | (fragmentOffset >>> 3), ttl, protocol,
                source.value(), destination.value());
    }

    /** The length {@link #emit} writes. */
    public int length() {
        return Ipv4Packet.MIN_HEADER_LENGTH;
    }
}
