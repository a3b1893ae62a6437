package io.jstack.ip;

import static io.jstack.ip.Datagrams.HOST;
import static io.jstack.ip.Datagrams.PEER;
import static io.jstack.ip.Datagrams.TEST_PROTOCOL;
import static io.jstack.ip.Datagrams.fragment;
import static io.jstack.ip.Datagrams.fragments;
import static io.jstack.ip.Datagrams.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.icmp.IcmpConfig;
import io.jstack.icmp.IcmpCounter;
import io.jstack.time.Clock;
import io.jstack.wire.Ipv4Address;
import io.jstack.wire.Ipv4Header;
import io.jstack.wire.Ipv4Packet;
import io.jstack.wire.Malformed;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** IPv4 reassembly (RFC 791 §3.2, RFC 815, RFC 1122 §3.2.1.4) through a whole host. */
class ReassemblerTest {
    static final byte[] PAYLOAD = pattern(3000, 1);

    /** The 3000-byte payload as four fragments: 800, 800, 800 and 600 bytes. */
    static List<byte[]> fourFragments(int ident) {
        return fragments(PEER, HOST, TEST_PROTOCOL, ident, PAYLOAD, 800);
    }

    static void permute(List<Integer> prefix, List<Integer> rest, List<List<Integer>> out) {
        if (rest.isEmpty()) out.add(prefix);
        for (int i = 0; i < rest.size(); i++) {
            List<Integer> p = new ArrayList<>(prefix);
            p.add(rest.get(i));
            List<Integer> r = new ArrayList<>(rest);
            r.remove(i);
            permute(p, r, out);
        }
    }

    @Test
    void rfc791FragmentsReassembleInEveryOrderOfFour() {
        List<List<Integer>> orders = new ArrayList<>();
        permute(List.of(), List.of(0, 1, 2, 3), orders);
        assertEquals(24, orders.size());
        var t = new TestHost();
        int ident = 100;
        for (List<Integer> order : orders) {
            List<byte[]> f = fourFragments(ident);
            for (int k : order) t.send(f.get(k));
            assertEquals(1, t.transport.delivered.size(), "order " + order);
            var d = t.transport.delivered.remove(0);
            assertArrayEquals(PAYLOAD, d.payload(), "order " + order);
            assertEquals(new Ipv4Header(0, 3020, ident, false, false, 0, 64, TEST_PROTOCOL, new Ipv4Address(PEER),
                    new Ipv4Address(HOST)), d.header());
            // The delivered datagram is a valid Ipv4Packet in its own right.
            assertEquals(Malformed.NONE, new Ipv4Packet().wrap(ByteBuffer.wrap(d.datagram()), 0).check());
            ident++;
        }
        assertEquals(96, t.ip(IpCounter.ipReasmReqds));
        assertEquals(24, t.ip(IpCounter.ipReasmOKs));
        assertEquals(0, t.ip(IpCounter.ipReasmFails));
        assertEquals(24, t.ip(IpCounter.ipInDelivers));
        assertEquals(0, t.host.ip().reassemblyPending());
        assertEquals(0, t.host.ip().reassemblyMemoryBytes());
        assertEquals(Clock.NEVER, t.host.ip().pollAt());
        assertEquals(0, t.host.internalErrors());
    }

    @Test
    void rfc791InterleavedDatagramsAreKeptApartBySourceProtocolAndIdentification() {
        var t = new TestHost();
        int other = Ipv4Address.parse("10.0.0.9").value();
        byte[] p2 = pattern(3000, 2);
        List<byte[]> a = fourFragments(7);
        List<byte[]> b = fragments(other, HOST, TEST_PROTOCOL, 7, p2, 800); // same id, other source
        List<byte[]> c = fragments(PEER, HOST, TEST_PROTOCOL, 8, p2, 800); // same source, other id
        for (int i = 3; i >= 0; i--) t.send(a.get(i), b.get(i), c.get(i));
        assertEquals(3, t.transport.delivered.size());
        assertArrayEquals(PAYLOAD, t.transport.delivered.get(0).payload());
        assertArrayEquals(p2, t.transport.delivered.get(1).payload());
        assertEquals(other, t.transport.delivered.get(1).header().source().value());
        assertArrayEquals(p2, t.transport.delivered.get(2).payload());
    }

