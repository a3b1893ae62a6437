package io.jstack.wire;

import java.nio.ByteBuffer;

/**
 * The Internet checksum: the 16-bit one's complement of the one's complement sum (RFC 1071).
 *
 * @spec https://www.rfc-editor.org/rfc/rfc1071 RFC 1071
 */
public final class Checksum {
    private Checksum() {}

    /**
     * Adds {@code len} bytes at absolute offset {@code off} of {@code buf} to the running 32-bit-folded sum
     * {@code sum} as big-endian 16-bit words; an odd last byte is padded with zero (RFC 1071 §4.1). Offsets must
     * be word-aligned relative to the start of the checksummed data, except for the final call.
     */
    public static long partial(ByteBuffer buf, int off, int len, long sum) {
        int i = off;
        int end = off + len;
        // RFC 1071 §2(B): the sum is independent of byte order and may be computed 64 bits at a time,
        // folding carries at the end; getLong is big-endian by default, matching network order words.
        long acc = sum;
        while (end - i >= 8) {
            long v = buf.getLong(i);
            long hi = v >>> 32;
            long lo = v & 0xffffffffL;
            acc += hi + lo;
            i += 8;
        }
        if (end - i >= 4) {
            acc += Integer.toUnsignedLong(buf.getInt(i));
            i += 4;
        }
        if (end - i >= 2) {
            acc += Short.toUnsignedInt(buf.getShort(i));
            i += 2;
        }
        if (end - i == 1) {
            acc += (buf.get(i) & 0xff) << 8;
        }
        // keep acc from overflowing on very long calls: fold into 32 bits
        acc = (acc & 0xffffffffL) + (acc >>> 32);
        return acc;
    }

    /** Folds a running sum into 16 bits and complements it: the value to put in a header. */
    public static int finish(long sum) {
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) (~sum & 0xffff);
    }

    /** The checksum of {@code len} bytes at {@code off}. */
    public static int compute(ByteBuffer buf, int off, int len) {
        return finish(partial(buf, off, len, 0));
    }

    /** The checksum of a byte array, for tests and tools. */
    public static int compute(byte[] bytes) {
        return compute(ByteBuffer.wrap(bytes), 0, bytes.length);
    }

    /**
     * The IPv4 pseudo-header sum for TCP and UDP (RFC 9293 §3.1, RFC 768): source, destination, zero,
     * protocol, transport length.
     */
    public static long pseudoHeader(int src, int dst, int protocol, int length) {
        long s = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff);
        return s + protocol + length;
    }
}
