package io.jstack.tcp;

import static io.jstack.wire.TcpPacket.ACK_FLAG;
import static io.jstack.wire.TcpPacket.FIN;
import static io.jstack.wire.TcpPacket.PSH;
import static io.jstack.wire.TcpPacket.RST;
import static io.jstack.wire.TcpPacket.SYN;

import io.jstack.time.Clock;
import io.jstack.wire.Ipv4Address;
import io.jstack.wire.Seq;
import io.jstack.wire.TcpPacket;

/**
 * One TCP connection: no threads, no clock reads, no I/O. Segments and time come in as arguments
 * ({@link #onSegment}, {@link #onTimer}); segments go out through the {@link TcpLayer}; {@link #pollAt} says
 * when the next timer is due. The application's calls ({@link #send}, {@link #receive}, {@link #close}) run
 * on the event loop too.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc9293#section-3.10 RFC 9293 §3.10
 */
public final class TcpConnection {
    private static final System.Logger LOG = System.getLogger(TcpConnection.class.getName());
    static final long NEVER = Clock.NEVER;

    private final TcpLayer layer;
    private final TcpConfig config;
    final int remoteAddr, remotePort, localPort;
    final long key;
    /** The listener of a passive open, while the connection is not yet accepted; else null. */
    TcpListenerState listener;

    private TcpState state = TcpState.CLOSED;
    final SendSpace snd = new SendSpace();
    final ReceiveSpace rcv;
    final RetransmitQueue queue;
    final RttEstimator rtt;
    CongestionControl cc;
    private TcpObserver observer = TcpObserver.NONE;

    // Timers, as deadlines in nanoseconds.
    private long retransmitAt = NEVER;
    private long persistAt = NEVER;
    private long delayedAckAt = NEVER;
    private long closeAt = NEVER; // TIME-WAIT expiry, or the FIN-WAIT-2 limit of an orphan
    private int retransmits;
    private int persistBackoff;

    // ACK bookkeeping.
    private boolean ackNow;
    private int unackedBytes;
    /** The largest segment received so far, up to our MSS: what "full-sized" means for delayed ACKs. */
    private int rcvMssSeen = 536;
    /** Our MSS: what we offer and what we count full-sized received segments by. */
    private final int rcvMss;

    // RTT timing of one segment at a time (RFC 6298 §3: Karn's algorithm).
    private boolean timing;
    private int rttSeq;
    private long rttStart;

    // The application's side.
    private boolean finQueued;
    private boolean userClosed;
    private boolean finReceived;
    private boolean noDelay;
    private String error;

    // Trimmed view of the segment being processed (set by checkSequence).
    private int segSeq, segDataOff, segDataLen;
    private boolean segFin, segSyn;
    /** Both sides offered window scaling (RFC 7323 §2.2). */
    private boolean windowScaleOk;

    TcpConnection(TcpLayer layer, int remoteAddr, int remotePort, int localPort) {
        this.layer = layer;
        this.config = layer.config();
        this.remoteAddr = remoteAddr;
        this.remotePort = remotePort;
        this.localPort = localPort;
        this.key = TcpLayer.key(remoteAddr, remotePort, localPort);
        this.rcv = new ReceiveSpace(config.receiveBufferBytes());
        this.queue = new RetransmitQueue(config.sendBufferBytes());
        this.rtt = new RttEstimator(config.initialRto().toNanos(), config.minRto().toNanos(),
                config.maxRto().toNanos());
        this.rcvMss = layer.mtu() - 40; // RFC 9293 §3.7.1: MSS = MTU minus fixed IP and TCP headers
        this.snd.mss = 536;
        this.cc = new NewReno(536);
    }

    // ---------------------------------------------------------------- queries

    public TcpState state() {
        return state;
    }

    public int localPort() {
        return localPort;
    }

    public int localAddress() {
        return layer.address();
    }

    public int remoteAddress() {
        return remoteAddr;
    }

    public int remotePort() {
        return remotePort;
    }

    /** Why the connection failed ("connection refused", "connection reset by peer", ...), or null. */
    public String error() {
        return error;
    }

    /** Bytes the application can read now. */
    public int readable() {
        return rcv.readable();
    }

    /** Whether the peer's FIN has been received and all data before it read: reads return -1. */
    public boolean atEof() {
        return finReceived && rcv.readable() == 0;
    }

    /** Room in the send buffer. */
    public int writable() {
        return queue.free();
    }

    /** Bytes queued for sending and not yet acknowledged. */
    public int unacknowledged() {
        return queue.size();
    }

    public void setObserver(TcpObserver observer) {
        this.observer = observer == null ? TcpObserver.NONE : observer;
    }

