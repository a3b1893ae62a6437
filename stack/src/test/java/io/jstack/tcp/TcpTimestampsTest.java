package io.jstack.tcp;

import static io.jstack.tcp.TcpPeer.MSS_1460;
import static io.jstack.tcp.TcpPeer.PEER_ISS;
import static io.jstack.tcp.TcpPeer.PEER_PORT;
import static io.jstack.tcp.TcpPeer.PORT;
import static io.jstack.tcp.TcpPeer.bytes;
import static io.jstack.tcp.TcpPeer.flags;
import static io.jstack.tcp.TcpPeer.opts;
import static io.jstack.tcp.TcpPeer.ts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.wire.TcpFlag;
import io.jstack.wire.TcpHeader;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The timestamps option: negotiation, TSval/TSecr, RTTM and PAWS (RFC 7323). */
class TcpTimestampsTest {
    private static final TcpConfig TS = TcpConfig.defaults().withTimestamps(true);
    private static final int PEER_TS = 5000;

    /** Passive open with timestamps: the peer's SYN carries TSval {@link #PEER_TS}; returns the SYN-ACK. */
    private static TcpPeer.Segment handshake(TcpPeer p) {
        p.listener = p.tcp.listen(PORT, 8);
        p.sendWithOptions(PEER_ISS, 0, flags(TcpFlag.SYN), 65535, opts(MSS_1460, ts(PEER_TS, 0)), new byte[0]);
        var synAck = p.expect();
        p.iss = synAck.seq();
        p.sendWithOptions(PEER_ISS + 1, p.iss + 1, flags(TcpFlag.ACK), 65535, ts(PEER_TS + 1, 0), new byte[0]);
        p.conn = p.listener.accept();
        return synAck;
    }

    /** The peer sends data at its current position with this TSval. */
    private static void data(TcpPeer p, int tsVal, int len) {
        p.sendWithOptions(p.sndNxt, p.iss + 1, flags(TcpFlag.ACK), 65535, ts(tsVal, 0), bytes(len));
        p.sndNxt += len;
    }

    @Test
    void synAckEchoesTheSynsTsvalWhenBothOfferTimestampsRfc7323Section3_2() {
        var p = TcpPeer.start(TS);
        var synAck = handshake(p);
        var o = synAck.options();
        assertTrue(o.timestamps);
        assertEquals(PEER_TS, o.tsEcr);
        assertEquals(p.conn.ts.clock(p.now()), o.tsVal);
        // Linux's layout: MSS, then NOP NOP TS (12 bytes) when SACK is not offered.
        byte[] raw = synAck.optionBytes();
        assertEquals(16, raw.length);
        assertArrayEquals(new byte[] {1, 1, 8, 10}, java.util.Arrays.copyOfRange(raw, 4, 8));
        assertTrue(p.conn.ts.on);
    }

    @Test
    void timestampsAreNotUsedUnlessBothSidesOfferThemRfc7323Section3_2() {
        var off = TcpPeer.start(TcpConfig.defaults().withTimestamps(false)); // jstack does not offer them
        var synAck = handshake(off);
        assertFalse(synAck.options().timestamps);
        assertFalse(off.conn.ts.on);
        var peerWithout = TcpPeer.start(TS).established(); // the peer does not offer them
        assertFalse(peerWithout.conn.ts.on);
        peerWithout.write(bytes(10));
        assertFalse(peerWithout.expect().options().timestamps);
    }

    @Test
    void activeOpenOffersTimestampsAndKeepsThemOnlyIfTheSynAckCarriesThemRfc7323Section3_2() {
        var p = TcpPeer.start(TS);
        p.conn = p.tcp.connect(TcpPeer.PEER, PEER_PORT, PORT, TcpObserver.NONE, p.now());
        var syn = p.expect();
        assertTrue(syn.options().timestamps);
        assertEquals(0, syn.options().tsEcr); // §3.2: TSecr is 0 without the ACK bit
        p.iss = syn.seq();
        p.send(new TcpHeader(PEER_PORT, PORT, PEER_ISS, p.iss + 1, flags(TcpFlag.SYN, TcpFlag.ACK), 65535, 0, 1460,
                -1), new byte[0]);
        assertFalse(p.conn.ts.on);
        assertFalse(p.expect().options().timestamps);
    }

    @Test
    void everySegmentCarriesTsvalFromTheClockAndEchoesTsRecentRfc7323Section3_2() {
        var p = TcpPeer.start(TS);
        handshake(p);
        p.advanceMillis(250);
        p.write(bytes(100));
        var seg = p.expect();
        assertEquals(p.conn.ts.clock(p.now()), seg.options().tsVal);
        assertEquals(PEER_TS + 1, seg.options().tsEcr);
        p.advanceMillis(10);
        assertEquals(seg.options().tsVal + 10, p.conn.ts.clock(p.now())); // one tick per millisecond (§5.4)
    }

    @Test
    void tsvalNeverGoesBackwardsWhenEventTimesDoRfc7323Section5_4() {
        var t = new Timestamps(1000);
        assertEquals(1005, t.clock(5_000_000L));
        assertEquals(1005, t.clock(4_000_000L)); // an event stamped a millisecond earlier, handled later
        assertEquals(1007, t.clock(7_000_000L));
    }

    @Test
    void effectiveMssLeavesRoomForTheTimestampOptionRfc9293Section3_7_1() {
        var p = TcpPeer.start(TS);
        handshake(p);
        p.conn.setNoDelay(true, p.now());
        p.write(bytes(3000));
        var first = p.expect();
        assertEquals(1448, first.data().length);
        assertEquals(20 + 12 + 1448, first.raw().length - 20); // TCP header, TS option, data: 1480 under a 1500 MTU
    }