    @Test
    void rfc791ExactDuplicatesAreIgnored() {
        var t = new TestHost();
        List<byte[]> f = fourFragments(9);
        t.send(f.get(2), f.get(2), f.get(0), f.get(2), f.get(0), f.get(3), f.get(3));
        assertTrue(t.transport.delivered.isEmpty());
        t.send(f.get(1));
        assertArrayEquals(PAYLOAD, t.transport.onlyPayload());
        // A late duplicate after completion starts a new partial datagram, which times out quietly.
        t.send(f.get(1));
        assertEquals(1, t.transport.delivered.size());
        assertEquals(1, t.host.ip().reassemblyPending());
        assertEquals(1, t.ip(IpCounter.ipReasmOKs));
        assertEquals(0, t.ip(IpCounter.ipReasmFails));
        assertEquals(4, t.ip(IpCounter.ipReasmDuplicates));
    }

    @Test
    void rfc5722PolicyAnOverlappingFragmentDiscardsItsDatagramOnly() {
        var t = new TestHost();
        List<byte[]> f = fourFragments(11);
        List<byte[]> g = fourFragments(12);
        // Data at 400..1200 overlaps fragments 0 and 1 with different bytes: a classic overlap attack.
        byte[] evil = fragment(PEER, HOST, TEST_PROTOCOL, 11, 400, true, pattern(800, 99));
        t.send(f.get(0), g.get(0), g.get(1), f.get(1), evil);
        assertEquals(1, t.ip(IpCounter.ipReasmFails));
        assertEquals(1, t.host.ip().reassemblyPending(), "only datagram 12 is left");
        t.send(g.get(3), g.get(2));
        assertArrayEquals(PAYLOAD, t.transport.onlyPayload(), "the other datagram is intact");
        // The rest of datagram 11 cannot complete: fragments 0 and 1 went with the discarded datagram.
        t.send(f.get(2), f.get(3));
        assertEquals(1, t.transport.delivered.size());
        assertEquals(0, t.host.internalErrors());
    }

    @Test
    void rfc5722PolicyEveryKindOfOverlapIsRefused() {
        // Against fragment [800, 1600): contained, containing, left, right, same start longer, same end shorter.
        int[][] overlaps = {{1000, 1200}, {0, 2400}, {400, 1200}, {1200, 2000}, {800, 2400}, {1200, 1600}};
        for (int[] o : overlaps) {
            var t = new TestHost(65535, Ipv4Config.defaults(), IcmpConfig.defaults());
            List<byte[]> f = fourFragments(20);
            t.send(f.get(1));
            boolean last = o[1] == 3000;
            t.send(fragment(PEER, HOST, TEST_PROTOCOL, 20, o[0], !last, pattern(o[1] - o[0], 5)));
            assertEquals(1, t.ip(IpCounter.ipReasmFails), Arrays.toString(o));
            assertEquals(0, t.host.ip().reassemblyPending(), Arrays.toString(o));
            assertEquals(0, t.host.ip().reassemblyMemoryBytes(), Arrays.toString(o));
        }
    }

    @Test
    void rfc791InconsistentEndsDiscardTheDatagram() {
        var t = new TestHost();
        List<byte[]> f = fourFragments(30);
        t.send(f.get(3)); // last: ends at 3000
        t.send(fragment(PEER, HOST, TEST_PROTOCOL, 30, 2400, false, pattern(608, 1))); // another last, ends 3008
        assertEquals(1, t.ip(IpCounter.ipReasmFails));
        t.send(f.get(3));
        t.send(fragment(PEER, HOST, TEST_PROTOCOL, 30, 3000, true, pattern(8, 1))); // data past the end
        assertEquals(2, t.ip(IpCounter.ipReasmFails));
        t.send(f.get(2));
        t.send(fragment(PEER, HOST, TEST_PROTOCOL, 30, 800, false, pattern(800, 1))); // last before data held
        assertEquals(3, t.ip(IpCounter.ipReasmFails));
        assertEquals(0, t.host.ip().reassemblyPending());
        assertTrue(t.transport.delivered.isEmpty());
    }

