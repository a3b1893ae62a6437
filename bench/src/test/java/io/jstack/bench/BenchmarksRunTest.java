package io.jstack.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.wire.Checksum;
import io.jstack.wire.Ipv4Packet;
import io.jstack.wire.Malformed;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Runs every benchmark body a few times outside JMH, so that a broken fixture or a stack that stops answering
 * fails the build instead of producing a fast, meaningless figure; and checks that an ICMP echo through the host
 * over a non-allocating link copies no packet onto the heap.
 */
class BenchmarksRunTest {
    private static final int[] SIZES = {64, 576, 1500, 9000};

    @Test
    void checksumBenchComputesTheRfc1071ChecksumOfItsBuffer() {
        for (int size : SIZES) {
            for (String kind : new String[] {"direct", "heap"}) {
                var b = new ChecksumBench();
                b.size = size;
                b.buffer = kind;
                b.setup();
                assertEquals(Checksum.compute(Packets.payload(size, 1071)), b.compute(), kind + " " + size);
            }
        }
    }

    @Test
    void ipv4BenchChecksAValidDatagramAndBuildsAValidHeader() {
        for (int size : SIZES) {
            var b = new Ipv4Bench();
            b.size = size;
            b.setup();
            b.build();
            ByteBuffer tx = b.txForTest();
            tx.limit(size);
            assertEquals(Malformed.NONE, new Ipv4Packet().wrap(tx, 0).check(), "built header, size " + size);
        }
    }

    @Test
    void icmpEchoBenchGetsOneReplyPerRequestOverBothLinks() {
        for (int size : SIZES) {
            var b = new IcmpEchoBench();
            b.size = size;
            b.setup();
            for (int i = 0; i < 100; i++) {
                assertEquals(size, b.memoryLink().length);
                b.replayLink();
            }
            b.verify();
        }
    }

    /**
     * No packet is copied onto the heap on the echo path. The bound is not 0: until C2 compiles the loop,
     * {@code Reassembler.pollAt()} allocates a 32-byte iterator per poll, which escape analysis removes later
     * (JMH's {@code IcmpEchoBench.replayLink} shows about 0 B/op). A copy of even the smallest packet exceeds it.
     */
    @Test
    void echoThroughTheHostCopiesNoPacketOntoTheHeap() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        var b = new IcmpEchoBench();
        b.size = 1500;
        b.setup();
        for (int i = 0; i < 20_000; i++) b.replayLink();
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        int n = 20_000;
        for (int i = 0; i < n; i++) b.replayLink();
        long perPacket = (mx.getThreadAllocatedBytes(tid) - before) / n;
        assertTrue(perPacket < 64, "the echo path allocated " + perPacket + " bytes per 1500-byte packet");
    }

    @Test
    void httpParserBenchParsesEachRequestToItsHead() {
        for (String r : new String[] {"wrk", "curl", "browser"}) {
            var b = new HttpParserBench();
            b.request = r;
            b.setup();
            for (int i = 0; i < 3; i++) {
                var head = (io.jstack.http.RequestHead) b.parse();
                assertEquals("GET", head.method(), r);
                assertEquals("10.0.0.2", head.field("Host"), r);
            }
        }
    }

    @Test
    void tcpSegmentBenchReceivesAndSendsOneSegmentPerOperationInStep() {
        for (int size : SIZES) {
            var b = new TcpSegmentBench();
            b.size = size;
            b.setup(); // runs both paths three times and throws if the connection falls out of step
            for (int i = 0; i < 100; i++) {
                assertEquals(size - 40, b.receive());
                assertEquals(size, b.send());
            }
            b.verify();
        }
    }

    @Test
    void tcpTransferBenchMovesAll64MiBOverBothLinks() {
        for (String link : new String[] {"ring", "memory"}) {
            var b = new TcpTransferBench();
            b.mtu = 9000;
            b.link = link;
            b.setup();
            assertEquals(TcpTransferBench.BYTES, b.transfer(), link);
            b.verify();
        }
    }
}
