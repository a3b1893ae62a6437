package io.jstack.udp;

import static io.jstack.udp.UdpFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jstack.host.Host;
import io.jstack.ip.Ipv4Config;
import io.jstack.link.MemoryLink;
import io.jstack.time.ManualClock;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** UDP on a host driven by the test thread: a scripted peer on the far end of a MemoryLink, a ManualClock. */
class UdpLayerTest {
    ManualClock clock;
    MemoryLink peer;
    Host host;
    UdpLayer udp;

    record Got(int src, int srcPort, int dst, byte[] data) {}

    /** A direct receiver that records what it gets, with room for {@code capacity} datagrams. */
    static final class Recorder implements UdpReceiver {
        final List<Got> got = new ArrayList<>();
        final List<int[]> errors = new ArrayList<>();
        int capacity = Integer.MAX_VALUE;

        @Override
        public boolean deliver(int srcAddress, int srcPort, int dstAddress, ByteBuffer buf, int off, int len, long now) {
            if (got.size() >= capacity) return false;
            byte[] d = new byte[len];
            buf.get(off, d);
            got.add(new Got(srcAddress, srcPort, dstAddress, d));
            return true;
        }

        @Override
        public void icmpError(int type, int code, int remoteAddress, int remotePort, long now) {
            errors.add(new int[] {type, code, remoteAddress, remotePort});
        }
    }

    @BeforeEach
    void setUp() {
        clock = new ManualClock();
        var net = MemoryLink.pair();
        peer = net.b();
        host = new Host(HOST, net.a(), clock, Ipv4Config.defaults());
        udp = UdpLayer.install(host);
    }

    long count(UdpCounter c) {
        return udp.counters().get(c);
    }

    void deliver(byte[] packet) {
        peer.send(packet);
        host.poll();
    }

    @Test
    void installRegistersProtocol17AndTheUdpCounterSection() {
        assertTrue(host.counters().containsKey("Udp"));
        assertEquals(0L, host.counters().get("Udp").get("udpInDatagrams"));
        assertThrows(IllegalStateException.class, () -> UdpLayer.install(host), "protocol 17 is taken");
    }

    @Test
    void datagramReachesTheReceiverBoundToItsDestinationPortOnly() {
        var r53 = new Recorder();
        var r54 = new Recorder();
        assertEquals(53, udp.bind(53, r53));
        assertEquals(54, udp.bind(54, r54));
        deliver(udp(PEER, 40000, HOST, 53, "query".getBytes()));
        assertEquals(1, r53.got.size());
        assertTrue(r54.got.isEmpty());
        Got g = r53.got.get(0);
        assertEquals(PEER, g.src());
        assertEquals(40000, g.srcPort());
        assertEquals(HOST, g.dst());
        assertArrayEquals("query".getBytes(), g.data());
        assertEquals(1, count(UdpCounter.udpInDatagrams));
        assertNull(peer.receive(), "nothing goes back");
    }

    @Test
    void datagramWithoutChecksumIsDelivered() {
        var r = new Recorder();
        udp.bind(9, r);
        byte[] u = udpOnly(PEER, 1000, HOST, 9, "no sum".getBytes(), false);
        deliver(concat(ipHeader(PEER, HOST, 17, u.length), u));
        assertEquals(1, r.got.size());
    }

    /** RFC 1122 §4.1.3.4: a datagram whose checksum fails MUST be discarded silently. */
    @Test
    void rfc1122_4_1_3_4BadChecksumIsDroppedSilentlyAndCounted() {
        var r = new Recorder();
        udp.bind(9, r);
        byte[] p = udp(PEER, 1000, HOST, 9, "data".getBytes());
        p[p.length - 1] ^= 0x40;
        deliver(p);
        assertTrue(r.got.isEmpty());
        assertEquals(1, count(UdpCounter.udpInCsumErrors));
        assertEquals(1, count(UdpCounter.udpInErrors));
        assertNull(peer.receive(), "silently: no ICMP");
    }