    @Test
    void rfc791TheLargestDatagramReassemblesTo65535Bytes() {
        var t = new TestHost();
        byte[] big = pattern(65515, 3);
        List<byte[]> f = fragments(PEER, HOST, TEST_PROTOCOL, 40, big, 1480);
        Collections.shuffle(f, new Random(40));
        t.send(f);
        assertArrayEquals(big, t.transport.onlyPayload());
        assertEquals(65535, t.transport.delivered.get(0).header().totalLength());
        // One byte more cannot be expressed: the fragment that would end past 65535 is a header error.
        int before = (int) t.ip(IpCounter.ipInHdrErrors);
        t.send(fragment(PEER, HOST, TEST_PROTOCOL, 41, 65512, false, pattern(8, 0)));
        assertEquals(before + 1, t.ip(IpCounter.ipInHdrErrors));
        assertEquals(0, t.host.ip().reassemblyPending());
    }

    /** RFC 791 §3.1: options in the first fragment count towards the 65535 bytes; past them, nothing is delivered. */
    @Test
    void rfc791FirstFragmentOptionsThatPushTheDatagramPast65535BytesDropIt() {
        var t = new TestHost();
        byte[] big = pattern(65515, 5);
        List<byte[]> f = new java.util.ArrayList<>(fragments(PEER, HOST, TEST_PROTOCOL, 42, big, 1472));
        byte[] nops = {1, 1, 1, 0}; // 4 option bytes: 24 + 65515 > 65535
        f.set(0, Datagrams.ipv4(PEER, HOST, TEST_PROTOCOL, 42, 0x2000, 64, nops, Arrays.copyOf(big, 1472)));
        t.send(f);
        assertTrue(t.transport.delivered.isEmpty());
        assertEquals(1, t.ip(IpCounter.ipReasmFails));
        assertEquals(0, t.host.ip().reassemblyPending());
        assertEquals(0, t.host.ip().reassemblyMemoryBytes());
    }

    @Test
    void rfc791TinyFragmentsOfTheLargestDatagramReassembleWithinTheMinimumMemory() {
        var t = new TestHost(1500, new Ipv4Config(64, Duration.ofSeconds(30), Ipv4Config.MIN_REASSEMBLY_MEMORY_BYTES),
                IcmpConfig.defaults());
        byte[] big = pattern(65515, 4);
        List<byte[]> f = fragments(PEER, HOST, TEST_PROTOCOL, 42, big, 8);
        Collections.shuffle(f, new Random(42));
        for (int i = 0; i < f.size(); i += 1000) t.send(f.subList(i, Math.min(f.size(), i + 1000)));
        assertArrayEquals(big, t.transport.onlyPayload());
        assertEquals(0, t.ip(IpCounter.ipInDiscards));
    }

