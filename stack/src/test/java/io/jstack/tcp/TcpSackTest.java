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
        var disabled = TcpPeer.start();
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
}
