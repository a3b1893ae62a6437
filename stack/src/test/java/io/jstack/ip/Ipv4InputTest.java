package io.jstack.ip;

import static io.jstack.ip.Datagrams.HOST;
import static io.jstack.ip.Datagrams.PEER;
import static io.jstack.ip.Datagrams.TEST_PROTOCOL;
import static io.jstack.ip.Datagrams.echoRequest;
import static io.jstack.ip.Datagrams.fixHeaderChecksum;
import static io.jstack.ip.Datagrams.ipv4;
import static io.jstack.ip.Datagrams.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.icmp.IcmpConfig;
import io.jstack.icmp.IcmpCounter;
import io.jstack.wire.Checksum;
import io.jstack.wire.Ipv4Address;
import io.jstack.wire.Ipv4Packet;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Validation of received datagrams (RFC 791 §3.1, RFC 1122 §3.2.1): every bad field counted and dropped. */
class Ipv4InputTest {
    static byte[] ping() {
        return ipv4(PEER, HOST, 1, echoRequest(1, 1, pattern(56, 0)));
    }

    /** Sends one packet and asserts it was dropped under {@code counter}, with no reply and no exception. */
    static void assertDropped(byte[] packet, IpCounter counter, String why) {
        var t = new TestHost();
        t.send(packet);
        assertEquals(1, t.ip(IpCounter.ipInReceives), why);
        assertEquals(1, t.ip(counter), why + ": " + counter);
        assertEquals(0, t.ip(IpCounter.ipInDelivers), why);
        assertTrue(t.sent().isEmpty(), why);
        assertEquals(0, t.host.internalErrors(), why);
    }

    @Test
    void aValidEchoRequestIsDeliveredAndAnswered() {
        var t = new TestHost();
        t.send(ping());
        assertEquals(1, t.ip(IpCounter.ipInDelivers));
        assertEquals(1, t.sent().size());
    }

    @Test
    void everyTruncationOfAValidDatagramIsCountedAndDropped() {
        byte[] p = ping();
        var t = new TestHost();
        for (int n = 0; n < p.length; n++) t.send(Arrays.copyOf(p, n));
        assertEquals(p.length, t.ip(IpCounter.ipInReceives));
        assertEquals(p.length, t.ip(IpCounter.ipInTruncatedPkts));
        assertEquals(0, t.ip(IpCounter.ipInDelivers));
        assertTrue(t.sent().isEmpty());
        assertEquals(0, t.host.internalErrors());
    }

    @Test
    void everyTruncationOfTheIcmpMessageInsideAValidHeaderIsCountedAndDropped() {
        byte[] p = ping();
        var t = new TestHost();
        for (int n = 20; n < p.length; n++) {
            byte[] c = Arrays.copyOf(p, n);
            ByteBuffer.wrap(c).putShort(2, (short) n);
            t.send(fixHeaderChecksum(c));
        }
        assertEquals(p.length - 20, t.ip(IpCounter.ipInDelivers));
        assertEquals(p.length - 20, t.icmp(IcmpCounter.icmpInErrors));
        assertTrue(t.sent().isEmpty());
        assertEquals(0, t.host.internalErrors());
    }

    @Test
    void rfc1122Section3211WrongVersionIsDropped() {
        byte[] p = ping();
        p[0] = 0x65;
        assertDropped(fixHeaderChecksum(p), IpCounter.ipInHdrErrors, "version 6");
    }

    @Test
    void rfc791HeaderLengthBelowFiveWordsIsDropped() {
        byte[] p = ping();
        p[0] = 0x44;
        assertDropped(p, IpCounter.ipInHdrErrors, "IHL 4");
    }

    @Test
    void rfc791HeaderLengthBeyondThePacketIsDropped() {
        byte[] p = Arrays.copyOf(ping(), 40);
        p[0] = 0x4f;
        ByteBuffer.wrap(p).putShort(2, (short) 40);
        assertDropped(p, IpCounter.ipInTruncatedPkts, "IHL 15 in 40 bytes");
    }

    @Test
    void rfc791TotalLengthBelowTheHeaderIsDropped() {
        byte[] p = ping();
        ByteBuffer.wrap(p).putShort(2, (short) 12);
        assertDropped(fixHeaderChecksum(p), IpCounter.ipInHdrErrors, "total length 12");
    }

    @Test
    void rfc791TotalLengthBeyondThePacketIsDropped() {
        byte[] p = ping();
        ByteBuffer.wrap(p).putShort(2, (short) (p.length + 1));
        assertDropped(fixHeaderChecksum(p), IpCounter.ipInTruncatedPkts, "total length too long");
    }

