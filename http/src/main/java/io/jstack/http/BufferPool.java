package io.jstack.http;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Buffers of one kind that a server's connections borrow only while a request is being read or answered, so an
 * idle keep-alive connection holds none (issue 7: ≤ 8 KB per idle connection). At most {@code maxKept} spare
 * buffers are kept; a borrow finds a spare or makes a new one (it never waits), and a buffer given back beyond the
 * bound is left to the garbage collector. Thread-safe (a lock, not {@code synchronized}, so virtual threads never
 * pin on it); buffers are handed out as they came back, not cleared.
 */
final class BufferPool<T> {
    private final Supplier<T> make;
    private final Object[] spare;
    private final ReentrantLock lock = new ReentrantLock();
    private int count;
    private int borrowed;

    BufferPool(Supplier<T> make, int maxKept) {
        this.make = make;
        this.spare = new Object[maxKept];
    }

    /** A spare buffer, or a new one when none is spare. */
    @SuppressWarnings("unchecked")
    T take() {
        T t = null;
        lock.lock();
        try {
            borrowed++;
            if (count > 0) {
                t = (T) spare[--count];
                spare[count] = null;
            }
        } finally {
            lock.unlock();
        }
        return t != null ? t : make.get();
    }

    /** Gives back a buffer {@link #take} returned; the caller must not touch it afterwards. */
    void give(T t) {
        lock.lock();
        try {
            borrowed--;
            if (count < spare.length) spare[count++] = t;
        } finally {
            lock.unlock();
        }
    }

    /** Buffers taken and not given back. */
    int borrowed() {
        lock.lock();
        try {
            return borrowed;
        } finally {
            lock.unlock();
        }
    }

    /** Spare buffers kept for the next borrow. */
    int spare() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }
}
