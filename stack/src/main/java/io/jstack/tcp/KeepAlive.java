package io.jstack.tcp;

import static io.jstack.wire.TcpPacket.ACK_FLAG;

import io.jstack.wire.Seq;

/**
 * The keep-alive timer of one connection (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6): off by default; when on, a
 * connection that has received nothing for the idle time sends a probe, then one per interval while they go
 * unanswered, and is given up after the configured number. Any segment received restarts the idle time.
 * No threads, clocks or I/O: the deadline is read by {@link TcpConnection#pollAt}.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc9293#section-3.8.4 RFC 9293 §3.8.4
 */
final class KeepAlive {
    private static final long NEVER = TcpConnection.NEVER;
    private final TcpConnection c;
    private TcpKeepAlive settings;
    private int probesOut;
    /** When the next probe (or the give-up) is due; NEVER when keep-alives are off. */
    long at = NEVER;

    KeepAlive(TcpConnection c) {
        this.c = c;
    }

    /** Turns keep-alives on ({@code s} not null) or off; the idle time counts from now. */
    void set(TcpKeepAlive s, long now) {
        settings = s;
        probesOut = 0;
        at = s == null ? NEVER : now + s.idle().toNanos();
    }

    TcpKeepAlive settings() {
        return settings;
    }

    /** RFC 1122 §4.2.3.6: any segment from the peer shows it alive; the idle time starts again. */
    void onSegmentReceived(long now) {
        if (settings == null) return;
        probesOut = 0;
        at = now + settings.idle().toNanos();
    }

    void stop() {
        at = NEVER;
    }

    /** The deadline passed: probe, wait more, or give up. */
    void onTimeout(long now) {
        if (c.state == TcpState.SYN_SENT || c.state == TcpState.SYN_RECEIVED) {
            at = now + settings.idle().toNanos(); // set before the handshake ended: probing starts after it
            return;
        }
        if (!c.state.isSynchronized() || c.state == TcpState.TIME_WAIT) {
            at = NEVER;
            return;
        }
        // Only an idle connection is probed: with data or a FIN outstanding, the retransmission and persist
        // timers already find out whether the peer is there.
        if (c.snd.sndUna != c.snd.sndMax || Seq.lt(c.snd.sndNxt, c.queue.end())) {
            at = now + settings.idle().toNanos();
            return;
        }
        if (probesOut >= settings.probes()) {
            c.layer.count(TcpCounter.tcpKeepAliveTimeouts, 1);
            c.timeOut(now);
            return;
        }
        // RFC 1122 §4.2.3.6: the probe is SEG.SEQ = SND.NXT - 1 with no data (RFC 9293 §3.8.4 allows 0 or 1
        // garbage octet; Linux sends none). It lies outside the peer's window, so the peer MUST answer with an
        // ACK. That ACK is not delivered reliably: one unanswered probe MUST NOT end the connection (MUST-29).
        c.layer.transmit(c, ACK_FLAG, c.snd.sndMax - 1, c.rcv.rcvNxt, c.advertiseWindow(), -1, -1, 0, 0);
        c.layer.count(TcpCounter.tcpKeepAliveProbes, 1);
        probesOut++;
        at = now + settings.interval().toNanos();
    }
}