    public void setNoDelay(boolean on, long now) {
        noDelay = on;
        if (on) output(now);
    }

    public boolean noDelay() {
        return noDelay;
    }

    int sendMss() {
        return snd.mss;
    }

    public long rtoNanos() {
        return rtt.rtoNanos();
    }

    public long cwnd() {
        return cc.cwnd();
    }

    /** The earliest timer deadline, or {@link Clock#NEVER}. */
    public long pollAt() {
        return Math.min(Math.min(retransmitAt, persistAt), Math.min(delayedAckAt, closeAt));
    }

    @Override
    public String toString() {
        return "tcp " + localPort + " -> " + Ipv4Address.toString(remoteAddr) + ":" + remotePort + " " + state;
    }

    // ---------------------------------------------------------------- state changes

    /** The only way the state changes: checks the arc exists in the RFC 9293 diagram, counts and traces. */
    void transitionTo(TcpState next) {
        TcpState prev = state;
        if (!prev.canMoveTo(next)) throw new IllegalStateException("no transition " + prev + " -> " + next);
        if (LOG.isLoggable(System.Logger.Level.TRACE)) LOG.log(System.Logger.Level.TRACE, this + " -> " + next);
        boolean wasEstab = prev == TcpState.ESTABLISHED || prev == TcpState.CLOSE_WAIT;
        boolean isEstab = next == TcpState.ESTABLISHED || next == TcpState.CLOSE_WAIT;
        if (wasEstab && !isEstab) layer.count(TcpCounter.tcpCurrEstab, -1);
        if (!wasEstab && isEstab) layer.count(TcpCounter.tcpCurrEstab, 1);
        state = next;
        if (next == TcpState.CLOSED || next == TcpState.LISTEN) {
            // RFC 4022: tcpAttemptFails counts SYN-SENT/SYN-RECEIVED -> CLOSED and SYN-RECEIVED -> LISTEN;
            // tcpEstabResets counts ESTABLISHED/CLOSE-WAIT -> CLOSED.
            if (prev == TcpState.SYN_SENT || prev == TcpState.SYN_RECEIVED) layer.count(TcpCounter.tcpAttemptFails, 1);
            if (wasEstab) layer.count(TcpCounter.tcpEstabResets, 1);
            retransmitAt = persistAt = delayedAckAt = closeAt = NEVER;
            if (next == TcpState.LISTEN) state = TcpState.CLOSED; // the listener lives on; this record does not
            layer.remove(this);
        }
        if (prev == TcpState.SYN_RECEIVED && listener != null) listener.onHandshakeEnded(this, next);
        observer.changed();
    }

    private void fail(String why) {
        if (error == null) error = why;
        transitionTo(TcpState.CLOSED);
    }

    // ---------------------------------------------------------------- opening

    /** Active OPEN (RFC 9293 §3.10.1): send SYN, enter SYN-SENT. */
    void openActive(long now) {
        int iss = layer.isn(localPort, remoteAddr, remotePort, now);
        snd.init(iss);
        queue.reset(iss + 1);
        transitionTo(TcpState.SYN_SENT);
        layer.count(TcpCounter.tcpActiveOpens, 1);
        sendSyn(now, false);
        startTiming(iss, now);
        retransmitAt = now + rtt.rtoNanos();
    }

    /** A SYN arrived at a listener (RFC 9293 §3.10.7.2): record IRS and options, send SYN-ACK. */
    void openPassive(TcpPacket seg, long now) {
        rcv.init(seg.seq());
        takeSynOptions(seg);
        int iss = layer.isn(localPort, remoteAddr, remotePort, now);
        snd.init(iss);
        queue.reset(iss + 1);
        snd.sndWnd = seg.window(); // RFC 7323 §2.2: the window in a SYN is never scaled
        snd.maxSndWnd = snd.sndWnd;
        snd.sndWl1 = seg.seq();
        snd.sndWl2 = iss;
        transitionTo(TcpState.SYN_RECEIVED);
        layer.count(TcpCounter.tcpPassiveOpens, 1);
        sendSyn(now, true);
        startTiming(iss, now);
        retransmitAt = now + rtt.rtoNanos();
    }

    /**
     * Options in a SYN: the peer's MSS (RFC 9293 §3.7.1: 536 when absent), and window scaling, used only when
     * both sides offer it (RFC 7323 §2.2); shifts above 14 are taken as 14 (§2.3).
     */
    private void takeSynOptions(TcpPacket seg) {
        int theirMss = seg.mssOption();
        if (theirMss < 0) theirMss = 536;
        snd.mss = Math.max(64, Math.min(theirMss, rcvMss));
        cc = new NewReno(snd.mss);
        int ws = seg.windowScaleOption();
        windowScaleOk = ws >= 0 && config.windowScaling();
        if (windowScaleOk) {
            snd.sndWndShift = Math.min(14, ws);
            rcv.rcvWndShift = ourWindowShift();
        } else {
            snd.sndWndShift = 0;
            rcv.rcvWndShift = 0;
        }
    }

