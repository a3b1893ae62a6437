package io.jstack.tcp;

import static io.jstack.tcp.TcpPeer.MSS_1460;
import static io.jstack.tcp.TcpPeer.PEER_ISS;
import static io.jstack.tcp.TcpPeer.PORT;
import static io.jstack.tcp.TcpPeer.SACK_OK;
import static io.jstack.tcp.TcpPeer.bytes;
import static io.jstack.tcp.TcpPeer.flags;
import static io.jstack.tcp.TcpPeer.opts;
import static io.jstack.tcp.TcpPeer.ts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.wire.TcpFlag;
import org.junit.jupiter.api.Test;

/** SACK as a data receiver: SACK-permitted and the blocks reported for out-of-order data (RFC 2018). */
class TcpSackTest {
    private static final TcpConfig SACK = TcpConfig.defaults().withSack(true);

    private static TcpPeer.Segment handshake(TcpPeer p, byte[] synOptions, byte[] ackOptions) {
        p.listener = p.tcp.listen(PORT, 8);
        p.sendWithOptions(PEER_ISS, 0, flags(TcpFlag.SYN), 65535, synOptions, new byte[0]);
        var synAck = p.expect();
        p.iss = synAck.seq();
        p.sendWithOptions(PEER_ISS + 1, p.iss + 1, flags(TcpFlag.ACK), 65535, ackOptions, new byte[0]);
        p.conn = p.listener.accept();
        return synAck;
    }

    /** Sends 1000 bytes at peer offset {@code rel} (relative to its ISN + 1) and returns the ACK it draws. */
    private static TcpPeer.Segment segmentAt(TcpPeer p, int rel, byte[] options) {
        p.sendWithOptions(PEER_ISS + 1 + rel, p.iss + 1, flags(TcpFlag.ACK), 65535, options, bytes(1000));
        return p.expect();
    }

    /** The SACK blocks of a segment, relative to the peer's ISN + 1, as start,end pairs. */
    private static int[] blocks(TcpPeer.Segment s) {
        var o = s.options();
        int[] r = new int[2 * o.sackBlocks];
        for (int i = 0; i < o.sackBlocks; i++) {
            r[2 * i] = o.sackStart[i] - PEER_ISS - 1;
            r[2 * i + 1] = o.sackEnd[i] - PEER_ISS - 1;
        }
        return r;
    }

    @Test
    void sackPermittedIsAnsweredOnlyWhenOfferedAndEnabledRfc2018Section2() {
        var p = TcpPeer.start(SACK);
        var synAck = handshake(p, opts(MSS_1460, SACK_OK), new byte[0]);
        assertTrue(synAck.options().sackPermitted);
        assertArrayEquals(new byte[] {2, 4, 0x05, (byte) 0xb4, 1, 1, 4, 2}, synAck.optionBytes());
        assertTrue(p.conn.sack.on);
        var notOffered = TcpPeer.start(SACK);
        assertFalse(handshake(notOffered, MSS_1460, new byte[0]).options().sackPermitted);
        var disabled = TcpPeer.start(TcpConfig.defaults().withSack(false));
        assertFalse(handshake(disabled, opts(MSS_1460, SACK_OK), new byte[0]).options().sackPermitted);
        // Without SACK, out-of-order data draws a plain duplicate ACK.
        assertEquals(0, segmentAt(disabled, 1000, new byte[0]).options().sackBlocks);
    }

    @Test
    void theFirstBlockHoldsTheMostRecentlyReceivedSegmentRfc2018Section4() {
        var p = TcpPeer.start(SACK);
        handshake(p, opts(MSS_1460, SACK_OK), new byte[0]);
        var first = segmentAt(p, 1000, new byte[0]);
        assertEquals(PEER_ISS + 1, first.ack());
        assertArrayEquals(new int[] {1000, 2000}, blocks(first));
        assertArrayEquals(new int[] {3000, 4000, 1000, 2000}, blocks(segmentAt(p, 3000, new byte[0])));
        assertArrayEquals(new int[] {5000, 6000, 3000, 4000, 1000, 2000}, blocks(segmentAt(p, 5000, new byte[0])));
        // Bridging two runs: the merged run comes first, the others keep their recency order.
        assertArrayEquals(new int[] {1000, 4000, 5000, 6000}, blocks(segmentAt(p, 2000, new byte[0])));
    }