    @Test
    void rfc1122Section3214TimeoutDiscardsAndSendsTimeExceededQuotingTheFirstFragment() {
        var t = new TestHost();
        List<byte[]> f = fourFragments(50);
        t.send(f.get(0), f.get(2));
        long deadline = t.clock.nanos() + Duration.ofSeconds(30).toNanos();
        assertEquals(deadline, t.host.pollAt());
        t.advance(Duration.ofSeconds(30).minusNanos(1));
        assertTrue(t.sent().isEmpty());
        assertEquals(1, t.host.ip().reassemblyPending());
        t.advance(Duration.ofNanos(1));
        assertEquals(0, t.host.ip().reassemblyPending());
        assertEquals(1, t.ip(IpCounter.ipReasmFails));
        List<byte[]> out = t.sent();
        assertEquals(1, out.size());
        ByteBuffer r = ByteBuffer.wrap(out.get(0));
        Ipv4Packet ip = new Ipv4Packet().wrap(r, 0);
        assertEquals(Malformed.NONE, ip.check());
        assertEquals(PEER, ip.destination());
        assertEquals(1, ip.protocol());
        assertEquals(11, r.get(20)); // Time Exceeded
        assertEquals(1, r.get(21)); // code 1: fragment reassembly time exceeded
        assertEquals(0, io.jstack.wire.Checksum.compute(r, 20, out.get(0).length - 20));
        // RFC 792: the Internet header of the first fragment plus its first 64 bits of data.
        assertArrayEquals(Arrays.copyOf(f.get(0), 28), Arrays.copyOfRange(out.get(0), 28, out.get(0).length));
        assertEquals(1, t.icmp(IcmpCounter.icmpOutTimeExcds));
        assertEquals(Clock.NEVER, t.host.pollAt());
        // Later fragments of the expired datagram start afresh and cannot complete it.
        t.send(f.get(1), f.get(3));
        assertTrue(t.transport.delivered.isEmpty());
    }

    @Test
    void rfc1122Section3218FirstFragmentOptionsAreQuotedOnTimeoutAndKeptOnReassembly() {
        var t = new TestHost();
        byte[] options = {1, 1, 1, 0}; // NOP NOP NOP EOL
        byte[] first = Datagrams.ipv4(PEER, HOST, TEST_PROTOCOL, 60, 0x2000, 9, options, Arrays.copyOf(PAYLOAD, 800));
        t.send(first);
        t.advance(Duration.ofSeconds(30));
        byte[] err = t.sent().get(0);
        assertArrayEquals(Arrays.copyOf(first, 32), Arrays.copyOfRange(err, 28, err.length));
        // Again, completed this time: the delivered datagram has the first's header, TTL and options included
        // (RFC 1122 §3.2.1.8: options MUST be passed to the transport).
        List<byte[]> rest = fourFragments(60).subList(1, 4);
        t.send(first);
        t.send(rest);
        var d = t.transport.delivered.get(0);
        assertArrayEquals(PAYLOAD, d.payload());
        assertEquals(3024, d.header().totalLength());
        assertEquals(9, d.header().ttl());
        assertEquals(0x46, d.datagram()[0]);
        assertArrayEquals(options, Arrays.copyOfRange(d.datagram(), 20, 24));
        assertEquals(0, io.jstack.wire.Checksum.compute(java.nio.ByteBuffer.wrap(d.datagram()), 0, 24));
    }

    @Test
    void rfc1122Section3214NoTimeExceededWhenTheFirstFragmentNeverArrived() {
        var t = new TestHost();
        List<byte[]> f = fourFragments(51);
        t.send(f.get(1), f.get(2), f.get(3));
        t.advance(Duration.ofSeconds(31));
        assertEquals(1, t.ip(IpCounter.ipReasmFails));
        assertTrue(t.sent().isEmpty());
        assertEquals(0, t.icmp(IcmpCounter.icmpOutTimeExcds));
        assertEquals(0, t.host.ip().reassemblyMemoryBytes());
    }

    @Test
    void reassemblyTimeoutIsConfigurableAndCountsFromTheFirstFragment() {
        var t = new TestHost(1500, new Ipv4Config(64, Duration.ofSeconds(5), 4 << 20), IcmpConfig.defaults());
        List<byte[]> f = fourFragments(52);
        t.send(f.get(0));
        t.advance(Duration.ofSeconds(4));
        t.send(f.get(1)); // does not extend the deadline
        t.advance(Duration.ofSeconds(1));
        assertEquals(0, t.host.ip().reassemblyPending());
        assertEquals(1, t.sent().size());
    }

    @Test
    void timeExceededIsNotSentForAFirstFragmentToTheBroadcastAddress() {
        var t = new TestHost();
        List<byte[]> f = fragments(PEER, 0xffffffff, TEST_PROTOCOL, 53, PAYLOAD, 800);
        t.send(f.get(0));
        t.advance(Duration.ofSeconds(30));
        assertEquals(1, t.ip(IpCounter.ipReasmFails));
        assertTrue(t.sent().isEmpty());
        assertEquals(1, t.icmp(IcmpCounter.icmpOutErrorsSuppressed));
    }

