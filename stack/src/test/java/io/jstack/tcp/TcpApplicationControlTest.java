package io.jstack.tcp;

import static io.jstack.tcp.TcpPeer.HOST;
import static io.jstack.tcp.TcpPeer.PEER;
import static io.jstack.tcp.TcpPeer.PEER_PORT;
import static io.jstack.tcp.TcpPeer.PORT;
import static io.jstack.tcp.TcpPeer.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.wire.Checksum;
import io.jstack.wire.Ipv4Packet;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the application controls per connection: TOS (RFC 1122 §4.2.4.2), R2 (§4.2.3.5), ICMP reports (§4.2.3.9). */
class TcpApplicationControlTest {

    private static int tosOf(TcpPeer.Segment s) {
        return s.raw()[1] & 0xff;
    }

    @Test
    void applicationSetsTheTypeOfServiceOfItsSegmentsRfc1122Section4_2_4_2() {
        var p = TcpPeer.start().established();
        p.write(bytes(10));
        var first = p.expect();
        assertEquals(0, tosOf(first));
        p.ack(first.seq() + 10, 65535);
        p.conn.setTrafficClass(0x20);
        p.write(bytes(10));
        var s = p.expect();
        assertEquals(0x20, tosOf(s));
        assertEquals(10, s.data().length);
        p.ack(s.seq() + 10, 65535);
        p.conn.close(p.now());
        assertEquals(0x20, tosOf(p.expect())); // the FIN, and every other segment, carries it too
    }

    @Test
    void applicationSetsR2AsATimeAfterWhichUnacknowledgedDataEndsTheConnectionRfc1122Section4_2_3_5() {
        var p = TcpPeer.start().established();
        p.conn.setUserTimeout(Duration.ofSeconds(3), p.now());
        p.write(bytes(10));
        var first = p.expect();
        long rto = p.conn.rtoNanos() / 1_000_000;
        long elapsed = 0;
        // Retransmissions back off as usual until the user timeout runs out; the last one falls short of it.
        while (elapsed + rto < 3_000) {
            p.advanceMillis(rto);
            elapsed += rto;
            assertEquals(first.h(), p.expect().h());
            assertEquals(TcpState.ESTABLISHED, p.conn.state());
            rto *= 2;
        }
        p.advanceMillis(3_000 - elapsed - 1);
        p.expectNothing();
        assertEquals(TcpState.ESTABLISHED, p.conn.state());
        p.advanceMillis(1); // exactly 3 s after the data first left, not a whole RTO later
        assertEquals(TcpState.CLOSED, p.conn.state());
        assertEquals("connection timed out", p.conn.error());
        assertTrue(elapsed / rto < TcpConfig.defaults().maxRetransmissions()); // fewer than the host's R2 count
    }

    @Test
    void userTimeoutCountsFromTheLastAckOfNewDataRfc1122Section4_2_3_5() {
        var p = TcpPeer.start().established();
        long rto = p.conn.rtoNanos();
        p.conn.setUserTimeout(Duration.ofNanos(rto * 3), p.now());
        // Two rounds of one timeout each, RTO then 2 RTO (backed off, Karn): 3 RTO of waiting in all, but never
        // 3 RTO without an ACK of new data.
        for (int i = 0; i < 2; i++) {
            p.write(bytes(10));
            var s = p.expect();
            p.advance(Duration.ofNanos(p.conn.rtoNanos()));
            assertEquals(s.h(), p.expect().h()); // the retransmission, and no timeout
            assertEquals(TcpState.ESTABLISHED, p.conn.state());
            p.ack(s.seq() + 10, 65535);
        }
        p.expectNothing();
    }

    /** The peer's router sends an ICMP error quoting a segment of the connection with sequence number {@code seq}. */
    private static void icmpError(TcpPeer p, int type, int code, int seq) {
        ByteBuffer b = ByteBuffer.allocate(20 + 8 + 28);
        b.putShort(20 + 8 + 20, (short) PORT).putShort(20 + 8 + 22, (short) PEER_PORT).putInt(20 + 8 + 24, seq);
        Ipv4Packet.emit(b, 28, 40, 7, Ipv4Packet.FLAG_DF, 64, 6, HOST, PEER); // the quoted header
        b.put(20, (byte) type).put(21, (byte) code);
        b.putShort(22, (short) Checksum.compute(b, 20, 36));
        Ipv4Packet.emit(b, 0, b.capacity(), 1, 0, 64, 1, PEER, HOST);
        p.link.send(b.array());
        p.host.poll();
    }

