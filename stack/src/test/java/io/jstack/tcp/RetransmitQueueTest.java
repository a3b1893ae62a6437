package io.jstack.tcp;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The send buffer as a list of arrays (RFC 9293 §3.8.1: everything from SND.UNA is kept until acknowledged):
 * bytes copied in or chunks handed over come out in order from any sequence number, and acknowledged arrays go
 * back to their pools.
 */
class RetransmitQueueTest {
    private static final int ISS = 0x7ffff000; // close to the wrap of a signed int: sequence arithmetic is modular

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 7 + seed);
        return b;
    }

    private static byte[] copy(RetransmitQueue q, int seq, int len) {
        ByteBuffer dst = ByteBuffer.allocate(len + 10);
        q.copy(seq, dst, 5, len);
        byte[] out = new byte[len];
        dst.get(5, out);
        return out;
    }

    @Test
    void bytesCopiedInGoIntoArraysThatDoubleFrom2KiBTo64KiBChunksRfc9293Section3_8_1() {
        var pool = new RingPool(1 << 20);
        var chunks = new ChunkPool(ChunkPool.SEND_CHUNK, 8);
        var q = new RetransmitQueue(1 << 20, pool, chunks);
        q.reset(ISS);
        byte[] data = pattern(300_000, 1);
        for (int off = 0; off < data.length; off += 1000) {
            assertEquals(Math.min(1000, data.length - off), q.write(data, off, Math.min(1000, data.length - off)));
        }
        // 2 + 4 + 8 + 16 + 32 KiB, then 64 KiB chunks: 62 KiB in the small ones, the rest in 4 chunks
        assertEquals(2048 + 4096 + 8192 + 16384 + 32768 + 4 * ChunkPool.SEND_CHUNK, q.capacity());
        assertEquals(data.length, q.size());
        assertEquals(ISS + data.length, q.end());
        for (int[] r : new int[][] {{0, 100}, {2040, 20}, {2000, 70_000}, {63_000, 140_000}, {299_000, 1000}}) {
            assertArrayEquals(java.util.Arrays.copyOfRange(data, r[0], r[0] + r[1]), copy(q, ISS + r[0], r[1]));
        }
        assertEquals(data.length, q.acknowledge(ISS + data.length));
        assertEquals(0, q.capacity());
        assertEquals(2048 + 4096 + 8192 + 16384 + 32768, pool.bytes());
        assertEquals(4 * ChunkPool.SEND_CHUNK, chunks.bytes());
        assertEquals(data.length, q.drained());
    }

    @Test
    void aChunkHandedOverIsKeptAsItIsAndGoesBackToThePoolWhenAcknowledgedRfc9293Section3_8_1() {
        var chunks = new ChunkPool(ChunkPool.SEND_CHUNK, 8);
        var q = new RetransmitQueue(1 << 20, new RingPool(1 << 20), chunks);
        q.reset(ISS);
        byte[] c = chunks.take();
        byte[] data = pattern(50_000, 3);
        System.arraycopy(data, 0, c, 0, data.length);
        assertTrue(q.append(c, data.length));
        assertEquals(ChunkPool.SEND_CHUNK, q.capacity(), "the chunk itself, no copy");
        c[10] = 99; // the queue reads the very array: proof that it was not copied
        data[10] = 99;
        assertArrayEquals(data, copy(q, ISS, data.length));
        assertEquals(20_000, q.acknowledge(ISS + 20_000));
        assertEquals(0, chunks.bytes(), "still holds unacknowledged bytes");
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 20_000, 50_000), copy(q, ISS + 20_000, 30_000));
        q.acknowledge(ISS + data.length);
        assertEquals(0, q.capacity());
        assertSame(c, chunks.take(), "the acknowledged chunk is the next one a writer gets");
    }

    @Test
    void aSmallChunkIsCopiedIntoTheRoomOfTheNewestArrayOrARightSizedOneAndGivenBackAtOnce() {
        var chunks = new ChunkPool(ChunkPool.SEND_CHUNK, 8);
        var q = new RetransmitQueue(1 << 20, new RingPool(1 << 20), chunks);
        q.reset(ISS);
        byte[] first = chunks.take();
        System.arraycopy(pattern(100, 4), 0, first, 0, 100);
        assertTrue(q.append(first, 100));
        assertEquals(RetransmitQueue.MIN_ARRAY, q.capacity(), "100 bytes hold a 2 KiB array, not a 64 KiB chunk");
        assertSame(first, chunks.take(), "given back at once");
        byte[] big = chunks.take();
        System.arraycopy(pattern(40_000, 6), 0, big, 0, 40_000);
        assertTrue(q.append(big, 40_000));
        assertEquals(RetransmitQueue.MIN_ARRAY + ChunkPool.SEND_CHUNK, q.capacity(), "kept as it is");
        byte[] small = chunks.take();
        System.arraycopy(pattern(500, 5), 0, small, 0, 500);
        assertTrue(q.append(small, 500));
        assertEquals(RetransmitQueue.MIN_ARRAY + ChunkPool.SEND_CHUNK, q.capacity(), "copied behind the chunk's bytes");
        assertSame(small, chunks.take());
        assertArrayEquals(pattern(100, 4), copy(q, ISS, 100));
        assertArrayEquals(pattern(40_000, 6), copy(q, ISS + 100, 40_000));
        assertArrayEquals(pattern(500, 5), copy(q, ISS + 40_100, 500));
    }

    @Test
    void whatDoesNotFitUnderTheLimitIsRefusedWholeOrCutToTheRoom() {
        var chunks = new ChunkPool(ChunkPool.SEND_CHUNK, 8);
        var q = new RetransmitQueue(100_000, new RingPool(1 << 20), chunks);
        q.reset(ISS);
        assertTrue(q.append(chunks.take(), 60_000));
        assertFalse(q.append(chunks.take(), 50_000), "a chunk goes in whole or not at all");
        assertEquals(60_000, q.size());
        assertEquals(40_000, q.write(pattern(50_000, 0), 0, 50_000), "copied bytes fill the room");
        assertEquals(0, q.free());
        assertEquals(0, q.write(new byte[10], 0, 10));
    }

    @Test
    void randomWritesChunksAcknowledgmentsAndCopiesMatchAReferenceRfc9293Section3_8_1() {
        var rnd = new Random(7);
        var chunks = new ChunkPool(ChunkPool.SEND_CHUNK, 16);
        var pool = new RingPool(1 << 20);
        var q = new RetransmitQueue(1 << 20, pool, chunks);
        q.reset(ISS);
        byte[] stream = pattern(40 << 20, 9);
        int written = 0, acked = 0;
        for (int step = 0; step < 20_000; step++) {
            int op = rnd.nextInt(4);
            if (op == 0) {
                int n = Math.min(rnd.nextInt(3000) + 1, stream.length - written);
                written += q.write(stream, written, n);
            } else if (op == 1 && written < stream.length) {
                int n = Math.min(rnd.nextInt(ChunkPool.SEND_CHUNK) + 1, stream.length - written);
                byte[] c = chunks.take();
                System.arraycopy(stream, written, c, 0, n);
                if (q.append(c, n)) written += n;
                else chunks.give(c);
            } else if (op == 2 && written > acked) {
                int n = rnd.nextInt(written - acked + 1);
                assertEquals(n, q.acknowledge(ISS + acked + n));
                acked += n;
            } else if (written > acked) {
                int from = acked + rnd.nextInt(written - acked);
                int len = 1 + rnd.nextInt(Math.min(70_000, written - from));
                assertArrayEquals(java.util.Arrays.copyOfRange(stream, from, from + len), copy(q, ISS + from, len),
                        "bytes from " + from + " for " + len);
            }
            assertEquals(written - acked, q.size());
            assertTrue(q.size() <= 1 << 20);
        }
        q.acknowledge(ISS + written);
        assertEquals(0, q.capacity(), "an empty queue holds no array");
        assertEquals(written, q.drained());
    }
}
