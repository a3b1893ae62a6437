package io.jstack.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.link.Link;
import io.jstack.time.ManualClock;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trace wrapper passes the wrapped link's receive offload on, packet by packet. */
class TracingLinkReceiveOffloadTest {
    /** Returns a 60-byte packet per call, alternately as a trusted super-packet and as a plain packet. */
    static final class Alternating implements Link {
        int calls;

        public int mtu() { return 1500; }
        public int receive(ByteBuffer dst) {
            calls++;
            dst.clear().put(0, (byte) 0x45).limit(60);
            return 60;
        }
        public int lastSegmentSize() { return calls % 2 == 1 ? 1448 : 0; }
        public boolean lastChecksumTrusted() { return calls % 2 == 1; }
        public void send(ByteBuffer p) {}
        public void await(long timeoutNanos) {}
        public void wakeup() {}
        public void close() {}
    }

    @Test
    void segmentSizeAndChecksumTrustOfTheWrappedLinkPassThrough() {
        List<String> lines = new ArrayList<>();
        TracingLink t = new TracingLink(new Alternating(), new ManualClock(), 16, false, lines::add);
        ByteBuffer rx = ByteBuffer.allocate(100);
        t.receive(rx);
        assertEquals(1448, t.lastSegmentSize());
        assertTrue(t.lastChecksumTrusted());
        t.receive(rx);
        assertEquals(0, t.lastSegmentSize());
        assertFalse(t.lastChecksumTrusted());
        t.close();
    }
}
