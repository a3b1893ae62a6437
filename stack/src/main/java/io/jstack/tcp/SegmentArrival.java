package io.jstack.tcp;

import static io.jstack.wire.TcpPacket.ACK_FLAG;
import static io.jstack.wire.TcpPacket.FIN;
import static io.jstack.wire.TcpPacket.PSH;
import static io.jstack.wire.TcpPacket.RST;
import static io.jstack.wire.TcpPacket.SYN;
import static io.jstack.wire.TcpPacket.URG;

import io.jstack.time.Clock;
import io.jstack.wire.Ipv4Address;
import io.jstack.wire.Seq;
import io.jstack.wire.TcpPacket;

/**
 * SEGMENT ARRIVES for a connection past LISTEN (RFC 9293 §3.10.7.3 and §3.10.7.4): one method per step of the
 * processing order (acceptability and trimming, RST, SYN, ACK, text, FIN), acting on its {@link TcpConnection}.
 * Holds the segment's trimmed sequence range while one segment is processed. No threads, clocks or I/O.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc9293#section-3.10.7 RFC 9293 §3.10.7
 */
final class SegmentArrival {
    private static final long NEVER = TcpConnection.NEVER;
    private final TcpConnection c;

    // The segment being processed, trimmed to the window by checkSequence.
    private int segSeq, segDataOff, segDataLen;
    private boolean segFin, segSyn;
    /** The timestamp and SACK options of the segment being processed (parsed when either is in use). */
    private final TcpOptions options = new TcpOptions();

    SegmentArrival(TcpConnection c) {
        this.c = c;
    }

    /** Parses the segment's timestamp and SACK options into this connection's reusable fields. */
    TcpOptions options(TcpPacket seg) {
        return options.parse(seg);
    }

    /** §3.10.7.3: SYN-SENT. */
    void inSynSent(TcpPacket seg, long now) {
        boolean hasAck = seg.has(ACK_FLAG);
        int ack = seg.ack();
        // First: an ACK must acknowledge our SYN: SND.UNA < SEG.ACK =< SND.NXT.
        if (hasAck && !(Seq.lt(c.snd.sndUna, ack) && Seq.leq(ack, c.snd.sndNxt))) {
            if (!seg.has(RST)) c.layer.sendReset(c.remoteAddr, c.localPort, c.remotePort, ack, 0, false);
            return;
        }
        // Second: a RST is acceptable only with an acceptable ACK (RFC 5961 §3.2 for SYN-SENT).
        if (seg.has(RST)) {
            if (hasAck) c.fail("connection refused");
            return;
        }
        // Fourth: the SYN.
        if (!seg.has(SYN)) return; // fifth: neither SYN nor RST, drop
        c.rcv.init(seg.seq());
        c.takeSynOptions(seg);
        c.snd.sndWnd = seg.window();
        c.snd.maxSndWnd = c.snd.sndWnd;
        c.snd.sndWl1 = seg.seq();
        c.snd.sndWl2 = ack;
        if (hasAck) {
            onSynAcknowledged(ack, now);
            c.transitionTo(TcpState.ESTABLISHED);
            c.ackNow = true; // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
        } else {
            // Simultaneous open (§3.5 Figure 7): SYN-RECEIVED, send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
            c.transitionTo(TcpState.SYN_RECEIVED);
            c.sendSyn(now, true);
            c.retransmitAt = now + c.rtt.rtoNanos();
        }
    }

    private void onSynAcknowledged(int ack, long now) {
        if (c.timing && Seq.gt(ack, c.rttSeq)) {
            c.rtt.sample(now - c.rttStart);
            c.timing = false;
        }
        c.snd.sndUna = ack;
        c.retransmits = 0;
        c.stalledSince = NEVER;
        c.retransmitAt = NEVER;
    }