    @Test
    void rfc1122Section3212BadHeaderChecksumIsDropped() {
        byte[] p = ping();
        p[11] ^= 0x40;
        assertDropped(p, IpCounter.ipInHdrErrors, "checksum");
    }

    @Test
    void rfc791ReservedFlagSetIsDropped() {
        byte[] p = ping();
        p[6] |= (byte) 0x80;
        assertDropped(fixHeaderChecksum(p), IpCounter.ipInHdrErrors, "reserved flag");
    }

    @Test
    void rfc791MisalignedFragmentIsDropped() {
        byte[] p = ipv4(PEER, HOST, TEST_PROTOCOL, 5, 0x2000, 64, new byte[0], pattern(13, 0));
        assertDropped(p, IpCounter.ipInHdrErrors, "MF with 13 data bytes");
    }

    @Test
    void rfc1122Section3225MalformedOptionIsDroppedWithAParameterProblem() {
        // NOP, then Record Route claiming 9 bytes in the 3 left: dropped, and a Parameter Problem points at it.
        byte[] p = ipv4(PEER, HOST, 1, 1, 0, 64, new byte[] {1, 7, 9, 4}, echoRequest(1, 1, new byte[8]));
        var t = new TestHost();
        t.send(p);
        assertEquals(1, t.ip(IpCounter.ipInHdrErrors));
        assertEquals(0, t.ip(IpCounter.ipInDelivers));
        List<byte[]> out = t.sent();
        assertEquals(1, out.size(), "one Parameter Problem, no echo reply");
        byte[] e = out.get(0);
        assertEquals(12, e[20], "type: Parameter Problem");
        assertEquals(0, e[21], "code 0: the pointer marks the error");
        assertEquals(21, e[24], "pointer: the Record Route option's type octet");
        assertEquals(0, Checksum.compute(ByteBuffer.wrap(e), 20, e.length - 20));
        assertArrayEquals(Arrays.copyOf(p, 24 + 8), Arrays.copyOfRange(e, 28, e.length), "quotes header and 8 bytes");
        assertEquals(1, t.icmp(IcmpCounter.icmpOutParmProbs));
        assertEquals(0, t.host.internalErrors());
    }

    @Test
    void rfc1122Section322MalformedOptionToBroadcastGetsNoParameterProblem() {
        byte[] p = ipv4(PEER, 0xffffffff, 1, 1, 0, 64, new byte[] {7, 9, 4, 0}, echoRequest(1, 1, new byte[8]));
        assertDropped(p, IpCounter.ipInHdrErrors, "option length past the header, to the limited broadcast");
    }

    @Test
    void rfc1122Section3213DatagramForAnotherAddressIsDropped() {
        assertDropped(ipv4(PEER, Ipv4Address.parse("10.0.0.3").value(), 1, echoRequest(1, 1, new byte[8])),
                IpCounter.ipInAddrErrors, "other host");
        assertDropped(ipv4(PEER, Ipv4Address.parse("224.0.0.1").value(), 1, echoRequest(1, 1, new byte[8])),
                IpCounter.ipInAddrErrors, "multicast group not joined");
        assertDropped(ipv4(PEER, 0, 1, echoRequest(1, 1, new byte[8])), IpCounter.ipInAddrErrors, "0.0.0.0");
    }

    @Test
    void rfc1122Section3213SourceThatIsNoSingleHostIsDropped() {
        for (String src : new String[] {"255.255.255.255", "224.0.0.5", "240.0.0.1", "127.0.0.1"}) {
            assertDropped(ipv4(Ipv4Address.parse(src).value(), HOST, 1, echoRequest(1, 1, new byte[8])),
                    IpCounter.ipInHdrErrors, "source " + src);
        }
    }

    @Test
    void rfc1122Section3213LimitedBroadcastIsDeliveredButNeverAnswered() {
        var t = new TestHost();
        t.send(ipv4(PEER, 0xffffffff, TEST_PROTOCOL, pattern(10, 0)));
        assertEquals(1, t.transport.delivered.size());
        t.send(ipv4(PEER, 0xffffffff, 1, echoRequest(1, 1, new byte[8])));
        t.send(ipv4(PEER, 0xffffffff, 99, pattern(10, 0))); // unknown protocol: no error to a broadcast
        assertTrue(t.sent().isEmpty());
        assertEquals(1, t.icmp(IcmpCounter.icmpInEchosIgnored));
        assertEquals(1, t.ip(IpCounter.ipInUnknownProtos));
    }

