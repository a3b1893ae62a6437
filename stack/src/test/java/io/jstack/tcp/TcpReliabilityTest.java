package io.jstack.tcp;

import static io.jstack.tcp.TcpPeer.PEER;
import static io.jstack.tcp.TcpPeer.PEER_PORT;
import static io.jstack.tcp.TcpPeer.PORT;
import static io.jstack.tcp.TcpPeer.bytes;
import static io.jstack.tcp.TcpPeer.flags;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.wire.TcpFlag;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Retransmission (RFC 6298), fast retransmit (RFC 5681 §3.2) and giving up (RFC 1122 §4.2.3.5). */
class TcpReliabilityTest {

    @Test
    void synIsRetransmittedAfterOneSecondThenTwoRfc6298Section5_5() {
        var p = TcpPeer.start();
        p.tcp.connect(PEER, PEER_PORT, PORT, TcpObserver.NONE, p.now());
        var syn = p.expect();
        p.advanceMillis(999);
        p.expectNothing();
        p.advanceMillis(1);
        var again = p.expect();
        assertEquals(syn.h(), again.h());
        p.advanceMillis(1999);
        p.expectNothing();
        p.advanceMillis(1);
        assertEquals(syn.h(), p.expect().h());
    }

    @Test
    void connectionGivesUpAfterTheConfiguredRetransmissionsRfc1122Section4_2_3_5() {
        var p = TcpPeer.start(TcpConfig.defaults().withMaxRetransmissions(3)).established();
        p.write(bytes(100));
        p.expect();
        long rto = p.conn.rtoNanos();
        for (int i = 0; i < 3; i++) {
            p.advance(Duration.ofNanos(rto));
            assertEquals(100, p.expect().data().length);
            rto = Math.min(rto * 2, 60_000_000_000L);
        }
        p.advance(Duration.ofNanos(rto));
        assertEquals(TcpState.CLOSED, p.conn.state());
        assertEquals("connection timed out", p.conn.error());
    }

    @Test
    void rtoComesFromTheMeasuredRttRfc6298Section2() {
        var p = TcpPeer.start(TcpConfig.defaults().withMinRto(Duration.ofMillis(1)));
        p.tcp.listen(PORT, 8);
        p.send(new io.jstack.wire.TcpHeader(PEER_PORT, PORT, TcpPeer.PEER_ISS, 0, flags(TcpFlag.SYN), 65535, 0, 1460,
                -1), new byte[0]);
        var synAck = p.expect();
        p.advanceMillis(100);
        p.send(TcpPeer.PEER_ISS + 1, synAck.seq() + 1, flags(TcpFlag.ACK), 65535, new byte[0]);
        p.conn = p.tcp.connection(PEER, PEER_PORT, PORT);
        // First sample 100 ms: SRTT 100, RTTVAR 50, RTO = 100 + 4 * 50.
        assertEquals(300_000_000L, p.conn.rtoNanos());
        p.write(bytes(100));
        var seg = p.expect();
        p.advanceMillis(40);
        p.ack(seg.seq() + 100, 65535);
        // Second sample 40 ms: RTTVAR = 3/4 * 50 + 1/4 * 60 = 52.5, SRTT = 7/8 * 100 + 1/8 * 40 = 92.5.
        assertEquals(92_500_000L + 4 * 52_500_000L, p.conn.rtoNanos());
    }

    @Test
    void retransmittedSegmentGivesNoRttSampleKarnRfc6298Section3() {
        var p = TcpPeer.start().established();
        long before = p.conn.rtoNanos();
        p.write(bytes(100));
        var seg = p.expect();
        p.advance(Duration.ofNanos(before));
        p.expect(); // retransmission
        p.advanceMillis(10);
        p.ack(seg.seq() + 100, 65535);
        assertEquals(before * 2, p.conn.rtoNanos()); // backed-off RTO kept: no sample was taken
    }

    @Test
    void dataIsRetransmittedWithBackOffRfc6298Section5_4To5_6() {
        var p = TcpPeer.start().established();
        p.write(bytes(100));
        var seg = p.expect();
        long rto = p.conn.rtoNanos();
        p.advance(Duration.ofNanos(rto - 1));
        p.expectNothing();
        p.advance(Duration.ofNanos(1));
        var r1 = p.expect();
        assertEquals(seg.seq(), r1.seq());
        assertArrayEquals(seg.data(), r1.data());
        p.advance(Duration.ofNanos(2 * rto - 1));
        p.expectNothing();
        p.advance(Duration.ofNanos(1));
        assertEquals(seg.seq(), p.expect().seq());
        assertEquals(2, p.tcp.counters().get(TcpCounter.tcpRetransSegs));
    }

