package io.jstack.icmp;

/**
 * A token bucket driven only by the {@code now} it is given (RFC 1812 §4.3.2.8 suggests one for ICMP errors):
 * it holds up to {@code burst} tokens, gains {@code ratePerSecond} per second, and each message takes one.
 * Tokens are kept in nanoseconds of refill time, so nothing is lost to rounding. Starts full.
 */
final class TokenBucket {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long nanosPerToken;
    private final long capacityNanos;
    private long availableNanos;
    private long last;
    private boolean started;

    TokenBucket(int ratePerSecond, int burst) {
        this.nanosPerToken = Math.max(1, NANOS_PER_SECOND / ratePerSecond);
        this.capacityNanos = burst > Long.MAX_VALUE / nanosPerToken ? Long.MAX_VALUE : nanosPerToken * burst;
        this.availableNanos = capacityNanos;
    }

    /** Takes a token at time {@code now} if one is available. */
    boolean tryTake(long now) {
        if (!started) {
            started = true;
            last = now;
        }
        long elapsed = now - last;
        if (elapsed > 0) {
            long room = capacityNanos - availableNanos;
            availableNanos += Math.min(elapsed, room);
            last = now;
        }
        if (availableNanos < nanosPerToken) return false;
        availableNanos -= nanosPerToken;
        return true;
    }
}
