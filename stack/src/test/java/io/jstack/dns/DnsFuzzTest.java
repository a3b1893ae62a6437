package io.jstack.dns;

import static org.junit.jupiter.api.Assertions.*;

import io.jstack.wire.Ipv4Address;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Seeded random and mutated messages: the parser and responder never throw and always answer within bounds. */
class DnsFuzzTest {
    static final long SEED = Long.getLong("jstack.fuzz.seed", 0x5eed_d115L);
    final DnsResponder responder = new DnsResponder(DnsConfig.defaults(Ipv4Address.parse("10.0.0.2")));
    final ByteBuffer out = ByteBuffer.allocate(DnsResponder.MAX_RESPONSE);

    void feed(byte[] m, String what) {
        int n;
        try {
            n = responder.respond(ByteBuffer.wrap(m), 0, m.length, out);
        } catch (RuntimeException e) {
            throw new AssertionError("seed " + SEED + ", " + what + ": threw " + e, e);
        }
        if (n < 0) {
            assertTrue(m.length < 12 || (m[2] & 0x80) != 0, "seed " + SEED + ", " + what + ": dropped a query");
            return;
        }
        assertTrue(n >= 12 && n <= DnsResponder.MAX_RESPONSE, "seed " + SEED + ", " + what + ": length " + n);
        assertEquals(m[0], out.get(0), "ID");
        assertEquals(m[1], out.get(1), "ID");
        assertTrue((out.get(2) & 0x80) != 0, "QR");
        assertEquals(0, out.get(2) & 0x02, "TC never");
    }

    @Test
    void randomBytesNeverBreakTheResponder() {
        Random rnd = new Random(SEED);
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            byte[] m = new byte[rnd.nextInt(600)];
            rnd.nextBytes(m);
            if (rnd.nextBoolean() && m.length > 2) m[2] &= 0x7f; // mostly queries, so the parser is reached
            if (rnd.nextInt(4) == 0 && m.length > 5) { m[4] = 0; m[5] = 1; } // QDCOUNT 1
            feed(m, "random message " + i);
        }
        assertEquals(n, responder.counters().get(DnsCounter.dnsInMessages));
    }

    @Test
    void mutatedValidQueriesNeverBreakTheResponder() {
        Random rnd = new Random(SEED + 1);
        List<byte[]> seeds = List.of(
                DnsQueries.queryA(1, "jstack.test"),
                DnsQueries.queryA(2, "nope.jstack.test"),
                DnsQueries.message(3, 0x0100, 1, 0, 0, 1, DnsQueries.question("jstack.test", 1, 1),
                        DnsQueries.opt(4096, 0, true)),
                DnsQueries.message(4, 0, 1, 0, 1, 0, DnsQueries.question("jstack.test", 1, 1),
                        new byte[] {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4}));
        for (int i = 0; i < 100_000; i++) {
            byte[] m = seeds.get(rnd.nextInt(seeds.size())).clone();
            int flips = 1 + rnd.nextInt(4);
            for (int f = 0; f < flips; f++) {
                int at = rnd.nextInt(m.length);
                switch (rnd.nextInt(3)) {
                    case 0 -> m[at] ^= (byte) (1 << rnd.nextInt(8));
                    case 1 -> m[at] = (byte) rnd.nextInt(256);
                    default -> m[at] = (byte) (0xc0 | rnd.nextInt(64)); // a pointer somewhere
                }
            }
            if (rnd.nextInt(3) == 0) m = java.util.Arrays.copyOf(m, rnd.nextInt(m.length + 1));
            feed(m, "mutation " + i);
        }
        // The mutations reach every path: answers, negative answers, and each kind of parse failure.
        var c = responder.counters();
        for (DnsCounter k : List.of(DnsCounter.dnsOutNoError, DnsCounter.dnsOutNxDomain, DnsCounter.dnsOutRefused,
                DnsCounter.dnsOutNotImp, DnsCounter.dnsOutFormErr, DnsCounter.dnsBadTruncated, DnsCounter.dnsBadLabel,
                DnsCounter.dnsBadPointerLoop, DnsCounter.dnsBadCount, DnsCounter.dnsInResponses)) {
            assertTrue(c.get(k) > 0, k.name() + " never reached: " + c.snapshot());
        }
    }
}