    @Test
    void threeDuplicateAcksTriggerFastRetransmitRfc5681Section3_2() {
        var p = TcpPeer.start().established();
        p.write(bytes(1460 * 3));
        var s1 = p.expect();
        var s2 = p.expect();
        var s3 = p.expect();
        assertEquals(1460, s1.data().length);
        p.ack(s1.seq() + 1460, 65535); // s1 arrived
        // cwnd grew to 4*1460: the fourth and fifth segment go out when written
        p.write(bytes(1460 * 2));
        var s4 = p.expect();
        p.expect();
        // s2 lost: the peer acks s1's end for s3, s4, s5
        p.ack(s2.seq(), 65535);
        p.ack(s2.seq(), 65535);
        p.expectNothing();
        p.ack(s2.seq(), 65535);
        var fast = p.expect();
        assertEquals(s2.seq(), fast.seq());
        assertEquals(1460, fast.data().length);
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpFastRetrans));
        assertTrue(s4.seq() > s3.seq());
    }

    @Test
    void windowUpdateAfterAllAckedStopsTheRetransmissionTimerRfc6298Section5_2() {
        var p = TcpPeer.start().established();
        p.write(bytes(100));
        var s = p.expect();
        p.ack(s.seq() + 100, 65535);
        assertEquals(TcpConnection.NEVER, p.conn.pollAt());
    }

    @Test
    void outOfOrderDataIsHeldAndDeliveredWhenTheGapFillsRfc9293Section3_10_7_4() {
        var p = TcpPeer.start().established();
        byte[] data = bytes(3000);
        int base = p.sndNxt;
        int ack = p.iss + 1;
        p.send(base + 1000, ack, flags(TcpFlag.ACK), 65535, Arrays.copyOfRange(data, 1000, 2000));
        var dup1 = p.expect(); // immediate duplicate ACK, RFC 5681 §4.2
        assertEquals(base, dup1.ack());
        p.send(base + 2000, ack, flags(TcpFlag.ACK), 65535, Arrays.copyOfRange(data, 2000, 3000));
        assertEquals(base, p.expect().ack());
        assertEquals(0, p.conn.readable());
        p.send(base, ack, flags(TcpFlag.ACK), 65535, Arrays.copyOfRange(data, 0, 1000));
        var full = p.expect(); // immediate ACK: the segment filled the gap
        assertEquals(base + 3000, full.ack());
        assertArrayEquals(data, p.read());
    }

    @Test
    void overlappingAndDuplicateSegmentsDeliverEachByteOnce() {
        var p = TcpPeer.start().established();
        byte[] data = bytes(3000);
        int base = p.sndNxt;
        int ack = p.iss + 1;
        p.send(base + 500, ack, flags(TcpFlag.ACK), 65535, Arrays.copyOfRange(data, 500, 1500));
        p.send(base + 2000, ack, flags(TcpFlag.ACK), 65535, Arrays.copyOfRange(data, 2000, 3000));
        p.send(base + 1000, ack, flags(TcpFlag.ACK), 65535, Arrays.copyOfRange(data, 1000, 2400));
        p.send(base + 500, ack, flags(TcpFlag.ACK), 65535, Arrays.copyOfRange(data, 500, 1500));
        assertEquals(1, p.conn.rcv.outOfOrderRanges());
        p.send(base, ack, flags(TcpFlag.ACK), 65535, Arrays.copyOfRange(data, 0, 800));
        p.send(base, ack, flags(TcpFlag.ACK), 65535, Arrays.copyOfRange(data, 0, 800));
        assertArrayEquals(data, p.read());
    }

    @Test
    void finBehindAGapTakesEffectWhenTheGapFills() {
        var p = TcpPeer.start().established();
        int base = p.sndNxt;
        p.send(base + 10, p.iss + 1, flags(TcpFlag.ACK, TcpFlag.FIN), 65535, bytes(10));
        assertEquals(TcpState.ESTABLISHED, p.conn.state());
        p.send(base, p.iss + 1, flags(TcpFlag.ACK), 65535, bytes(10));
        assertEquals(TcpState.CLOSE_WAIT, p.conn.state());
        assertEquals(20, p.read().length);
    }
}
