package io.jstack.tcp;

import static io.jstack.tcp.TcpPeer.HOST;
import static io.jstack.tcp.TcpPeer.PEER;
import static io.jstack.tcp.TcpPeer.PEER_ISS;
import static io.jstack.tcp.TcpPeer.PEER_PORT;
import static io.jstack.tcp.TcpPeer.PORT;
import static io.jstack.tcp.TcpPeer.flags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.host.Host;
import io.jstack.ip.Ipv4Config;
import io.jstack.link.Link;
import io.jstack.time.ManualClock;
import io.jstack.wire.Ipv4Packet;
import io.jstack.wire.TcpFlag;
import io.jstack.wire.TcpHeader;
import io.jstack.wire.TcpPacket;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 7: the steady-state data path (a segment in and read out; a segment written, sent and acknowledged)
 * allocates nothing per segment, while an idle connection holds no buffer array. The peer is scripted over a
 * link that copies into fixed buffers, so every byte this thread allocates in the loop is the stack's.
 */
class TcpSteadyStateAllocationTest {
    private static final int LEN = 500, SEGMENTS = 20_000, TCP_OFF = 20;

    /** One inbound packet at a time in, the last packet out kept; allocates nothing after construction. */
    private static final class ScriptLink implements Link {
        final ByteBuffer sent = ByteBuffer.allocate(65536);
        ByteBuffer next;
        int sentLength = -1;

        @Override public int mtu() { return 1500; }
        @Override public int receive(ByteBuffer dst) {
            ByteBuffer p = next;
            if (p == null) return -1;
            next = null;
            dst.clear();
            dst.put(0, p, 0, p.limit());
            dst.limit(p.limit());
            return p.limit();
        }
        @Override public void send(ByteBuffer packet) {
            sentLength = packet.remaining();
            sent.put(0, packet, packet.position(), sentLength);
        }
        @Override public void await(long timeoutNanos) {}
        @Override public void wakeup() {}
        @Override public void close() {}
    }

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private final ScriptLink link = new ScriptLink();
    private final Host host = new Host(HOST, link, clock, Ipv4Config.defaults());
    private TcpLayer tcp = TcpLayer.install(host, TcpConfig.defaults(), new IsnGenerator(3, 4));
    /** Segments carry NOP NOP TS (RFC 7323) and TSecr echoes the stack's last TSval. */
    private boolean withTimestamps;
    private final byte[] payload = new byte[LEN], sink = new byte[65536];
    private ByteBuffer data, ack;
    private TcpConnection conn;
    private int peerSeq = PEER_ISS + 1, hostSeq;

    private ByteBuffer segment(int seq, int ack, int dataLen, TcpFlag... f) {
        var h = new TcpHeader(PEER_PORT, PORT, seq, ack, flags(f), 65535, 0, -1, -1);
        int opt = withTimestamps ? 12 : 0;
        boolean syn = f[0] == TcpFlag.SYN;
        if (syn && withTimestamps) opt += 4; // SACK-permitted, NOP, NOP
        ByteBuffer b = ByteBuffer.allocate(TCP_OFF + h.length() + opt + dataLen);
        h.emit(b, TCP_OFF);
        if (withTimestamps) {
            int o = TCP_OFF + 20;
            TcpPacket.emitHeader(b, TCP_OFF, PEER_PORT, PORT, seq, ack, TcpFlag.bits(flags(f)), 65535, opt);
            if (syn) b.put(o, (byte) 1).put(o + 1, (byte) 1).put(o + 2, (byte) 4).put(o + 3, (byte) 2);
            if (syn) o += 4;
            b.put(o, (byte) 1).put(o + 1, (byte) 1).put(o + 2, (byte) 8).put(o + 3, (byte) 10).putInt(o + 4, 1)
                    .putInt(o + 8, 0);
        }
        TcpPacket.fillChecksum(b, TCP_OFF, h.length() + opt + dataLen, PEER, HOST);
        Ipv4Packet.emit(b, 0, b.capacity(), 1, 0, 64, 6, PEER, HOST);
        return b;
    }

