package io.jstack.tcp;

/**
 * A sender's congestion window (RFC 5681). The connection reports ACKs, duplicate ACKs and timeouts; the
 * algorithm answers with {@link #cwnd()} and says when to retransmit. Sealed so that the set of algorithms is
 * known; SACK-based recovery (RFC 6675) and CUBIC are meant to join as further permitted classes.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc5681 RFC 5681
 */
public abstract sealed class CongestionControl permits Reno, NewReno {
    protected int smss;
    protected long cwnd;
    protected long ssthresh = Integer.MAX_VALUE; // §3.1: "SHOULD be set arbitrarily high"
    protected int dupAcks;
    protected boolean inRecovery;

    protected CongestionControl(int smss) {
        setMss(smss);
        this.cwnd = initialWindow(smss);
    }

    /** §3.1 eq. (1): IW by SMSS. */
    static long initialWindow(int smss) {
        if (smss > 2190) return 2L * smss;
        if (smss > 1095) return 3L * smss;
        return 4L * smss;
    }

    void setMss(int smss) {
        this.smss = smss;
    }

    public long cwnd() {
        return cwnd;
    }

    public long ssthresh() {
        return ssthresh;
    }

    public boolean inRecovery() {
        return inRecovery;
    }

    public int dupAcks() {
        return dupAcks;
    }

    /**
     * An ACK that advanced SND.UNA by {@code acked} bytes to {@code ack}. Returns true when the segment at the
     * new SND.UNA must be retransmitted at once (a NewReno partial ACK, RFC 6582 §3.2 step 3).
     */
    abstract boolean onNewAck(int ack, int acked, long flightSize);

    /**
     * A duplicate ACK (RFC 5681 §2 definition). Returns true on the third, when the caller must fast-retransmit
     * the segment at SND.UNA (§3.2 step 2); {@code sndNxt} is the highest sequence sent so far.
     */
    abstract boolean onDuplicateAck(int ack, long flightSize, int sndNxt);

    /** §3.1 eq. (4) and the loss window: ssthresh = max(FlightSize / 2, 2*SMSS), cwnd = 1 SMSS. */
    void onRetransmitTimeout(long flightSize, int sndNxt) {
        ssthresh = Math.max(flightSize / 2, 2L * smss);
        cwnd = smss;
        dupAcks = 0;
        inRecovery = false;
    }

    /**
     * RFC 6675 §5: a lost hole was retransmitted during recovery on the room a duplicate ACK made; the
     * retransmission is in the pipe now, so the inflated window may not also admit new data for it.
     */
    void onHoleRetransmitted(int bytes) {
        cwnd = Math.max(smss, cwnd - bytes);
    }

    /** §3.1: slow start below ssthresh, congestion avoidance above. */
    protected void grow(int acked) {
        if (cwnd < ssthresh) {
            cwnd += Math.min(acked, smss); // eq. (2)
        } else {
            cwnd += Math.max(1, (long) smss * smss / cwnd); // eq. (3)
        }
    }

    /** §3.2 step 2: ssthresh from eq. (4), retransmit, cwnd = ssthresh + 3*SMSS (step 3). */
    protected void enterRecovery(long flightSize) {
        ssthresh = Math.max(flightSize / 2, 2L * smss);
        cwnd = ssthresh + 3L * smss;
        inRecovery = true;
    }
}
