package io.jstack.ip;

import static io.jstack.ip.Datagrams.HOST;
import static io.jstack.ip.Datagrams.PEER;
import static io.jstack.ip.Datagrams.TEST_PROTOCOL;
import static io.jstack.ip.Datagrams.echoRequest;
import static io.jstack.ip.Datagrams.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.icmp.IcmpConfig;
import io.jstack.icmp.IcmpCounter;
import io.jstack.link.Link;
import io.jstack.link.MemoryLink;
import io.jstack.wire.Checksum;
import io.jstack.wire.Ipv4Packet;
import io.jstack.wire.Malformed;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Fragmentation on send (RFC 791 §3.2) and ping round trips that need it both ways. */
class FragmentationTest {
    /** Sends {@code payload} as protocol TEST_PROTOCOL from a bare IPv4 layer and returns what reached the link. */
    static List<byte[]> sendThrough(int mtu, byte[] payload, int flags, Ipv4Layer[] layerOut) {
        var net = MemoryLink.pair(mtu, 1 << 16);
        var ip = new Ipv4Layer(HOST, net.a(), Ipv4Config.defaults());
        if (layerOut != null) layerOut[0] = ip;
        ByteBuffer tx = ip.txBuffer();
        tx.put(Ipv4Layer.HEADROOM, payload);
        ip.send(tx, payload.length, TEST_PROTOCOL, PEER, flags);
        List<byte[]> out = new ArrayList<>();
        byte[] p;
        while ((p = net.b().receive()) != null) out.add(p);
        return out;
    }

    /** RFC 791 §3.2: Record Route (copied flag 0) goes in the first fragment only; every fragment is well formed. */
    @ParameterizedTest(name = "{0} bytes over MTU {1}")
    @CsvSource({"100, 1500", "4000, 1500", "3000, 576", "100, 68"})
    void rfc791Section32OptionsTravelInTheFirstFragmentOnly(int size, int mtu) {
        var net = MemoryLink.pair(mtu, 1 << 16);
        var ip = new Ipv4Layer(HOST, net.a(), Ipv4Config.defaults());
        byte[] payload = pattern(size, 4);
        byte[] rr = {7, 7, 8, 10, 0, 0, 2, 0}; // one recorded address, padded with End of Option List
        ByteBuffer tx = ip.txBuffer();
        tx.put(Ipv4Layer.HEADROOM, rr).put(Ipv4Layer.HEADROOM + rr.length, payload);
        ip.sendWithOptions(tx, rr.length, size, TEST_PROTOCOL, PEER);
        List<byte[]> out = new ArrayList<>();
        byte[] p;
        while ((p = net.b().receive()) != null) out.add(p);
        if (size + 28 <= mtu) assertEquals(1, out.size());
        for (int i = 0; i < out.size(); i++) {
            byte[] f = out.get(i);
            Ipv4Packet v = new Ipv4Packet().wrap(ByteBuffer.wrap(f), 0);
            assertEquals(Malformed.NONE, v.check(), "fragment " + i);
            assertTrue(f.length <= mtu);
            assertEquals(i == 0 ? 28 : 20, v.headerLength(), "fragment " + i);
        }
        assertArrayEquals(rr, java.util.Arrays.copyOfRange(out.get(0), 20, 28));
        assertArrayEquals(payload, Datagrams.joinFragments(out));
    }

    @Test
    void optionsOfABadLengthAreNotSent() {
        var net = MemoryLink.pair(1500, 1 << 16);
        var ip = new Ipv4Layer(HOST, net.a(), Ipv4Config.defaults());
        ip.sendWithOptions(ip.txBuffer(), 6, 10, TEST_PROTOCOL, PEER);
        ip.sendWithOptions(ip.txBuffer(), 44, 10, TEST_PROTOCOL, PEER);
        assertEquals(2, ip.counters().get(IpCounter.ipOutDiscards));
        assertEquals(null, net.b().receive());
    }

