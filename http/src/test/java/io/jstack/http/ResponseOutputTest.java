package io.jstack.http;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the output buffer copies and what it hands to the stream as it is. */
class ResponseOutputTest {
    /** One write() call: the array it was given (by identity) and the bytes. */
    record Write(byte[] array, int off, int len) {}

    static final class Recording extends OutputStream {
        final List<Write> writes = new ArrayList<>();
        final ByteArrayOutputStream all = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes.add(new Write(b, off, len));
            all.write(b, off, len);
        }
    }

    private static byte[] filled(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + seed);
        return b;
    }

    @Test
    void streamOfLargeChunksIsCopiedOnlyAtItsStart() throws IOException {
        Recording rec = new Recording();
        var out = new ResponseOutput(rec, new ServerStats(),
                new BufferPool<>(() -> new byte[ResponseOutput.CAPACITY], 4));
        byte[] head = filled(100, 1);
        byte[] a = filled(64256, 2), b = filled(64256, 3), c = filled(64256, 4);
        out.write(head);
        out.write(a); // fits behind the head: they leave together
        assertTrue(rec.writes.isEmpty());
        out.write(b);
        out.write(c);
        out.flush();
        assertEquals(3, rec.writes.size(), "head+a in one write, then b and c as they are");
        assertEquals(100 + 64256, rec.writes.get(0).len());
        assertSame(b, rec.writes.get(1).array(), "a large chunk after a drained buffer is not copied");
        assertSame(c, rec.writes.get(2).array());
        var expected = new ByteArrayOutputStream();
        for (byte[] x : new byte[][] {head, a, b, c}) expected.write(x, 0, x.length);
        assertArrayEquals(expected.toByteArray(), rec.all.toByteArray());
    }

    @Test
    void smallWritesAreCoalescedIntoOneWrite() throws IOException {
        Recording rec = new Recording();
        var out = new ResponseOutput(rec, new ServerStats(),
                new BufferPool<>(() -> new byte[ResponseOutput.CAPACITY], 4));
        for (int i = 0; i < 50; i++) out.write(filled(300, i));
        out.flush();
        assertEquals(1, rec.writes.size());
        assertEquals(50 * 300, rec.writes.get(0).len());
    }

    @Test
    void largeWriteThatDoesNotFitBehindPendingBytesGoesAfterThem() throws IOException {
        Recording rec = new Recording();
        var out = new ResponseOutput(rec, new ServerStats(),
                new BufferPool<>(() -> new byte[ResponseOutput.CAPACITY], 4));
        byte[] small = filled(2000, 7), big = filled(ResponseOutput.CAPACITY, 8);
        out.write(small);
        out.write(big);
        out.flush();
        assertEquals(2, rec.writes.size());
        assertEquals(2000, rec.writes.get(0).len());
        assertSame(big, rec.writes.get(1).array());
    }
}
