package io.jstack.tcp;

/**
 * Fast retransmit and fast recovery of RFC 5681 §3.2: recovery ends with the first ACK of new data.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc5681#section-3.2 RFC 5681 §3.2
 */
public final class Reno extends CongestionControl {
    public Reno(int smss) {
        super(smss);
    }

    @Override
    boolean onNewAck(int ack, int acked, long flightSize) {
        dupAcks = 0;
        if (inRecovery) {
            cwnd = ssthresh; // §3.2 step 6: deflate the window
            inRecovery = false;
        } else {
            grow(acked);
        }
        return false;
    }

    @Override
    boolean onDuplicateAck(int ack, long flightSize, int sndNxt) {
        dupAcks++;
        if (inRecovery) {
            cwnd += smss; // §3.2 step 4: inflate for each segment that has left the network
            return false;
        }
        if (dupAcks == 3) {
            enterRecovery(flightSize);
            return true;
        }
        return false;
    }
}