    /** The smallest shift that lets the whole receive buffer be advertised (RFC 7323 §2.3). */
    private int ourWindowShift() {
        int shift = 0;
        while (shift < 14 && (config.receiveBufferBytes() >>> shift) > 65535) shift++;
        return shift;
    }

    private void sendSyn(long now, boolean withAck) {
        int flags = SYN | (withAck ? ACK_FLAG : 0);
        int shift = withAck ? (windowScaleOk ? rcv.rcvWndShift : -1) : (config.windowScaling() ? ourWindowShift() : -1);
        layer.transmit(this, flags, snd.iss, withAck ? rcv.rcvNxt : 0, synWindow(), rcvMss, shift, 0, 0);
        clearAckPending();
    }

    private int synWindow() {
        int w = Math.min(65535, rcv.window()); // RFC 7323 §2.2: the window field of a SYN is not scaled
        rcv.rcvAdv = rcv.rcvNxt + w;
        return w;
    }

    // ---------------------------------------------------------------- user calls

    /** SEND (RFC 9293 §3.10.2): queues what fits in the send buffer; returns the count, or -1 if closed. */
    public int send(byte[] b, int off, int len, long now) {
        if (finQueued || error != null || state == TcpState.CLOSED) return -1;
        int n = queue.write(b, off, len);
        if (state.synchronized_()) output(now);
        return n;
    }

    /**
     * RECEIVE (RFC 9293 §3.10.3): moves up to {@code len} bytes to the caller; 0 if none yet, -1 at the end of
     * the stream. Opening the window by enough sends a window update (RFC 1122 §4.2.3.3).
     */
    public int receive(byte[] b, int off, int len, long now) {
        int n = rcv.read(b, off, len);
        if (n == 0) return atEof() ? -1 : 0;
        if (state.synchronized_() && rcv.windowGrowth(rcvMss) > 0 && !finReceived) {
            ackNow = true;
            output(now);
        }
        return n;
    }

    /** CLOSE for the sending direction only: the FIN follows the queued data (RFC 9293 §3.10.4). */
    public void shutdownOutput(long now) {
        if (finQueued || state == TcpState.CLOSED) return;
        switch (state) {
            case SYN_SENT -> {
                fail(null);
                return;
            }
            case SYN_RECEIVED, ESTABLISHED -> {
                finQueued = true;
                if (state == TcpState.ESTABLISHED) transitionTo(TcpState.FIN_WAIT_1);
            }
            case CLOSE_WAIT -> {
                finQueued = true;
                transitionTo(TcpState.LAST_ACK);
            }
            default -> {
                return;
            }
        }
        output(now);
    }

    /**
     * CLOSE (RFC 9293 §3.10.4): FIN after the queued data. Unread received data makes it an abort instead, as
     * RFC 2525 §2.17 advises, so the peer learns its data was lost.
     */
    public void close(long now) {
        userClosed = true;
        if (state == TcpState.CLOSED) return;
        if (rcv.readable() > 0 && state.synchronized_()) {
            abort(now);
            return;
        }
        shutdownOutput(now);
        if (state == TcpState.FIN_WAIT_2) closeAt = now + config.finWait2Timeout().toNanos();
    }

    /** ABORT (RFC 9293 §3.10.5): send RST in a synchronized state and forget the connection. */
    public void abort(long now) {
        userClosed = true;
        if (state == TcpState.CLOSED) return;
        if (state.synchronized_() || state == TcpState.SYN_RECEIVED) {
            if (state != TcpState.TIME_WAIT) {
                layer.transmit(this, RST | ACK_FLAG, snd.sndNxt, rcv.rcvNxt, 0, -1, -1, 0, 0);
                layer.count(TcpCounter.tcpOutRsts, 1);
            }
        }
        if (error == null) error = "connection aborted";
        transitionTo(TcpState.CLOSED);
    }

    // ---------------------------------------------------------------- segment arrival

    /** SEGMENT ARRIVES (RFC 9293 §3.10.7) for this connection's 4-tuple. */
    void onSegment(TcpPacket seg, long now) {
        switch (state) {
            case CLOSED -> layer.replyReset(seg, remoteAddr); // §3.10.7.1
            case LISTEN -> {} // listening is done by TcpListenerState
            case SYN_SENT -> onSegmentInSynSent(seg, now); // §3.10.7.3
            default -> onSegmentSynchronized(seg, now); // §3.10.7.4
        }
        if (state != TcpState.CLOSED) output(now);
    }