    @Test
    void blocksGoWhenTheHolesFillRfc2018Section4() {
        var p = TcpPeer.start(SACK);
        handshake(p, opts(MSS_1460, SACK_OK), new byte[0]);
        segmentAt(p, 1000, new byte[0]);
        segmentAt(p, 3000, new byte[0]);
        var partial = segmentAt(p, 0, new byte[0]);
        assertEquals(PEER_ISS + 1 + 2000, partial.ack());
        assertArrayEquals(new int[] {3000, 4000}, blocks(partial));
        var full = segmentAt(p, 2000, new byte[0]);
        assertEquals(PEER_ISS + 1 + 4000, full.ack());
        assertEquals(0, full.options().sackBlocks);
        assertEquals(0, p.conn.sack.count());
    }

    @Test
    void aDuplicateSegmentIsReportedOnceAsTheFirstBlockRfc2883Section4() {
        var p = TcpPeer.start(SACK);
        handshake(p, opts(MSS_1460, SACK_OK), new byte[0]);
        // The first of two: its ACK is delayed; the second draws it.
        p.sendWithOptions(PEER_ISS + 1, p.iss + 1, flags(TcpFlag.ACK), 65535, new byte[0], bytes(1000));
        assertEquals(PEER_ISS + 1 + 2000, segmentAt(p, 1000, new byte[0]).ack());
        segmentAt(p, 3000, new byte[0]); // out of order: a run 3000-4000 held
        var dup = segmentAt(p, 0, new byte[0]); // all below RCV.NXT
        assertEquals(PEER_ISS + 1 + 2000, dup.ack());
        assertArrayEquals(new int[] {0, 1000, 3000, 4000}, blocks(dup)); // D-SACK first, then the held run
        // Partly old: only the repeated part is reported; once.
        p.sendWithOptions(PEER_ISS + 1 + 1500, p.iss + 1, flags(TcpFlag.ACK), 65535, new byte[0], bytes(1000));
        p.advanceMillis(40);
        var partial = p.expect();
        assertEquals(PEER_ISS + 1 + 2500, partial.ack());
        assertArrayEquals(new int[] {1500, 2000, 3000, 4000}, blocks(partial));
        assertArrayEquals(new int[] {5000, 6000, 3000, 4000}, blocks(segmentAt(p, 5000, new byte[0])));
    }

    @Test
    void atMostFourBlocksFitAndThreeBesideTimestampsRfc2018Section3() {
        var p = TcpPeer.start(SACK);
        handshake(p, opts(MSS_1460, SACK_OK), new byte[0]);
        TcpPeer.Segment last = null;
        for (int i = 1; i <= 6; i++) last = segmentAt(p, 2000 * i, new byte[0]);
        assertArrayEquals(new int[] {12000, 13000, 10000, 11000, 8000, 9000, 6000, 7000}, blocks(last));
        assertEquals(36, last.optionBytes().length); // NOP NOP SACK(2 + 4 * 8)

        var q = TcpPeer.start(SACK.withTimestamps(true));
        handshake(q, opts(MSS_1460, SACK_OK, ts(100, 0)), ts(101, 0));
        for (int i = 1; i <= 6; i++) last = segmentAt(q, 2000 * i, ts(102, 0));
        assertArrayEquals(new int[] {12000, 13000, 10000, 11000, 8000, 9000}, blocks(last));
        assertTrue(last.options().timestamps);
        assertEquals(40, last.optionBytes().length); // NOP NOP TS(10) NOP NOP SACK(2 + 3 * 8)
    }

    @Test
    void blocksRideOnDataSegmentsOnlyAsFarAsTheMtuAllowsRfc2018Section4() {
        var p = TcpPeer.start(SACK);
        handshake(p, opts(MSS_1460, SACK_OK), new byte[0]);
        segmentAt(p, 1000, new byte[0]);
        p.conn.setNoDelay(true, p.now());
        p.write(bytes(100));
        var small = p.expect();
        assertArrayEquals(new int[] {1000, 2000}, blocks(small)); // a short data segment carries the block
        p.write(bytes(1460));
        var full = p.expect();
        assertEquals(1460, full.data().length);
        assertEquals(0, full.options().sackBlocks); // a full one has no room left under the 1500-byte MTU
        assertTrue(full.raw().length <= 1500);
    }

    // ---------------------------------------------------------------- as data sender (RFC 6675)

    private static TcpOptions sackOf(int... startEnd) {
        var o = new TcpOptions();
        o.sackBlocks = startEnd.length / 2;
        for (int i = 0; i < o.sackBlocks; i++) {
            o.sackStart[i] = startEnd[2 * i];
            o.sackEnd[i] = startEnd[2 * i + 1];
        }
        return o;
    }

