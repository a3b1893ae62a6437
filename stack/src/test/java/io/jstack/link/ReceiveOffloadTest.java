package io.jstack.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.time.ManualClock;
import io.jstack.wire.ChecksumTest;
import io.jstack.wire.TcpPacket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Receive offload undone in software: a TCP super-packet a link returns ({@link Link#lastSegmentSize()}) is cut
 * into the wire segments it stands for, as the sender's TSO/GSO made them, and captures and impairments see those
 * segments. Checksums are checked with the naive RFC 1071 reference of {@link ChecksumTest}.
 */
class ReceiveOffloadTest {
    static final int KERNEL = 0x0a000001, HOST = 0x0a000002;
    static final int MSS = 1448; // 1500 - 20 - 32: the wire MSS with timestamps
    static final int TCP_HEADER = 32;
    static final int CWR = 0x80;

    @TempDir
    Path dir;

    static byte[] kernelSuperPacket(int payload, int flags) {
        return RxOffloadLink.superPacket(KERNEL, HOST, 40000, 80, 0x7fffff00, 99, flags, TCP_HEADER, payload, false);
    }

    /** The TCP checksum by the naive reference: pseudo-header and segment summed word by word must give 0. */
    static boolean referenceTcpChecksumOk(byte[] p) {
        int ihl = (p[0] & 0x0f) * 4;
        int tcpLen = p.length - ihl;
        byte[] pseudo = new byte[12 + tcpLen];
        System.arraycopy(p, 12, pseudo, 0, 8); // source and destination
        pseudo[9] = 6;
        pseudo[10] = (byte) (tcpLen >>> 8);
        pseudo[11] = (byte) tcpLen;
        System.arraycopy(p, ihl, pseudo, 12, tcpLen);
        return ChecksumTest.reference(pseudo, 0, pseudo.length) == 0;
    }

    static List<byte[]> cut(byte[] packet, int segmentSize) {
        List<byte[]> out = new ArrayList<>();
        SoftwareOffload.finish(ByteBuffer.wrap(packet), segmentSize, ByteBuffer.allocate(65536), p -> {
            byte[] a = new byte[p.remaining()];
            p.get(p.position(), a);
            out.add(a);
        });
        return out;
    }

    /** Checks that {@code segs} are the wire segments of {@code superPacket}: headers, numbering, flags, data. */
    static void assertWireSegmentsOf(byte[] superPacket, int segmentSize, List<byte[]> segs) {
        int headers = 20 + TCP_HEADER;
        int payload = superPacket.length - headers;
        int count = (payload + segmentSize - 1) / segmentSize;
        assertEquals(count, segs.size(), "segments");
        ByteBuffer sp = ByteBuffer.wrap(superPacket);
        int ident = Short.toUnsignedInt(sp.getShort(4));
        int seq = sp.getInt(24);
        int flags = superPacket[33] & 0xff;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int k = 0; k < count; k++) {
            byte[] s = segs.get(k);
            ByteBuffer b = ByteBuffer.wrap(s);
            int n = Math.min(segmentSize, payload - k * segmentSize);
            assertEquals(headers + n, s.length, "length of segment " + k);
            assertTrue(s.length <= 1500, "within the MTU");
            assertEquals(headers + n, Short.toUnsignedInt(b.getShort(2)), "IPv4 total length of segment " + k);
            assertEquals((ident + k) & 0xffff, Short.toUnsignedInt(b.getShort(4)), "identification of segment " + k);
            assertEquals(0, ChecksumTest.reference(s, 0, 20), "IPv4 header checksum of segment " + k);
            assertTrue(referenceTcpChecksumOk(s), "TCP checksum of segment " + k);
            assertEquals(seq + k * segmentSize, b.getInt(24), "sequence number of segment " + k);
            int want = flags;
            if (k < count - 1) want &= ~(TcpPacket.PSH | TcpPacket.FIN);
            if (k > 0) want &= ~CWR;
            assertEquals(want, s[33] & 0xff, "flags of segment " + k);
            assertArrayEquals(Arrays.copyOfRange(superPacket, 20, 24), Arrays.copyOfRange(s, 20, 24), "ports");
            assertArrayEquals(Arrays.copyOfRange(superPacket, 28, 32), Arrays.copyOfRange(s, 28, 32), "ack");
            assertArrayEquals(Arrays.copyOfRange(superPacket, 34, 36), Arrays.copyOfRange(s, 34, 36), "window");
            assertArrayEquals(Arrays.copyOfRange(superPacket, 40, headers), Arrays.copyOfRange(s, 40, headers), "options");
            data.write(s, headers, n);
        }
        assertArrayEquals(Arrays.copyOfRange(superPacket, headers, superPacket.length), data.toByteArray(), "data");
    }

    @Test
    void aMaximalSuperPacketIsCutIntoMssSegmentsWithTheirOwnLengthsSequenceNumbersAndChecksums() {
        byte[] p = kernelSuperPacket(65535 - 52, TcpPacket.ACK_FLAG | TcpPacket.PSH | CWR);
        List<byte[]> segs = cut(p, MSS);
        assertEquals(46, segs.size());
        assertWireSegmentsOf(p, MSS, segs);
    }

    @Test
    void pshAndFinGoOnTheLastSegmentOnlyAndCwrOnTheFirstOnly() {
        byte[] p = kernelSuperPacket(3 * MSS + 1, TcpPacket.ACK_FLAG | TcpPacket.PSH | TcpPacket.FIN | CWR);
        List<byte[]> segs = cut(p, MSS);
        assertEquals(4, segs.size());
        assertEquals(TcpPacket.ACK_FLAG | CWR, segs.get(0)[33] & 0xff);
        assertEquals(TcpPacket.ACK_FLAG, segs.get(1)[33] & 0xff);
        assertEquals(TcpPacket.ACK_FLAG, segs.get(2)[33] & 0xff);
        assertEquals(TcpPacket.ACK_FLAG | TcpPacket.PSH | TcpPacket.FIN, segs.get(3)[33] & 0xff);
        assertWireSegmentsOf(p, MSS, segs);
    }

    @Test
    void sequenceNumbersWrapModulo2To32() {
        byte[] p = kernelSuperPacket(10 * MSS, TcpPacket.ACK_FLAG); // seq 0x7fffff00 + ... stays signed-safe
        ByteBuffer.wrap(p).putInt(24, 0xfffffa00);
        List<byte[]> segs = cut(p, MSS);
        assertEquals(0xfffffa00 + MSS, ByteBuffer.wrap(segs.get(1)).getInt(24));
        assertEquals(0xfffffa00 + 9 * MSS, ByteBuffer.wrap(segs.get(9)).getInt(24));
    }

    @Test
    void segmentCountCountsTheWireSegments() {
        assertEquals(46, SoftwareOffload.segmentCount(ByteBuffer.wrap(kernelSuperPacket(65535 - 52, 0x10)), MSS));
        assertEquals(1, SoftwareOffload.segmentCount(ByteBuffer.wrap(kernelSuperPacket(MSS, 0x10)), MSS));
        assertEquals(2, SoftwareOffload.segmentCount(ByteBuffer.wrap(kernelSuperPacket(MSS + 1, 0x10)), MSS));
        assertEquals(1, SoftwareOffload.segmentCount(ByteBuffer.wrap(kernelSuperPacket(5000, 0x10)), 0));
    }

    @Test
    void onlyWellFormedTcpIpv4PacketsAreCut() {
        assertTrue(SoftwareOffload.isTcp(ByteBuffer.wrap(kernelSuperPacket(100, 0x10))));
        byte[] udp = kernelSuperPacket(100, 0x10);
        udp[9] = 17;
        assertFalse(SoftwareOffload.isTcp(ByteBuffer.wrap(udp)));
        byte[] badOffset = kernelSuperPacket(0, 0x10);
        badOffset[32] = (byte) 0xf0; // a 60-byte TCP header in a 52-byte packet
        assertFalse(SoftwareOffload.isTcp(ByteBuffer.wrap(badOffset)));
        assertFalse(SoftwareOffload.isTcp(ByteBuffer.wrap(new byte[30])));
    }

    // ---- PcapLink -------------------------------------------------------------------------------------------

    static List<byte[]> records(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        b.position(PcapWriter.FILE_HEADER_LENGTH);
        List<byte[]> out = new ArrayList<>();
        while (b.remaining() >= PcapWriter.RECORD_HEADER_LENGTH) {
            b.position(b.position() + 8);
            int cap = b.getInt();
            int orig = b.getInt();
            assertEquals(orig, cap);
            byte[] d = new byte[cap];
            b.get(d);
            out.add(d);
        }
        return out;
    }

    @Test
    void pcapRecordsEachWireSegmentOfAReceivedSuperPacketAndTheHostGetsTheSuperPacket() throws IOException {
        byte[] p = kernelSuperPacket(20 * MSS + 100, TcpPacket.ACK_FLAG | TcpPacket.PSH);
        var inner = new RxOffloadLink(1500).deliver(p, MSS, true);
        Path f = dir.resolve("rx.pcap");
        ByteBuffer rx = ByteBuffer.allocateDirect(65556);
        try (var link = new PcapLink(inner, PcapWriter.create(f, () -> 1_764_000_000_000_000L))) {
            assertEquals(p.length, link.receive(rx));
            assertEquals(MSS, link.lastSegmentSize(), "the host still gets the offload");
            assertTrue(link.lastChecksumTrusted());
            byte[] got = new byte[p.length];
            rx.get(0, got);
            assertArrayEquals(p, got, "the host's packet is the super-packet, unchanged");
        }
        assertWireSegmentsOf(p, MSS, records(f));
    }

    @Test
    void pcapRecordsATrustedPacketWithItsChecksumCompleted() throws IOException {
        byte[] p = kernelSuperPacket(300, TcpPacket.ACK_FLAG);
        assertFalse(referenceTcpChecksumOk(p), "only the pseudo-header sum, as the kernel leaves it");
        var inner = new RxOffloadLink(1500).deliver(p, 0, true);
        Path f = dir.resolve("csum.pcap");
        try (var link = new PcapLink(inner, PcapWriter.create(f, () -> 1_764_000_000_000_000L))) {
            link.receive(ByteBuffer.allocate(2000));
        }
        List<byte[]> r = records(f);
        assertEquals(1, r.size());
        assertTrue(referenceTcpChecksumOk(r.get(0)));
        assertArrayEquals(Arrays.copyOf(p, 36), Arrays.copyOf(r.get(0), 36), "headers before the checksum");
        assertArrayEquals(Arrays.copyOfRange(p, 38, p.length), Arrays.copyOfRange(r.get(0), 38, p.length));
    }

    @Test
    void pcapRecordsAnUntrustedPacketAsItCame() throws IOException {
        byte[] p = kernelSuperPacket(300, TcpPacket.ACK_FLAG); // a bad checksum nobody vouches for: as received
        var inner = new RxOffloadLink(1500).deliver(p, 0, false);
        Path f = dir.resolve("raw.pcap");
        try (var link = new PcapLink(inner, PcapWriter.create(f, () -> 1_764_000_000_000_000L))) {
            link.receive(ByteBuffer.allocate(2000));
        }
        assertArrayEquals(p, records(f).get(0));
    }

    @Test
    void pcapCuttingSuperPacketsAllocatesNothingPerPacket() throws IOException {
        var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        byte[] p = kernelSuperPacket(40 * MSS, TcpPacket.ACK_FLAG);
        var inner = new RxOffloadLink(1500).repeat(p, MSS, true, 4_000);
        ByteBuffer rx = ByteBuffer.allocateDirect(65556);
        try (var link = new PcapLink(inner, PcapWriter.create(dir.resolve("alloc.pcap"), () -> 1L))) {
            for (int i = 0; i < 2_000; i++) link.receive(rx); // warm up
            long before = bean.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 2_000; i++) assertEquals(p.length, link.receive(rx));
            long allocated = bean.getThreadAllocatedBytes(thread) - before;
            assertTrue(allocated < 20_000, "allocated " + allocated + " bytes for 80,000 wire segments");
        }
    }

    // ---- ImpairedLink ---------------------------------------------------------------------------------------

    static List<byte[]> drain(Link link) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer rx = ByteBuffer.allocate(65556);
        int n;
        while ((n = link.receive(rx)) >= 0) {
            assertEquals(0, link.lastSegmentSize(), "wire segments, not super-packets");
            assertFalse(link.lastChecksumTrusted(), "full checksums: the host verifies them");
            byte[] b = new byte[n];
            rx.get(0, b);
            out.add(b);
        }
        return out;
    }

    @Test
    void impairedLinkHandsTheHostTheWireSegmentsOfASuperPacketOneAtATime() {
        byte[] p = kernelSuperPacket(30 * MSS + 7, TcpPacket.ACK_FLAG | TcpPacket.PSH);
        var inner = new RxOffloadLink(1500).deliver(p, MSS, true);
        var link = new ImpairedLink(inner, Impairment.NONE, 1, new ManualClock());
        assertWireSegmentsOf(p, MSS, drain(link));
    }

    @Test
    void impairedLinkLosesWireSegmentsNotWholeSuperPackets() {
        int packets = 20, perPacket = 40;
        var inner = new RxOffloadLink(1500);
        for (int i = 0; i < packets; i++) {
            byte[] p = kernelSuperPacket(perPacket * MSS, TcpPacket.ACK_FLAG);
            ByteBuffer.wrap(p).putInt(24, i * perPacket * MSS);
            inner.deliver(p, MSS, true);
        }
        var link = new ImpairedLink(inner, Impairment.parse("loss=10%"), 7, new ManualClock());
        List<byte[]> got = drain(link);
        long lost = link.counters().get(ImpairedLink.Counter.lost);
        assertEquals(packets * perPacket, got.size() + lost, "every wire segment is delivered or lost alone");
        assertTrue(lost > 20 && lost < 140, "about 10% of 800 segments lost: " + lost);
        for (byte[] s : got) {
            assertEquals(20 + TCP_HEADER + MSS, s.length);
            assertTrue(referenceTcpChecksumOk(s));
        }
    }

    @Test
    void impairedLinkCompletesATrustedChecksumSoTheHostCanVerifyIt() {
        byte[] p = kernelSuperPacket(200, TcpPacket.ACK_FLAG);
        var inner = new RxOffloadLink(1500).deliver(p, 0, true);
        List<byte[]> got = drain(new ImpairedLink(inner, Impairment.NONE, 1, new ManualClock()));
        assertEquals(1, got.size());
        assertTrue(referenceTcpChecksumOk(got.get(0)));
    }

    @Test
    void impairedLinkDelaysEachWireSegment() {
        byte[] p = kernelSuperPacket(5 * MSS, TcpPacket.ACK_FLAG);
        var inner = new RxOffloadLink(1500).deliver(p, MSS, true);
        var clock = new ManualClock();
        var link = new ImpairedLink(inner, Impairment.parse("delay=10ms"), 1, clock);
        assertTrue(drain(link).isEmpty(), "held");
        assertEquals(5, link.counters().get(ImpairedLink.Counter.delayed));
        clock.advance(java.time.Duration.ofMillis(10));
        assertWireSegmentsOf(p, MSS, drain(link));
    }

    @Test
    void impairingSuperPacketsAllocatesNothingPerPacket() {
        var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        byte[] p = kernelSuperPacket(40 * MSS, TcpPacket.ACK_FLAG);
        var inner = new RxOffloadLink(1500).repeat(p, MSS, true, 0);
        var link = new ImpairedLink(inner, Impairment.parse("loss=5%,dup=1%,corrupt=1%"), 3, new ManualClock());
        ByteBuffer rx = ByteBuffer.allocateDirect(65556);
        for (int i = 0; i < 2_000; i++) { // warm up: JIT, pool
            inner.rearm(1); // one super-packet per poll, as a read of the device gives
            while (link.receive(rx) >= 0) {}
        }
        long before = bean.getThreadAllocatedBytes(thread);
        long segments = 0;
        for (int i = 0; i < 2_000; i++) {
            inner.rearm(1);
            while (link.receive(rx) >= 0) segments++;
        }
        long allocated = bean.getThreadAllocatedBytes(thread) - before;
        assertTrue(segments > 60_000, "segments " + segments);
        assertTrue(allocated < 20_000, "allocated " + allocated + " bytes for " + segments + " wire segments");
    }
}
