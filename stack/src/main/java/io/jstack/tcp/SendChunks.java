package io.jstack.tcp;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Spare 64 KiB arrays for outgoing data, shared by the threads that write into a {@link TcpLayer}'s connections
 * and its event loop. A writing thread copies its bytes into a chunk taken here and hands the chunk over
 * ({@link TcpConnection#sendChunk}); the connection's retransmission queue keeps it, unchanged, until the peer has
 * acknowledged its bytes, and then gives it back. So a bulk write costs one copy, made on the writer's thread,
 * and the event loop copies nothing into its send buffer. At most {@code maxChunks} spare chunks are kept;
 * the rest are left to the garbage collector. Thread-safe; no allocation while chunks are spare.
 */
public final class SendChunks {
    /** The length of every chunk. */
    public static final int SIZE = 64 * 1024;
    /** The default number of spare chunks kept (8 MiB). */
    static final int DEFAULT_MAX_CHUNKS = 128;

    private final ArrayBlockingQueue<byte[]> spare;

    SendChunks(int maxChunks) {
        this.spare = new ArrayBlockingQueue<>(Math.max(1, maxChunks));
    }

    /** A chunk of {@link #SIZE} bytes, reused when one is spare. Its content is whatever it last held. */
    public byte[] take() {
        byte[] c = spare.poll();
        return c != null ? c : new byte[SIZE];
    }

    /** Takes back a chunk nobody references any more; anything but a {@link #SIZE}-byte array is ignored. */
    public void give(byte[] chunk) {
        if (chunk.length == SIZE) spare.offer(chunk);
    }

    /** Bytes held for reuse now. */
    long bytes() {
        return (long) spare.size() * SIZE;
    }
}
