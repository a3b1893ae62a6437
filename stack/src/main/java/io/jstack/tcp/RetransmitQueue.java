package io.jstack.tcp;

import io.jstack.wire.Seq;
import java.nio.ByteBuffer;

/**
 * The bytes from SND.UNA on: sent and unacknowledged, then not yet sent. Kept until acknowledged so that any
 * part can be sent again (RFC 9293 §3.8.1). {@code base} is the sequence number of the first byte held.
 *
 * <p>The bytes live in a list of arrays, oldest first. Bytes the event loop copies in ({@link #write}) go into the
 * room left in the newest array, then into a new one, each new array twice the last (from 2 KiB, from the layer's
 * {@link RingPool}) up to a {@link ChunkPool#SEND_CHUNK}-byte chunk. A chunk a writing thread filled ({@link #append}) joins
 * the list as it is, without a copy, when it is more than half full; a smaller one is copied like bytes. An
 * array leaves the list, back to its pool, once all its bytes are acknowledged, so an idle connection holds none.
 */
final class RetransmitQueue {
    static final int MIN_ARRAY = 2048;
    /** An appended chunk with at most this many bytes is copied, not kept. */
    static final int COPY_LIMIT = ChunkPool.SEND_CHUNK / 2;

    private final int max;
    private final RingPool pool;
    private final ChunkPool chunks;
    // A circular list of arrays: arrays[(first + k) & mask] is the k-th oldest; lengths[] counts its bytes from 0.
    private byte[][] arrays = new byte[8][];
    private int[] lengths = new int[8];
    private int first;
    private int count;
    /** Bytes of the oldest array already acknowledged. */
    private int headSkip;
    private int size;
    private int base;
    private int held;
    /** Every byte ever acknowledged (taken out of the queue): what writers are given credit back for. */
    private long drained;
    /** Arrays dropped so far, and a lookup cursor: array number {@code cursorArray} starts at {@code cursorSeq}. */
    private long dropped;
    private long cursorArray = -1;
    private int cursorSeq;

    RetransmitQueue(int maxBytes, RingPool pool, ChunkPool chunks) {
        this.max = maxBytes;
        this.pool = pool;
        this.chunks = chunks;
    }

    void reset(int firstSeq) {
        base = firstSeq;
    }

    /** Bytes of buffer array held now (0 when empty: every array is back in its pool). */
    int capacity() {
        return held;
    }

    int base() {
        return base;
    }

    /** Sequence number just past the last byte queued. */
    int end() {
        return base + size;
    }

    int size() {
        return size;
    }

    int free() {
        return max - size;
    }

    /** Bytes acknowledged since the queue was made. */
    long drained() {
        return drained;
    }

    private int slot(int k) {
        return (first + k) & (arrays.length - 1);
    }

    /** Copies up to {@code len} bytes in; returns how many fit. */
    int write(byte[] src, int off, int len) {
        int n = Math.min(len, max - size);
        int left = n;
        while (left > 0) {
            int room = count == 0 ? 0 : arrays[slot(count - 1)].length - lengths[slot(count - 1)];
            if (room == 0) {
                int last = count == 0 ? 0 : arrays[slot(count - 1)].length;
                int cap = Math.min(ChunkPool.SEND_CHUNK, Math.max(Math.max(MIN_ARRAY, 2 * last),
                        Integer.highestOneBit(Math.max(1, left - 1)) << 1));
                add(cap == chunks.length() ? chunks.take() : pool.take(cap), 0);
                continue;
            }
            int t = slot(count - 1);
            int m = Math.min(room, left);
            System.arraycopy(src, off, arrays[t], lengths[t], m);
            lengths[t] += m;
            off += m;
            left -= m;
        }
        size += n;
        return n;
    }

    /**
     * Takes {@code chunk} (from {@link ChunkPool}) with its first {@code len} bytes as the next data; false, and
     * the chunk untouched, if they do not all fit under the limit.
     */
    boolean append(byte[] chunk, int len) {
        if (len > max - size) return false;
        if (len <= COPY_LIMIT) {
            // Small: copied into the newest array's room or a right-sized one, so that many connections with a
            // little data each do not hold a chunk each; the chunk goes back at once.
            write(chunk, 0, len);
            chunks.give(chunk);
            return true;
        }
        add(chunk, len);
        size += len;
        return true;
    }

    private void add(byte[] array, int length) {
        if (count == arrays.length) {
            byte[][] a = new byte[count * 2][];
            int[] l = new int[count * 2];
            for (int k = 0; k < count; k++) {
                a[k] = arrays[slot(k)];
                l[k] = lengths[slot(k)];
            }
            arrays = a;
            lengths = l;
            first = 0;
        }
        int t = slot(count++);
        arrays[t] = array;
        lengths[t] = length;
        held += array.length;
    }

    /** Copies {@code len} bytes from sequence number {@code seq} into {@code dst} at an absolute index. */
    void copy(int seq, ByteBuffer dst, int index, int len) {
        int k;
        int start;
        if (cursorArray >= dropped && Seq.geq(seq, cursorSeq)) {
            k = (int) (cursorArray - dropped);
            start = cursorSeq;
        } else {
            k = 0;
            start = base - headSkip;
        }
        while (seq - start >= lengths[slot(k)]) {
            start += lengths[slot(k)];
            k++;
        }
        cursorArray = dropped + k;
        cursorSeq = start;
        int off = seq - start;
        while (len > 0) {
            int t = slot(k);
            int n = Math.min(len, lengths[t] - off);
            dst.put(index, arrays[t], off, n);
            index += n;
            len -= n;
            off = 0;
            k++;
        }
    }

    /** Drops bytes acknowledged up to (not including) {@code ack}; returns how many. */
    int acknowledge(int ack) {
        int n = ack - base;
        if (n <= 0) return 0;
        n = Math.min(n, size);
        size -= n;
        base += n;
        drained += n;
        headSkip += n;
        while (count > 0 && headSkip >= lengths[first] && (headSkip > 0 || size == 0)) {
            headSkip -= lengths[first];
            release(arrays[first]);
            arrays[first] = null;
            first = (first + 1) & (arrays.length - 1);
            count--;
            dropped++;
        }
        return n;
    }

    private void release(byte[] a) {
        held -= a.length;
        if (a.length == chunks.length()) chunks.give(a);
        else pool.give(a);
    }
}
