package io.jstack.tcp;

/**
 * A circular byte buffer that starts small and doubles up to a fixed maximum, so an idle connection holds
 * little memory: an emptied ring gives its array back to its {@link RingPool} ({@link #trim}) and takes one
 * from there when it next needs room, so steady traffic reuses the same arrays instead of allocating. Bytes {@code [0, size)} from the head are the contiguous content; {@link #writeAt} may also
 * place bytes beyond {@code size} (out-of-order data) which {@link #extend} later takes in.
 */
final class ByteRing {
    private static final int INITIAL = 2048;
    private static final byte[] EMPTY = new byte[0];
    private final int max;
    private final RingPool pool;
    private byte[] buf = EMPTY;
    private int head;
    private int size;

    ByteRing(int maxBytes) {
        this(maxBytes, RingPool.NONE);
    }

    ByteRing(int maxBytes, RingPool pool) {
        this.max = maxBytes;
        this.pool = pool;
    }

    int max() {
        return max;
    }

    int size() {
        return size;
    }

    int free() {
        return max - size;
    }

    int capacity() {
        return buf.length;
    }

    /** Makes room for bytes up to {@code end} (from the head); false if past the maximum. */
    private boolean ensure(int end) {
        if (end <= buf.length) return true;
        if (end > max) return false;
        int cap = Math.max(INITIAL, buf.length);
        while (cap < end) cap = cap << 1;
        cap = Math.min(cap, Math.max(max, end));
        byte[] n = pool.take(cap);
        if (buf.length > 0) {
            int first = Math.min(buf.length - head, buf.length);
            System.arraycopy(buf, head, n, 0, first);
            System.arraycopy(buf, 0, n, first, buf.length - first);
            pool.give(buf);
        }
        buf = n;
        head = 0;
        return true;
    }

    /** Appends up to {@code len} bytes; returns how many fit. */
    int write(byte[] src, int off, int len) {
        int n = Math.min(len, max - size);
        if (n <= 0) return 0;
        writeAt(0, src, off, n);
        size += n;
        return n;
    }

    /** Copies bytes to {@code rel} bytes past the end of the content without changing the size. */
    boolean writeAt(int rel, byte[] src, int off, int len) {
        if (!ensure(size + rel + len)) return false;
        int pos = (head + size + rel) % buf.length;
        int first = Math.min(len, buf.length - pos);
        System.arraycopy(src, off, buf, pos, first);
        System.arraycopy(src, off + first, buf, 0, len - first);
        return true;
    }

    /** Like {@link #writeAt(int, byte[], int, int)} from a ByteBuffer's absolute index. */
    boolean writeAt(int rel, java.nio.ByteBuffer src, int index, int len) {
        if (!ensure(size + rel + len)) return false;
        int pos = (head + size + rel) % buf.length;
        int first = Math.min(len, buf.length - pos);
        src.get(index, buf, pos, first);
        src.get(index + first, buf, 0, len - first);
        return true;
    }

    /** Takes {@code n} bytes already placed past the end into the content. */
    void extend(int n) {
        size += n;
    }

    /** Copies {@code len} bytes starting {@code from} bytes after the head into {@code dst} at absolute index. */
    void peek(int from, java.nio.ByteBuffer dst, int index, int len) {
        int pos = (head + from) % buf.length;
        int first = Math.min(len, buf.length - pos);
        dst.put(index, buf, pos, first);
        dst.put(index + first, buf, 0, len - first);
    }

    /** Moves up to {@code len} bytes from the head into {@code dst}; returns the count. */
    int read(byte[] dst, int off, int len) {
        int n = Math.min(len, size);
        if (n == 0) return 0;
        int first = Math.min(n, buf.length - head);
        System.arraycopy(buf, head, dst, off, first);
        System.arraycopy(buf, 0, dst, off + first, n - first);
        skip(n);
        return n;
    }

    /** Drops {@code n} bytes from the head; an emptied ring gives its memory back when nothing lies beyond. */
    void skip(int n) {
        head = (head + n) % Math.max(1, buf.length);
        size -= n;
    }

    /**
     * Gives the storage back to the pool if the ring holds nothing (call only when nothing lies past the end
     * either), so an idle connection holds no array and the next segment reuses this one.
     */
    void trim() {
        if (size == 0 && buf.length > 0) {
            pool.give(buf);
            buf = EMPTY;
            head = 0;
        }
    }
}