    /** §3.10.7.3: SYN-SENT. */
    private void onSegmentInSynSent(TcpPacket seg, long now) {
        boolean hasAck = seg.has(ACK_FLAG);
        int ack = seg.ack();
        // First: an ACK must acknowledge our SYN: SND.UNA < SEG.ACK =< SND.NXT.
        if (hasAck && !(Seq.lt(snd.sndUna, ack) && Seq.leq(ack, snd.sndNxt))) {
            if (!seg.has(RST)) layer.sendReset(remoteAddr, localPort, remotePort, ack, 0, false);
            return;
        }
        // Second: a RST is acceptable only with an acceptable ACK (RFC 5961 §3.2 for SYN-SENT).
        if (seg.has(RST)) {
            if (hasAck) fail("connection refused");
            return;
        }
        // Fourth: the SYN.
        if (!seg.has(SYN)) return; // fifth: neither SYN nor RST, drop
        rcv.init(seg.seq());
        takeSynOptions(seg);
        snd.sndWnd = seg.window();
        snd.maxSndWnd = snd.sndWnd;
        snd.sndWl1 = seg.seq();
        snd.sndWl2 = ack;
        if (hasAck) {
            onSynAcknowledged(ack, now);
            transitionTo(TcpState.ESTABLISHED);
            ackNow = true; // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
        } else {
            // Simultaneous open (§3.5 Figure 7): SYN-RECEIVED, send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
            transitionTo(TcpState.SYN_RECEIVED);
            sendSyn(now, true);
            retransmitAt = now + rtt.rtoNanos();
        }
    }

    private void onSynAcknowledged(int ack, long now) {
        if (timing && Seq.gt(ack, rttSeq)) {
            rtt.sample(now - rttStart);
            timing = false;
        }
        snd.sndUna = ack;
        retransmits = 0;
        retransmitAt = NEVER;
    }

    /** §3.10.7.4: the synchronized states and SYN-RECEIVED, one method per step. */
    private void onSegmentSynchronized(TcpPacket seg, long now) {
        if (state == TcpState.SYN_RECEIVED && simultaneousSynAck(seg)) {
            // Deviation: in a simultaneous open the peer's SYN-ACK carries a SYN we already hold. RFC 9293's
            // acceptability test would reject it; like Linux, we take its ACK and drop the SYN.
            segSeq = seg.seq() + 1;
            segDataOff = seg.payloadOffset();
            segDataLen = 0;
            segFin = false;
            segSyn = false;
        } else if (!checkSequence(seg, now)) {
            return;
        }
        if (!checkReset(seg, now)) return;
        if (!checkSyn(seg, now)) return;
        if (!checkAck(seg, now)) return;
        // Sixth, the URG bit: jstack delivers urgent data inline and ignores the pointer (RFC 6093 §6).
        processText(seg, now);
        checkFin(now);
    }

    private boolean simultaneousSynAck(TcpPacket seg) {
        return seg.has(SYN) && seg.has(ACK_FLAG) && !seg.has(RST) && seg.seq() == rcv.irs
                && listener == null && Seq.lt(snd.sndUna, seg.ack()) && Seq.leq(seg.ack(), snd.sndMax);
    }

    /**
     * First: the acceptability test of §3.10.7.4 (four cases by SEG.LEN and RCV.WND), then trimming to the
     * window. An unacceptable segment is answered with an ACK unless it is a RST.
     */
    private boolean checkSequence(TcpPacket seg, long now) {
        int seq = seg.seq();
        int segLen = seg.segmentLength();
        int wnd = rcv.window();
        int rcvNxt = rcv.rcvNxt;
        boolean acceptable;
        if (segLen == 0) {
            acceptable = wnd == 0 ? seq == rcvNxt : Seq.inWindow(seq, rcvNxt, wnd);
        } else {
            acceptable = wnd != 0
                    && (Seq.inWindow(seq, rcvNxt, wnd) || Seq.inWindow(seq + segLen - 1, rcvNxt, wnd));
        }
        segSeq = seq;
        segDataOff = seg.payloadOffset();
        segDataLen = seg.payloadLength();
        segFin = seg.has(FIN);
        segSyn = seg.has(SYN);
        if (segSyn) segSeq++; // the SYN occupies the first sequence number
        if (!acceptable) {
            if (seg.has(RST)) return false;
            if (state == TcpState.TIME_WAIT && seg.has(FIN)) {
                // §3.10.7.4 eighth step, TIME-WAIT: a retransmitted FIN is acknowledged and restarts 2 MSL.
                closeAt = now + config.timeWaitNanos();
            }
            ackNow = true;
            // Special allowance for a zero window (§3.10.7.4): still process the ACK (and RST) of a
            // segment at RCV.NXT, e.g. a zero-window probe, but none of its data.
            if (wnd == 0 && seq == rcvNxt) {
                segDataLen = 0;
                segFin = false;
                return true;
            }
            return false;
        }
        // Trim the front (already received) and the tail (beyond the window).
        int front = rcvNxt - segSeq;
        if (front > 0) {
            int cut = Math.min(front, segDataLen);
            segSeq += cut;
            segDataOff += cut;
            segDataLen -= cut;
            if (front > cut) segFin = false; // the FIN too was old
        }
        int room = rcvNxt + wnd - segSeq;
        if (segDataLen > room) {
            segDataLen = Math.max(0, room);
            segFin = false;
        }
        return true;
    }

