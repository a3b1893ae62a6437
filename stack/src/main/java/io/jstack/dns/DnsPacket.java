package io.jstack.dns;

import java.nio.ByteBuffer;

/**
 * Flyweight over the header of a DNS message (RFC 1035 §4.1.1). Valid only during the call that received it.
 *
 * <pre>
 *                                 1  1  1  1  1  1
 *   0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
 * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * |                      ID                       |
 * |QR|   Opcode  |AA|TC|RD|RA|   Z    |   RCODE   |
 * |                    QDCOUNT                    |
 * |                    ANCOUNT                    |
 * |                    NSCOUNT                    |
 * |                    ARCOUNT                    |
 * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * </pre>
 *
 * @spec https://www.rfc-editor.org/rfc/rfc1035#section-4.1.1 RFC 1035 §4.1.1
 */
public final class DnsPacket {
    public static final int HEADER_LENGTH = 12;
    public static final int QR = 0x8000, AA = 0x0400, TC = 0x0200, RD = 0x0100, RA = 0x0080;
    /** Opcodes (RFC 1035 §4.1.1, RFC 6895 §2.2). */
    public static final int OPCODE_QUERY = 0;
    /** Response codes (RFC 1035 §4.1.1; BADVERS from RFC 6891 §9 is 16, split across the header and OPT). */
    public static final int NOERROR = 0, FORMERR = 1, SERVFAIL = 2, NXDOMAIN = 3, NOTIMP = 4, REFUSED = 5,
            BADVERS = 16;
    /** Types and classes (RFC 1035 §3.2.2-§3.2.5, RFC 6891 §6.1.1). */
    public static final int TYPE_A = 1, TYPE_NS = 2, TYPE_SOA = 6, TYPE_OPT = 41, TYPE_ANY = 255,
            CLASS_IN = 1, CLASS_ANY = 255;

    private ByteBuffer buf;
    private int off;
    private int len;

    public DnsPacket wrap(ByteBuffer buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        this.len = len;
        return this;
    }

    /** After {@code NONE}, the header accessors cannot throw. */
    public DnsError check() {
        return len < HEADER_LENGTH || off < 0 || off + len > buf.limit() ? DnsError.TRUNCATED : DnsError.NONE;
    }

    public int id()       { return Short.toUnsignedInt(buf.getShort(off)); }
    public int flags()    { return Short.toUnsignedInt(buf.getShort(off + 2)); }
    public boolean isResponse() { return (flags() & QR) != 0; }
    public int opcode()   { return (flags() >>> 11) & 0xf; }
    public boolean recursionDesired() { return (flags() & RD) != 0; }
    public int rcode()    { return flags() & 0xf; }
    public int qdcount()  { return Short.toUnsignedInt(buf.getShort(off + 4)); }
    public int ancount()  { return Short.toUnsignedInt(buf.getShort(off + 6)); }
    public int nscount()  { return Short.toUnsignedInt(buf.getShort(off + 8)); }
    public int arcount()  { return Short.toUnsignedInt(buf.getShort(off + 10)); }
    public int offset()   { return off; }
    public int length()   { return len; }
    public ByteBuffer buffer() { return buf; }
}