    /** Rewrites SEQ and ACK (and TSval, TSecr) of a prepared segment in place and fixes its checksum. */
    private void patch(ByteBuffer b, int seq, int ack) {
        b.putInt(TCP_OFF + 4, seq).putInt(TCP_OFF + 8, ack);
        if (withTimestamps) {
            int tsVal = b.getInt(TCP_OFF + 24) + 1;
            int lastSent = link.sent.getInt(TCP_OFF + 24); // the stack's last TSval (its options start NOP NOP TS)
            b.putInt(TCP_OFF + 24, tsVal).putInt(TCP_OFF + 28, lastSent);
        }
        TcpPacket.fillChecksum(b, TCP_OFF, b.capacity() - TCP_OFF, PEER, HOST);
    }

    private void deliver(ByteBuffer b) {
        deliver(b, host);
    }

    private void deliver(ByteBuffer b, Host h) {
        link.next = b;
        h.poll();
    }

    private void establish() {
        establishOn(host);
    }

    private void establishOn(Host h) {
        TcpListenerState l = tcp.listen(PORT, 4);
        deliver(segment(PEER_ISS, 0, 0, TcpFlag.SYN), h);
        hostSeq = link.sent.getInt(TCP_OFF + 4) + 1;
        deliver(segment(peerSeq, hostSeq, 0, TcpFlag.ACK), h);
        conn = l.accept();
        assertNotNull(conn);
        data = segment(peerSeq, hostSeq, LEN, TcpFlag.ACK, TcpFlag.PSH);
        ack = segment(peerSeq, hostSeq, 0, TcpFlag.ACK);
    }

