package io.jstack.tcp;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Spare arrays of one length for data that crosses between the event loop and the threads using a
 * {@link TcpLayer}'s connections, so that neither side allocates per write or read once the pool has filled.
 * The layer keeps two: {@link #SEND_CHUNK}-byte chunks that a writing thread fills and hands over
 * ({@link TcpConnection#sendChunk}; the retransmission queue keeps each, unchanged, until the peer has
 * acknowledged its bytes, then gives it back), and small read-ahead arrays the loop fills for a reader. At most
 * {@code maxArrays} spare arrays are kept; the rest are left to the garbage collector. Thread-safe.
 */
public final class ChunkPool {
    /** The length of the chunks writers hand over. */
    public static final int SEND_CHUNK = 64 * 1024;
    /** The default number of spare send chunks kept (8 MiB). */
    static final int DEFAULT_MAX_CHUNKS = 128;

    private final int length;
    private final ArrayBlockingQueue<byte[]> spare;

    ChunkPool(int length, int maxArrays) {
        this.length = length;
        this.spare = new ArrayBlockingQueue<>(Math.max(1, maxArrays));
    }

    /** The length of every array of this pool. */
    public int length() {
        return length;
    }

    /** An array of {@link #length()} bytes, reused when one is spare. Its content is whatever it last held. */
    public byte[] take() {
        byte[] c = spare.poll();
        return c != null ? c : new byte[length];
    }

    /** Takes back an array nobody references any more; one of another length is ignored. */
    public void give(byte[] array) {
        if (array.length == length) spare.offer(array);
    }

    /** Bytes held for reuse now. */
    long bytes() {
        return (long) spare.size() * length;
    }
}
