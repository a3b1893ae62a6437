package io.jstack.host;

import static io.jstack.ip.Datagrams.HOST;
import static io.jstack.ip.Datagrams.PEER;
import static io.jstack.ip.Datagrams.echoRequest;
import static io.jstack.ip.Datagrams.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jstack.ip.CapturingTransport;
import io.jstack.ip.Ipv4Config;
import io.jstack.ip.Ipv4Layer;
import io.jstack.link.MemoryLink;
import io.jstack.time.Clock;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The largest ping through a host driven by its own {@link HostLoop} thread: the request arrives as 45 fragments
 * (more than one receive batch), the reply leaves as 45. The test thread is the peer; it waits with a bound.
 */
class HostLoopFragmentedEchoTest {
    @Test
    void rfc1122Section3226LargestPingIsAnsweredByTheRunningLoop() throws Exception {
        var net = MemoryLink.pair(1500, 1 << 12);
        var host = new Host(HOST, net.a(), Clock.system(), Ipv4Config.defaults());
        var peer = new Ipv4Layer(PEER, net.b(), Ipv4Config.defaults());
        var replies = CapturingTransport.on(peer, 1);
        byte[] data = pattern(65507, 11);
        try (HostLoop loop = HostLoop.start(host)) {
            for (int seq = 1; seq <= 3; seq++) {
                byte[] request = echoRequest(0x0101, seq, data);
                ByteBuffer tx = peer.txBuffer();
                tx.put(Ipv4Layer.HEADROOM, request);
                peer.send(tx, request.length, 1, HOST, 0);
                ByteBuffer rx = ByteBuffer.allocate(65536);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (replies.delivered.size() < seq && System.nanoTime() < deadline) {
                    byte[] p = net.b().receive(100, TimeUnit.MILLISECONDS);
                    if (p == null) continue;
                    rx.clear().put(0, p).limit(p.length);
                    peer.input(rx, 0);
                }
                assertEquals(seq, replies.delivered.size(), "reply " + seq + " within 10 s");
                byte[] reply = replies.delivered.get(seq - 1).payload();
                assertEquals(0, reply[0]);
                assertEquals(seq, ByteBuffer.wrap(reply).getShort(6));
                assertArrayEquals(data, Arrays.copyOfRange(reply, 8, reply.length));
            }
            assertNull(loop.failure());
        }
        assertEquals(0, host.internalErrors());
        assertEquals(0, net.a().dropped() + net.b().dropped());
    }
}