    /**
     * Second: RST (RFC 5961 §3.2): only a RST whose sequence number is exactly RCV.NXT resets; any other
     * in-window RST draws a challenge ACK.
     */
    private boolean checkReset(TcpPacket seg, long now) {
        if (!seg.has(RST)) return true;
        if (seg.seq() != rcv.rcvNxt) {
            challengeAck(now);
            return false;
        }
        switch (state) {
            case SYN_RECEIVED -> {
                if (listener != null) {
                    transitionTo(TcpState.LISTEN); // passive open: the listener carries on
                } else {
                    fail("connection refused");
                }
            }
            case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT -> fail("connection reset by peer");
            default -> transitionTo(TcpState.CLOSED); // CLOSING, LAST-ACK, TIME-WAIT
        }
        return false;
    }

    /**
     * Fourth: a SYN in a synchronized state (RFC 5961 §4.2, adopted by RFC 9293 §3.10.7.4) draws a challenge
     * ACK and is dropped. In SYN-RECEIVED a retransmitted SYN is answered by the SYN-ACK again.
     */
    private boolean checkSyn(TcpPacket seg, long now) {
        if (!segSyn) return true;
        if (state == TcpState.SYN_RECEIVED) {
            ackNow = true; // in SYN-RECEIVED our "ACK" is the SYN-ACK
            return false;
        }
        challengeAck(now);
        return false;
    }

    /** Fifth: the ACK field (§3.10.7.4 and RFC 5961 §5.2). */
    private boolean checkAck(TcpPacket seg, long now) {
        if (!seg.has(ACK_FLAG)) return false; // "if the ACK bit is off drop the segment and return"
        int ack = seg.ack();
        if (state == TcpState.SYN_RECEIVED) {
            if (!(Seq.lt(snd.sndUna, ack) && Seq.leq(ack, snd.sndMax))) {
                layer.sendReset(remoteAddr, localPort, remotePort, ack, 0, false); // <SEQ=SEG.ACK><CTL=RST>
                return false;
            }
            onSynAcknowledged(ack, now);
            snd.sndWnd = (long) seg.window() << snd.sndWndShift;
            snd.maxSndWnd = snd.sndWnd;
            snd.sndWl1 = seg.seq();
            snd.sndWl2 = ack;
            transitionTo(finQueued ? TcpState.FIN_WAIT_1 : TcpState.ESTABLISHED);
            if (state == TcpState.CLOSED) return false;
            return ackedInState(now);
        }
        // RFC 5961 §5.2: acceptable only within [SND.UNA - MAX.SND.WND, SND.NXT]; else challenge ACK.
        if (Seq.gt(ack, snd.sndMax) || Seq.lt(ack, snd.sndUna - (int) Math.min(snd.maxSndWnd, 1 << 30))) {
            challengeAck(now);
            return false;
        }
        long window = (long) seg.window() << snd.sndWndShift;
        if (Seq.gt(ack, snd.sndUna)) {
            onNewAck(ack, now);
        } else if (ack == snd.sndUna && isDuplicateAck(seg, window)) {
            onDuplicateAck(ack, now);
        }
        // Window update, guarded by SND.WL1/SND.WL2 against old segments (§3.10.7.4).
        if (Seq.lt(snd.sndWl1, seg.seq()) || (snd.sndWl1 == seg.seq() && Seq.leq(snd.sndWl2, ack))) {
            boolean opened = snd.sndWnd == 0 && window > 0;
            snd.sndWnd = window;
            snd.sndWl1 = seg.seq();
            snd.sndWl2 = ack;
            snd.maxSndWnd = Math.max(snd.maxSndWnd, window);
            if (opened) {
                persistAt = NEVER;
                persistBackoff = 0;
            }
            if (window == 0 && snd.inFlight() == 0) {
                // A closed window with nothing presumed in flight is the persist timer's job; the
                // retransmission count must not run out while the peer answers probes (RFC 1122 §4.2.2.17).
                retransmitAt = NEVER;
                retransmits = 0;
            }
        }
        return ackedInState(now);
    }