    /** The JVM's per-thread allocation counter; the test is skipped where there is none. */
    private static com.sun.management.ThreadMXBean allocationCounter() {
        var mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "no allocation counter in this JVM");
        var threads = (com.sun.management.ThreadMXBean) mx;
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "thread allocation counting is off");
        return threads;
    }

    /** One segment each way, as TcpSegmentBench does: in and read; written, sent and acknowledged. */
    private void roundTrip() {
        roundTrip(host);
    }

    /** Writes hand chunks over ({@link TcpConnection#sendChunk}) instead of having the loop copy. */
    private boolean chunked;

    private void roundTrip(Host h) {
        clock.setNanos(clock.nanos() + 1_000);
        patch(data, peerSeq, hostSeq);
        deliver(data, h);
        int n = conn.receive(sink, 0, sink.length, clock.nanos());
        if (n != LEN) throw new AssertionError("received " + n);
        peerSeq += LEN;
        int sent = chunked ? conn.sendChunk(tcp.sendChunks().take(), LEN, clock.nanos())
                : conn.send(payload, 0, LEN, clock.nanos());
        if (sent != LEN) throw new AssertionError("send buffer full");
        h.poll();
        hostSeq += LEN;
        patch(ack, peerSeq, hostSeq);
        deliver(ack, h);
        if (conn.unacknowledged() != 0) throw new AssertionError("the ACK did not free the send buffer");
    }

    @Test
    void steadyStateSegmentsAllocateNoBufferArraysIssue7() {
        var threads = allocationCounter();
        establish();
        for (int i = 0; i < 30_000; i++) roundTrip(); // warm up: pool, JIT
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < SEGMENTS; i++) roundTrip();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(0, host.internalErrors());
        assertEquals(TcpState.ESTABLISHED, conn.state());
        // Before the pool: two arrays of 2 KiB per round trip (≈ 84 MB here); now ≈ 0 once compiled. Generous: 256 B.
        assertTrue(allocated < 256L * SEGMENTS, "allocated " + allocated + " bytes for " + SEGMENTS + " round trips");
    }

    @Test
    void steadyStateWithTimestampsAndSackAllocatesNothingRfc7323Rfc2018() {
        var threads = allocationCounter();
        withTimestamps = true;
        tcp = TcpLayer.install(new Host(HOST, link, clock, Ipv4Config.defaults()),
                TcpConfig.defaults().withTimestamps(true).withSack(true), new IsnGenerator(3, 4));
        establishOn(tcp.host());
        assertTrue(conn.ts.on && conn.sack.on);
        for (int i = 0; i < 30_000; i++) roundTrip(tcp.host());
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < SEGMENTS; i++) roundTrip(tcp.host());
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(0, tcp.counters().get(TcpCounter.tcpPawsDropped));
        assertEquals(0, tcp.counters().get(TcpCounter.tcpTsMissingDropped));
        assertTrue(conn.rtt.srttNanos() >= 0, "RTTM took samples");
        assertTrue(allocated < 256L * SEGMENTS, "allocated " + allocated + " bytes for " + SEGMENTS + " round trips");
    }

    @Test
    void chunksHandedOverAreRecycledSoTheSteadyStateAllocatesNothingIssue7() {
        var threads = allocationCounter();
        chunked = true;
        establish();
        for (int i = 0; i < 30_000; i++) roundTrip();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < SEGMENTS; i++) roundTrip();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(0, host.internalErrors());
        // Each acknowledged chunk went back to the pool and the next write took it: no 64 KiB array per write.
        assertEquals(0, conn.queue.capacity());
        assertEquals(ChunkPool.SEND_CHUNK, tcp.sendChunks().bytes());
        assertTrue(allocated < 256L * SEGMENTS, "allocated " + allocated + " bytes for " + SEGMENTS + " round trips");
    }

    @Test
    void anIdleConnectionHoldsNoBufferArrayAndThePoolStaysSmall() {
        establish();
        for (int i = 0; i < 100; i++) roundTrip();
        assertEquals(0, conn.rcv.readable());
        assertEquals(0, conn.unacknowledged());
        // Both rings emptied: their arrays went back to the layer's pool, none is held by the connection (the
        // two rings took turns with one 2 KiB array).
        assertEquals(0, conn.rcv.capacity());
        assertEquals(0, conn.queue.capacity());
        assertEquals(2048, tcp.pooledBufferBytes());
        assertTrue(tcp.pooledBufferBytes() <= RingPool.DEFAULT_MAX_BYTES);
    }

    @Test
    void thePoolKeepsOnlyPowerOfTwoArraysUpToItsBound() {
        var pool = new RingPool(8192);
        byte[] a = pool.take(2048);
        pool.give(a);
        assertEquals(2048, pool.bytes());
        assertTrue(a == pool.take(2048), "a spare array is reused");
        assertEquals(0, pool.bytes());
        pool.give(new byte[3000]); // not a size class
        pool.give(new byte[1024]); // below the smallest class
        assertEquals(0, pool.bytes());
        pool.give(new byte[8192]);
        pool.give(new byte[2048]); // over the bound
        assertEquals(8192, pool.bytes());
        assertEquals(4096, pool.take(4096).length); // an empty class allocates
        assertEquals(8192, pool.bytes());
    }

    @Test
    void aRingThatGrowsHandsItsSmallerArrayBackAndGetsItContentRight() {
        var pool = new RingPool(1 << 20);
        var ring = new ByteRing(1 << 16, pool);
        byte[] in = new byte[5000];
        for (int i = 0; i < in.length; i++) in[i] = (byte) i;
        assertEquals(1000, ring.write(in, 0, 1000));
        assertEquals(2048, ring.capacity());
        byte[] out = new byte[5000];
        assertEquals(600, ring.read(out, 0, 600)); // move the head so that growth must unwrap
        assertEquals(4000, ring.write(in, 1000, 4000));
        assertEquals(8192, ring.capacity());
        assertEquals(2048, pool.bytes());
        assertEquals(4400, ring.read(out, 600, 5000));
        assertEquals(java.util.Arrays.toString(in), java.util.Arrays.toString(out));
        ring.trim();
        assertEquals(0, ring.capacity());
        assertEquals(2048 + 8192, pool.bytes());
    }
}