    @Test
    void scoreboardKeepsOnlyBlocksBetweenSndUnaAndSndMaxRfc2018Section5() {
        var b = new SendScoreboard();
        assertTrue(b.update(sackOf(200, 300), 100, 1000));
        assertFalse(b.update(sackOf(200, 300), 100, 1000)); // nothing new
        assertFalse(b.update(sackOf(50, 90, 900, 1100, 300, 200), 100, 1000)); // old, beyond SND.MAX, reversed
        assertTrue(b.update(sackOf(300, 400, 600, 700), 100, 1000));
        assertEquals(2, b.ranges()); // 200-400 merged, 600-700
        assertTrue(b.isSacked(399) && !b.isSacked(400) && b.isSacked(600));
        b.prune(650);
        assertEquals(1, b.ranges());
        assertFalse(b.isSacked(640));
        assertTrue(b.isSacked(650));
    }

    @Test
    void aByteIsLostOnceThreeRunsOrMoreThanTwoSegmentsAreSackedAboveItRfc6675Section4() {
        var b = new SendScoreboard();
        b.update(sackOf(1100, 1200, 1300, 1400), 1000, 5000);
        assertFalse(b.isLost(1000, 100)); // two runs, 200 bytes
        b.update(sackOf(1500, 1501), 1000, 5000);
        assertTrue(b.isLost(1000, 100)); // three runs
        var c = new SendScoreboard();
        c.update(sackOf(2000, 2201), 1000, 5000);
        assertTrue(c.isLost(1000, 100)); // 201 bytes > 2 * SMSS
        assertFalse(c.isLost(2100, 100));
        assertTrue(c.findLostHole(1000, 5000, 100));
        assertEquals(1000, c.hole);
        assertEquals(2000, c.holeEnd(1000, 5000));
        c.highRxt = 2000;
        assertFalse(c.findLostHole(1000, 5000, 100)); // the hole was retransmitted; nothing lost above the SACKs
    }

    /** Drains every segment the host sends now. */
    private static java.util.List<TcpPeer.Segment> drain(TcpPeer p) {
        var out = new java.util.ArrayList<TcpPeer.Segment>();
        p.host.poll();
        byte[] b;
        while ((b = p.link.receive()) != null) out.add(TcpPeer.parse(b));
        return out;
    }

    @Test
    void aSecondLostHoleIsRetransmittedInTheSameRecoveryRfc6675Section5() {
        var p = TcpPeer.start(SACK);
        handshake(p, opts(MSS_1460, SACK_OK), new byte[0]);
        int mss = 1460;
        p.write(bytes(40 * mss));
        // Slow start to a window of 12 segments: the peer acknowledges every segment it gets.
        int una = p.iss + 1;
        for (int round = 0; round < 2; round++) {
            for (var s : drain(p)) {
                una = s.seq() + s.data().length;
                p.ack(una, 65535);
            }
        }
        var flight = drain(p);
        assertTrue(flight.size() >= 8, "segments in flight: " + flight.size());
        int base = flight.get(0).seq();
        assertEquals(una, base);
        // Segments 0 and 3 are lost; 1, 2, 4, 5, 6 arrive, each drawing a duplicate ACK with SACK blocks.
        var sent = new java.util.ArrayList<TcpPeer.Segment>();
        int[] arrived = {1, 2, 4, 5, 6};
        int hiRun = base + mss;
        for (int k : arrived) {
            byte[] sack = k <= 2
                    ? sackBlock(base + mss, base + (k + 1) * mss)
                    : opts(sackBlock(base + 4 * mss, base + (k + 1) * mss), sackBlock(base + mss, base + 3 * mss));
            p.sendWithOptions(p.sndNxt, base, flags(TcpFlag.ACK), 65535, sack, new byte[0]);
            sent.addAll(drain(p));
        }
        var retransmitted = sent.stream().filter(s -> s.seq() == base || s.seq() == base + 3 * mss).toList();
        assertEquals(2, retransmitted.size(), "both holes resent before any cumulative ACK: " + sent.stream()
                .map(s -> (s.seq() - base) / mss).toList());
        assertEquals(base, retransmitted.get(0).seq()); // the fast retransmission comes first
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpSackRetrans));
        assertEquals(1, p.tcp.counters().get(TcpCounter.tcpFastRetrans));
        // The first hole's retransmission arrives: a partial ACK up to the second hole, already resent, so
        // not resent again.
        p.sendWithOptions(p.sndNxt, base + 3 * mss, flags(TcpFlag.ACK), 65535,
                sackBlock(base + 4 * mss, base + 7 * mss), new byte[0]);
        assertTrue(drain(p).stream().noneMatch(s -> s.seq() == base + 3 * mss), "no second copy of hole 2");
    }

    private static byte[] sackBlock(int start, int end) {
        return java.nio.ByteBuffer.allocate(12).put((byte) 1).put((byte) 1).put((byte) 5).put((byte) 10)
                .putInt(start).putInt(end).array();
    }
}