    /** The state-specific part of the fifth step: what the acknowledgment of our FIN does. */
    private boolean ackedInState(long now) {
        boolean finAcked = finQueued && snd.sndUna == finSeq() + 1;
        switch (state) {
            case FIN_WAIT_1 -> {
                if (finAcked) {
                    transitionTo(TcpState.FIN_WAIT_2);
                    if (userClosed) closeAt = now + config.finWait2Timeout().toNanos();
                }
            }
            case CLOSING -> {
                if (finAcked) enterTimeWait(now);
            }
            case LAST_ACK -> {
                if (finAcked) {
                    transitionTo(TcpState.CLOSED);
                    return false;
                }
            }
            default -> {}
        }
        return true;
    }

    /** RFC 5681 §2: a duplicate ACK acknowledges nothing new, carries nothing and leaves the window alone. */
    private boolean isDuplicateAck(TcpPacket seg, long window) {
        return segDataLen == 0 && seg.payloadLength() == 0 && !seg.has(SYN) && !seg.has(FIN)
                && window == snd.sndWnd && snd.sndWnd > 0 && snd.sndMax != snd.sndUna;
    }

    private void onNewAck(int ack, long now) {
        int acked = ack - snd.sndUna;
        int flight = snd.flightSize();
        queue.acknowledge(ack);
        snd.sndUna = ack;
        if (Seq.gt(ack, snd.sndNxt)) snd.sndNxt = ack;
        // RFC 6298 §3 (Karn): timing covers only a segment never retransmitted.
        if (timing && Seq.gt(ack, rttSeq)) {
            rtt.sample(now - rttStart);
            timing = false;
        }
        retransmits = 0;
        boolean partial = cc.onNewAck(ack, acked, flight);
        if (partial) retransmitFirst(now); // RFC 6582 §3.2 step 3
        // RFC 6298 §5.2: all data acknowledged: stop the timer; §5.3: new data acknowledged: restart it.
        retransmitAt = snd.sndUna == snd.sndMax ? NEVER : now + rtt.rtoNanos();
        observer.changed();
    }

    private void onDuplicateAck(int ack, long now) {
        if (cc.onDuplicateAck(ack, snd.flightSize(), snd.sndMax)) {
            // RFC 5681 §3.2 step 2: retransmit the segment that appears lost, then let cwnd (inflated in
            // step 3) admit new data.
            layer.count(TcpCounter.tcpFastRetrans, 1);
            retransmitFirst(now);
        }
    }

    /** Sends the first unacknowledged segment again without moving SND.NXT. */
    private void retransmitFirst(long now) {
        timing = false; // Karn: an ACK now may be for either copy
        int seq = snd.sndUna;
        int dataEnd = queue.end();
        int len = Math.min(snd.mss, Math.max(0, dataEnd - seq));
        boolean fin = finQueued && seq + len == finSeq() && Seq.lt(seq + len, snd.sndMax);
        if (len == 0 && !fin) return;
        layer.transmit(this, ACK_FLAG | (fin ? FIN : 0), seq, rcv.rcvNxt, advertiseWindow(), -1, -1, seq, len);
        clearAckPending();
        layer.count(TcpCounter.tcpRetransSegs, 1);
    }

    /** Seventh: segment text, in ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2 only. */
    private void processText(TcpPacket seg, long now) {
        if (segDataLen == 0) return;
        if (state != TcpState.ESTABLISHED && state != TcpState.FIN_WAIT_1 && state != TcpState.FIN_WAIT_2) return;
        ReceiveSpace.Arrival arrival = rcv.accept(segSeq, seg.buffer(), segDataOff, segDataLen);
        switch (arrival) {
            case IN_ORDER -> {
                // RFC 5681 §4.2 / RFC 1122 §4.2.3.2: an ACK at least every second full-sized segment, and
                // within the delayed-ACK limit otherwise.
                unackedBytes += segDataLen;
                rcvMssSeen = Math.min(rcvMss, Math.max(rcvMssSeen, segDataLen));
                if (unackedBytes >= 2 * rcvMssSeen || config.delayedAck().isZero()) {
                    ackNow = true;
                } else if (delayedAckAt == NEVER) {
                    delayedAckAt = now + config.delayedAck().toNanos();
                }
            }
            case FILLED_GAP -> ackNow = true; // RFC 5681 §4.2: immediately when a segment fills a gap
            case OUT_OF_ORDER -> {
                ackNow = true; // RFC 5681 §4.2: an immediate duplicate ACK for out-of-order data
                layer.count(TcpCounter.tcpOfoQueued, 1);
            }
            case DROPPED -> {
                ackNow = true;
                layer.count(TcpCounter.tcpOfoDropped, 1);
            }
        }
        if (userClosed) rcv.discard();
        observer.changed();
    }

