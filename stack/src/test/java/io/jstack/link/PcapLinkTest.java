package io.jstack.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapLinkTest {
    /** One record as read back from the file. */
    record Record(long seconds, long micros, int captured, int original, byte[] data) {}

    @TempDir
    Path dir;

    final AtomicLong micros = new AtomicLong(1_764_000_000_123_456L);
    final PcapWriter.EpochClock clock = micros::get;

    static byte[] packet(int length, int seed) {
        byte[] p = new byte[length];
        for (int i = 0; i < length; i++) p[i] = (byte) (seed * 31 + i);
        p[0] = 0x45;
        return p;
    }

    static List<Record> records(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        b.position(PcapWriter.FILE_HEADER_LENGTH);
        List<Record> out = new ArrayList<>();
        while (b.remaining() >= PcapWriter.RECORD_HEADER_LENGTH) {
            long s = Integer.toUnsignedLong(b.getInt());
            long us = Integer.toUnsignedLong(b.getInt());
            int cap = b.getInt();
            int orig = b.getInt();
            byte[] d = new byte[cap];
            b.get(d);
            out.add(new Record(s, us, cap, orig, d));
        }
        assertEquals(0, b.remaining(), "no partial record at the end");
        return out;
    }

    @Test
    void fileHeaderIsClassicPcapVersion24WithLinkTypeRawIp() throws IOException {
        Path f = dir.resolve("h.pcap");
        PcapWriter.create(f, clock).close();
        byte[] expected = {
            (byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1, // magic, microsecond timestamps, little-endian
            2, 0, 4, 0,                                         // version 2.4
            0, 0, 0, 0,                                         // thiszone
            0, 0, 0, 0,                                         // sigfigs
            (byte) 0xff, (byte) 0xff, 0, 0,                     // snaplen 65535
            101, 0, 0, 0                                        // LINKTYPE_RAW
        };
        assertArrayEquals(expected, Files.readAllBytes(f));
    }

    @Test
    void bothDirectionsAreRecordedInOrderWithTheInjectedTime() throws Exception {
        Path f = dir.resolve("both.pcap");
        var net = MemoryLink.pair();
        var link = new PcapLink(net.a(), PcapWriter.create(f, clock));
        byte[] in = packet(60, 1);
        byte[] out = packet(1500, 2);
        net.b().send(in);
        ByteBuffer rx = ByteBuffer.allocateDirect(65536);
        assertEquals(60, link.receive(rx));
        micros.addAndGet(2_000_001);
        ByteBuffer tx = ByteBuffer.allocate(1600);
        tx.position(20).put(out).flip().position(20); // send honours the position
        link.send(tx);
        assertEquals(-1, link.receive(rx));
        link.close();

        assertArrayEquals(out, net.b().receive());
        List<Record> r = records(f);
        assertEquals(2, r.size());
        assertEquals(1_764_000_000L, r.get(0).seconds());
        assertEquals(123_456, r.get(0).micros());
        assertEquals(1_764_000_002L, r.get(1).seconds());
        assertEquals(123_457, r.get(1).micros());
        assertEquals(60, r.get(0).original());
        assertEquals(1500, r.get(1).captured());
        assertArrayEquals(in, r.get(0).data());
        assertArrayEquals(out, r.get(1).data());
    }

    @Test
    void moreThanTheBufferHoldsReachesTheFileWhole() throws Exception {
        Path f = dir.resolve("many.pcap");
        int count = 3000;
        try (var w = PcapWriter.create(f, clock)) {
            for (int i = 0; i < count; i++) {
                byte[] p = packet(20 + (i * 37) % 9000, i);
                w.write(ByteBuffer.wrap(p), 0, p.length);
                micros.incrementAndGet();
            }
            assertEquals(count, w.packets());
        }
        List<Record> r = records(f);
        assertEquals(count, r.size());
        for (int i = 0; i < count; i += 97) {
            assertArrayEquals(packet(20 + (i * 37) % 9000, i), r.get(i).data(), "record " + i);
        }
    }

    @Test
    void pendingRecordsReachTheFileOnceTheFlushIntervalHasPassed() throws Exception {
        Path f = dir.resolve("killed.pcap");
        var w = PcapWriter.create(f, clock, 200_000);
        byte[] p = packet(100, 3);
        w.write(ByteBuffer.wrap(p), 0, p.length);
        assertEquals(200_000, w.microsUntilFlushDue());
        w.flushIfDue();
        assertEquals(PcapWriter.FILE_HEADER_LENGTH, Files.size(f), "not yet due");
        micros.addAndGet(199_999);
        w.flushIfDue();
        assertEquals(PcapWriter.FILE_HEADER_LENGTH, Files.size(f), "still not due");
        micros.addAndGet(1);
        w.flushIfDue();
        // Read while the writer is still open, as after a kill: the record is complete.
        List<Record> r = records(f);
        assertEquals(1, r.size());
        assertArrayEquals(p, r.get(0).data());
        assertEquals(Long.MAX_VALUE, w.microsUntilFlushDue());
        w.close();
    }

    @Test
    void aBusyCaptureStillFlushesOnceTheOldestRecordIsDue() throws Exception {
        Path f = dir.resolve("busy.pcap");
        var w = PcapWriter.create(f, clock, 200_000);
        byte[] p = packet(100, 6);
        w.write(ByteBuffer.wrap(p), 0, p.length);
        micros.addAndGet(200_000);
        w.write(ByteBuffer.wrap(p), 0, p.length); // the first record is due: it and everything before go out
        assertEquals(1, records(f).size());
        w.close();
        assertEquals(2, records(f).size());
    }

    @Test
    void awaitOnAnIdleCaptureFlushesWhatIsDue() throws Exception {
        Path f = dir.resolve("idle.pcap");
        var net = MemoryLink.pair();
        var link = new PcapLink(net.a(), PcapWriter.create(f, clock, 1_000));
        link.send(ByteBuffer.wrap(packet(40, 4)));
        micros.addAndGet(1_000);
        link.await(1_000_000);
        assertEquals(1, records(f).size());
        assertNotNull(net.b().receive());
        link.close();
        assertEquals(1, records(f).size());
    }

    @Test
    void writingDoesNotMoveTheCallersBuffer() throws Exception {
        var w = PcapWriter.create(dir.resolve("pos.pcap"), clock);
        ByteBuffer b = ByteBuffer.wrap(packet(80, 5)).position(10).limit(70);
        w.write(b, 10, 60);
        assertEquals(10, b.position());
        assertEquals(70, b.limit());
        w.close();
        assertArrayEquals(Arrays.copyOfRange(packet(80, 5), 10, 70), records(dir.resolve("pos.pcap")).get(0).data());
    }

    @Test
    void recordingAllocatesNothingPerPacket() throws Exception {
        var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        ByteBuffer packet = ByteBuffer.allocateDirect(1500);
        packet.put(0, (byte) 0x45);
        // The inner link is a do-nothing stand-in, so only the capture's own allocation is measured.
        Link sink = new Link() {
            public int mtu() { return 1500; }
            public int receive(ByteBuffer dst) { return -1; }
            public void send(ByteBuffer p) {}
            public void await(long timeoutNanos) {}
            public void wakeup() {}
            public void close() {}
        };
        try (var link = new PcapLink(sink, PcapWriter.create(dir.resolve("alloc.pcap"), clock))) {
            for (int i = 0; i < 20_000; i++) link.send(packet.clear()); // warm up: JIT and the file's first writes
            long before = bean.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 20_000; i++) {
                link.send(packet.clear());
                micros.incrementAndGet();
            }
            long allocated = bean.getThreadAllocatedBytes(thread) - before;
            assertTrue(allocated < 20_000, "allocated " + allocated + " bytes for 20,000 packets");
        }
    }
}
