package io.jstack.dns;

import java.nio.ByteBuffer;

/**
 * Reads a possibly compressed domain name (RFC 1035 §4.1.4) into a fixed scratch array, in wire form (length
 * octets and labels, ending with the root's zero). Bounded whatever the input: every compression pointer must
 * point strictly before all earlier ones, so the walk ends after at most one pass over the message; labels above
 * 63 octets and names above 255 are rejected. Allocates nothing; reusable.
 */
public final class DnsNameReader {
    /** RFC 1035 §2.3.4: names are 255 octets or less, counting length octets and the root. */
    public static final int MAX_NAME = 255;
    /** RFC 1035 §2.3.4: labels are 63 octets or less. */
    public static final int MAX_LABEL = 63;

    private final byte[] name = new byte[MAX_NAME];
    private int length;
    private int end;

    /**
     * Reads the name starting at absolute index {@code at} of a message that occupies {@code buf[msgOff,
     * msgOff + msgLen)}; pointers are relative to {@code msgOff}. On {@code NONE}, {@link #end()} is the index just
     * after the name where it began (after the first pointer, if any).
     */
    public DnsError read(ByteBuffer buf, int msgOff, int msgLen, int at) {
        int limit = msgOff + msgLen;
        int pos = at;
        int out = 0;
        int lowest = at - msgOff; // message offset every pointer must stay strictly below
        int after = -1;
        length = 0;
        while (true) {
            if (pos >= limit) return DnsError.TRUNCATED;
            int b = Byte.toUnsignedInt(buf.get(pos));
            int kind = b & 0xc0;
            if (kind == 0) {
                if (b == 0) {
                    name[out++] = 0;
                    length = out;
                    end = after >= 0 ? after : pos + 1;
                    return DnsError.NONE;
                }
                if (pos + 1 + b > limit) return DnsError.TRUNCATED;
                // The label, its length octet and the root's zero must still fit in 255 octets.
                if (out + 1 + b + 1 > MAX_NAME) return DnsError.NAME_TOO_LONG;
                name[out] = (byte) b;
                buf.get(pos + 1, name, out + 1, b);
                out += 1 + b;
                pos += 1 + b;
            } else if (kind == 0xc0) {
                if (pos + 2 > limit) return DnsError.TRUNCATED;
                int target = ((b & 0x3f) << 8) | Byte.toUnsignedInt(buf.get(pos + 1));
                if (after < 0) after = pos + 2;
                // RFC 1035 §4.1.4: a pointer refers to a "prior occurance" of a name. Requiring each target to be
                // below every earlier one makes loops impossible and bounds the walk by the message length.
                if (target >= lowest) return DnsError.POINTER_LOOP;
                lowest = target;
                pos = msgOff + target;
            } else {
                return DnsError.LABEL_TOO_LONG;
            }
        }
    }

    /** The index just after the name as it appears where reading began. */
    public int end() {
        return end;
    }

    /** Octets of the name in wire form, including the root's zero (1 for the root itself). */
    public int length() {
        return length;
    }

    /** The scratch array holding the name in wire form; valid until the next read. */
    public byte[] name() {
        return name;
    }

    /** Whether the name read is the root. */
    public boolean isRoot() {
        return length == 1;
    }

    /**
     * Whether the last {@code suffix.length} octets of the name equal {@code suffix} (a lower-case wire-form name)
     * ignoring ASCII case (RFC 4343), and the suffix starts on a label boundary.
     */
    public boolean endsWith(byte[] suffix) {
        int start = length - suffix.length;
        if (start < 0) return false;
        int i = 0;
        while (i < start) i += 1 + name[i]; // walk labels to see whether start is a boundary
        if (i != start) return false;
        return equalsIgnoreCase(name, start, suffix);
    }

    /** Whether the name equals {@code other} (lower-case wire form) ignoring ASCII case. */
    public boolean equalsName(byte[] other) {
        return length == other.length && equalsIgnoreCase(name, 0, other);
    }

    private static boolean equalsIgnoreCase(byte[] a, int from, byte[] lower) {
        for (int i = 0; i < lower.length; i++) {
            int c = a[from + i];
            if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
            if (c != lower[i]) return false;
        }
        return true;
    }

    /** The name read, in dotted text form, for tests and logs (allocates). */
    public String text() {
        return DnsNames.toText(name, length);
    }
}
