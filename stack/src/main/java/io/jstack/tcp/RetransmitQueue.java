package io.jstack.tcp;

import java.nio.ByteBuffer;

/**
 * The bytes from SND.UNA on: sent and unacknowledged, then not yet sent. Kept until acknowledged so that any
 * part can be sent again (RFC 9293 §3.8.1). {@code base} is the sequence number of the first byte held.
 */
final class RetransmitQueue {
    private final ByteRing ring;
    private int base;

    RetransmitQueue(int maxBytes) {
        this(maxBytes, RingPool.NONE);
    }

    RetransmitQueue(int maxBytes, RingPool pool) {
        this.ring = new ByteRing(maxBytes, pool);
    }

    void reset(int firstSeq) {
        base = firstSeq;
    }

    /** Bytes of buffer array held now (0 when empty: the array is back in the pool). */
    int capacity() {
        return ring.capacity();
    }

    int base() {
        return base;
    }

    /** Sequence number just past the last byte queued. */
    int end() {
        return base + ring.size();
    }

    int size() {
        return ring.size();
    }

    int free() {
        return ring.free();
    }

    int write(byte[] src, int off, int len) {
        return ring.write(src, off, len);
    }

    /** Copies {@code len} bytes from sequence number {@code seq} into {@code dst} at an absolute index. */
    void copy(int seq, ByteBuffer dst, int index, int len) {
        ring.peek(seq - base, dst, index, len);
    }

    /** Drops bytes acknowledged up to (not including) {@code ack}; returns how many. */
    int acknowledge(int ack) {
        int n = ack - base;
        if (n <= 0) return 0;
        n = Math.min(n, ring.size());
        ring.skip(n);
        base += n;
        if (ring.size() == 0) ring.trim();
        return n;
    }
}
