package io.jstack.tcp;

import static io.jstack.tcp.TcpPeer.PEER;
import static io.jstack.tcp.TcpPeer.PEER_ISS;
import static io.jstack.tcp.TcpPeer.PEER_PORT;
import static io.jstack.tcp.TcpPeer.PORT;
import static io.jstack.tcp.TcpPeer.flags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jstack.wire.TcpFlag;
import io.jstack.wire.TcpHeader;
import org.junit.jupiter.api.Test;

/** Reset generation (RFC 9293 §3.5.2), reset processing and RFC 5961's defences. */
class TcpResetTest {

    @Test
    void synToClosedPortGetsRstAckWithAckOfSeqPlusLenRfc9293Section3_10_7_1() {
        var p = TcpPeer.start();
        p.send(new TcpHeader(PEER_PORT, 81, 5000, 0, flags(TcpFlag.SYN), 65535, 0, 1460, -1), new byte[0]);
        var rst = p.expect();
        assertEquals(flags(TcpFlag.RST, TcpFlag.ACK), rst.flags());
        assertEquals(0, rst.seq());
        assertEquals(5001, rst.ack());
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpOutRsts));
        p.expectNothing();
    }

    @Test
    void ackToClosedPortGetsRstWithSeqOfItsAckRfc9293Section3_10_7_1() {
        var p = TcpPeer.start();
        p.send(new TcpHeader(PEER_PORT, 81, 5000, 777, flags(TcpFlag.ACK), 65535, 0, -1, -1), new byte[10]);
        var rst = p.expect();
        assertEquals(flags(TcpFlag.RST), rst.flags());
        assertEquals(777, rst.seq());
    }

    @Test
    void rstToClosedPortIsNotAnsweredRfc9293Section3_10_7_1() {
        var p = TcpPeer.start();
        p.send(new TcpHeader(PEER_PORT, 81, 5000, 777, flags(TcpFlag.RST, TcpFlag.ACK), 0, 0, -1, -1), new byte[0]);
        p.expectNothing();
    }

    @Test
    void ackToListenerGetsRstRfc9293Section3_10_7_2() {
        var p = TcpPeer.start();
        p.tcp.listen(PORT, 8);
        p.send(new TcpHeader(PEER_PORT, PORT, 5000, 4242, flags(TcpFlag.ACK), 65535, 0, -1, -1), new byte[0]);
        var rst = p.expect();
        assertEquals(flags(TcpFlag.RST), rst.flags());
        assertEquals(4242, rst.seq());
    }

    @Test
    void rstToListenerIsIgnoredRfc9293Section3_10_7_2() {
        var p = TcpPeer.start();
        p.tcp.listen(PORT, 8);
        p.send(new TcpHeader(PEER_PORT, PORT, 5000, 0, flags(TcpFlag.RST), 0, 0, -1, -1), new byte[0]);
        p.expectNothing();
    }

    @Test
    void synBeyondTheBacklogIsDropped() {
        var p = TcpPeer.start();
        p.tcp.listen(PORT, 1);
        p.send(new TcpHeader(PEER_PORT, PORT, 5000, 0, flags(TcpFlag.SYN), 65535, 0, 1460, -1), new byte[0]);
        p.expect();
        p.send(new TcpHeader(PEER_PORT + 1, PORT, 5000, 0, flags(TcpFlag.SYN), 65535, 0, 1460, -1), new byte[0]);
        p.expectNothing();
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpListenDrops));
    }

    @Test
    void rstWithAcceptableAckInSynSentRefusesTheConnectionRfc9293Section3_10_7_3() {
        var p = TcpPeer.start();
        var c = p.tcp.connect(PEER, PEER_PORT, PORT, TcpObserver.NONE, p.now());
        var syn = p.expect();
        p.send(0, syn.seq() + 1, flags(TcpFlag.RST, TcpFlag.ACK), 0, new byte[0]);
        assertEquals(TcpState.CLOSED, c.state());
        assertEquals("connection refused", c.error());
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpAttemptFails));
    }

    @Test
    void rstWithUnacceptableAckInSynSentIsIgnoredRfc5961Section3_2() {
        var p = TcpPeer.start();
        var c = p.tcp.connect(PEER, PEER_PORT, PORT, TcpObserver.NONE, p.now());
        var syn = p.expect();
        p.send(0, syn.seq() + 100, flags(TcpFlag.RST, TcpFlag.ACK), 0, new byte[0]);
        assertEquals(TcpState.SYN_SENT, c.state());
        p.expectNothing();
    }

    @Test
    void badAckInSynSentDrawsRstWithSeqOfTheAckRfc9293Section3_10_7_3() {
        var p = TcpPeer.start();
        var c = p.tcp.connect(PEER, PEER_PORT, PORT, TcpObserver.NONE, p.now());
        var syn = p.expect();
        p.send(new TcpHeader(PEER_PORT, PORT, PEER_ISS, syn.seq() + 5, flags(TcpFlag.SYN, TcpFlag.ACK), 65535, 0,
                1460, -1), new byte[0]);
        var rst = p.expect();
        assertEquals(flags(TcpFlag.RST), rst.flags());
        assertEquals(syn.seq() + 5, rst.seq());
        assertEquals(TcpState.SYN_SENT, c.state());
    }

    @Test
    void rstInSynReceivedFromPassiveOpenReturnsToListenRfc9293Section3_10_7_4() {
        var p = TcpPeer.start();
        var l = p.tcp.listen(PORT, 8);
        p.send(new TcpHeader(PEER_PORT, PORT, PEER_ISS, 0, flags(TcpFlag.SYN), 65535, 0, 1460, -1), new byte[0]);
        p.expect();
        p.send(PEER_ISS + 1, 0, flags(TcpFlag.RST), 0, new byte[0]);
        assertNull(p.tcp.connection(PEER, PEER_PORT, PORT));
        assertNull(l.accept());
        // The listener still answers a new SYN.
        p.send(new TcpHeader(PEER_PORT, PORT, 9000, 0, flags(TcpFlag.SYN), 65535, 0, 1460, -1), new byte[0]);
        assertEquals(flags(TcpFlag.SYN, TcpFlag.ACK), p.expect().flags());
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpAttemptFails));
    }

    @Test
    void badAckInSynReceivedDrawsRstRfc9293Section3_10_7_4() {
        var p = TcpPeer.start();
        p.tcp.listen(PORT, 8);
        p.send(new TcpHeader(PEER_PORT, PORT, PEER_ISS, 0, flags(TcpFlag.SYN), 65535, 0, 1460, -1), new byte[0]);
        var synAck = p.expect();
        p.send(PEER_ISS + 1, synAck.seq() + 77, flags(TcpFlag.ACK), 65535, new byte[0]);
        var rst = p.expect();
        assertEquals(flags(TcpFlag.RST), rst.flags());
        assertEquals(synAck.seq() + 77, rst.seq());
    }

    @Test
    void exactRstInEstablishedResetsTheConnectionRfc5961Section3_2() {
        var p = TcpPeer.start().established();
        p.send(p.sndNxt, 0, flags(TcpFlag.RST), 0, new byte[0]);
        assertEquals(TcpState.CLOSED, p.conn.state());
        assertEquals("connection reset by peer", p.conn.error());
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpEstabResets));
        assertEquals(0, p.tcp.counters().get(TcpCounter.tcpCurrEstab));
        p.expectNothing();
    }

    @Test
    void inWindowRstNotAtRcvNxtDrawsChallengeAckRfc5961Section3_2() {
        var p = TcpPeer.start().established();
        p.send(p.sndNxt + 100, 0, flags(TcpFlag.RST), 0, new byte[0]);
        assertEquals(TcpState.ESTABLISHED, p.conn.state());
        var ack = p.expect();
        assertEquals(flags(TcpFlag.ACK), ack.flags());
        assertEquals(p.sndNxt, ack.ack());
        assertEquals(p.iss + 1, ack.seq());
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpChallengeAcks));
    }

    @Test
    void outOfWindowRstIsDroppedSilentlyRfc5961Section3_2() {
        var p = TcpPeer.start().established();
        p.send(p.sndNxt + 1_000_000, 0, flags(TcpFlag.RST), 0, new byte[0]);
        assertEquals(TcpState.ESTABLISHED, p.conn.state());
        p.expectNothing();
    }

    @Test
    void synInEstablishedDrawsChallengeAckRfc5961Section4_2() {
        var p = TcpPeer.start().established();
        p.send(new TcpHeader(PEER_PORT, PORT, p.sndNxt + 10, 0, flags(TcpFlag.SYN), 65535, 0, 1460, -1),
                new byte[0]);
        assertEquals(TcpState.ESTABLISHED, p.conn.state());
        var ack = p.expect();
        assertEquals(flags(TcpFlag.ACK), ack.flags());
        assertEquals(p.sndNxt, ack.ack());
    }

    @Test
    void ackOfDataNeverSentDrawsChallengeAckAndIsDroppedRfc5961Section5_2() {
        var p = TcpPeer.start().established();
        byte[] data = TcpPeer.bytes(10);
        p.send(p.sndNxt, p.iss + 1 + 5000, flags(TcpFlag.ACK), 65535, data);
        var ack = p.expect();
        assertEquals(p.sndNxt, ack.ack()); // the data was not taken
        assertEquals(0, p.conn.readable());
    }

    @Test
    void challengeAcksAreRateLimitedRfc5961Section7() {
        var p = TcpPeer.start(TcpConfig.defaults().withChallengeAcksPerSecond(2)).established();
        for (int i = 0; i < 5; i++) p.send(p.sndNxt + 100 + i, 0, flags(TcpFlag.RST), 0, new byte[0]);
        p.expect();
        p.expect();
        p.expectNothing();
        assertEquals(3, p.tcp.counters().get(TcpCounter.tcpChallengeAcksSuppressed));
        p.advanceMillis(1000);
        p.send(p.sndNxt + 100, 0, flags(TcpFlag.RST), 0, new byte[0]);
        p.expect();
    }

    @Test
    void abortSendsRstAndForgetsTheConnectionRfc9293Section3_10_5() {
        var p = TcpPeer.start().established();
        p.conn.abort(p.now());
        var rst = p.expect();
        assertEquals(flags(TcpFlag.RST, TcpFlag.ACK), rst.flags());
        assertEquals(p.iss + 1, rst.seq());
        assertEquals(TcpState.CLOSED, p.conn.state());
        assertEquals(0, p.tcp.connectionCount());
    }

    @Test
    void closeWithUnreadDataResetsRfc2525Section2_17() {
        var p = TcpPeer.start().established();
        p.sendData(TcpPeer.bytes(10));
        p.conn.close(p.now());
        assertEquals(flags(TcpFlag.RST, TcpFlag.ACK), p.expect().flags());
    }

    @Test
    void badChecksumIsCountedAndDropped() {
        var p = TcpPeer.start();
        p.tcp.listen(PORT, 8);
        var h = new TcpHeader(PEER_PORT, PORT, 1, 0, flags(TcpFlag.SYN), 65535, 0, -1, -1);
        var b = java.nio.ByteBuffer.allocate(40);
        h.emit(b, 20);
        io.jstack.wire.TcpPacket.fillChecksum(b, 20, 20, PEER, TcpPeer.HOST);
        b.put(25, (byte) 1);
        io.jstack.wire.Ipv4Packet.emit(b, 0, 40, 1, 0, 64, 6, PEER, TcpPeer.HOST);
        p.link.send(b.array());
        p.expectNothing();
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpInCsumErrors));
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpInErrs));
    }
}