    static final int SUBNET_BROADCAST = Ipv4Address.parse("10.0.0.255").value();

    /** RFC 1122 §3.2.1.3 (d), §3.3.6: the directed broadcast of our /24 is ours too; nothing answers it. */
    @Test
    void rfc1122Section3213SubnetBroadcastIsDeliveredButNeverAnswered() {
        var t = new TestHost();
        assertEquals(SUBNET_BROADCAST, t.host.ip().subnetBroadcast());
        t.send(ipv4(PEER, SUBNET_BROADCAST, TEST_PROTOCOL, pattern(10, 0)));
        assertEquals(1, t.transport.delivered.size());
        t.send(ipv4(PEER, SUBNET_BROADCAST, 1, echoRequest(1, 1, new byte[8])));
        t.send(ipv4(PEER, SUBNET_BROADCAST, 99, pattern(10, 0))); // unknown protocol: no error to a broadcast
        t.send(ipv4(PEER, SUBNET_BROADCAST, 1, 1, 0, 64, new byte[] {7, 9, 4, 0}, echoRequest(1, 2, new byte[8])));
        assertTrue(t.sent().isEmpty(), "no echo reply, protocol unreachable or parameter problem");
        assertEquals(1, t.icmp(IcmpCounter.icmpInEchosIgnored));
        assertEquals(1, t.ip(IpCounter.ipInUnknownProtos));
        assertEquals(0, t.ip(IpCounter.ipInAddrErrors));
    }

    /** RFC 1122 §3.2.1.3 (d): the directed broadcast "MUST NOT be used as a source address". */
    @Test
    void rfc1122Section3213SubnetBroadcastSourceIsDropped() {
        assertDropped(ipv4(SUBNET_BROADCAST, HOST, 1, echoRequest(1, 1, new byte[8])), IpCounter.ipInHdrErrors,
                "from 10.0.0.255");
    }

    /** RFC 1122 §3.2.1.3: which address is the directed broadcast follows the configured prefix. */
    @Test
    void rfc1122Section3213SubnetBroadcastFollowsThePrefixLength() {
        var wide = new TestHost(1500, Ipv4Config.defaults().withPrefixLength(16), IcmpConfig.defaults());
        wide.send(ipv4(PEER, SUBNET_BROADCAST, TEST_PROTOCOL, pattern(10, 0)));
        assertEquals(1, wide.ip(IpCounter.ipInAddrErrors), "10.0.0.255 is a host of 10.0.0.0/16");
        wide.send(ipv4(PEER, Ipv4Address.parse("10.0.255.255").value(), TEST_PROTOCOL, pattern(10, 0)));
        assertEquals(1, wide.transport.delivered.size());
        // RFC 3021: a /31 (and a /32) has no broadcast address; only the limited broadcast remains.
        var pointToPoint = new TestHost(1500, Ipv4Config.defaults().withPrefixLength(31), IcmpConfig.defaults());
        assertEquals(0, pointToPoint.host.ip().subnetBroadcast());
        pointToPoint.send(ipv4(PEER, Ipv4Address.parse("10.0.0.3").value(), TEST_PROTOCOL, pattern(10, 0)));
        assertEquals(1, pointToPoint.ip(IpCounter.ipInAddrErrors));
        assertFalse(pointToPoint.host.ip().isBroadcast(0));
        assertTrue(pointToPoint.host.ip().isBroadcast(0xffffffff));
    }

    /**
     * RFC 1122 §4.2.3.10: TCP uses the same notion of broadcast: an active OPEN to the subnet broadcast is
     * rejected, and a SYN to it draws no reply (TcpLayer checks the destination is our unicast address).
     */
    @Test
    void rfc1122Section42310TcpRefusesTheSubnetBroadcastAsTheLayerDefinesIt() {
        var t = new TestHost();
        var tcp = io.jstack.tcp.TcpLayer.install(t.host);
        assertThrows(IllegalArgumentException.class,
                () -> tcp.connect(SUBNET_BROADCAST, 80, 0, io.jstack.tcp.TcpObserver.NONE, t.clock.nanos()));
        tcp.listen(80, 1);
        t.send(ipv4(PEER, SUBNET_BROADCAST, 6, syn(SUBNET_BROADCAST)));
        assertTrue(t.sent().isEmpty(), "no SYN-ACK and no RST to a broadcast");
        t.send(ipv4(PEER, HOST, 6, syn(HOST)));
        assertEquals(1, t.sent().size(), "the same SYN to our address is answered");
    }

