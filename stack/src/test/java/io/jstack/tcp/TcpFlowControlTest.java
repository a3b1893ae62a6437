package io.jstack.tcp;

import static io.jstack.tcp.TcpPeer.PEER;
import static io.jstack.tcp.TcpPeer.PEER_ISS;
import static io.jstack.tcp.TcpPeer.PEER_PORT;
import static io.jstack.tcp.TcpPeer.PORT;
import static io.jstack.tcp.TcpPeer.bytes;
import static io.jstack.tcp.TcpPeer.flags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.wire.TcpFlag;
import io.jstack.wire.TcpHeader;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Windows, options, Nagle, delayed ACKs and the persist timer. */
class TcpFlowControlTest {

    @Test
    void peerMssIsHonouredRfc9293Section3_7_1() {
        var p = TcpPeer.start();
        p.tcp.listen(PORT, 8);
        p.send(new TcpHeader(PEER_PORT, PORT, PEER_ISS, 0, flags(TcpFlag.SYN), 65535, 0, 500, -1), new byte[0]);
        var synAck = p.expect();
        p.send(PEER_ISS + 1, synAck.seq() + 1, flags(TcpFlag.ACK), 65535, new byte[0]);
        p.conn = p.tcp.connection(PEER, PEER_PORT, PORT);
        p.write(bytes(1200));
        assertEquals(500, p.expect().data().length);
        assertEquals(500, p.expect().data().length);
    }

    @Test
    void missingMssOptionMeans536Rfc9293Section3_7_1() {
        var p = TcpPeer.start();
        p.tcp.listen(PORT, 8);
        p.send(new TcpHeader(PEER_PORT, PORT, PEER_ISS, 0, flags(TcpFlag.SYN), 65535, 0, -1, -1), new byte[0]);
        var synAck = p.expect();
        p.send(PEER_ISS + 1, synAck.seq() + 1, flags(TcpFlag.ACK), 65535, new byte[0]);
        p.conn = p.tcp.connection(PEER, PEER_PORT, PORT);
        assertEquals(536, p.conn.sendMss());
    }

    @Test
    void windowScaleIsUsedOnlyWhenBothSidesOfferItRfc7323Section2_2() {
        var p = TcpPeer.start(TcpConfig.defaults().withBuffers(1 << 20, 1 << 20)).established(1000, 4);
        var synAckShift = p.conn.rcv.rcvWndShift;
        assertEquals(5, synAckShift); // 1 MiB >> 5 fits in 16 bits
        // The peer's window 1000 is scaled by 16 on later segments.
        p.ack(p.iss + 1, 1000);
        assertEquals(16_000, p.conn.snd.sndWnd);
        var q = TcpPeer.start(TcpConfig.defaults().withBuffers(1 << 20, 1 << 20)).established(1000, -1);
        assertEquals(0, q.conn.rcv.rcvWndShift);
        q.ack(q.iss + 1, 1000);
        assertEquals(1000, q.conn.snd.sndWnd);
    }

    @Test
    void synAckOffersWindowScaleWhenPeerDidRfc7323Section2_2() {
        var p = TcpPeer.start();
        p.tcp.listen(PORT, 8);
        p.send(new TcpHeader(PEER_PORT, PORT, PEER_ISS, 0, flags(TcpFlag.SYN), 65535, 0, 1460, 2), new byte[0]);
        var synAck = p.expect();
        assertEquals(3, synAck.h().windowScale()); // a 256 KiB buffer needs shift 3
        assertEquals(65535, synAck.h().window()); // a SYN's window is never scaled
    }

    @Test
    void delayedAckIsSentWithinTheDelayRfc5681Section4_2() {
        var p = TcpPeer.start().established();
        p.sendData(bytes(100));
        p.expectNothing();
        p.advanceMillis(39);
        p.expectNothing();
        p.advanceMillis(1);
        assertEquals(p.sndNxt, p.expect().ack());
    }

