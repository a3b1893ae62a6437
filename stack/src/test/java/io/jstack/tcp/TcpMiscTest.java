package io.jstack.tcp;

import static io.jstack.tcp.TcpPeer.PEER;
import static io.jstack.tcp.TcpPeer.PEER_ISS;
import static io.jstack.tcp.TcpPeer.PEER_PORT;
import static io.jstack.tcp.TcpPeer.PORT;
import static io.jstack.tcp.TcpPeer.bytes;
import static io.jstack.tcp.TcpPeer.flags;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.wire.TcpFlag;
import io.jstack.wire.TcpHeader;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TcpMiscTest {

    @Test
    void activeOpenToBroadcastOrMulticastIsRefusedRfc1122Section4_2_3_10() {
        var p = TcpPeer.start();
        for (String a : new String[] {"255.255.255.255", "224.0.0.1", "239.1.2.3", "0.0.0.0"}) {
            int addr = io.jstack.wire.Ipv4Address.parse(a).value();
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> p.tcp.connect(addr, 80, 0, TcpObserver.NONE, p.now()));
            assertTrue(e.getMessage().contains("not a unicast address"), e.getMessage());
        }
        p.expectNothing();
        assertEquals(0, p.tcp.connectionCount());
        assertEquals(4, p.tcp.counters().get(TcpCounter.tcpOpenRejected));
        assertEquals(0, p.tcp.counters().get(TcpCounter.tcpActiveOpens));
    }

    @Test
    void isnDependsOnTheFourTupleAndAdvancesEveryFourMicrosecondsRfc6528Section3() {
        var g = new IsnGenerator(11, 22);
        int a = g.isn(1, 80, 2, 40000, 0);
        assertNotEquals(a, g.isn(1, 80, 2, 40001, 0));
        assertNotEquals(a, new IsnGenerator(11, 23).isn(1, 80, 2, 40000, 0)); // the secret matters
        assertEquals(a + 250, g.isn(1, 80, 2, 40000, 1_000_000)); // 1 ms = 250 ticks of 4 us
    }

    @Test
    void duplicateSynInSynReceivedGetsTheSynAckAgainRfc9293Section3_10_7_4() {
        var p = TcpPeer.start();
        p.tcp.listen(PORT, 8);
        var syn = new TcpHeader(PEER_PORT, PORT, PEER_ISS, 0, flags(TcpFlag.SYN), 65535, 0, 1460, -1);
        p.send(syn, new byte[0]);
        var synAck = p.expect();
        p.send(syn, new byte[0]);
        assertEquals(synAck.h(), p.expect().h());
    }

    @Test
    void synAckIsRetransmittedAndTheHalfOpenConnectionGivenUp() {
        var p = TcpPeer.start();
        var l = p.tcp.listen(PORT, 8);
        p.send(new TcpHeader(PEER_PORT, PORT, PEER_ISS, 0, flags(TcpFlag.SYN), 65535, 0, 1460, -1), new byte[0]);
        var synAck = p.expect();
        long rto = 1_000;
        for (int i = 0; i < TcpConfig.defaults().maxSynRetransmissions(); i++) {
            p.advanceMillis(rto);
            assertEquals(synAck.h(), p.expect().h());
            rto *= 2;
        }
        p.advanceMillis(rto);
        assertNull(p.tcp.connection(PEER, PEER_PORT, PORT));
        assertNull(l.accept());
    }

    @Test
    void dataOnTheHandshakeAckIsDeliveredRfc9293Section3_10_7_4() {
        var p = TcpPeer.start();
        var l = p.tcp.listen(PORT, 8);
        p.send(new TcpHeader(PEER_PORT, PORT, PEER_ISS, 0, flags(TcpFlag.SYN), 65535, 0, 1460, -1), new byte[0]);
        var synAck = p.expect();
        byte[] data = bytes(300);
        p.send(PEER_ISS + 1, synAck.seq() + 1, flags(TcpFlag.ACK, TcpFlag.PSH), 65535, data);
        p.conn = l.accept();
        assertArrayEquals(data, p.read());
    }

    @Test
    void orphanInFinWait2IsClosedAfterTheTimeout() {
        var p = TcpPeer.start().established();
        p.conn.close(p.now());
        var fin = p.expect();
        p.ack(fin.seq() + 1, 65535);
        assertEquals(TcpState.FIN_WAIT_2, p.conn.state());
        p.advance(TcpConfig.defaults().finWait2Timeout());
        assertEquals(TcpState.CLOSED, p.conn.state());
    }

    @Test
    void finIsRetransmittedUntilAcknowledgedRfc9293Section3_10_4() {
        var p = TcpPeer.start().established();
        p.conn.close(p.now());
        var fin = p.expect();
        p.advance(Duration.ofNanos(p.conn.rtoNanos()));
        var again = p.expect();
        assertEquals(fin.seq(), again.seq());
        assertTrue(again.has(TcpFlag.FIN));
    }

    @Test
    void dataQueuedBeforeCloseIsSentBeforeTheFin() {
        var p = TcpPeer.start().established();
        p.write(bytes(100));
        p.conn.close(p.now());
        var data = p.expect();
        assertEquals(100, data.data().length);
        var fin = data.has(TcpFlag.FIN) ? data : p.expect();
        assertTrue(fin.has(TcpFlag.FIN));
        assertEquals(p.iss + 1 + 100, fin.seq() + fin.data().length);
    }

    @Test
    void longMapKeepsEveryKeyThroughGrowthAndDeletion() {
        var m = new LongMap<Long>();
        var ref = new HashMap<Long, Long>();
        var r = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            long k = r.nextInt(3000);
            if (r.nextBoolean()) {
                m.put(k, k * 2);
                ref.put(k, k * 2);
            } else {
                assertEquals(ref.remove(k) != null, m.remove(k));
            }
        }
        assertEquals(ref.size(), m.size());
        for (Map.Entry<Long, Long> e : ref.entrySet()) assertEquals(e.getValue(), m.get(e.getKey()));
        for (long k = 0; k < 3000; k++) if (!ref.containsKey(k)) assertNull(m.get(k));
    }

    @Test
    void byteRingStartsEmptyGrowsAndGivesMemoryBack() {
        var ring = new ByteRing(100_000);
        assertEquals(0, ring.capacity());
        byte[] data = bytes(50_000);
        assertEquals(50_000, ring.write(data, 0, data.length));
        assertTrue(ring.capacity() >= 50_000);
        byte[] back = new byte[50_000];
        assertEquals(50_000, ring.read(back, 0, back.length));
        assertArrayEquals(data, back);
        ring.trim();
        assertEquals(0, ring.capacity());
    }

    @Test
    void receiveSpaceJoinsRangesAndBoundsTheirNumber() {
        var rs = new ReceiveSpace(1 << 20);
        rs.init(0);
        ByteBuffer seg = ByteBuffer.wrap(bytes(10));
        // 32 separate ranges fit; the 33rd separate one is dropped.
        for (int i = 0; i < ReceiveSpace.MAX_RANGES; i++) {
            assertEquals(ReceiveSpace.Arrival.OUT_OF_ORDER, rs.accept(1 + 100 * (i + 1), seg, 0, 10));
        }
        assertEquals(ReceiveSpace.Arrival.DROPPED, rs.accept(1 + 100 * 40, seg, 0, 10));
        // Adjacent to an existing range it still merges.
        assertEquals(ReceiveSpace.Arrival.OUT_OF_ORDER, rs.accept(1 + 100 + 10, seg, 0, 10));
        assertEquals(ReceiveSpace.MAX_RANGES, rs.outOfOrderRanges());
        assertEquals(ReceiveSpace.Arrival.IN_ORDER, rs.accept(1, seg, 0, 10));
        assertEquals(10, rs.readable());
    }
}
