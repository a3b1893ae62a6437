package io.jstack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link TcpConnection#sendLater}: the data is queued by the call and leaves when the host's tasks are done. */
class TcpSendLaterTest {

    @Test
    void sendLaterQueuesAndTheSegmentLeavesWhenTheLayerFlushes() {
        TcpPeer p = TcpPeer.start().established();
        byte[] data = TcpPeer.bytes(1000);
        assertEquals(1000, p.conn.sendLater(data, 0, data.length, p.now()));
        assertNull(p.link.receive(), "nothing leaves inside the call");
        p.tcp.flush(p.now());
        TcpPeer.Segment s = p.expect();
        assertEquals(p.iss + 1, s.seq());
        assertArrayEquals(data, s.data());
        p.tcp.flush(p.now());
        p.expectNothing(); // sent once
    }

    @Test
    void theHostFlushesAfterItsTasksSoTheTaskSeesItsCountBeforeThePacketLeaves() {
        TcpPeer p = TcpPeer.start().established();
        byte[] data = TcpPeer.bytes(3000);
        AtomicInteger taken = new AtomicInteger(-1);
        AtomicInteger packetsWhenTaken = new AtomicInteger(-1);
        p.host.execute(() -> {
            taken.set(p.conn.sendLater(data, 0, data.length, p.now()));
            packetsWhenTaken.set(p.link.pending());
        });
        p.host.poll();
        assertEquals(3000, taken.get());
        assertEquals(0, packetsWhenTaken.get(), "no packet inside the task");
        TcpPeer.Segment first = p.parse(p.link.receive());
        TcpPeer.Segment second = p.parse(p.link.receive());
        assertEquals(1460, first.data().length);
        assertEquals(1460, second.data().length);
        assertEquals(p.iss + 1 + 1460, second.seq());
    }

    @Test
    void aConnectionClosedBeforeTheFlushSendsNothingMore() {
        TcpPeer p = TcpPeer.start().established();
        byte[] data = TcpPeer.bytes(100);
        p.conn.sendLater(data, 0, data.length, p.now());
        p.conn.abort(p.now());
        TcpPeer.Segment rst = p.expect();
        assertEquals(true, rst.has(io.jstack.wire.TcpFlag.RST));
        p.tcp.flush(p.now());
        p.expectNothing();
    }
}