    /**
     * Eighth: FIN, once every byte before it has arrived. A FIN behind a gap is remembered and takes effect
     * when the gap fills.
     */
    private void checkFin(long now) {
        if (state == TcpState.CLOSED || state == TcpState.LISTEN || state == TcpState.SYN_SENT) return;
        if (segFin) {
            ackNow = true;
            if (finReceived) return;
            rcv.finPending = true;
            rcv.finSeq = segSeq + segDataLen;
        }
        if (finReceived || !rcv.finPending || rcv.finSeq != rcv.rcvNxt) return;
        rcv.finPending = false;
        finReceived = true;
        rcv.rcvNxt++;
        ackNow = true;
        switch (state) {
            case SYN_RECEIVED, ESTABLISHED -> transitionTo(TcpState.CLOSE_WAIT);
            case FIN_WAIT_1 -> {
                if (snd.sndUna == finSeq() + 1) enterTimeWait(now);
                else transitionTo(TcpState.CLOSING);
            }
            case FIN_WAIT_2 -> enterTimeWait(now);
            default -> {} // CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the FIN was already taken
        }
        observer.changed();
    }

    /** TIME-WAIT for 2·MSL (RFC 9293 §3.4.2), with every other timer off. */
    private void enterTimeWait(long now) {
        transitionTo(TcpState.TIME_WAIT);
        retransmitAt = persistAt = delayedAckAt = NEVER;
        closeAt = now + config.timeWaitNanos();
    }

    private void challengeAck(long now) {
        if (layer.allowChallengeAck(now)) {
            layer.count(TcpCounter.tcpChallengeAcks, 1);
            ackNow = true;
        } else {
            layer.count(TcpCounter.tcpChallengeAcksSuppressed, 1);
        }
    }

    // ---------------------------------------------------------------- output

    private int finSeq() {
        return queue.end();
    }

    private int advertiseWindow() {
        return rcv.advertise(rcvMss);
    }

    private void clearAckPending() {
        ackNow = false;
        unackedBytes = 0;
        delayedAckAt = NEVER;
    }

    /** Sends whatever the state, windows, Nagle and pending ACKs allow. */
    void output(long now) {
        switch (state) {
            case CLOSED, LISTEN, SYN_SENT -> {
                return;
            }
            case SYN_RECEIVED -> {
                if (ackNow) sendSyn(now, true);
                return;
            }
            case TIME_WAIT -> {
                if (ackNow) sendAck();
                return;
            }
            default -> sendData(now);
        }
        if (ackNow) sendAck();
    }

    private void sendAck() {
        layer.transmit(this, ACK_FLAG, snd.sndNxt, rcv.rcvNxt, advertiseWindow(), -1, -1, 0, 0);
        clearAckPending();
    }

    private void sendData(long now) {
        boolean canSend = state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT
                || state == TcpState.FIN_WAIT_1 || state == TcpState.CLOSING || state == TcpState.LAST_ACK;
        if (!canSend) return;
        while (true) {
            int dataEnd = queue.end();
            int unsent = Math.max(0, dataEnd - snd.sndNxt);
            boolean finToSend = finQueued && Seq.leq(snd.sndNxt, dataEnd);
            if (unsent == 0 && !finToSend) break;
            int inFlight = snd.inFlight();
            long usable = Math.min(snd.sndWnd, cc.cwnd()) - inFlight;
            int len = (int) Math.max(0, Math.min(Math.min(snd.mss, unsent), usable));
            if (unsent > 0 && len == 0) {
                // RFC 9293 §3.8.6.1: with a zero window and nothing in flight, the persist timer probes it.
                if (snd.sndWnd < Math.min(snd.mss, unsent) && inFlight == 0 && persistAt == NEVER) {
                    persistAt = now + persistInterval();
                }
                break;
            }
            if (len < snd.mss && len < unsent) {
                // Less than a segment and more data waiting: only sender-side SWS avoidance's case (c) lets it
                // go: at least half the largest window the peer ever offered, with nothing in flight.
                if (!(inFlight == 0 && len >= snd.maxSndWnd / 2)) {
                    if (snd.sndWnd < snd.mss && inFlight == 0 && persistAt == NEVER) {
                        persistAt = now + persistInterval();
                    }
                    break;
                }
            } else if (len < snd.mss && inFlight > 0 && !noDelay && !finToSend) {
                // RFC 1122 §4.2.3.4 Nagle: a short segment waits while data is unacknowledged.
                break;
            }
            boolean fin = finToSend && snd.sndNxt + len == dataEnd;
            int seq = snd.sndNxt;
            boolean retransmission = Seq.lt(seq, snd.sndMax);
            int flags = ACK_FLAG | (fin ? FIN : 0) | (len > 0 && len == unsent ? PSH : 0);
            layer.transmit(this, flags, seq, rcv.rcvNxt, advertiseWindow(), -1, -1, seq, len);
            clearAckPending();
            if (retransmission) {
                layer.count(TcpCounter.tcpRetransSegs, 1);
            } else if (!timing) {
                startTiming(seq, now);
            }
            snd.sndNxt = seq + len + (fin ? 1 : 0);
            if (Seq.gt(snd.sndNxt, snd.sndMax)) snd.sndMax = snd.sndNxt;
            if (retransmitAt == NEVER) retransmitAt = now + rtt.rtoNanos(); // RFC 6298 §5.1
            persistAt = NEVER;
            persistBackoff = 0;
            if (fin) break;
        }
    }

