package io.jstack.tcp;

import io.jstack.wire.Seq;

/**
 * The timestamps option state of one connection (RFC 7323 §3-5): whether it is in use, TS.Recent and
 * Last.ACK.sent, our timestamp clock, and the two mechanisms built on it: RTTM (round-trip samples from the
 * echoed TSecr, §4) and PAWS (dropping old duplicates whose TSval lies behind TS.Recent, §5). No clock reads:
 * every method takes the time of the event.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc7323 RFC 7323
 */
final class Timestamps {
    /** RFC 7323 §5.5: a TS.Recent idle for more than 24 days is invalid and PAWS does not apply. */
    static final long PAWS_IDLE_NANOS = 24L * 24 * 3600 * 1_000_000_000L;
    private static final long NANOS_PER_TICK = 1_000_000L;

    /** In use: both SYNs carried the option (or, before the SYN-ACK of an active open, we offer it). */
    boolean on;
    int tsRecent;
    long tsRecentAt;
    /** Last.ACK.sent: the acknowledgment number of the last segment we sent (§4.3). */
    int lastAckSent;
    /** A random-looking per-connection offset, so TSval reveals no host uptime (RFC 7323 §7.1). */
    private final int offset;

    Timestamps(int offset) {
        this.offset = offset;
    }

    /** The last TSval handed out: TSvals never go backwards, whatever order event times arrive in. */
    private int lastTsVal;
    private boolean anyTsVal;

    /**
     * RFC 7323 §5.4: our timestamp clock ticks once a millisecond (between 1 ms and 1 s is required) and MUST be
     * monotone (§5.2). Event times are not strictly ordered (a socket call may read the clock after the loop
     * read it for the packets it then processes), so the clock never returns less than it did: a TSval that
     * went back a tick would make the peer's PAWS drop a segment sent later.
     */
    int clock(long now) {
        int t = (int) Math.floorDiv(now, NANOS_PER_TICK) + offset;
        if (anyTsVal && Seq.lt(t, lastTsVal)) return lastTsVal;
        anyTsVal = true;
        lastTsVal = t;
        return t;
    }

    /** §3.2: a SYN (or SYN-ACK) carried the option: take its TSval as the first TS.Recent. */
    void onSyn(TcpOptions o, int lastAckSent, long now) {
        tsRecent = o.tsVal;
        tsRecentAt = now;
        this.lastAckSent = lastAckSent;
    }

    /**
     * PAWS, RFC 7323 §5.3 R1: true when a segment that is not a RST carries a TSval older than TS.Recent and must
     * be dropped (after an ACK). A TS.Recent idle for more than 24 days no longer counts (§5.5).
     */
    boolean isOldDuplicate(TcpOptions o, boolean rst, long now) {
        if (!o.timestamps || rst) return false;
        if (!Seq.lt(o.tsVal, tsRecent)) return false;
        return now - tsRecentAt <= PAWS_IDLE_NANOS;
    }

    /**
     * RFC 7323 §4.3 (2): after an acceptable segment, TS.Recent takes its TSval when that is not older and the
     * segment starts at or before Last.ACK.sent (so a delayed ACK echoes the earliest unacknowledged segment).
     */
    void update(TcpOptions o, int segSeq, long now) {
        if (!o.timestamps) return;
        if (Seq.leq(tsRecent, o.tsVal) && Seq.leq(segSeq, lastAckSent)) {
            tsRecent = o.tsVal;
            tsRecentAt = now;
        }
    }

    /**
     * RTTM, RFC 7323 §4.1-4.2: an ACK that advances SND.UNA and echoes one of our TSvals gives a round-trip
     * sample even for retransmitted data (Karn's ambiguity does not arise); -1 when it gives none.
     */
    long rttSampleNanos(TcpOptions o, long now) {
        if (!o.timestamps || o.tsEcr == 0) return -1;
        int ticks = clock(now) - o.tsEcr;
        return ticks < 0 ? -1 : ticks * NANOS_PER_TICK;
    }
}