    /** §3.10.7.4: the synchronized states and SYN-RECEIVED, one method per step. */
    void inSynchronizedState(TcpPacket seg, long now) {
        if (c.ts.on || c.sack.on) options.parse(seg);
        if (c.ts.on && !checkTimestamp(seg, now)) return;
        if (c.state == TcpState.SYN_RECEIVED && simultaneousSynAck(seg)) {
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
        if (c.ts.on) c.ts.update(options, seg.seq(), now); // RFC 7323 §4.3 (2), once the segment is acceptable
        if (!checkReset(seg, now)) return;
        if (!checkSyn(seg, now)) return;
        if (!checkAck(seg, now)) return;
        checkUrgent(seg);
        processText(seg, now);
        checkFin(now);
    }

    /**
     * Sixth, the URG bit (RFC 9293 §3.10.7.4): in ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2, RCV.UP moves up to the
     * segment's pointer and the application is told (MUST-32); the data itself stays inline (RFC 6093 §6).
     */
    private void checkUrgent(TcpPacket seg) {
        if (!seg.has(URG)) return;
        if (c.state != TcpState.ESTABLISHED && c.state != TcpState.FIN_WAIT_1 && c.state != TcpState.FIN_WAIT_2) return;
        c.urgent.onUrgentPointer(seg.seq(), seg.urgentPointer(), c.rcv.rcvNxt);
    }

    /**
     * Before the sequence check when timestamps are in use (RFC 7323 §3.2, §5.3 R1): a segment without the
     * option, or an old duplicate by PAWS, is dropped; PAWS answers it with an ACK. RSTs pass either way.
     */
    private boolean checkTimestamp(TcpPacket seg, long now) {
        if (seg.has(RST)) return true;
        if (!options.timestamps) {
            // RFC 7323 §3.2: a non-RST segment without TSopt SHOULD be silently dropped once it is in use.
            c.layer.count(TcpCounter.tcpTsMissingDropped, 1);
            return false;
        }
        if (c.ts.isOldDuplicate(options, false, now)) {
            c.layer.count(TcpCounter.tcpPawsDropped, 1);
            c.pureAckNow = true;
            return false;
        }
        return true;
    }

    private boolean simultaneousSynAck(TcpPacket seg) {
        return seg.has(SYN) && seg.has(ACK_FLAG) && !seg.has(RST) && seg.seq() == c.rcv.irs
                && c.listener == null && Seq.lt(c.snd.sndUna, seg.ack()) && Seq.leq(seg.ack(), c.snd.sndMax);
    }

    /**
     * First: the acceptability test of §3.10.7.4 (four cases by SEG.LEN and RCV.WND), then trimming to the
     * window. An unacceptable segment is answered with an ACK unless it is a RST.
     */
    private boolean checkSequence(TcpPacket seg, long now) {
        int seq = seg.seq();
        int segLen = seg.segmentLength();
        int wnd = c.rcv.window();
        int rcvNxt = c.rcv.rcvNxt;
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
            // RFC 2883 §4: data entirely below RCV.NXT is a duplicate; the ACK reports it as a D-SACK.
            if (c.sack.on && segDataLen > 0 && Seq.lt(segSeq, rcvNxt)) {
                c.sack.onDuplicate(segSeq, Seq.min(segSeq + segDataLen, rcvNxt));
            }
            if (c.state == TcpState.TIME_WAIT && seg.has(FIN)) {
                // §3.10.7.4 eighth step, TIME-WAIT: a retransmitted FIN is acknowledged and restarts 2 MSL.
                c.closeAt = now + c.config.timeWaitNanos();
            }
            c.pureAckNow = true;
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
        if (front > 0 && c.sack.on && segDataLen > 0) {
            c.sack.onDuplicate(segSeq, segSeq + Math.min(front, segDataLen)); // RFC 2883 §4: the repeated part
        }
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
        if (seg.seq() != c.rcv.rcvNxt) {
            challengeAck(now);
            return false;
        }
        switch (c.state) {
            case SYN_RECEIVED -> {
                if (c.listener != null) {
                    c.transitionTo(TcpState.LISTEN); // passive open: the listener carries on
                } else {
                    c.fail("connection refused");
                }
            }
            case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT -> c.fail("connection reset by peer");
            default -> c.transitionTo(TcpState.CLOSED); // CLOSING, LAST-ACK, TIME-WAIT
        }
        return false;
    }

    /**
     * Fourth: a SYN in a synchronized state (RFC 5961 §4.2, adopted by RFC 9293 §3.10.7.4) draws a challenge
     * ACK and is dropped. In SYN-RECEIVED a retransmitted SYN is answered by the SYN-ACK again.
     */
    private boolean checkSyn(TcpPacket seg, long now) {
        if (!segSyn) return true;
        if (c.state == TcpState.SYN_RECEIVED) {
            c.ackNow = true; // in SYN-RECEIVED our "ACK" is the SYN-ACK
            return false;
        }
        challengeAck(now);
        return false;
    }

    /** Fifth: the ACK field (§3.10.7.4 and RFC 5961 §5.2). */
    private boolean checkAck(TcpPacket seg, long now) {
        if (!seg.has(ACK_FLAG)) return false; // "if the ACK bit is off drop the segment and return"
        int ack = seg.ack();
        if (c.state == TcpState.SYN_RECEIVED) {
            if (!(Seq.lt(c.snd.sndUna, ack) && Seq.leq(ack, c.snd.sndMax))) {
                c.layer.sendReset(c.remoteAddr, c.localPort, c.remotePort, ack, 0, false); // <SEQ=SEG.ACK><CTL=RST>
                return false;
            }
            onSynAcknowledged(ack, now);
            c.snd.sndWnd = (long) seg.window() << c.snd.sndWndShift;
            c.snd.maxSndWnd = c.snd.sndWnd;
            c.snd.sndWl1 = seg.seq();
            c.snd.sndWl2 = ack;
            c.transitionTo(c.finQueued ? TcpState.FIN_WAIT_1 : TcpState.ESTABLISHED);
            if (c.state == TcpState.CLOSED) return false;
            return ackedInState(now);
        }
        // RFC 5961 §5.2: acceptable only within [SND.UNA - MAX.SND.WND, SND.NXT]; else challenge ACK.
        if (Seq.gt(ack, c.snd.sndMax) || Seq.lt(ack, c.snd.sndUna - (int) Math.min(c.snd.maxSndWnd, 1 << 30))) {
            challengeAck(now);
            return false;
        }
        long window = (long) seg.window() << c.snd.sndWndShift;
        // RFC 6675 §2: an ACK that SACKs new data is a duplicate ACK even if it carries data or a new window.
        boolean newlySacked = c.sack.on && options.sackBlocks > 0
                && c.scoreboard.update(options, Seq.max(ack, c.snd.sndUna), c.snd.sndMax);
        if (Seq.gt(ack, c.snd.sndUna)) {
            onNewAck(ack, now);
        } else if (ack == c.snd.sndUna && (isDuplicateAck(seg, window)
                || newlySacked && c.snd.sndMax != c.snd.sndUna)) {
            onDuplicateAck(ack, now);
        }
        // Window update, guarded by SND.WL1/SND.WL2 against old segments (§3.10.7.4).
        if (Seq.lt(c.snd.sndWl1, seg.seq()) || (c.snd.sndWl1 == seg.seq() && Seq.leq(c.snd.sndWl2, ack))) {
            boolean opened = c.snd.sndWnd == 0 && window > 0;
            c.snd.sndWnd = window;
            c.snd.sndWl1 = seg.seq();
            c.snd.sndWl2 = ack;
            c.snd.maxSndWnd = Math.max(c.snd.maxSndWnd, window);
            if (opened) {
                c.persistAt = NEVER;
                c.persistBackoff = 0;
            }
            if (window == 0 && c.snd.inFlight() == 0) {
                // A closed window with nothing presumed in flight is the persist timer's job; the
                // retransmission count must not run out while the peer answers probes (RFC 1122 §4.2.2.17).
                c.retransmitAt = NEVER;
                c.retransmits = 0;
        c.stalledSince = NEVER;
            }
        }
        return ackedInState(now);
    }

    /** The state-specific part of the fifth step: what the acknowledgment of our FIN does. */
    private boolean ackedInState(long now) {
        boolean finAcked = c.finQueued && c.snd.sndUna == c.finSeq() + 1;
        switch (c.state) {
            case FIN_WAIT_1 -> {
                if (finAcked) {
                    c.transitionTo(TcpState.FIN_WAIT_2);
                    if (c.userClosed) c.closeAt = now + c.config.finWait2Timeout().toNanos();
                }
            }
            case CLOSING -> {
                if (finAcked) enterTimeWait(now);
            }
            case LAST_ACK -> {
                if (finAcked) {
                    c.transitionTo(TcpState.CLOSED);
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
                && window == c.snd.sndWnd && c.snd.sndWnd > 0 && c.snd.sndMax != c.snd.sndUna;
    }

    private void onNewAck(int ack, long now) {
        int acked = ack - c.snd.sndUna;
        int flight = c.snd.flightSize();
        c.queue.acknowledge(ack);
        c.snd.sndUna = ack;
        c.urgent.onAcknowledged(ack);
        if (Seq.gt(ack, c.snd.sndNxt)) c.snd.sndNxt = ack;
        long tsRtt = c.ts.on ? c.ts.rttSampleNanos(options, now) : -1;
        if (tsRtt >= 0) {
            c.rtt.sample(tsRtt); // RFC 7323 §4.2: RTTM, a sample from the echoed timestamp
            c.timing = false;
        } else if (c.timing && Seq.gt(ack, c.rttSeq)) {
            // RFC 6298 §3 (Karn): timing covers only a segment never retransmitted.
            c.rtt.sample(now - c.rttStart);
            c.timing = false;
        }
        c.retransmits = 0;
        c.stalledSince = NEVER;
        boolean partial = c.cc.onNewAck(ack, acked, flight);
        if (c.sack.on) c.scoreboard.prune(ack);
        // RFC 6582 §3.2 step 3; with SACK, not a hole already retransmitted in this recovery (RFC 6675 §5).
        if (partial && !(c.sack.on && Seq.lt(ack, c.scoreboard.highRxt))) c.retransmitFirst(now);
        // RFC 6298 §5.2: all data acknowledged: stop the timer; §5.3: new data acknowledged: restart it.
        c.retransmitAt = c.snd.sndUna == c.snd.sndMax ? NEVER : now + c.rtt.rtoNanos();
        c.observer.changed();
    }

    private void onDuplicateAck(int ack, long now) {
        if (c.cc.onDuplicateAck(ack, c.snd.flightSize(), c.snd.sndMax)) {
            // RFC 5681 §3.2 step 2: retransmit the segment that appears lost, then let cwnd (inflated in
            // step 3) admit new data.
            c.layer.count(TcpCounter.tcpFastRetrans, 1);
            c.scoreboard.highRxt = c.snd.sndUna; // RFC 6675 §5 step (4.1): a new recovery
            c.retransmitFirst(now);
        } else if (c.sack.on && c.cc.inRecovery()) {
            // RFC 6675 §5 step (C): the room this ACK made goes to the next lost hole before any new data.
            c.retransmitNextHole(now);
        }
    }

    /** Seventh: segment text, in ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2 only. */
    private void processText(TcpPacket seg, long now) {
        if (segDataLen == 0) return;
        if (c.state != TcpState.ESTABLISHED && c.state != TcpState.FIN_WAIT_1 && c.state != TcpState.FIN_WAIT_2) return;
        int heldBefore = c.rcv.outOfOrderBytes();
        ReceiveSpace.Arrival arrival = segSeq != c.rcv.rcvNxt && !c.layer.outOfOrderFits(segDataLen)
                ? ReceiveSpace.Arrival.DROPPED // the host-wide cap on out-of-order memory
                : c.rcv.accept(segSeq, seg.buffer(), segDataOff, segDataLen);
        c.layer.adjustOutOfOrder(c.rcv.outOfOrderBytes() - heldBefore);
        if (c.sack.on && arrival != ReceiveSpace.Arrival.OUT_OF_ORDER) c.sack.prune(c.rcv.rcvNxt);
        switch (arrival) {
            case IN_ORDER -> {
                // RFC 5681 §4.2 / RFC 1122 §4.2.3.2: an ACK at least every second full-sized segment, and
                // within the delayed-ACK limit otherwise.
                c.unackedBytes += segDataLen;
                c.rcvMssSeen = Math.min(c.rcvMss, Math.max(c.rcvMssSeen, segDataLen));
                if (c.unackedBytes >= 2 * c.rcvMssSeen || c.config.delayedAck().isZero()) {
                    c.ackNow = true;
                } else if (c.delayedAckAt == NEVER) {
                    c.delayedAckAt = now + c.config.delayedAck().toNanos();
                }
            }
            case FILLED_GAP -> c.ackNow = true; // RFC 5681 §4.2: immediately when a segment fills a gap
            case OUT_OF_ORDER -> {
                c.pureAckNow = true; // RFC 5681 §4.2: an immediate duplicate ACK for out-of-order data
                if (c.sack.on) c.sack.onOutOfOrder(c.rcv, segSeq);
                c.layer.count(TcpCounter.tcpOfoQueued, 1);
            }
            case DROPPED -> {
                c.pureAckNow = true;
                c.layer.count(TcpCounter.tcpOfoDropped, 1);
            }
        }
        if (c.userClosed) c.rcv.discard();
        c.observer.changed();
    }

    /**
     * Eighth: FIN, once every byte before it has arrived. A FIN behind a gap is remembered and takes effect
     * when the gap fills.
     */
    private void checkFin(long now) {
        if (c.state == TcpState.CLOSED || c.state == TcpState.LISTEN || c.state == TcpState.SYN_SENT) return;
        if (segFin) {
            c.ackNow = true;
            if (c.finReceived) return;
            c.rcv.finPending = true;
            c.rcv.finSeq = segSeq + segDataLen;
        }
        if (c.finReceived || !c.rcv.finPending || c.rcv.finSeq != c.rcv.rcvNxt) return;
        c.rcv.finPending = false;
        c.finReceived = true;
        c.rcv.rcvNxt++;
        c.ackNow = true;
        switch (c.state) {
            case SYN_RECEIVED, ESTABLISHED -> c.transitionTo(TcpState.CLOSE_WAIT);
            case FIN_WAIT_1 -> {
                if (c.snd.sndUna == c.finSeq() + 1) enterTimeWait(now);
                else c.transitionTo(TcpState.CLOSING);
            }
            case FIN_WAIT_2 -> enterTimeWait(now);
            default -> {} // CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the FIN was already taken
        }
        c.observer.changed();
    }

    /** TIME-WAIT for 2·MSL (RFC 9293 §3.4.2), with every other timer off. */
    private void enterTimeWait(long now) {
        c.transitionTo(TcpState.TIME_WAIT);
        c.retransmitAt = c.persistAt = c.delayedAckAt = NEVER;
        c.closeAt = now + c.config.timeWaitNanos();
    }

    private void challengeAck(long now) {
        if (c.layer.allowChallengeAck(now)) {
            c.layer.count(TcpCounter.tcpChallengeAcks, 1);
            c.pureAckNow = true;
        } else {
            c.layer.count(TcpCounter.tcpChallengeAcksSuppressed, 1);
        }
    }
}