    @Test
    void tsRecentTakesTsvalOnlyFromSegmentsAtOrBeforeLastAckSentRfc7323Section4_3() {
        var p = TcpPeer.start(TS);
        handshake(p);
        data(p, PEER_TS + 2, 1000); // starts at Last.ACK.sent: TS.Recent <- its TSval
        assertEquals(PEER_TS + 2, p.conn.ts.tsRecent);
        data(p, PEER_TS + 3, 1000); // starts beyond it (the first is not yet acknowledged): no update
        assertEquals(PEER_TS + 2, p.conn.ts.tsRecent);
        var ack = p.expect(); // the ACK of both echoes the earlier one, so the peer measures the longer RTT
        assertEquals(p.sndNxt, ack.ack());
        assertEquals(PEER_TS + 2, ack.options().tsEcr);
    }

    @Test
    void pawsDropsASegmentWithAnOldTsvalAndAcksItRfc7323Section5_3() {
        var p = TcpPeer.start(TS);
        handshake(p);
        data(p, PEER_TS + 2, 1000);
        p.advanceMillis(40);
        assertEquals(p.sndNxt, p.expect().ack());
        p.sendWithOptions(p.sndNxt, p.iss + 1, flags(TcpFlag.ACK), 65535, ts(PEER_TS - 100, 0), bytes(500));
        var dup = p.expect();
        assertEquals(p.sndNxt, dup.ack()); // the old segment's data was not taken
        assertEquals(PEER_TS + 2, dup.options().tsEcr);
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpPawsDropped));
        assertEquals(1000, p.read().length);
        // A RST is exempt from PAWS: it is judged by its sequence number alone.
        p.sendWithOptions(p.sndNxt, 0, flags(TcpFlag.RST), 0, ts(PEER_TS - 100, 0), new byte[0]);
        assertEquals(TcpState.CLOSED, p.conn.state());
    }

    @Test
    void pawsForgetsATsRecentIdleForMoreThan24DaysRfc7323Section5_5() {
        var p = TcpPeer.start(TS);
        handshake(p);
        p.clock.advance(Duration.ofDays(25)); // without polling: only the idle age matters here
        data(p, PEER_TS - 100, 10);
        assertEquals(0, p.tcp.counters().get(TcpCounter.tcpPawsDropped));
        assertEquals(10, p.read().length);
    }

    @Test
    void aSegmentWithoutTheTimestampOptionIsDroppedOnceInUseRfc7323Section3_2() {
        var p = TcpPeer.start(TS);
        handshake(p);
        p.sendData(bytes(10)); // no options
        p.advanceMillis(100);
        p.expectNothing();
        assertEquals(0, p.conn.readable());
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpTsMissingDropped));
    }

    @Test
    void rttmTakesASampleFromTheEchoedTimestampRfc7323Section4_2() {
        var p = TcpPeer.start(TS);
        handshake(p);
        long before = p.conn.rtt.srttNanos(); // the handshake's sample (0 ms under the manual clock)
        p.write(bytes(100));
        var seg = p.expect();
        p.advanceMillis(80);
        p.sendWithOptions(p.sndNxt, seg.seq() + 100, flags(TcpFlag.ACK), 65535, ts(PEER_TS + 2, seg.options().tsVal),
                new byte[0]);
        // RFC 6298 §2.3: SRTT <- 7/8 SRTT + 1/8 R, with R = 80 ms from the echoed TSval.
        assertEquals(before - before / 8 + 80_000_000L / 8, p.conn.rtt.srttNanos());
    }

    @Test
    void rttmSamplesEvenARetransmittedSegmentRfc7323Section4_2() {
        var p = TcpPeer.start(TS);
        handshake(p);
        long srttBefore = p.conn.rtt.srttNanos(); // from the handshake
        p.write(bytes(100));
        p.expect();
        p.advance(Duration.ofNanos(p.conn.rtoNanos()));
        var again = p.expect(); // the retransmission carries a new TSval
        p.advanceMillis(30);
        p.sendWithOptions(p.sndNxt, again.seq() + 100, flags(TcpFlag.ACK), 65535,
                ts(PEER_TS + 2, again.options().tsVal), new byte[0]);
        // Karn's rule would take no sample from a retransmission; RTTM does (R = 30 ms, RFC 6298 §2.3).
        assertEquals(srttBefore - srttBefore / 8 + 30_000_000L / 8, p.conn.rtt.srttNanos());
        assertEquals(200_000_000L, p.conn.rtoNanos()); // the back-off ended with the sample (min RTO 200 ms)
    }

    @Test
    void aSynWithAHigherTsvalReopensTimeWaitRfc6191Section2() {
        var p = TcpPeer.start(TS.withMsl(Duration.ofSeconds(10)));
        handshake(p);
        p.conn.close(p.now());
        var fin = p.expect();
        p.sendWithOptions(p.sndNxt, fin.seq() + 1, flags(TcpFlag.FIN, TcpFlag.ACK), 65535, ts(PEER_TS + 2, 0),
                new byte[0]);
        p.expect();
        assertEquals(TcpState.TIME_WAIT, p.conn.state());
        // A sequence number below RCV.NXT, but a newer timestamp: RFC 6191 lets it open a new connection.
        p.sendWithOptions(PEER_ISS - 5000, 0, flags(TcpFlag.SYN), 65535, opts(MSS_1460, ts(PEER_TS + 50, 0)),
                new byte[0]);
        var synAck = p.expect();
        assertEquals(flags(TcpFlag.SYN, TcpFlag.ACK), synAck.flags());
        assertEquals(PEER_ISS - 5000 + 1, synAck.ack());
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpTimeWaitReopened));
    }
}
