package io.jstack.tcp;

/**
 * The send sequence variables of RFC 9293 §3.3.1, plus {@code sndMax} (the highest sequence number sent,
 * which differs from SND.NXT after a retransmission timeout rewinds SND.NXT) and MAX.SND.WND (RFC 5961 §5.2).
 *
 * <pre>
 *      1         2          3          4
 * ----------|----------|----------|----------
 *        SND.UNA    SND.NXT    SND.UNA
 *                             +SND.WND
 * </pre>
 *
 * @spec https://www.rfc-editor.org/rfc/rfc9293#section-3.3.1 RFC 9293 §3.3.1
 */
final class SendSpace {
    int iss;
    int sndUna;
    int sndNxt;
    int sndMax;
    /** SND.WND in bytes, already scaled. */
    long sndWnd;
    int sndWl1;
    int sndWl2;
    long maxSndWnd;
    /** Shift count the peer asked us to apply to its window fields (RFC 7323 §2.3); 0 without scaling. */
    int sndWndShift;
    /** The effective send MSS (RFC 9293 §3.7.1). */
    int mss;

    void init(int iss) {
        this.iss = iss;
        sndUna = iss;
        sndNxt = iss + 1;
        sndMax = iss + 1;
    }

    /** Bytes sent and not yet acknowledged, counting from SND.NXT (what the sender believes is in flight). */
    int inFlight() {
        return sndNxt - sndUna;
    }

    /** FlightSize of RFC 5681 §2: everything sent and not acknowledged. */
    int flightSize() {
        return sndMax - sndUna;
    }
}
