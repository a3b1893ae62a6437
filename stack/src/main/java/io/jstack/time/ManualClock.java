package io.jstack.time;

import java.time.Duration;

/** A clock that moves only when told to: tests advance it and then poll the host. Thread-safe. */
public final class ManualClock implements Clock {
    private volatile long nanos;

    public ManualClock() {
        this(0);
    }

    public ManualClock(long startNanos) {
        this.nanos = startNanos;
    }

    @Override
    public long nanos() {
        return nanos;
    }

    public synchronized void advance(Duration d) {
        if (d.isNegative()) throw new IllegalArgumentException("time runs forwards only: " + d);
        nanos += d.toNanos();
    }

    /** Moves to an absolute instant, which must not be in the past. */
    public synchronized void setNanos(long to) {
        if (to < nanos) throw new IllegalArgumentException("time runs forwards only");
        nanos = to;
    }
}
