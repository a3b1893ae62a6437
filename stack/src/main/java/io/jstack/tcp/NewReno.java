package io.jstack.tcp;

import io.jstack.wire.Seq;

/**
 * NewReno (RFC 6582): fast recovery that stays in recovery across partial ACKs, retransmitting one lost
 * segment per round trip, until everything outstanding at the loss ({@code recover}) is acknowledged.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc6582#section-3.2 RFC 6582 §3.2
 */
public final class NewReno extends CongestionControl {
    private int recover;
    private boolean recoverSet;

    public NewReno(int smss) {
        super(smss);
    }

    @Override
    boolean onNewAck(int ack, int acked, long flightSize) {
        dupAcks = 0;
        if (!inRecovery) {
            grow(acked);
            return false;
        }
        if (Seq.geq(ack, recover)) {
            // Step 3, full acknowledgment: cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS).
            cwnd = Math.min(ssthresh, Math.max(flightSize, smss) + smss);
            inRecovery = false;
            return false;
        }
        // Step 3, partial acknowledgment: retransmit the first unacknowledged segment, deflate the window by
        // the amount acknowledged and add back one SMSS if that was at least one SMSS.
        cwnd = Math.max(smss, cwnd - acked + (acked >= smss ? smss : 0));
        return true;
    }

    @Override
    boolean onDuplicateAck(int ack, long flightSize, int sndNxt) {
        dupAcks++;
        if (inRecovery) {
            cwnd += smss; // step 4
            return false;
        }
        // Step 2: only enter recovery if the ACK covers more than "recover", so that one loss event does not
        // halve the window twice.
        if (dupAcks == 3 && mayRecover(ack)) {
            recover = sndNxt;
            recoverSet = true;
            enterRecovery(flightSize);
            return true;
        }
        return false;
    }

    @Override
    void onRetransmitTimeout(long flightSize, int sndNxt) {
        super.onRetransmitTimeout(flightSize, sndNxt);
        recover = sndNxt; // step 4 of §3.2 after a timeout
        recoverSet = true;
    }

    /** Whether a third duplicate ACK at {@code ack} may start a new recovery (§3.2 step 2). */
    boolean mayRecover(int ack) {
        return !recoverSet || Seq.gt(ack, recover);
    }
}