    @Test
    void softErrorsDoNotAbortAndAreReportedWhenAskedRfc1122Section4_2_3_9() {
        var p = TcpPeer.start().established();
        icmpError(p, 3, 1, p.iss + 1); // host unreachable, not asked for: remembered only
        assertNull(p.conn.takeSoftError());
        p.conn.setReportSoftErrors(true);
        icmpError(p, 11, 0, p.iss + 1); // time exceeded
        assertEquals("no route to host", p.conn.takeSoftError());
        assertNull(p.conn.takeSoftError()); // reported once
        icmpError(p, 3, 3, p.iss + 1); // port unreachable: established, as soft as the others
        assertEquals("connection refused", p.conn.takeSoftError());
        assertEquals(TcpState.ESTABLISHED, p.conn.state());
        assertNull(p.conn.error());
        assertEquals(3, p.tcp.counters().get(TcpCounter.tcpIcmpSoftErrors));
        p.write(bytes(10)); // the connection goes on
        assertEquals(10, p.expect().data().length);
    }

    @Test
    void icmpErrorQuotingASequenceNumberOutsideTheSendWindowIsIgnoredRfc5927Section4_1() {
        var p = TcpPeer.start().established();
        p.conn.setReportSoftErrors(true);
        p.write(bytes(10));
        p.expect();
        icmpError(p, 3, 1, p.iss); // below SND.UNA
        icmpError(p, 3, 1, p.iss + 12); // beyond SND.NXT
        assertNull(p.conn.takeSoftError());
        assertEquals(2, p.tcp.counters().get(TcpCounter.tcpIcmpOutOfWindow));
        icmpError(p, 3, 1, p.iss + 11); // SND.NXT itself, as Linux accepts
        assertEquals("no route to host", p.conn.takeSoftError());
    }

    @Test
    void connectionTimingOutReportsItsLastSoftErrorRfc1122Section4_2_3_9() {
        var p = TcpPeer.start().established();
        p.conn.setUserTimeout(Duration.ofNanos(p.conn.rtoNanos()), p.now());
        p.write(bytes(10));
        var s = p.expect();
        icmpError(p, 3, 1, s.seq());
        p.advance(Duration.ofNanos(p.conn.rtoNanos()));
        assertEquals(TcpState.CLOSED, p.conn.state());
        assertEquals("no route to host", p.conn.error());
    }

    @Test
    void hardErrorAbortsAConnectionInSynSentButASoftOneDoesNotRfc1122Section4_2_3_9() {
        var p = TcpPeer.start();
        p.conn = p.tcp.connect(PEER, PEER_PORT, PORT, TcpObserver.NONE, p.now());
        int iss = p.expect().seq();
        icmpError(p, 3, 1, iss); // host unreachable: soft
        assertEquals(TcpState.SYN_SENT, p.conn.state());
        icmpError(p, 4, 0, iss); // source quench: no effect (RFC 6633 §2)
        icmpError(p, 3, 4, iss); // fragmentation needed: ignored, no path MTU discovery here
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpIcmpIgnored));
        assertEquals(TcpState.SYN_SENT, p.conn.state());
        icmpError(p, 3, 3, iss); // port unreachable: hard
        assertEquals(TcpState.CLOSED, p.conn.state());
        assertEquals("connection refused", p.conn.error());
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpIcmpHardAborts));
        icmpError(p, 3, 3, iss);
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpIcmpNoConnection));
    }

    @Test
    void keepAliveTimeoutReportsTheLastSoftErrorTooRfc1122Section4_2_3_9() {
        var p = TcpPeer.start().established();
        p.conn.setKeepAlive(TcpKeepAlive.every(Duration.ofSeconds(1)), p.now());
        p.advanceMillis(1000);
        var probe = p.expect();
        icmpError(p, 3, 0, probe.seq() + 1); // network unreachable, about the probe (SND.NXT)
        while (p.conn.state() != TcpState.CLOSED && p.now() < 60_000_000_000L) {
            p.advanceMillis(1000);
            p.link.receive();
        }
        assertEquals("network is unreachable", p.conn.error());
    }
}