    /** A SYN from PEER:40000 to port 80 with window 65535 and its checksum for destination {@code dst}. */
    static byte[] syn(int dst) {
        ByteBuffer pseudo = ByteBuffer.allocate(12 + 20);
        pseudo.putInt(0, PEER).putInt(4, dst).putShort(8, (short) 6).putShort(10, (short) 20);
        pseudo.putShort(12, (short) 40000).putShort(14, (short) 80).putInt(16, 1).put(24, (byte) 0x50)
                .put(25, (byte) 0x02).putShort(26, (short) 0xffff);
        pseudo.putShort(28, (short) Checksum.compute(pseudo, 0, 32));
        return Arrays.copyOfRange(pseudo.array(), 12, 32);
    }

    @Test
    void prefixLengthOutsideOneToThirtyTwoIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Ipv4Config.defaults().withPrefixLength(0));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Config.defaults().withPrefixLength(33));
        assertEquals(24, Ipv4Config.defaults().prefixLength());
    }

    @Test
    void rfc1122Section3217LowTtlIsNotAReasonToDrop() {
        var t = new TestHost();
        for (int ttl = 0; ttl <= 2; ttl++) {
            t.send(ipv4(PEER, HOST, 1, 1, 0, ttl, new byte[0], echoRequest(1, ttl, new byte[8])));
        }
        assertEquals(3, t.ip(IpCounter.ipInDelivers));
        assertEquals(3, t.sent().size());
    }

    @Test
    void rfc1122Section3218OptionsInAnEchoRequestAreToleratedAndOnlyRecordRouteComesBack() {
        var t = new TestHost();
        // NOP, Record Route with two empty slots (type 7, length 11, pointer 4), End of list.
        byte[] options = {1, 7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] data = pattern(100, 8);
        t.send(ipv4(PEER, HOST, 1, 3, 0, 64, options, echoRequest(0x77, 5, data)));
        byte[] reply = t.sent().get(0);
        Ipv4Packet ip = new Ipv4Packet().wrap(ByteBuffer.wrap(reply), 0);
        // RFC 1122 §3.2.2.6: the Record Route (11 bytes, padded to 12) is reflected; the NOP is not.
        assertEquals(32, ip.headerLength());
        assertEquals(7, reply[20]);
        assertArrayEquals(data, Arrays.copyOfRange(reply, 40, reply.length));
    }

    @Test
    void rfc1122Section3221UnknownProtocolGetsProtocolUnreachable() {
        var t = new TestHost();
        byte[] d = ipv4(PEER, HOST, 99, pattern(40, 0));
        t.send(d);
        assertEquals(1, t.ip(IpCounter.ipInUnknownProtos));
        byte[] err = t.sent().get(0);
        assertEquals(3, err[20]);
        assertEquals(2, err[21]);
        assertArrayEquals(Arrays.copyOf(d, 28), Arrays.copyOfRange(err, 28, err.length));
    }

    @Test
    void tenThousandRandomMutationsOfValidPacketsNeverEscapeAsExceptions() {
        long seed = 0x15a7e;
        var rnd = new SplittableRandom(seed);
        var t = new TestHost();
        byte[][] seeds = {ping(), Datagrams.fragments(PEER, HOST, 1, 9, echoRequest(1, 1, pattern(3000, 1)), 800).get(0),
            ipv4(PEER, HOST, 1, 1, 0, 64, new byte[] {1, 7, 7, 4, 0, 0, 0, 0}, echoRequest(2, 2, new byte[16]))};
        for (int i = 0; i < 10_000; i++) {
            byte[] p = seeds[rnd.nextInt(seeds.length)].clone();
            int flips = 1 + rnd.nextInt(4);
            for (int k = 0; k < flips; k++) p[rnd.nextInt(Math.min(p.length, 40))] = (byte) rnd.nextInt(256);
            if (rnd.nextBoolean()) fixHeaderChecksum(p); // reach the checks past the checksum too
            if (rnd.nextInt(8) == 0) p = Arrays.copyOf(p, rnd.nextInt(p.length + 1));
            t.net.b().send(p);
            if (i % 1000 == 999) {
                t.poll();
                t.sent();
            }
        }
        t.poll();
        assertEquals(0, t.host.internalErrors(), "seed " + seed);
        assertEquals(10_000, t.ip(IpCounter.ipInReceives), "seed " + seed);
    }
}
