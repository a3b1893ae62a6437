package io.jstack.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.host.Host;
import io.jstack.ip.Ipv4Config;
import io.jstack.link.MemoryLink;
import io.jstack.time.ManualClock;
import io.jstack.tools.inspect.Frame;
import io.jstack.tools.inspect.InspectCommand;
import io.jstack.wire.Checksum;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TracingLinkTest {
    private static final int CLIENT = 0x0a000001, SERVER = 0x0a000002;
    private static final long EPOCH = 1_764_000_000_000_000_000L;

    @Test
    void tracedLinesAreWhatInspectDecodesFromTheSamePacketsInTheOrderTheyCrossed() throws Exception {
        MemoryLink.Pair pair = MemoryLink.pair();
        ManualClock clock = new ManualClock(EPOCH);
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        TracingLink tracing = new TracingLink(pair.a(), clock, 16, false, lines::add);
        Host host = new Host(SERVER, tracing, clock, Ipv4Config.defaults());
        List<Frame> frames = new ArrayList<>();
        for (int seq = 1; seq <= 2; seq++) {
            clock.advance(Duration.ofMillis(250));
            byte[] request = echoRequest(0x1234, seq);
            pair.b().send(ByteBuffer.wrap(request));
            assertTrue(host.poll());
            byte[] reply = pair.b().receive(5, TimeUnit.SECONDS);
            assertNotNull(reply, "the host answers the ping");
            frames.add(new Frame(101, clock.nanos(), 9, request.length, request));
            frames.add(new Frame(101, clock.nanos(), 9, reply.length, reply));
        }
        byte[] truncated = {0x45, 0, 0};
        clock.advance(Duration.ofMillis(1));
        pair.b().send(ByteBuffer.wrap(truncated));
        host.poll();
        frames.add(new Frame(101, clock.nanos(), 9, truncated.length, truncated));

        assertTrue(tracing.finish(Duration.ofSeconds(10)), "the printer prints what is queued and ends");
        List<String> inspected = InspectCommand.decode(frames).stream().map(InspectCommand::summary).toList();
        assertEquals(inspected, lines);
        assertTrue(lines.get(0).contains("Echo (ping) request"), lines.get(0));
        assertTrue(lines.get(1).contains("Echo (ping) reply"), lines.get(1));
        assertTrue(lines.get(2).contains(" 0.250000000 "), "relative to the first traced packet: " + lines.get(2));
        assertEquals(5, tracing.counters().get(TracingLink.Counter.linesPrinted));
        assertEquals(0, tracing.counters().get(TracingLink.Counter.linesDropped));
        tracing.close();
    }

    @Test
    void aPrinterThatFallsBehindMakesTheLinkDropAndCountLinesNotWait() throws Exception {
        MemoryLink.Pair pair = MemoryLink.pair();
        CountDownLatch inSink = new CountDownLatch(1), release = new CountDownLatch(1);
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        TracingLink tracing = new TracingLink(pair.a(), new ManualClock(EPOCH), 1, false, line -> {
            inSink.countDown();
            try {
                release.await(30, TimeUnit.SECONDS); // a terminal that does not read
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lines.add(line);
        });
        try {
            int sent = 6;
            for (int i = 1; i <= sent; i++) {
                tracing.send(ByteBuffer.wrap(echoRequest(7, i)));
                if (i == 1) assertTrue(inSink.await(10, TimeUnit.SECONDS), "the printer took the first packet");
            }
            for (int i = 1; i <= sent; i++) assertNotNull(pair.b().receive(5, TimeUnit.SECONDS), "every packet is sent");
            // One line in the sink and one in the queue of capacity 1; the rest were dropped at once.
            assertEquals(sent - 2, tracing.counters().get(TracingLink.Counter.linesDropped));
            release.countDown();
            assertTrue(tracing.finish(Duration.ofSeconds(10)));
            assertEquals(2, tracing.counters().get(TracingLink.Counter.linesPrinted));
            assertEquals(2, lines.size());
            assertTrue(lines.get(1).contains("seq=2/512"), lines.get(1));
        } finally {
            release.countDown();
            tracing.close();
        }
    }

    /** An ICMP echo request (RFC 792) from CLIENT to SERVER with 56 data bytes, checksums filled in. */
    private static byte[] echoRequest(int ident, int seq) {
        ByteBuffer b = ByteBuffer.allocate(84);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 84).putShort((short) seq).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 1).putShort((short) 0).putInt(CLIENT).putInt(SERVER);
        b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) ident).putShort((short) seq);
        for (int i = 0; i < 56; i++) b.put((byte) i);
        b.putShort(10, (short) Checksum.compute(b, 0, 20));
        b.putShort(22, (short) Checksum.compute(b, 20, 64));
        return b.array();
    }
}
