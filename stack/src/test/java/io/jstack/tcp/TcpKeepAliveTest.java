package io.jstack.tcp;

import static io.jstack.tcp.TcpPeer.bytes;
import static io.jstack.tcp.TcpPeer.flags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.time.Clock;
import io.jstack.wire.TcpFlag;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Keep-alives (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6). */
class TcpKeepAliveTest {
    private static final TcpKeepAlive ONE_SECOND = new TcpKeepAlive(Duration.ofSeconds(1), Duration.ofSeconds(1), 3);

    @Test
    void keepAlivesAreOffByDefaultRfc9293Section3_8_4() {
        var p = TcpPeer.start().established();
        assertEquals(null, p.conn.keepAlive());
        assertEquals(Clock.NEVER, p.conn.pollAt());
        p.advance(Duration.ofHours(3));
        p.expectNothing();
        assertEquals(TcpState.ESTABLISHED, p.conn.state());
    }

    @Test
    void defaultIdleTimeIsAtLeastTwoHoursRfc1122Section4_2_3_6() {
        assertTrue(TcpKeepAlive.defaults().idle().compareTo(Duration.ofHours(2)) >= 0);
        assertThrows(IllegalArgumentException.class, () -> new TcpKeepAlive(Duration.ZERO, Duration.ofSeconds(1), 1));
    }

    @Test
    void probeIsSndNxtMinusOneWithoutDataAfterTheIdleTimeRfc1122Section4_2_3_6() {
        var p = TcpPeer.start().established();
        p.conn.setKeepAlive(ONE_SECOND, p.now());
        p.advanceMillis(999);
        p.expectNothing();
        p.advanceMillis(1);
        var probe = p.expect();
        assertEquals(flags(TcpFlag.ACK), probe.flags());
        assertEquals(p.iss, probe.seq()); // SND.NXT - 1
        assertEquals(p.sndNxt, probe.ack());
        assertEquals(0, probe.data().length);
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpKeepAliveProbes));
    }

    @Test
    void receivedTrafficDefersTheProbeRfc9293Section3_8_4() {
        var p = TcpPeer.start().established();
        p.conn.setKeepAlive(ONE_SECOND, p.now());
        p.advanceMillis(600);
        p.sendData(bytes(10));
        p.advanceMillis(40);
        assertEquals(p.sndNxt, p.expect().ack()); // the delayed ACK
        p.advanceMillis(959);
        p.expectNothing();
        p.advanceMillis(1);
        assertEquals(p.iss, p.expect().seq());
    }

    @Test
    void anUnansweredProbeIsRepeatedNotFatalRfc9293Section3_8_4Must29() {
        var p = TcpPeer.start().established();
        p.conn.setKeepAlive(ONE_SECOND, p.now());
        p.advanceMillis(1000);
        p.expect();
        p.advanceMillis(1000);
        assertEquals(p.iss, p.expect().seq());
        assertEquals(TcpState.ESTABLISHED, p.conn.state());
        p.ack(p.iss + 1, 65535); // the answer to the second probe
        p.write(bytes(10));
        assertEquals(10, p.expect().data().length);
    }

    @Test
    void anAnsweredProbeKeepsTheConnectionAndProbingRestartsAfterIdleRfc9293Section3_8_4() {
        var p = TcpPeer.start().established();
        p.conn.setKeepAlive(ONE_SECOND, p.now());
        for (int i = 0; i < 5; i++) {
            p.advanceMillis(1000);
            assertEquals(p.iss, p.expect().seq());
            p.advanceMillis(50);
            p.ack(p.iss + 1, 65535);
            p.advanceMillis(950);
            p.expectNothing(); // idle time counts from the answer
        }
        assertEquals(TcpState.ESTABLISHED, p.conn.state());
    }

    @Test
    void connectionIsGivenUpAfterTheProbeLimitRfc1122Section4_2_3_6() {
        var p = TcpPeer.start().established();
        p.conn.setKeepAlive(ONE_SECOND, p.now());
        for (int i = 0; i < 3; i++) {
            p.advanceMillis(1000);
            assertEquals(p.iss, p.expect().seq());
        }
        p.advanceMillis(1000);
        var rst = p.expect();
        assertEquals(flags(TcpFlag.RST, TcpFlag.ACK), rst.flags());
        assertEquals(p.iss + 1, rst.seq());
        assertEquals(TcpState.CLOSED, p.conn.state());
        assertEquals("connection timed out", p.conn.error());
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpKeepAliveTimeouts));
        p.expectNothing();
    }

    @Test
    void aHalfClosedConnectionInFinWait2IsProbedTooRfc9293Section3_8_4() {
        var p = TcpPeer.start().established();
        p.conn.setKeepAlive(ONE_SECOND, p.now());
        p.conn.shutdownOutput(p.now());
        var fin = p.expect();
        p.ack(fin.seq() + 1, 65535);
        assertEquals(TcpState.FIN_WAIT_2, p.conn.state());
        p.advanceMillis(1000);
        var probe = p.expect();
        assertEquals(fin.seq(), probe.seq()); // SND.NXT - 1: the FIN's own sequence number
        assertEquals(0, probe.data().length);
    }

    @Test
    void keepAliveSetDuringTheHandshakeProbesOnceEstablishedRfc9293Section3_8_4() {
        var p = TcpPeer.start();
        p.conn = p.tcp.connect(TcpPeer.PEER, TcpPeer.PEER_PORT, TcpPeer.PORT, TcpObserver.NONE, p.now());
        p.conn.setKeepAlive(new TcpKeepAlive(Duration.ofMillis(100), Duration.ofMillis(100), 3), p.now());
        var syn = p.expect();
        p.iss = syn.seq();
        p.advanceMillis(150); // the idle time passes in SYN-SENT: no probe yet
        p.expectNothing();
        p.send(new io.jstack.wire.TcpHeader(TcpPeer.PEER_PORT, TcpPeer.PORT, TcpPeer.PEER_ISS, p.iss + 1,
                flags(TcpFlag.SYN, TcpFlag.ACK), 65535, 0, 1460, -1), new byte[0]);
        p.expect(); // the handshake's ACK
        p.advanceMillis(100);
        var probe = p.expect();
        assertEquals(p.iss, probe.seq());
    }

    @Test
    void connectionWithDataInFlightIsNotProbedRfc9293Section3_8_4() {
        var p = TcpPeer.start(TcpConfig.defaults().withMaxRetransmissions(30)).established();
        p.conn.setKeepAlive(new TcpKeepAlive(Duration.ofMillis(100), Duration.ofMillis(100), 1), p.now());
        p.write(bytes(10));
        p.expect();
        // Unacknowledged data: the retransmission timer watches the peer; no probe, no keep-alive abort.
        p.advanceMillis(150);
        p.advanceMillis(150);
        assertEquals(0, p.tcp.counters().get(TcpCounter.tcpKeepAliveProbes));
        assertEquals(TcpState.ESTABLISHED, p.conn.state());
    }
}