    @Test
    void everySecondFullSegmentIsAckedAtOnceRfc5681Section4_2() {
        var p = TcpPeer.start().established();
        p.sendData(bytes(1460));
        p.expectNothing();
        p.sendData(bytes(1460));
        assertEquals(p.sndNxt, p.expect().ack());
    }

    @Test
    void nagleHoldsASmallSegmentWhileDataIsUnacknowledgedRfc1122Section4_2_3_4() {
        var p = TcpPeer.start().established();
        p.write(bytes(10));
        var first = p.expect();
        p.write(bytes(10));
        p.write(bytes(10));
        p.expectNothing();
        p.ack(first.seq() + 10, 65535);
        var coalesced = p.expect();
        assertEquals(20, coalesced.data().length);
    }

    @Test
    void noDelaySendsSmallSegmentsAtOnceRfc1122Section4_2_3_4() {
        var p = TcpPeer.start().established();
        p.conn.setNoDelay(true, p.now());
        p.write(bytes(10));
        p.expect();
        p.write(bytes(10));
        assertEquals(10, p.expect().data().length);
    }

    @Test
    void receiveWindowFollowsFreeBufferSpaceAndReopensOnReadRfc1122Section4_2_3_3() {
        var p = TcpPeer.start(TcpConfig.defaults().withBuffers(4096, 4096)).established();
        p.sendData(bytes(1400));
        p.sendData(bytes(1400));
        var ack = p.expect();
        assertEquals(4096 - 2800, ack.h().window());
        p.sendData(bytes(1296));
        p.advanceMillis(40);
        var full = p.expect();
        assertEquals(0, full.h().window());
        // Reading frees the buffer: a window update follows (at least min(buffer/2, MSS) opened).
        assertEquals(4096, p.read().length);
        var update = p.expect();
        assertEquals(4096, update.h().window());
        assertEquals(p.sndNxt, update.ack());
    }

    @Test
    void smallReadDoesNotAdvertiseASillyWindowRfc1122Section4_2_3_3() {
        var p = TcpPeer.start(TcpConfig.defaults().withBuffers(4096, 4096)).established();
        p.sendData(bytes(1400));
        p.sendData(bytes(1400));
        p.expect();
        p.sendData(bytes(1296));
        p.advanceMillis(40);
        assertEquals(0, p.expect().h().window());
        p.conn.receive(new byte[100], 0, 100, p.now());
        p.expectNothing(); // 100 bytes free is less than min(2048, 1460)
    }

    @Test
    void readThatLeavesTheAdvertisedWindowUnchangedSendsNoUpdateRfc9293Section3_8_6_2_2() {
        // 256 KiB buffer without window scaling: the field shows at most 65535, so freeing buffer space by a
        // read does not move the advertised right edge and no window update may be sent (MUST-39).
        var p = TcpPeer.start().established();
        p.sendData(bytes(1460));
        p.sendData(bytes(1460));
        var ack = p.expect();
        assertEquals(p.sndNxt, ack.ack());
        assertEquals(65535, ack.h().window());
        assertEquals(2920, p.read().length);
        p.expectNothing();
        assertEquals(0, p.conn.rcv.windowGrowth(p.conn.rcvMss));
    }

    @Test
    void readThatOpensTheScaledWindowByAnMssSendsAnUpdateRfc9293Section3_8_6_2_2() {
        var p = TcpPeer.start(TcpConfig.defaults().withBuffers(1 << 16, 1 << 16)).established(65535, 0);
        assertEquals(1, p.conn.rcv.rcvWndShift); // 64 KiB needs one bit of scale
        p.sendData(bytes(1460));
        p.sendData(bytes(1460));
        var ack = p.expect();
        // The SYN-ACK offered 65535 (unscaled): 2920 bytes later the edge stays there, less than 1 MSS short.
        assertEquals((65535 - 2920) >> 1, ack.h().window());
        assertEquals(2920, p.read().length);
        var update = p.expect();
        assertEquals(65536 >> 1, update.h().window());
    }