    @Test
    void rfc791DatagramWithinTheMtuLeavesWhole() {
        byte[] payload = pattern(1480, 1);
        List<byte[]> out = sendThrough(1500, payload, 0, null);
        assertEquals(1, out.size());
        Ipv4Packet p = new Ipv4Packet().wrap(ByteBuffer.wrap(out.get(0)), 0);
        assertEquals(Malformed.NONE, p.check());
        assertFalse(p.isFragment());
        assertEquals(1500, p.totalLength());
    }

    @ParameterizedTest(name = "{0} bytes over MTU {1}")
    @CsvSource({"4000, 1500", "1481, 1500", "65515, 1500", "3000, 576", "2000, 1006", "100, 68"})
    void rfc791Section32FragmentsCarryAlignedOffsetsAndMoreFragmentsFlags(int size, int mtu) {
        byte[] payload = pattern(size, 2);
        Ipv4Layer[] layer = new Ipv4Layer[1];
        List<byte[]> out = sendThrough(mtu, payload, 0, layer);
        int perFragment = (mtu - 20) & ~7;
        assertEquals((size + perFragment - 1) / perFragment, out.size());
        int ident = -1;
        for (int i = 0; i < out.size(); i++) {
            byte[] f = out.get(i);
            Ipv4Packet p = new Ipv4Packet().wrap(ByteBuffer.wrap(f), 0);
            assertEquals(Malformed.NONE, p.check(), "fragment " + i);
            assertTrue(f.length <= mtu);
            assertEquals(i * perFragment, p.fragmentOffsetBytes());
            assertEquals(i < out.size() - 1, p.moreFragments());
            assertFalse(p.dontFragment());
            if (i < out.size() - 1) assertEquals(0, p.payloadLength() % 8);
            if (ident < 0) ident = p.identification();
            assertEquals(ident, p.identification(), "one identification for all fragments");
            assertEquals(TEST_PROTOCOL, p.protocol());
            assertEquals(PEER, p.destination());
        }
        assertArrayEquals(payload, Datagrams.joinFragments(out));
        var c = layer[0].counters();
        assertEquals(1, c.get(IpCounter.ipFragOKs));
        assertEquals(out.size(), c.get(IpCounter.ipFragCreates));
        assertEquals(out.size(), c.get(IpCounter.ipOutTransmits));
        assertEquals(1, c.get(IpCounter.ipOutRequests));
    }

    @Test
    void rfc791Section32DontFragmentDatagramAboveTheMtuIsDiscarded() {
        Ipv4Layer[] layer = new Ipv4Layer[1];
        List<byte[]> out = sendThrough(1500, pattern(1481, 3), Ipv4Layer.DONT_FRAGMENT, layer);
        assertTrue(out.isEmpty());
        assertEquals(1, layer[0].counters().get(IpCounter.ipFragFails));
        assertEquals(1, layer[0].counters().get(IpCounter.ipOutDiscards));
        // Within the MTU, DF is simply carried.
        out = sendThrough(1500, pattern(1480, 3), Ipv4Layer.DONT_FRAGMENT, null);
        assertTrue(new Ipv4Packet().wrap(ByteBuffer.wrap(out.get(0)), 0).dontFragment());
    }

    @Test
    void rfc791DatagramAbove65535IsNeverSent() {
        Ipv4Layer[] layer = new Ipv4Layer[1];
        assertTrue(sendThrough(1500, new byte[65516], 0, layer).isEmpty());
        assertEquals(1, layer[0].counters().get(IpCounter.ipOutDiscards));
    }

