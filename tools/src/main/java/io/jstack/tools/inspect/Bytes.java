package io.jstack.tools.inspect;

/**
 * A bounded window over a frame's bytes. Every read is checked against the window's end; a read past it throws
 * {@link Truncated}, which the dissector catches for the packet and shows as {@code [Malformed Packet]}, as
 * Wireshark does with its bounds exceptions.
 */
final class Bytes {
    /** Thrown by a read past the end of a window; carries no stack trace. */
    static final class Truncated extends RuntimeException {
        static final Truncated INSTANCE = new Truncated();

        private Truncated() {
            super("truncated", null, false, false);
        }
    }

    final byte[] data;
    final int start, end;

    Bytes(byte[] data, int start, int end) {
        this.data = data;
        this.start = Math.max(0, Math.min(start, data.length));
        this.end = Math.max(this.start, Math.min(end, data.length));
    }

    static Bytes of(byte[] data) {
        return new Bytes(data, 0, data.length);
    }

    int length() {
        return end - start;
    }

    /** The window from {@code off} (relative) to its end; empty when {@code off} is beyond it. */
    Bytes from(int off) {
        return new Bytes(data, start + Math.min(Math.max(off, 0), length()), end);
    }

    /** The window of {@code len} bytes from {@code off}, cut at this window's end. */
    Bytes slice(int off, int len) {
        int s = start + Math.min(Math.max(off, 0), length());
        return new Bytes(data, s, (int) Math.min((long) s + Math.max(len, 0), end));
    }

    private void need(int off, int n) {
        if (off < 0 || n < 0 || (long) off + n > length()) throw Truncated.INSTANCE;
    }

    int u8(int off) {
        need(off, 1);
        return data[start + off] & 0xff;
    }

    int u16(int off) {
        need(off, 2);
        return ((data[start + off] & 0xff) << 8) | (data[start + off + 1] & 0xff);
    }

    long u32(int off) {
        need(off, 4);
        return ((long) u16(off) << 16) | u16(off + 2);
    }

    byte[] copy(int off, int n) {
        need(off, n);
        byte[] b = new byte[n];
        System.arraycopy(data, start + off, b, 0, n);
        return b;
    }

    byte[] toArray() {
        return copy(0, length());
    }

    String ipv4(int off) {
        need(off, 4);
        return u8(off) + "." + u8(off + 1) + "." + u8(off + 2) + "." + u8(off + 3);
    }

    /** RFC 1071 sum over the window plus {@code initial}, folded and complemented. */
    int checksum(long initial) {
        long sum = initial;
        for (int i = start; i + 1 < end; i += 2) sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
        if ((length() & 1) != 0) sum += (data[end - 1] & 0xff) << 8;
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) (~sum & 0xffff);
    }
}