    @Test
    void aLazyReadOfASmallRequestLetsTheResponseCarryTheWindowUpdateRfc1122Section4_2_3_2() {
        // The SYN-ACK could offer 65535 only (RFC 7323 §2.2); reading the request opens the scaled window by far
        // more than an MSS, but the peer has used little of its window: with a lazy update (a server's read-ahead)
        // the response carries it, as one segment instead of an ACK and then the response.
        var p = TcpPeer.start().established(65535, 7);
        p.sendData(bytes(85));
        assertEquals(85, p.conn.receive(new byte[100], 0, 100, p.now(), true));
        p.expectNothing();
        p.write(bytes(200));
        var response = p.expect();
        assertEquals(200, response.data().length);
        assertEquals(p.sndNxt, response.ack());
        assertTrue(response.h().window() << p.conn.rcv.rcvWndShift > 65535, "the scaled window, opened");
        p.advanceMillis(40);
        p.expectNothing(); // nothing was left to acknowledge
    }

    @Test
    void aLazyReadAfterThePeerUsedMostOfItsWindowSendsTheUpdateAtOnceRfc1122Section4_2_3_3() {
        var p = TcpPeer.start(TcpConfig.defaults().withBuffers(8192, 8192)).established();
        p.sendData(bytes(1460));
        p.sendData(bytes(1460));
        p.expect();
        p.sendData(bytes(1460));
        p.advanceMillis(40);
        p.expect();
        assertEquals(3 * 1460, p.conn.receive(new byte[8192], 0, 8192, p.now(), true));
        var update = p.expect();
        assertEquals(8192, update.h().window(), "even a lazy update goes at once when the peer runs short");
    }

    @Test
    void zeroWindowIsProbedWithBackOffRfc9293Section3_8_6_1() {
        var p = TcpPeer.start().established();
        p.ack(p.iss + 1, 0);
        p.write(bytes(100));
        p.expectNothing();
        long rto = p.conn.rtoNanos();
        p.advance(Duration.ofNanos(rto));
        var probe = p.expect();
        assertEquals(1, probe.data().length);
        assertEquals(p.iss + 1, probe.seq());
        p.ack(p.iss + 1, 0); // still closed
        p.advance(Duration.ofNanos(2 * rto - 1));
        p.expectNothing();
        p.advance(Duration.ofNanos(1));
        assertEquals(1, p.expect().data().length);
        assertEquals(2, p.tcp.counters().get(TcpCounter.tcpWindowProbes));
        // The window opens: the data flows.
        p.ack(p.iss + 1, 65535);
        var data = p.expect();
        assertEquals(100, data.data().length);
        assertEquals(TcpState.ESTABLISHED, p.conn.state());
    }

    @Test
    void zeroWindowProbesKeepTheConnectionOpenIndefinitelyRfc1122Section4_2_2_17() {
        var p = TcpPeer.start(TcpConfig.defaults().withMaxRetransmissions(2)).established();
        p.ack(p.iss + 1, 0);
        p.write(bytes(100));
        for (int i = 0; i < 6; i++) {
            p.advance(Duration.ofSeconds(60));
            var probe = p.expect();
            assertEquals(1, probe.data().length);
            p.ack(p.iss + 1, 0);
        }
        assertEquals(TcpState.ESTABLISHED, p.conn.state());
    }

    @Test
    void sendingIsLimitedToThePeersWindowRfc9293Section3_8_6() {
        var p = TcpPeer.start().established();
        p.ack(p.iss + 1, 2000);
        p.write(bytes(5000));
        var first = p.expect();
        assertEquals(1460, first.data().length);
        // 540 bytes more fit, but sender-side SWS avoidance (RFC 1122 §4.2.3.4) waits for a fuller window.
        p.expectNothing();
        assertTrue(p.conn.unacknowledged() == 5000);
        p.ack(first.seq() + 1460, 2000);
        assertEquals(1460, p.expect().data().length);
    }
}
