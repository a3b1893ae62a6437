package io.jstack.tcp;

/**
 * Spare ring arrays of a {@link TcpLayer}, so that the steady-state data path allocates nothing while idle
 * connections hold no buffer memory: a {@link ByteRing} gives its array back here whenever it empties and takes
 * one when it next needs room. Only power-of-two lengths from 2 KiB to 1 MiB are kept, at most
 * {@link #PER_CLASS} of each and {@code maxBytes} in all; anything else is left to the garbage collector.
 * Pooled arrays are not cleared: a ring only ever reads bytes it has written. Event loop only, no locks.
 */
final class RingPool {
    static final int MIN_SHIFT = 11, MAX_SHIFT = 20, PER_CLASS = 64;
    /** The default bound on bytes held by a layer's pool. */
    static final long DEFAULT_MAX_BYTES = 4L << 20;
    /** A pool that keeps nothing (for rings outside a layer); stateless, so it can be shared. */
    static final RingPool NONE = new RingPool(0);

    private final long maxBytes;
    private final byte[][][] free = new byte[MAX_SHIFT + 1][][];
    private final int[] count = new int[MAX_SHIFT + 1];
    private long bytes;

    RingPool(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Bytes held for reuse now. */
    long bytes() {
        return bytes;
    }

    /** An array of exactly {@code length} bytes, reused when one is spare. */
    byte[] take(int length) {
        int c = classOf(length);
        if (c < 0 || count[c] == 0) return new byte[length];
        int i = --count[c];
        byte[] a = free[c][i];
        free[c][i] = null;
        bytes -= length;
        return a;
    }

    /** Takes back an array nobody references any more. */
    void give(byte[] a) {
        int c = classOf(a.length);
        if (c < 0 || bytes + a.length > maxBytes || count[c] == PER_CLASS) return;
        if (free[c] == null) free[c] = new byte[PER_CLASS][];
        free[c][count[c]++] = a;
        bytes += a.length;
    }

    private static int classOf(int length) {
        if (Integer.bitCount(length) != 1) return -1;
        int shift = Integer.numberOfTrailingZeros(length);
        return shift >= MIN_SHIFT && shift <= MAX_SHIFT ? shift : -1;
    }
}