    /**
     * A ping across a MemoryLink: the peer is a bare {@link Ipv4Layer} (which fragments the request and
     * reassembles the reply) with a capturing transport in place of ICMP.
     */
    static void pingRoundTrip(int dataBytes, int mtu) {
        var t = new TestHost(mtu, Ipv4Config.defaults(), IcmpConfig.defaults());
        var peer = new Ipv4Layer(PEER, t.net.b(), Ipv4Config.defaults());
        var replies = CapturingTransport.on(peer, 1);
        byte[] data = pattern(dataBytes, 9);
        byte[] request = echoRequest(0x4a53, 17, data);
        ByteBuffer tx = peer.txBuffer();
        tx.put(Ipv4Layer.HEADROOM, request);
        peer.send(tx, request.length, 1, HOST, 0);
        t.poll();
        ByteBuffer rx = ByteBuffer.allocate(65536);
        while (t.net.b().receive(rx) >= 0) peer.input(rx, t.clock.nanos());
        assertEquals(0, t.host.internalErrors());
        byte[] reply = replies.onlyPayload();
        assertEquals(request.length, reply.length);
        ByteBuffer r = ByteBuffer.wrap(reply);
        assertEquals(0, r.get(0), "echo reply");
        assertEquals(0, r.get(1));
        assertEquals(0x4a53, r.getShort(4));
        assertEquals(17, r.getShort(6));
        assertArrayEquals(data, java.util.Arrays.copyOfRange(reply, 8, reply.length));
        assertEquals(0, Checksum.compute(r, 0, reply.length));
        int fragments = (8 + dataBytes + 20 > mtu) ? 1 : 0;
        assertEquals(fragments, t.ip(IpCounter.ipFragOKs));
        assertEquals(fragments, t.ip(IpCounter.ipReasmOKs));
        assertEquals(1, t.icmp(IcmpCounter.icmpOutEchoReps));
    }

    @ParameterizedTest(name = "ping -s {0} over MTU {1}")
    @CsvSource({"56, 1500", "1472, 1500", "1473, 1500", "4000, 1500", "65507, 1500", "4000, 576", "65507, 9000"})
    void rfc1122Section3226EchoOfEverySizeSurvivesFragmentationBothWays(int size, int mtu) {
        pingRoundTrip(size, mtu);
    }

    @Test
    void rfc1122Section3226LargestPingInAnIndependentFragmentationInReverseOrder() {
        var t = new TestHost();
        byte[] data = pattern(65507, 5);
        List<byte[]> f = Datagrams.fragments(PEER, HOST, 1, 77, echoRequest(1, 2, data), 1480);
        Collections.reverse(f);
        t.send(f);
        List<byte[]> out = t.sent();
        assertEquals(45, out.size());
        Collections.shuffle(out, new Random(3));
        byte[] reply = Datagrams.joinFragments(out);
        assertEquals(65515, reply.length);
        assertEquals(0, reply[0]);
        assertArrayEquals(data, java.util.Arrays.copyOfRange(reply, 8, reply.length));
        assertEquals(0, Checksum.compute(reply));
    }

    /** A link that accepts and forgets, so allocation of the IP and ICMP layers can be measured alone. */
    static final class NullLink implements Link {
        public int mtu() { return 1500; }
        public int receive(ByteBuffer dst) { return -1; }
        public void send(ByteBuffer packet) {}
        public void await(long timeoutNanos) {}
        public void wakeup() {}
        public void close() {}
    }

    @Test
    void unfragmentedEchoPathAllocatesNothing() {
        var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        if (!bean.isThreadAllocatedMemorySupported()) return;
        var ip = new Ipv4Layer(HOST, new NullLink(), Ipv4Config.defaults());
        var icmp = io.jstack.icmp.IcmpLayer.install(ip);
        byte[] req = Datagrams.ipv4(PEER, HOST, 1, echoRequest(1, 1, pattern(1000, 1)));
        ByteBuffer rx = ByteBuffer.allocateDirect(65536).put(0, req).limit(req.length);
        for (int i = 0; i < 20_000; i++) ip.input(rx, i); // warm up
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) ip.input(rx, i);
        long allocated = bean.getCurrentThreadAllocatedBytes() - before;
        assertEquals(30_000, icmp.counters().get(IcmpCounter.icmpOutEchoReps));
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes for 10,000 echoes");
    }
}