    @Test
    void lengthBeyondTheIpPayloadOrBelowTheHeaderIsCountedAsAnError() {
        var r = new Recorder();
        udp.bind(9, r);
        byte[] longer = udpOnly(PEER, 1000, HOST, 9, "data".getBytes(), false);
        longer[5] = 40;
        deliver(concat(ipHeader(PEER, HOST, 17, longer.length), longer));
        byte[] shorter = udpOnly(PEER, 1000, HOST, 9, "data".getBytes(), false);
        shorter[5] = 7;
        deliver(concat(ipHeader(PEER, HOST, 17, shorter.length), shorter));
        deliver(ipHeader(PEER, HOST, 17, 0)); // no UDP header at all
        assertTrue(r.got.isEmpty());
        assertEquals(3, count(UdpCounter.udpInErrors));
        assertEquals(0, host.internalErrors());
    }

    /** RFC 1122 §4.1.3.1: a datagram for a port with no listener SHOULD get ICMP Port Unreachable. */
    @Test
    void rfc1122_4_1_3_1ClosedPortGetsPortUnreachableQuotingIpHeaderAnd8Bytes() {
        byte[] sent = udp(PEER, 40000, HOST, 9999, "0123456789abcdef".getBytes());
        deliver(sent);
        assertEquals(1, count(UdpCounter.udpNoPorts));
        byte[] icmp = peer.receive();
        assertNotNull(icmp, "ICMP error expected");
        ByteBuffer b = ByteBuffer.wrap(icmp);
        assertEquals(1, icmp[9], "protocol ICMP");
        assertEquals(HOST, b.getInt(12));
        assertEquals(PEER, b.getInt(16));
        assertEquals(0, referenceChecksum(icmp, 0, 20, 0));
        assertEquals(3, icmp[20], "type 3 destination unreachable");
        assertEquals(3, icmp[21], "code 3 port unreachable");
        assertEquals(0, referenceChecksum(icmp, 20, icmp.length - 20, 0), "ICMP checksum");
        // RFC 792: the internet header plus the first 64 bits of the original datagram's data.
        assertArrayEquals(Arrays.copyOf(sent, 28), Arrays.copyOfRange(icmp, 28, icmp.length));
        assertNull(peer.receive());
    }

    /** RFC 1122 §3.2.2 / §4.1.3.1: no ICMP error about a datagram sent to a broadcast address. */
    @Test
    void rfc1122_3_2_2ClosedPortReachedByBroadcastGetsNoError() {
        deliver(udp(PEER, 40000, 0xffffffff, 9999, "hi".getBytes()));
        assertEquals(1, count(UdpCounter.udpNoPorts));
        assertNull(peer.receive());
    }

    @Test
    void broadcastDatagramReachesTheBoundPort() {
        var r = new Recorder();
        udp.bind(67, r);
        deliver(udp(PEER, 68, 0xffffffff, 67, "dhcp?".getBytes()));
        assertEquals(1, r.got.size());
        assertEquals(0xffffffff, r.got.get(0).dst());
    }

    /** RFC 1122 §3.2.1.3 (d) and §3.3.6: a datagram to our subnet's directed broadcast reaches the bound port. */
    @Test
    void rfc1122_3_2_1_3SubnetBroadcastDatagramReachesTheBoundPort() {
        int subnetBroadcast = io.jstack.wire.Ipv4Address.parse("10.0.0.255").value();
        var r = new Recorder();
        udp.bind(137, r);
        deliver(udp(PEER, 137, subnetBroadcast, 137, "who?".getBytes()));
        assertEquals(1, r.got.size());
        assertEquals(subnetBroadcast, r.got.get(0).dst());
        // RFC 1122 §3.2.2: and a closed port reached by it sends no Port Unreachable.
        deliver(udp(PEER, 40000, subnetBroadcast, 9999, "hi".getBytes()));
        assertEquals(1, count(UdpCounter.udpNoPorts));
        assertNull(peer.receive());
    }

    @Test
    void fullReceiverDropsAndCountsRcvbufErrors() {
        var r = new Recorder();
        r.capacity = 2;
        udp.bind(9, r);
        for (int i = 0; i < 5; i++) peer.send(udp(PEER, 1000, HOST, 9, new byte[] {(byte) i}));
        host.poll();
        assertEquals(2, r.got.size());
        assertEquals(2, count(UdpCounter.udpInDatagrams));
        assertEquals(3, count(UdpCounter.udpRcvbufErrors));
        assertEquals(3, count(UdpCounter.udpInErrors));
    }

