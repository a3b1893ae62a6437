package io.jstack.tcp;

import static io.jstack.tcp.TcpPeer.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
