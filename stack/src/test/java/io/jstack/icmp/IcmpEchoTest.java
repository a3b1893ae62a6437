package io.jstack.icmp;

import static io.jstack.ip.Datagrams.HOST;
import static io.jstack.ip.Datagrams.PEER;
import static io.jstack.ip.Datagrams.echoRequest;
import static io.jstack.ip.Datagrams.icmp;
import static io.jstack.ip.Datagrams.ipv4;
import static io.jstack.ip.Datagrams.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.ip.TestHost;
import io.jstack.wire.Checksum;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Echo (RFC 792; RFC 1122 §3.2.2.6). */
class IcmpEchoTest {
    @Test
    void rfc1122Section3226EchoReplyReturnsIdentifierSequenceAndDataForEverySmallSize() {
        var t = new TestHost();
        for (int n = 0; n <= 1472; n += 37) {
            byte[] data = pattern(n, n);
            t.send(ipv4(PEER, HOST, 1, echoRequest(0xbeef, n, data)));
            byte[] r = t.sent().get(0);
            ByteBuffer b = ByteBuffer.wrap(r);
            assertEquals(0, r[20], "type echo reply");
            assertEquals(0, r[21]);
            assertEquals((short) 0xbeef, b.getShort(24));
            assertEquals((short) n, b.getShort(26));
            assertArrayEquals(data, Arrays.copyOfRange(r, 28, r.length));
            assertEquals(0, Checksum.compute(b, 20, r.length - 20));
            assertEquals(PEER, b.getInt(16));
        }
    }

    @Test
    void rfc792EchoRequestWithNonZeroCodeIsStillAnsweredWithCodeZero() {
        var t = new TestHost();
        t.send(ipv4(PEER, HOST, 1, icmp(8, 5, 0x00010002, new byte[4])));
        assertEquals(0, t.sent().get(0)[21]);
    }

    @Test
    void echoRepliesAndRequestsFromNowhereAreNotAnswered() {
        var t = new TestHost();
        t.send(ipv4(PEER, HOST, 1, icmp(0, 0, 1, new byte[4])), ipv4(0, HOST, 1, echoRequest(1, 1, new byte[4])));
        assertTrue(t.sent().isEmpty());
        assertEquals(1, t.icmp(IcmpCounter.icmpInEchoReps));
        assertEquals(1, t.icmp(IcmpCounter.icmpInEchosIgnored));
    }
}