    @Test
    void sendBuildsAValidDatagramWithChecksum() {
        byte[] data = "odd!!".getBytes();
        udp.send(53, PEER, 40000, data, 0, data.length);
        var got = parseUdp(peer.receive());
        assertEquals(HOST, got.src());
        assertEquals(PEER, got.dst());
        assertEquals(53, got.srcPort());
        assertEquals(40000, got.dstPort());
        assertArrayEquals(data, got.data());
        assertEquals(1, count(UdpCounter.udpOutDatagrams));
    }

    @Test
    void bindRefusesATakenPortAndEphemeralPortsAreDistinctAndInTheDynamicRange() {
        var a = new Recorder();
        assertEquals(7, udp.bind(7, a));
        assertEquals(-1, udp.bind(7, new Recorder()));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            int p = udp.bind(0, new Recorder());
            assertTrue(p >= UdpLayer.EPHEMERAL_FIRST && p <= UdpLayer.EPHEMERAL_LAST, "port " + p);
            assertTrue(seen.add(p));
        }
        udp.unbind(7, new Recorder());
        assertTrue(udp.isBound(7, a), "only the holder unbinds");
        udp.unbind(7, a);
        assertFalse(udp.isBound(7, a));
        assertEquals(7, udp.bind(7, new Recorder()));
    }

    @Test
    void ephemeralPortsRunOutCleanly() {
        for (int p = UdpLayer.EPHEMERAL_FIRST; p <= UdpLayer.EPHEMERAL_LAST; p++) assertEquals(p, udp.bind(p, new Recorder()));
        assertEquals(-1, udp.bind(0, new Recorder()));
    }

    /** RFC 1122 §4.1.3.3: ICMP messages about a datagram we sent are passed to the port that sent it. */
    @Test
    void rfc1122_4_1_3_3IcmpErrorReachesTheSendingPort() {
        var r = new Recorder();
        udp.bind(5000, r);
        byte[] quoted = Arrays.copyOf(udp(HOST, 5000, PEER, 9999, "x".getBytes()), 28);
        udp.icmpError(3, 3, ByteBuffer.wrap(quoted), 0, quoted.length, 0);
        assertEquals(1, r.errors.size());
        assertArrayEquals(new int[] {3, 3, PEER, 9999}, r.errors.get(0));
        assertEquals(1, count(UdpCounter.udpInIcmpErrors));
        // Not ours: another source address, a truncated quote, or a port nobody holds.
        byte[] other = Arrays.copyOf(udp(PEER, 5000, HOST, 9999, "x".getBytes()), 28);
        udp.icmpError(3, 3, ByteBuffer.wrap(other), 0, other.length, 0);
        udp.icmpError(3, 3, ByteBuffer.wrap(quoted), 0, 22, 0);
        byte[] unbound = Arrays.copyOf(udp(HOST, 5001, PEER, 9999, "x".getBytes()), 28);
        udp.icmpError(3, 3, ByteBuffer.wrap(unbound), 0, unbound.length, 0);
        assertEquals(1, r.errors.size());
    }

    @Test
    void everyTruncationOfAValidDatagramIsCountedWithoutAnException() {
        var r = new Recorder();
        udp.bind(9, r);
        byte[] p = udp(PEER, 1000, HOST, 9, "0123456789".getBytes());
        for (int n = 20; n < p.length; n++) {
            byte[] cut = Arrays.copyOf(p, n);
            cut[2] = 0;
            cut[3] = (byte) n; // a consistent IP total length, so the IP layer delivers it
            cut[10] = 0;
            cut[11] = 0;
            int c = referenceChecksum(cut, 0, 20, 0);
            cut[10] = (byte) (c >>> 8);
            cut[11] = (byte) c;
            deliver(cut);
        }
        assertTrue(r.got.isEmpty());
        assertEquals(p.length - 20, count(UdpCounter.udpInErrors));
        assertEquals(0, host.internalErrors());
    }
}
