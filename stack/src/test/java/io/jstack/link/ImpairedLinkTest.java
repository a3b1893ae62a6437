package io.jstack.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.time.ManualClock;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImpairedLinkTest {
    static byte[] packet(int i) {
        return new byte[] {(byte) (i >>> 8), (byte) i, 1, 2, 3, 4, 5, 6};
    }

    /** Sends n numbered packets out through the impaired link and collects what the far end gets. */
    static List<byte[]> throughOutbound(Impairment imp, long seed, int n) {
        var pair = MemoryLink.pair(1500, 100_000);
        var clock = new ManualClock();
        var link = new ImpairedLink(pair.a(), imp, seed, clock);
        for (int i = 0; i < n; i++) link.send(ByteBuffer.wrap(packet(i)));
        clock.advance(Duration.ofSeconds(10));
        link.receive(ByteBuffer.allocate(2000)); // releases held packets
        List<byte[]> got = new ArrayList<>();
        byte[] p;
        while ((p = pair.b().receive()) != null) got.add(p);
        return got;
    }

    @Test
    void lossDropsAboutThatShareAndCountsIt() {
        var got = throughOutbound(Impairment.parse("loss=10%"), 7, 10_000);
        assertTrue(got.size() > 8_700 && got.size() < 9_300, "kept " + got.size());
    }

    @Test
    void sameSeedGivesTheSameRun() {
        var imp = Impairment.parse("loss=5%,dup=5%,reorder=5%,corrupt=5%");
        var one = throughOutbound(imp, 42, 2000);
        var two = throughOutbound(imp, 42, 2000);
        assertEquals(one.size(), two.size());
        for (int i = 0; i < one.size(); i++) assertArrayEquals(one.get(i), two.get(i));
        assertNotEquals(one.size(), throughOutbound(imp, 43, 2000).size() + 100_000);
    }

    @Test
    void duplicationAndReorderingShowInTheOrder() {
        var got = throughOutbound(Impairment.parse("dup=10%,reorder=10%"), 3, 2000);
        assertTrue(got.size() > 2100, "duplicates: " + got.size());
        int outOfOrder = 0;
        int highest = -1;
        for (byte[] p : got) {
            int cur = ((p[0] & 0xff) << 8) | (p[1] & 0xff);
            if (cur < highest) outOfOrder++; // overtaken by a later packet
            highest = Math.max(highest, cur);
        }
        assertTrue(outOfOrder > 50, "reordered: " + outOfOrder);
    }

    @Test
    void corruptionFlipsOneBit() {
        var got = throughOutbound(Impairment.parse("corrupt=100%"), 5, 100);
        for (int i = 0; i < got.size(); i++) {
            byte[] want = packet(i);
            int bits = 0;
            for (int j = 0; j < want.length; j++) bits += Integer.bitCount((want[j] ^ got.get(i)[j]) & 0xff);
            assertEquals(1, bits);
        }
    }

    @Test
    void delayHoldsInboundPacketsUntilTheClockReachesTheirDeadline() {
        var pair = MemoryLink.pair();
        var clock = new ManualClock();
        var link = new ImpairedLink(pair.a(), Impairment.parse("delay=10ms"), 1, clock);
        pair.b().send(packet(1));
        ByteBuffer dst = ByteBuffer.allocate(2000);
        assertEquals(-1, link.receive(dst));
        clock.advance(Duration.ofMillis(9));
        assertEquals(-1, link.receive(dst));
        clock.advance(Duration.ofMillis(1));
        assertEquals(8, link.receive(dst));
        assertEquals(1, link.counters().get(ImpairedLink.Counter.delayed));
        // Outbound too.
        link.send(ByteBuffer.wrap(packet(2)));
        assertNull(pair.b().receive());
        clock.advance(Duration.ofMillis(10));
        link.receive(dst);
        assertArrayEquals(packet(2), pair.b().receive());
    }
}
