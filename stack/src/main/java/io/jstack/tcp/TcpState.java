package io.jstack.tcp;

/**
 * Connection states with their RFC names (RFC 9293 §3.3.2).
 *
 * @spec https://www.rfc-editor.org/rfc/rfc9293#section-3.3.2 RFC 9293 §3.3.2
 */
public enum TcpState {
    CLOSED,
    LISTEN,
    SYN_SENT,
    SYN_RECEIVED,
    ESTABLISHED,
    FIN_WAIT_1,
    FIN_WAIT_2,
    CLOSE_WAIT,
    CLOSING,
    LAST_ACK,
    TIME_WAIT;

    /** States after the handshake has synchronised sequence numbers (RFC 9293 §3.5.2 case 3). */
    public boolean isSynchronized() {
        return ordinal() >= ESTABLISHED.ordinal();
    }

    /**
     * Whether the state diagram (RFC 9293 Figure 5, plus reset, abort and the SYN-RECEIVED to LISTEN return
     * of §3.10.7.4) has an arc from this state to {@code to}.
     */
    public boolean canMoveTo(TcpState to) {
        if (to == CLOSED) return this != CLOSED;
        return switch (this) {
            case CLOSED -> to == LISTEN || to == SYN_SENT || to == SYN_RECEIVED;
            case LISTEN -> to == SYN_RECEIVED || to == SYN_SENT;
            case SYN_SENT -> to == SYN_RECEIVED || to == ESTABLISHED;
            case SYN_RECEIVED -> to == ESTABLISHED || to == FIN_WAIT_1 || to == CLOSE_WAIT || to == LISTEN;
            case ESTABLISHED -> to == FIN_WAIT_1 || to == CLOSE_WAIT;
            case FIN_WAIT_1 -> to == FIN_WAIT_2 || to == CLOSING || to == TIME_WAIT;
            case FIN_WAIT_2 -> to == TIME_WAIT;
            case CLOSE_WAIT -> to == LAST_ACK;
            case CLOSING -> to == TIME_WAIT;
            case LAST_ACK, TIME_WAIT -> false;
        };
    }
}
