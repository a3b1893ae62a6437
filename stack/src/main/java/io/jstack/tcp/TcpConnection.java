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

    final TcpLayer layer;
    final TcpConfig config;
    final int remoteAddr, remotePort, localPort;
    final long key;
    /** The listener of a passive open, while the connection is not yet accepted; else null. */
    TcpListenerState listener;

    TcpState state = TcpState.CLOSED;
    final SendSpace snd = new SendSpace();
    final ReceiveSpace rcv;
    final RetransmitQueue queue;
    final RttEstimator rtt;
    CongestionControl cc;
    TcpObserver observer = TcpObserver.NONE;

    // Timers, as deadlines in nanoseconds.
    long retransmitAt = NEVER;
    long persistAt = NEVER;
    long delayedAckAt = NEVER;
    long closeAt = NEVER; // TIME-WAIT expiry, or the FIN-WAIT-2 limit of an orphan
    int retransmits;
    int persistBackoff;
    /** R2 of this connection as a time (0: none, the host's retransmission count applies), RFC 1122 §4.2.3.5. */
    long userTimeoutNanos;
    /**
     * Since when the oldest unacknowledged data (or SYN) has waited for its ACK, as the first retransmission
     * timeout found it; {@link #NEVER} while nothing has timed out since the last ACK of new data.
     */
    long stalledSince = NEVER;
    // The layer's TimerQueue: this connection's heap slot (-1: none), the deadline it is filed under, and
    // whether it waits to be rescheduled.
    int timerIndex = -1;
    long timerAt;
    boolean timerTouched;
    /** Waits in the layer's list for {@link TcpLayer#flush} to call {@link #output}. */
    boolean outputPending;

    // ACK bookkeeping.
    boolean ackNow;
    /**
     * An ACK that must leave as a segment of its own, ahead of any data: the duplicate ACK for out-of-order
     * data (RFC 5681 §4.2). Piggybacked on data it would not count as a duplicate at the sender (§2).
     */
    boolean pureAckNow;
    int unackedBytes;
    /** The largest segment received so far, up to our MSS: what "full-sized" means for delayed ACKs. */
    int rcvMssSeen = 536;
    /** Our MSS: what we offer and what we count full-sized received segments by. */
    final int rcvMss;

    // RTT timing of one segment at a time (RFC 6298 §3: Karn's algorithm).
    boolean timing;
    int rttSeq;
    long rttStart;

    // The application's side.
    boolean finQueued;
    boolean userClosed;
    boolean finReceived;
    boolean noDelay;
    String error;
    /** The last soft error (an ICMP error, RFC 1122 §4.2.3.9), reported if the connection times out; or null. */
    String softError;
    /** The application asked for soft errors at once (as Linux's IP_RECVERR); the one not yet taken, or null. */
    boolean reportSoftErrors;
    String pendingSoftError;
    /** The IP type of service (DS field) octet of this connection's segments, as the application set it. */
    int tos;

    private final SegmentArrival arrival = new SegmentArrival(this);
    final KeepAlive keepAlive = new KeepAlive(this);
    final Timestamps ts;
    final SackBlocks sack = new SackBlocks();
    /** What the peer SACKed of our data (RFC 6675), used when {@code sack.on}. */
    final SendScoreboard scoreboard = new SendScoreboard();
    /** Urgent data sent and received (RFC 9293 §3.8.5). */
    final UrgentData urgent = new UrgentData();
    /** The time of the event being processed (a segment, a timer, a user call): what TSvals are taken from. */
    long now;
    /** Both sides offered window scaling (RFC 7323 §2.2). */
    boolean windowScaleOk;

    TcpConnection(TcpLayer layer, int remoteAddr, int remotePort, int localPort, TcpBuffers buffers) {
        this.layer = layer;
        this.config = layer.config();
        this.remoteAddr = remoteAddr;
        this.remotePort = remotePort;
        this.localPort = localPort;
        this.key = TcpLayer.key(remoteAddr, remotePort, localPort);
        this.rcv = new ReceiveSpace(buffers.receiveBytes(), layer.ringPool());
        this.queue = new RetransmitQueue(buffers.sendBytes(), layer.ringPool(), layer.sendChunks());
        this.rtt = new RttEstimator(config.initialRto().toNanos(), config.minRto().toNanos(),
                config.maxRto().toNanos());
        this.rcvMss = layer.mtu() - 40; // RFC 9293 §3.7.1: MSS = MTU minus fixed IP and TCP headers
        this.snd.mss = 536;
        this.cc = new NewReno(536);
        this.ts = new Timestamps(config.timestamps() ? layer.isn(remotePort, remoteAddr, localPort, 0) : 0);
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

    /** The send and receive buffers' limits. */
    public TcpBuffers buffers() {
        return new TcpBuffers(queue.free() + queue.size(), rcv.bufferMax());
    }

    /** Room in the send buffer. */
    public int writable() {
        return queue.free();
    }

    /**
     * Bytes of data acknowledged by the peer since the connection was made: each one left the send buffer. A
     * writer that hands data over without waiting ({@link #sendChunk}) counts its credit back from this.
     */
    public long sendDrained() {
        return queue.drained();
    }

    /** Bytes queued for sending and not yet acknowledged. */
    public int unacknowledged() {
        return queue.size();
    }

    public void setObserver(TcpObserver observer) {
        this.observer = observer == null ? TcpObserver.NONE : observer;
    }

    public void setNoDelay(boolean on, long now) {
        layer.touch(this);
        this.now = now;
        noDelay = on;
        if (on) output(now);
    }

    public boolean noDelay() {
        return noDelay;
    }

    /**
     * Sets the IP type of service octet (the DS field, RFC 2474) of the segments this connection sends from now on.
     * RFC 1122 §4.2.4.2 (RFC 9293 MUST-48): the application MUST be able to specify it; TCP passes it to IP
     * unchanged. Deviation: RFC 9293 §3.9.1 lets TCP keep it fixed for the connection's life; we take a change at
     * any time, as Linux does for IP_TOS.
     */
    public void setTrafficClass(int tos) {
        if (tos < 0 || tos > 255) throw new IllegalArgumentException("type of service must be 0-255: " + tos);
        this.tos = tos;
    }

    /**
     * Sets R2 for this connection as a time, as Linux's TCP_USER_TIMEOUT: once data (or a SYN) has stayed
     * unacknowledged this long, a retransmission timeout ends the connection with "connection timed out",
     * however few retransmissions that took; {@code Duration.ZERO} goes back to the host's retransmission count.
     * RFC 1122 §4.2.3.5 (RFC 9293 MUST-21): an application MUST be able to set R2 for a connection.
     */
    public void setUserTimeout(java.time.Duration timeout, long now) {
        if (timeout.isNegative()) throw new IllegalArgumentException("negative user timeout");
        layer.touch(this);
        this.now = now;
        userTimeoutNanos = timeout.toNanos();
        if (stalledSince != NEVER && retransmitAt != NEVER && userTimeoutNanos > 0) {
            retransmitAt = Math.min(retransmitAt, stalledSince + userTimeoutNanos);
        }
    }

    /** This connection's R2 as a time, or {@code Duration.ZERO} when the host's retransmission count applies. */
    public java.time.Duration userTimeout() {
        return java.time.Duration.ofNanos(userTimeoutNanos);
    }

    /**
     * Asks for soft errors (ICMP errors about this connection's segments) at once, through {@link #takeSoftError}
     * (RFC 1122 §4.2.3.9: TCP SHOULD make the information available to the application), as Linux's IP_RECVERR.
     * Without it they are only reported if the connection times out, as its {@link #error}.
     */
    public void setReportSoftErrors(boolean on) {
        reportSoftErrors = on;
        if (!on) pendingSoftError = null;
    }

    /** The soft error not yet reported to the application (see {@link #setReportSoftErrors}), cleared; or null. */
    public String takeSoftError() {
        String e = pendingSoftError;
        pendingSoftError = null;
        return e;
    }

    /** RFC 1122 §4.2.3.9: a soft error MUST NOT abort the connection; it is remembered and reported. */
    void onSoftError(String why) {
        softError = why;
        if (reportSoftErrors) pendingSoftError = why;
    }

    /** What a connection that times out reports: its last soft error if it had one (as Linux does), else the timeout. */
    String timedOutError() {
        return softError != null ? softError : "connection timed out";
    }

    /** The IP type of service octet this connection's segments carry. */
    public int trafficClass() {
        return tos;
    }

    /** Turns keep-alives on with these settings, or off with null (RFC 9293 §3.8.4: off by default). */
    public void setKeepAlive(TcpKeepAlive settings, long now) {
        layer.touch(this);
        this.now = now;
        keepAlive.set(settings, now);
    }

    /** The keep-alive settings, or null when keep-alives are off. */
    public TcpKeepAlive keepAlive() {
        return keepAlive.settings();
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
        return Math.min(Math.min(Math.min(retransmitAt, persistAt), Math.min(delayedAckAt, closeAt)), keepAlive.at);
    }

    /** Every sequence variable and timer, for diagnostics. */
    public String describe(long now) {
        return this + String.format(" sndUna=%d sndNxt=+%d sndMax=+%d sndWnd=%d cwnd=%d ssthresh=%d recovery=%b"
                        + " queued=%d finQueued=%b rcvNxt=%d rcvWnd=%d readable=%d ranges=%d finReceived=%b"
                        + " rto=%dms retransmits=%d retransmitIn=%s persistIn=%s delAckIn=%s closeIn=%s keepAliveIn=%s"
                        + " ts=%b sack=%b sackedRanges=%d error=%s",
                snd.sndUna, snd.sndNxt - snd.sndUna, snd.sndMax - snd.sndUna, snd.sndWnd, cc.cwnd(), cc.ssthresh(),
                cc.inRecovery(), queue.size(), finQueued, rcv.rcvNxt, rcv.window(), rcv.readable(),
                rcv.outOfOrderRanges(), finReceived, rtt.rtoNanos() / 1_000_000, retransmits, in(retransmitAt, now),
                in(persistAt, now), in(delayedAckAt, now), in(closeAt, now), in(keepAlive.at, now), ts.on, sack.on,
                scoreboard.ranges(), error);
    }

    private static String in(long at, long now) {
        return at == NEVER ? "never" : ((at - now) / 1_000_000) + "ms";
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
            keepAlive.stop();
            layer.adjustOutOfOrder(-rcv.outOfOrderBytes());
            if (next == TcpState.LISTEN) state = TcpState.CLOSED; // the listener lives on; this record does not
            layer.remove(this);
        }
        if (prev == TcpState.SYN_RECEIVED && listener != null) listener.onHandshakeEnded(this, next);
        observer.changed();
    }

    void fail(String why) {
        if (error == null) error = why;
        transitionTo(TcpState.CLOSED);
    }

    /** Gives the connection up as timed out, telling the peer with a RST as Linux does. */
    void timeOut(long now) {
        if (error == null) error = timedOutError();
        abort(now);
    }

    // ---------------------------------------------------------------- opening

    /** Active OPEN (RFC 9293 §3.10.1): send SYN, enter SYN-SENT. */
    void openActive(long now) {
        this.now = now;
        ts.on = config.timestamps(); // offered in our SYN; kept if the SYN-ACK carries it too
        sack.on = config.sack();
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
        this.now = now;
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
    void takeSynOptions(TcpPacket seg) {
        int theirMss = seg.mssOption();
        if (theirMss < 0) theirMss = 536;
        TcpOptions o = arrival.options(seg);
        // RFC 7323 §3.2 and RFC 2018 §2: each is used only when both SYNs carry it.
        ts.on = config.timestamps() && o.timestamps;
        if (ts.on) ts.onSyn(o, seg.seq() + 1, now);
        sack.on = config.sack() && o.sackPermitted;
        // RFC 9293 §3.7.1: Eff.snd.MSS leaves room for the options every segment carries (RFC 6691 §2).
        snd.mss = Math.max(64, Math.min(theirMss, rcvMss) - (ts.on ? 12 : 0));
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
        while (shift < 14 && (rcv.bufferMax() >>> shift) > 65535) shift++;
        return shift;
    }

    void sendSyn(long now, boolean withAck) {
        int flags = SYN | (withAck ? ACK_FLAG : 0);
        int shift = withAck ? (windowScaleOk ? rcv.rcvWndShift : -1) : (config.windowScaling() ? ourWindowShift() : -1);
        layer.transmit(this, flags, snd.iss, withAck ? rcv.rcvNxt : 0, synWindow(), rcvMss, shift, 0, 0);
        clearAckPending();
    }

    private int synWindow() {
        int w = Math.min(65535, rcv.window()); // RFC 7323 §2.2: the window field of a SYN is not scaled
        rcv.rcvAdv = rcv.rcvNxt + w;
        rcv.advertisedWindow = w;
        return w;
    }

    /**
     * RFC 9293 §3.10.7.4 (MAY-2, from RFC 1122 §4.2.2.13): a SYN arriving in TIME-WAIT MAY reopen the connection
     * when its sequence number is above the old incarnation's RCV.NXT, so it cannot be an old duplicate.
     */
    boolean yieldsToNewSyn(TcpPacket seg) {
        if (state != TcpState.TIME_WAIT || !seg.has(SYN) || seg.has(ACK_FLAG) || seg.has(RST)) return false;
        TcpOptions o = arrival.options(seg);
        // RFC 6191 §2: with timestamps on both incarnations, a TSval above TS.Recent tells the new one apart.
        if (ts.on && o.timestamps) return Seq.gt(o.tsVal, ts.tsRecent);
        return Seq.gt(seg.seq(), rcv.rcvNxt);
    }

    // ---------------------------------------------------------------- user calls

    /** SEND (RFC 9293 §3.10.2): queues what fits in the send buffer; returns the count, or -1 if closed. */
    public int send(byte[] b, int off, int len, long now) {
        layer.touch(this);
        this.now = now;
        if (finQueued || error != null || state == TcpState.CLOSED) return -1;
        int n = queue.write(b, off, len);
        if (state.isSynchronized()) output(now);
        return n;
    }

    /**
     * As {@link #send}, but the segments leave when the host flushes at the end of its current batch of tasks
     * ({@link TcpLayer#flush}), not inside this call: a thread waiting for the count goes on (say, preparing its
     * next write) while the loop writes the packets.
     */
    public int sendLater(byte[] b, int off, int len, long now) {
        layer.touch(this);
        this.now = now;
        if (finQueued || error != null || state == TcpState.CLOSED) return -1;
        int n = queue.write(b, off, len);
        if (state.isSynchronized() && n > 0) layer.outputLater(this);
        return n;
    }

    /**
     * As {@link #sendLater}, but takes {@code chunk} (an array from {@link TcpLayer#sendChunks()} that the caller
     * filled and gives up) with its first {@code len} bytes, without copying them: the queue keeps the chunk until
     * they are acknowledged. All or nothing: returns {@code len}, or -1 (the chunk given back to the pool) if the
     * connection sends no more data or they do not fit in the send buffer.
     */
    public int sendChunk(byte[] chunk, int len, long now) {
        layer.touch(this);
        this.now = now;
        if (finQueued || error != null || state == TcpState.CLOSED || !queue.append(chunk, len)) {
            layer.sendChunks().give(chunk);
            return -1;
        }
        if (state.isSynchronized() && len > 0) layer.outputLater(this);
        return len;
    }

    /**
     * SEND with the URGENT flag (RFC 9293 §3.10.2): as {@link #send}, and the octets queued become urgent: SND.UP
     * goes to the octet after them, and the URG bit goes out until they are acknowledged (§3.8.5, MUST-30).
     */
    public int sendUrgent(byte[] b, int off, int len, long now) {
        layer.touch(this);
        this.now = now;
        if (finQueued || error != null || state == TcpState.CLOSED) return -1;
        int n = queue.write(b, off, len);
        if (n > 0) urgent.markSent(queue.end());
        if (state.isSynchronized()) output(now);
        return n;
    }

    /** RFC 9293 §3.8.5 (MUST-32): urgent data has arrived that the application has not read past yet. */
    public boolean urgentPending() {
        return urgent.pending(rcv.rcvNxt);
    }

    /**
     * RFC 9293 §3.8.5 (MUST-33): whether the next octet to read is the urgent mark, the last urgent octet; reads
     * stop in front of it, so the application counts the urgent data it reads up to the mark.
     */
    public boolean atUrgentMark() {
        return urgent.atMark(readSeq());
    }

    /** The sequence number of the next octet the application reads. */
    private int readSeq() {
        return rcv.rcvNxt - rcv.readable() - (finReceived ? 1 : 0);
    }

    /**
     * RECEIVE (RFC 9293 §3.10.3): moves up to {@code len} bytes to the caller; 0 if none yet, -1 at the end of
     * the stream. Opening the window by enough sends a window update (RFC 1122 §4.2.3.3). A read stops in front
     * of the urgent mark (RFC 9293 §3.8.5), as Linux's does.
     */
    public int receive(byte[] b, int off, int len, long now) {
        return receive(b, off, len, now, false);
    }

    /**
     * As {@link #receive(byte[], int, int, long)}; with {@code lazyWindowUpdate} a window update the read makes goes
     * at once only if the peer has used half the window it was offered when the right edge last moved, and
     * otherwise rides on the next segment sent or leaves with the delayed ACK (RFC 1122 §4.2.3.2). For a read made
     * on the application's behalf just before it answers (a server's read-ahead of a request): the answer carries
     * the update instead of a pure ACK going first.
     */
    public int receive(byte[] b, int off, int len, long now, boolean lazyWindowUpdate) {
        layer.touch(this);
        this.now = now;
        int readSeq = readSeq();
        int n = rcv.read(b, off, urgent.readLimit(readSeq, len));
        urgent.onRead(readSeq + n);
        if (n == 0) return atEof() ? -1 : 0;
        if (state.isSynchronized() && rcv.windowGrowth(rcvMss) > 0 && !finReceived) {
            if (!lazyWindowUpdate || rcv.windowRunningShort()) {
                ackNow = true;
                output(now);
            } else if (delayedAckAt == NEVER) {
                delayedAckAt = now + config.delayedAck().toNanos();
            }
        }
        return n;
    }

    /** CLOSE for the sending direction only: the FIN follows the queued data (RFC 9293 §3.10.4). */
    public void shutdownOutput(long now) {
        layer.touch(this);
        this.now = now;
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
        layer.touch(this);
        this.now = now;
        userClosed = true;
        if (state == TcpState.CLOSED) return;
        if (rcv.readable() > 0 && state.isSynchronized()) {
            abort(now);
            return;
        }
        shutdownOutput(now);
        if (state == TcpState.FIN_WAIT_2) closeAt = now + config.finWait2Timeout().toNanos();
    }

    /** ABORT (RFC 9293 §3.10.5): send RST in a synchronized state and forget the connection. */
    public void abort(long now) {
        layer.touch(this);
        this.now = now;
        userClosed = true;
        if (state == TcpState.CLOSED) return;
        if (state.isSynchronized() || state == TcpState.SYN_RECEIVED) {
            if (state != TcpState.TIME_WAIT) {
                layer.transmit(this, RST | ACK_FLAG, snd.sndMax, rcv.rcvNxt, 0, -1, -1, 0, 0);
                layer.count(TcpCounter.tcpOutRsts, 1);
            }
        }
        if (error == null) error = "connection aborted";
        transitionTo(TcpState.CLOSED);
    }

    // ---------------------------------------------------------------- segment arrival

    /** SEGMENT ARRIVES (RFC 9293 §3.10.7) for this connection's 4-tuple. */
    void onSegment(TcpPacket seg, long now) {
        this.now = now;
        switch (state) {
            case CLOSED -> layer.replyReset(seg, remoteAddr); // §3.10.7.1
            case LISTEN -> {} // listening is done by TcpListenerState
            case SYN_SENT -> arrival.inSynSent(seg, now); // §3.10.7.3
            default -> {
                keepAlive.onSegmentReceived(now);
                arrival.inSynchronizedState(seg, now); // §3.10.7.4
            }
        }
        if (state != TcpState.CLOSED) output(now);
    }

    /** Sends the first unacknowledged segment again without moving SND.NXT. */
    void retransmitFirst(long now) {
        timing = false; // Karn: an ACK now may be for either copy
        int seq = snd.sndUna;
        int dataEnd = queue.end();
        int len = Math.min(snd.mss, Math.max(0, dataEnd - seq));
        // RFC 6675 §4: with SACK, only the hole: bytes the receiver reported holding are not sent again.
        if (sack.on && scoreboard.ranges() > 0) len = Math.min(len, scoreboard.holeEnd(seq, dataEnd) - seq);
        boolean fin = finQueued && seq + len == finSeq() && Seq.lt(seq + len, snd.sndMax);
        if (len == 0 && !fin) return;
        layer.transmit(this, ACK_FLAG | (fin ? FIN : 0), seq, rcv.rcvNxt, advertiseWindow(), -1, -1, seq, len);
        clearAckPending();
        layer.count(TcpCounter.tcpRetransSegs, 1);
        if (sack.on && Seq.gt(seq + len, scoreboard.highRxt)) scoreboard.highRxt = seq + len;
    }

    /**
     * RFC 6675 §5 step (C), NextSeg rule (1): during recovery, one segment of the next hole the scoreboard deems
     * lost, on the room a duplicate ACK made; true if one was sent.
     */
    boolean retransmitNextHole(long now) {
        int limit = Seq.min(queue.end(), snd.sndMax);
        if (!scoreboard.findLostHole(snd.sndUna, limit, snd.mss)) return false;
        int seq = scoreboard.hole;
        int len = Math.min(snd.mss, scoreboard.holeEnd(seq, limit) - seq);
        if (len <= 0) return false;
        timing = false;
        layer.transmit(this, ACK_FLAG, seq, rcv.rcvNxt, advertiseWindow(), -1, -1, seq, len);
        clearAckPending();
        layer.count(TcpCounter.tcpRetransSegs, 1);
        layer.count(TcpCounter.tcpSackRetrans, 1);
        scoreboard.highRxt = seq + len;
        cc.onHoleRetransmitted(len);
        return true;
    }

    // ---------------------------------------------------------------- output

    int finSeq() {
        return queue.end();
    }

    int advertiseWindow() {
        return rcv.advertise(rcvMss);
    }

    void clearAckPending() {
        ackNow = false;
        pureAckNow = false;
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
                if (ackNow || pureAckNow) sendSyn(now, true);
                return;
            }
            case TIME_WAIT -> {
                if (ackNow || pureAckNow) sendAck();
                return;
            }
            default -> {
                if (pureAckNow) sendAck();
                sendData(now);
            }
        }
        if (ackNow || pureAckNow) sendAck();
    }

    /**
     * A segment without data. Its sequence number is the highest sent (SND.NXT of RFC 9293, our sndMax): after
     * a timeout our next-to-send pointer goes back, but an ACK below the peer's RCV.NXT would fail its
     * acceptability test and be dropped with the acknowledgment it carries.
     */
    private void sendAck() {
        layer.transmit(this, ACK_FLAG, snd.sndMax, rcv.rcvNxt, advertiseWindow(), -1, -1, 0, 0);
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
            // RFC 3042 limited transmit: the first two duplicate ACKs each let one new segment out beyond cwnd,
            // so that a small window still produces the three duplicates fast retransmit needs.
            int dup = cc.dupAcks();
            long extra = !cc.inRecovery() && dup > 0 && dup < 3 && snd.sndNxt == snd.sndMax ? (long) dup * snd.mss : 0;
            long usable = Math.min(snd.sndWnd, cc.cwnd() + extra) - inFlight;
            // Urgent data leaves in segments of our own cutting: each needs its own urgent pointer.
            int burst = urgent.sending ? snd.mss : layer.burstBytes(snd.mss);
            int len = (int) Math.max(0, Math.min(Math.min(burst, unsent), usable));
            if (len > snd.mss && len % snd.mss != 0 && !(len == unsent && (noDelay || finToSend))) {
                // Several segments at once for the link to cut (segmentation offload): only whole ones, unless
                // the short tail would have left on its own too (no Nagle wait: RFC 1122 §4.2.3.4).
                len -= len % snd.mss;
            }
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
            } else if (len < snd.mss && inFlight > 0 && !noDelay && !finToSend && !urgent.sending) {
                // RFC 1122 §4.2.3.4 Nagle: a short segment waits while data is unacknowledged. Not in urgent
                // mode: urgent data is meant to reach the peer at once (RFC 9293 §3.8.5), and Linux lets it go.
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

    void startTiming(int seq, long now) {
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
        this.now = now;
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
        if (keepAlive.at <= now) keepAlive.onTimeout(now);
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
        // The timer ran one RTO since the last ACK of new data (RFC 6298 §5.3) or since the first send.
        if (stalledSince == NEVER) stalledSince = now - rtt.rtoNanos();
        // RFC 1122 §4.2.3.5: with R2 set by the application as a time, that time decides instead of the count.
        boolean expired = userTimeoutNanos > 0 ? now - stalledSince >= userTimeoutNanos : retransmits >= limit;
        if (expired) {
            if (state == TcpState.SYN_RECEIVED && listener != null) {
                transitionTo(TcpState.LISTEN);
            } else {
                fail(timedOutError());
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
                scoreboard.clear(); // RFC 2018 §8: after a timeout, SACKed data is sent again too
                // Go back to SND.UNA: the congestion window (one segment now) paces the resend.
                snd.sndNxt = snd.sndUna;
                retransmitAt = NEVER;
                sendData(now);
            }
        }
        retransmitAt = snd.sndUna == snd.sndMax && !handshake ? NEVER : now + rtt.rtoNanos(); // §5.6
        // As Linux does, the last timeout falls when the user timeout runs out, not a whole RTO later.
        if (userTimeoutNanos > 0 && retransmitAt != NEVER) {
            retransmitAt = Math.min(retransmitAt, stalledSince + userTimeoutNanos);
        }
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
