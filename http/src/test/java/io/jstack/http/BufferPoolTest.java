package io.jstack.http;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The server's buffer pool (issue 7): counts what is borrowed, reuses what came back, keeps a bounded number. */
class BufferPoolTest {
    @Test
    void reusesGivenBackBuffersAndKeepsAtMostItsBound() {
        var made = new AtomicInteger();
        var pool = new BufferPool<>(() -> new byte[made.incrementAndGet()], 2);
        byte[] a = pool.take(), b = pool.take(), c = pool.take();
        assertEquals(3, made.get());
        assertEquals(3, pool.borrowed());
        pool.give(a);
        pool.give(b);
        pool.give(c); // beyond the bound: left to the garbage collector
        assertEquals(0, pool.borrowed());
        assertEquals(2, pool.spare());
        byte[] d = pool.take(), e = pool.take(), f = pool.take();
        assertSame(b, d);
        assertSame(a, e);
        assertNotSame(c, f);
        assertEquals(4, made.get());
        assertEquals(3, pool.borrowed());
    }
}
