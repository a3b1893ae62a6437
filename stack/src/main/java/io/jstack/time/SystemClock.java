package io.jstack.time;

/** The JVM's monotonic clock. Only drivers (the host loop, the CLI) use it; protocol code is handed a Clock. */
final class SystemClock implements Clock {
    static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {}

    @Override
    public long nanos() {
        return System.nanoTime();
    }
}
