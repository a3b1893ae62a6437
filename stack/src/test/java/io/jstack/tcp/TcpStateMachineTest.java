package io.jstack.tcp;

import static io.jstack.tcp.TcpPeer.PEER;
import static io.jstack.tcp.TcpPeer.PEER_ISS;
import static io.jstack.tcp.TcpPeer.PEER_PORT;
import static io.jstack.tcp.TcpPeer.PORT;
import static io.jstack.tcp.TcpPeer.bytes;
import static io.jstack.tcp.TcpPeer.flags;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.wire.TcpFlag;
import io.jstack.wire.TcpHeader;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** RFC 9293 §3.3.2 (Figure 5) and §3.5/§3.6: every arc of the state diagram. */
class TcpStateMachineTest {

    @Test
    void passiveOpenGoesListenSynReceivedEstablishedRfc9293Section3_5() {
        var p = TcpPeer.start();
        var l = p.tcp.listen(PORT, 8);
        p.send(new TcpHeader(PEER_PORT, PORT, PEER_ISS, 0, flags(TcpFlag.SYN), 65535, 0, 1460, -1), new byte[0]);
        var synAck = p.expect();
        assertEquals(flags(TcpFlag.SYN, TcpFlag.ACK), synAck.flags());
        assertEquals(PEER_ISS + 1, synAck.ack());
        assertEquals(1460, synAck.h().mss()); // ours: MTU 1500 - 40
        assertEquals(-1, synAck.h().windowScale()); // not offered by the peer, so not answered (RFC 7323 §2.2)
        var c = p.tcp.connection(PEER, PEER_PORT, PORT);
        assertEquals(TcpState.SYN_RECEIVED, c.state());
        assertNull(l.accept());
        p.send(PEER_ISS + 1, synAck.seq() + 1, flags(TcpFlag.ACK), 65535, new byte[0]);
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertEquals(c, l.accept());
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpPassiveOpens));
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpCurrEstab));
        p.expectNothing();
    }

    @Test
    void duplicateSynInSynReceivedGetsTheSameSynAckRfc9293Section3_10_7_4() {
        var p = TcpPeer.start();
        var l = p.tcp.listen(PORT, 8);
        var syn = new TcpHeader(PEER_PORT, PORT, PEER_ISS, 0, flags(TcpFlag.SYN), 65535, 0, 1460, -1);
        p.send(syn, new byte[0]);
        var first = p.expect();
        assertEquals(flags(TcpFlag.SYN, TcpFlag.ACK), first.flags());
        var c = p.tcp.connection(PEER, PEER_PORT, PORT);
        // The same SYN again, later (the ISN clock has moved 200 ms = 50000 ticks), before our RTO: an
        // unacceptable duplicate, answered by our "ACK", which in SYN-RECEIVED is the SYN-ACK, ISS unchanged.
        p.advanceMillis(200);
        p.send(syn, new byte[0]);
        var again = p.expect();
        assertEquals(flags(TcpFlag.SYN, TcpFlag.ACK), again.flags());
        assertEquals(first.seq(), again.seq());
        assertEquals(PEER_ISS + 1, again.ack());
        p.expectNothing();
        // And after a timeout retransmission of ours, a third copy still meets the same ISS.
        p.advanceMillis(1000);
        assertEquals(first.seq(), p.expect().seq());
        p.send(syn, new byte[0]);
        assertEquals(first.seq(), p.expect().seq());
        assertEquals(1, p.tcp.connectionCount());
        assertEquals(c, p.tcp.connection(PEER, PEER_PORT, PORT));
        assertEquals(TcpState.SYN_RECEIVED, c.state());
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpPassiveOpens));
        // The handshake completes on that one ISS, and the listener holds one connection.
        p.send(PEER_ISS + 1, first.seq() + 1, flags(TcpFlag.ACK), 65535, new byte[0]);
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertEquals(c, l.accept());
        assertNull(l.accept());
    }

    @Test
    void activeOpenGoesSynSentEstablishedRfc9293Section3_5() {
        var p = TcpPeer.start().activeEstablished();
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpActiveOpens));
        p.expectNothing();
    }

    @Test
    void simultaneousOpenGoesSynSentSynReceivedEstablishedRfc9293Section3_5Figure7() {
        var p = TcpPeer.start();
        var c = p.tcp.connect(PEER, PEER_PORT, PORT, TcpObserver.NONE, p.now());
        var syn = p.expect();
        // The peer's SYN crosses ours.
        p.send(new TcpHeader(PEER_PORT, PORT, PEER_ISS, 0, flags(TcpFlag.SYN), 65535, 0, 1460, -1), new byte[0]);
        assertEquals(TcpState.SYN_RECEIVED, c.state());
        var synAck = p.expect();
        assertEquals(flags(TcpFlag.SYN, TcpFlag.ACK), synAck.flags());
        assertEquals(syn.seq(), synAck.seq());
        assertEquals(PEER_ISS + 1, synAck.ack());
        // The peer's SYN-ACK of our SYN.
        p.send(new TcpHeader(PEER_PORT, PORT, PEER_ISS, syn.seq() + 1, flags(TcpFlag.SYN, TcpFlag.ACK), 65535, 0,
                1460, -1), new byte[0]);
        assertEquals(TcpState.ESTABLISHED, c.state());
    }

    @Test
    void activeCloseGoesFinWait1FinWait2TimeWaitClosedRfc9293Section3_6() {
        var p = TcpPeer.start(TcpConfig.defaults().withMsl(Duration.ofSeconds(10))).established();
        p.conn.close(p.now());
        assertEquals(TcpState.FIN_WAIT_1, p.conn.state());
        var fin = p.expect();
        assertEquals(flags(TcpFlag.FIN, TcpFlag.ACK), fin.flags());
        p.ack(fin.seq() + 1, 65535);
        assertEquals(TcpState.FIN_WAIT_2, p.conn.state());
        p.send(p.sndNxt, fin.seq() + 1, flags(TcpFlag.FIN, TcpFlag.ACK), 65535, new byte[0]);
        assertEquals(TcpState.TIME_WAIT, p.conn.state());
        var ack = p.expect();
        assertEquals(p.sndNxt + 1, ack.ack());
        p.expectNothing();
    }

    @Test
    void timeWaitLastsTwoMslThenClosesRfc9293Section3_4_2() {
        var p = TcpPeer.start(TcpConfig.defaults().withMsl(Duration.ofSeconds(10))).established();
        p.conn.close(p.now());
        var fin = p.expect();
        p.send(p.sndNxt, fin.seq() + 1, flags(TcpFlag.FIN, TcpFlag.ACK), 65535, new byte[0]);
        p.expect();
        assertEquals(TcpState.TIME_WAIT, p.conn.state());
        p.advance(Duration.ofMillis(19_999));
        assertEquals(TcpState.TIME_WAIT, p.conn.state());
        p.advance(Duration.ofMillis(1));
        assertEquals(TcpState.CLOSED, p.conn.state());
        assertEquals(0, p.tcp.connectionCount());
    }

    @Test
    void retransmittedFinInTimeWaitIsAckedAndRestartsTheTimerRfc9293Section3_10_7_4() {
        var p = TcpPeer.start(TcpConfig.defaults().withMsl(Duration.ofSeconds(10))).established();
        p.conn.close(p.now());
        var fin = p.expect();
        p.send(p.sndNxt, fin.seq() + 1, flags(TcpFlag.FIN, TcpFlag.ACK), 65535, new byte[0]);
        p.expect();
        p.advance(Duration.ofSeconds(15));
        p.send(p.sndNxt, fin.seq() + 1, flags(TcpFlag.FIN, TcpFlag.ACK), 65535, new byte[0]);
        var again = p.expect();
        assertEquals(p.sndNxt + 1, again.ack());
        p.advance(Duration.ofSeconds(15));
        assertEquals(TcpState.TIME_WAIT, p.conn.state());
        p.advance(Duration.ofSeconds(5));
        assertEquals(TcpState.CLOSED, p.conn.state());
    }

    @Test
    void synAboveRcvNxtInTimeWaitOpensANewConnectionRfc9293Section3_10_7_4May2() {
        var p = TcpPeer.start(TcpConfig.defaults().withMsl(Duration.ofSeconds(10))).established();
        var old = p.conn;
        old.close(p.now());
        var fin = p.expect();
        p.send(p.sndNxt, fin.seq() + 1, flags(TcpFlag.FIN, TcpFlag.ACK), 65535, new byte[0]);
        p.expect();
        assertEquals(TcpState.TIME_WAIT, old.state());
        p.advanceMillis(100);
        int newIss = p.sndNxt + 100_000;
        p.send(new TcpHeader(PEER_PORT, PORT, newIss, 0, flags(TcpFlag.SYN), 65535, 0, 1460, -1), new byte[0]);
        var synAck = p.expect();
        assertEquals(flags(TcpFlag.SYN, TcpFlag.ACK), synAck.flags());
        assertEquals(newIss + 1, synAck.ack());
        assertEquals(TcpState.CLOSED, old.state());
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpTimeWaitReopened));
        p.send(newIss + 1, synAck.seq() + 1, flags(TcpFlag.ACK), 65535, new byte[0]);
        var fresh = p.listener.accept();
        assertEquals(TcpState.ESTABLISHED, fresh.state());
        p.expectNothing();
    }

    @Test
    void oldSynInTimeWaitDoesNotReopenRfc9293Section3_10_7_4May2() {
        var p = TcpPeer.start(TcpConfig.defaults().withMsl(Duration.ofSeconds(10))).established();
        p.conn.close(p.now());
        var fin = p.expect();
        p.send(p.sndNxt, fin.seq() + 1, flags(TcpFlag.FIN, TcpFlag.ACK), 65535, new byte[0]);
        p.expect();
        // A SYN at or below RCV.NXT may be an old duplicate: TIME-WAIT answers it with an ACK and stays.
        p.send(new TcpHeader(PEER_PORT, PORT, PEER_ISS, 0, flags(TcpFlag.SYN), 65535, 0, 1460, -1), new byte[0]);
        var ack = p.expect();
        assertEquals(flags(TcpFlag.ACK), ack.flags());
        assertEquals(TcpState.TIME_WAIT, p.conn.state());
        assertEquals(0, p.tcp.counters().get(TcpCounter.tcpTimeWaitReopened));
    }

    @Test
    void passiveCloseGoesCloseWaitLastAckClosedRfc9293Section3_6() {
        var p = TcpPeer.start().established();
        p.send(p.sndNxt, p.iss + 1, flags(TcpFlag.FIN, TcpFlag.ACK), 65535, new byte[0]);
        assertEquals(TcpState.CLOSE_WAIT, p.conn.state());
        assertEquals(p.sndNxt + 1, p.expect().ack());
        assertEquals(-1, p.conn.receive(new byte[10], 0, 10, p.now()));
        p.conn.close(p.now());
        assertEquals(TcpState.LAST_ACK, p.conn.state());
        var fin = p.expect();
        assertTrue(fin.has(TcpFlag.FIN));
        p.sndNxt++;
        p.ack(fin.seq() + 1, 65535);
        assertEquals(TcpState.CLOSED, p.conn.state());
        assertEquals(0, p.tcp.counters().get(TcpCounter.tcpCurrEstab));
        assertEquals(0, p.tcp.counters().get(TcpCounter.tcpEstabResets));
    }

    @Test
    void simultaneousCloseGoesFinWait1ClosingTimeWaitRfc9293Section3_6Figure13() {
        var p = TcpPeer.start().established();
        p.conn.close(p.now());
        var fin = p.expect();
        // The peer's FIN crosses ours, not acknowledging it.
        p.send(p.sndNxt, p.iss + 1, flags(TcpFlag.FIN, TcpFlag.ACK), 65535, new byte[0]);
        assertEquals(TcpState.CLOSING, p.conn.state());
        assertEquals(p.sndNxt + 1, p.expect().ack());
        p.send(p.sndNxt + 1, fin.seq() + 1, flags(TcpFlag.ACK), 65535, new byte[0]);
        assertEquals(TcpState.TIME_WAIT, p.conn.state());
    }

    @Test
    void finAckedTogetherWithPeerFinGoesStraightToTimeWaitRfc9293Section3_10_7_4() {
        var p = TcpPeer.start().established();
        p.conn.close(p.now());
        var fin = p.expect();
        p.send(p.sndNxt, fin.seq() + 1, flags(TcpFlag.FIN, TcpFlag.ACK), 65535, new byte[0]);
        assertEquals(TcpState.TIME_WAIT, p.conn.state());
    }

    @Test
    void halfCloseStillDeliversDataFromThePeerRfc9293Section3_6() {
        var p = TcpPeer.start().established();
        p.conn.shutdownOutput(p.now());
        var fin = p.expect();
        p.ack(fin.seq() + 1, 65535);
        assertEquals(TcpState.FIN_WAIT_2, p.conn.state());
        byte[] data = bytes(1000);
        p.send(p.sndNxt, fin.seq() + 1, flags(TcpFlag.ACK), 65535, data);
        p.sndNxt += 1000;
        assertArrayEquals(data, p.read());
        assertEquals(-1, p.conn.send(new byte[1], 0, 1, p.now()));
        assertEquals(TcpState.FIN_WAIT_2, p.conn.state());
    }

    @Test
    void dataArrivingWithTheFinIsDeliveredBeforeEndOfStream() {
        var p = TcpPeer.start().established();
        byte[] data = bytes(100);
        p.send(p.sndNxt, p.iss + 1, flags(TcpFlag.FIN, TcpFlag.ACK, TcpFlag.PSH), 65535, data);
        assertEquals(TcpState.CLOSE_WAIT, p.conn.state());
        var ack = p.expect();
        assertEquals(p.sndNxt + 101, ack.ack());
        assertArrayEquals(data, p.read());
        assertEquals(-1, p.conn.receive(new byte[1], 0, 1, p.now()));
    }

    @Test
    void transitionOutsideTheDiagramIsRejected() {
        assertFalse(TcpState.LISTEN.canMoveTo(TcpState.ESTABLISHED));
        assertFalse(TcpState.TIME_WAIT.canMoveTo(TcpState.ESTABLISHED));
        assertTrue(TcpState.SYN_RECEIVED.canMoveTo(TcpState.LISTEN));
        var p = TcpPeer.start().established();
        assertThrows(IllegalStateException.class, () -> p.conn.transitionTo(TcpState.SYN_SENT));
    }
}