    /** A partial datagram of one last fragment far out: it holds a ~60 KB buffer. */
    static byte[] farLastFragment(int ident) {
        return fragment(PEER, HOST, TEST_PROTOCOL, ident, 60000, false, pattern(8, ident));
    }

    @Test
    void reassemblyMemoryCapEvictsTheOldestPartialDatagrams() {
        int cap = Ipv4Config.MIN_REASSEMBLY_MEMORY_BYTES;
        var t = new TestHost(65535, new Ipv4Config(64, Duration.ofSeconds(30), cap), IcmpConfig.defaults());
        for (int id = 0; id < 10; id++) {
            t.send(farLastFragment(1000 + id));
            assertTrue(t.host.ip().reassemblyMemoryBytes() <= cap, "memory after datagram " + id);
        }
        int held = t.host.ip().reassemblyPending();
        assertTrue(held >= 3 && held < 10, "held " + held);
        assertEquals(10 - held, t.ip(IpCounter.ipReasmFails), "the oldest were evicted");
        assertEquals(0, t.ip(IpCounter.ipInDiscards));
        // The newest are the ones kept: completing the last one works.
        t.send(fragment(PEER, HOST, TEST_PROTOCOL, 1009, 0, true, pattern(60000, 0)));
        assertEquals(1, t.transport.delivered.size());
        assertEquals(60008, t.transport.delivered.get(0).payload().length);
        // The oldest is gone: its first part starts a new partial datagram instead of completing it.
        long oks = t.ip(IpCounter.ipReasmOKs);
        t.send(fragment(PEER, HOST, TEST_PROTOCOL, 1000, 0, true, pattern(60000, 0)));
        assertEquals(oks, t.ip(IpCounter.ipReasmOKs));
        assertTrue(t.host.ip().reassemblyMemoryBytes() <= cap);
        // No Time Exceeded for evicted datagrams: they did not time out.
        assertTrue(t.sent().isEmpty());
        assertEquals(0, t.host.internalErrors());
    }

    @Test
    void junkFragmentsAtTheMemoryCapDoNotBlockTheLargestPing() {
        int cap = Ipv4Config.MIN_REASSEMBLY_MEMORY_BYTES;
        var t = new TestHost(1500, new Ipv4Config(64, Duration.ofSeconds(30), cap), IcmpConfig.defaults());
        for (int id = 0; id < 50; id++) t.send(farLastFragment(id));
        byte[] data = pattern(65507, 6);
        t.send(Datagrams.fragments(PEER, HOST, 1, 4242, Datagrams.echoRequest(1, 1, data), 1480));
        assertEquals(1, t.ip(IpCounter.ipReasmOKs));
        assertEquals(45, t.sent().size(), "the reply, in 45 fragments");
    }

    @Test
    void reassemblyMemoryCapCountsEveryByteAndTimeoutsReleaseThem() {
        int cap = Ipv4Config.MIN_REASSEMBLY_MEMORY_BYTES;
        var t = new TestHost(1500, new Ipv4Config(64, Duration.ofSeconds(30), cap), IcmpConfig.defaults());
        t.send(fragment(PEER, HOST, TEST_PROTOCOL, 1, 0, true, pattern(1480, 0)));
        long one = t.host.ip().reassemblyMemoryBytes();
        assertTrue(one >= 1480 + Reassembler.DATA + Reassembler.OVERHEAD_BYTES, "charged " + one);
        t.send(farLastFragment(1));
        assertTrue(t.host.ip().reassemblyMemoryBytes() >= 60008, "growing the buffer is charged");
        t.advance(Duration.ofSeconds(30));
        assertEquals(0, t.host.ip().reassemblyPending());
        assertEquals(0, t.host.ip().reassemblyMemoryBytes());
        t.send(fourFragments(2000));
        assertArrayEquals(PAYLOAD, t.transport.onlyPayload());
    }
}
