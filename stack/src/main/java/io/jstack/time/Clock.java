package io.jstack.time;

/**
 * A monotonic source of time in nanoseconds. Protocol code never reads the wall clock: it is handed a
 * {@code Clock}, so tests drive every timer exactly with {@link ManualClock}.
 */
@FunctionalInterface
public interface Clock {
    /** A deadline that never comes. */
    long NEVER = Long.MAX_VALUE;

    /** Monotonic nanoseconds from an arbitrary origin. */
    long nanos();

    /** The system's monotonic clock, for the driver loop only. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