    private void startTiming(int seq, long now) {
        timing = true;
        rttSeq = seq;
        rttStart = now;
    }

    private long persistInterval() {
        long base = Math.max(rtt.rtoNanos(), config.minRto().toNanos());
        return Math.min(config.maxRto().toNanos(), base << Math.min(persistBackoff, 20));
    }

    // ---------------------------------------------------------------- timers

    /** Runs every timer that is due at {@code now}. */
    void onTimer(long now) {
        if (closeAt <= now) {
            closeAt = NEVER;
            if (state == TcpState.TIME_WAIT) {
                transitionTo(TcpState.CLOSED); // §3.10.8: TIME-WAIT timeout
            } else if (state == TcpState.FIN_WAIT_2) {
                fail("connection timed out");
            }
            return;
        }
        if (retransmitAt <= now) onRetransmitTimeout(now);
        if (state == TcpState.CLOSED) return;
        if (persistAt <= now) onPersistTimeout(now);
        if (delayedAckAt <= now) {
            delayedAckAt = NEVER;
            ackNow = true;
        }
        output(now);
    }

    /** RFC 6298 §5.4-5.6 and RFC 5681 §3.1: retransmit the oldest, back off, restart; give up past the limit. */
    private void onRetransmitTimeout(long now) {
        boolean handshake = state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED;
        int limit = handshake ? config.maxSynRetransmissions() : config.maxRetransmissions();
        if (retransmits >= limit) {
            if (state == TcpState.SYN_RECEIVED && listener != null) {
                transitionTo(TcpState.LISTEN);
            } else {
                fail("connection timed out");
            }
            return;
        }
        retransmits++;
        layer.count(TcpCounter.tcpTimeouts, 1);
        timing = false; // Karn's algorithm
        rtt.backOff(); // §5.5
        switch (state) {
            case SYN_SENT, SYN_RECEIVED -> {
                sendSyn(now, state == TcpState.SYN_RECEIVED);
                layer.count(TcpCounter.tcpRetransSegs, 1);
            }
            default -> {
                cc.onRetransmitTimeout(snd.flightSize(), snd.sndMax);
                // Go back to SND.UNA: the congestion window (one segment now) paces the resend.
                snd.sndNxt = snd.sndUna;
                retransmitAt = NEVER;
                sendData(now);
            }
        }
        retransmitAt = snd.sndUna == snd.sndMax && !handshake ? NEVER : now + rtt.rtoNanos(); // §5.6
    }

    /**
     * RFC 9293 §3.8.6.1 / RFC 1122 §4.2.2.17: probe a zero window with one byte beyond it, backing off; the
     * connection stays open however long the window stays shut, as long as the probes are acknowledged.
     */
    private void onPersistTimeout(long now) {
        persistAt = NEVER;
        int seq = snd.sndNxt;
        if (queue.end() - seq <= 0 || snd.sndWnd >= snd.mss || snd.inFlight() > 0) return;
        layer.transmit(this, ACK_FLAG, seq, rcv.rcvNxt, advertiseWindow(), -1, -1, seq, 1);
        clearAckPending();
        layer.count(TcpCounter.tcpWindowProbes, 1);
        if (Seq.gt(seq + 1, snd.sndMax)) snd.sndMax = seq + 1;
        persistBackoff++;
        persistAt = now + persistInterval();
    }
}
