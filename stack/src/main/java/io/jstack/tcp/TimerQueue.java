package io.jstack.tcp;

import io.jstack.time.Clock;
import java.util.Arrays;

/**
 * The connections' timer deadlines in one binary min-heap, so finding the next deadline costs O(1) and moving
 * one O(log n) however many connections (idle, or thousands in TIME-WAIT) a host holds. Intrusive: a connection
 * keeps its own heap index and scheduled deadline, so nothing is allocated per timer.
 *
 * <p>Connections are not rescheduled on every field write. Whatever may change a connection's deadlines (a
 * segment, a timer, a user call) first {@link #touch touches} it; the queue recomputes the deadlines of touched
 * connections from {@link TcpConnection#pollAt()} before it answers. Event loop only.
 */
final class TimerQueue {
    private TcpConnection[] heap = new TcpConnection[64];
    private int size;
    private TcpConnection[] touched = new TcpConnection[64];
    private int touchedCount;

    /** Marks {@code c}'s deadlines as possibly changed; cheap and idempotent. */
    void touch(TcpConnection c) {
        if (c.timerTouched) return;
        c.timerTouched = true;
        if (touchedCount == touched.length) touched = Arrays.copyOf(touched, touchedCount * 2);
        touched[touchedCount++] = c;
    }

    /** Forgets {@code c} (it closed). */
    void remove(TcpConnection c) {
        if (c.timerIndex >= 0) removeAt(c.timerIndex);
    }

    /** The earliest deadline of any connection, or {@link Clock#NEVER}. */
    long earliest() {
        refresh();
        return size == 0 ? Clock.NEVER : heap[0].timerAt;
    }

    /**
     * Takes the connections whose deadline is at or before {@code now} out of the queue into {@code into}
     * (grown as needed, null-terminated when not full) and returns it. The caller runs their timers and touches
     * them, which schedules them again.
     */
    TcpConnection[] takeDue(long now, TcpConnection[] into) {
        refresh();
        int n = 0;
        while (size > 0 && heap[0].timerAt <= now) {
            if (n == into.length) into = Arrays.copyOf(into, n * 2);
            into[n++] = heap[0];
            removeAt(0);
        }
        if (n < into.length) into[n] = null;
        return into;
    }

    /** Connections with a deadline; for tests. */
    int size() {
        refresh();
        return size;
    }

    private void refresh() {
        for (int i = 0; i < touchedCount; i++) {
            TcpConnection c = touched[i];
            touched[i] = null;
            c.timerTouched = false;
            long at = c.state == TcpState.CLOSED ? Clock.NEVER : c.pollAt();
            if (at == Clock.NEVER) {
                if (c.timerIndex >= 0) removeAt(c.timerIndex);
            } else if (c.timerIndex < 0) {
                if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
                c.timerAt = at;
                c.timerIndex = size;
                heap[size++] = c;
                siftUp(c.timerIndex);
            } else if (at != c.timerAt) {
                boolean earlier = at < c.timerAt;
                c.timerAt = at;
                if (earlier) siftUp(c.timerIndex); else siftDown(c.timerIndex);
            }
        }
        touchedCount = 0;
    }

    private void removeAt(int i) {
        TcpConnection gone = heap[i];
        gone.timerIndex = -1;
        TcpConnection last = heap[--size];
        heap[size] = null;
        if (i == size) return;
        heap[i] = last;
        last.timerIndex = i;
        siftDown(i);
        siftUp(last.timerIndex);
    }

    private void siftUp(int i) {
        TcpConnection c = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            TcpConnection p = heap[parent];
            if (p.timerAt <= c.timerAt) break;
            heap[i] = p;
            p.timerIndex = i;
            i = parent;
        }
        heap[i] = c;
        c.timerIndex = i;
    }

    private void siftDown(int i) {
        TcpConnection c = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].timerAt < heap[child].timerAt) child = right;
            if (heap[child].timerAt >= c.timerAt) break;
            heap[i] = heap[child];
            heap[i].timerIndex = i;
            i = child;
        }
        heap[i] = c;
        c.timerIndex = i;
    }
}
