package io.jstack.tcp;

/**
 * The retransmission timeout of RFC 6298: SRTT and RTTVAR from RTT samples (§2), Karn's algorithm (§3: no
 * samples from retransmitted segments, which the caller enforces by cancelling its timing), and exponential
 * back-off (§5.5). Times in nanoseconds.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc6298 RFC 6298
 */
public final class RttEstimator {
    /** Clock granularity G of §2: our clock is far finer; 1 ms keeps RTO above RTT on a quiet path. */
    private static final long G_NANOS = 1_000_000;
    private final long minRtoNanos, maxRtoNanos;
    private long srtt = -1, rttvar;
    private long rto;

    public RttEstimator(long initialRtoNanos, long minRtoNanos, long maxRtoNanos) {
        this.minRtoNanos = minRtoNanos;
        this.maxRtoNanos = maxRtoNanos;
        this.rto = Math.min(maxRtoNanos, initialRtoNanos); // §2.1: RTO <- 1 second before any sample
    }

    /** Takes one RTT measurement R (§2.2, §2.3) and recomputes the RTO, which ends any back-off (§5.7). */
    public void sample(long r) {
        if (r < 0) return;
        if (srtt < 0) {
            // §2.2: SRTT <- R, RTTVAR <- R/2
            srtt = r;
            rttvar = r / 2;
        } else {
            // §2.3: RTTVAR <- (1 - 1/4) * RTTVAR + 1/4 * |SRTT - R'|, SRTT <- (1 - 1/8) * SRTT + 1/8 * R'
            rttvar = rttvar - rttvar / 4 + Math.abs(srtt - r) / 4;
            srtt = srtt - srtt / 8 + r / 8;
        }
        // RTO <- SRTT + max (G, K*RTTVAR), K = 4; §2.4 rounds up to the minimum, §2.5 caps it
        rto = clamp(srtt + Math.max(G_NANOS, 4 * rttvar));
    }

    /** §5.5: RTO <- RTO * 2, bounded by the maximum. */
    public void backOff() {
        rto = Math.min(maxRtoNanos, rto * 2);
    }

    private long clamp(long v) {
        return Math.min(maxRtoNanos, Math.max(minRtoNanos, v));
    }

    public long rtoNanos() {
        return rto;
    }

    /** SRTT, or -1 before the first sample. */
    public long srttNanos() {
        return srtt;
    }

    public long rttvarNanos() {
        return rttvar;
    }
}
