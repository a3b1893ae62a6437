package io.jstack.tcp;

import static io.jstack.tcp.TcpPeer.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
