package io.jstack.service;

import static io.jstack.udp.UdpFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jstack.dns.DnsConfig;
import io.jstack.dns.DnsPacket;
import io.jstack.dns.DnsQueries;
import io.jstack.dns.DnsResponder;
import io.jstack.host.Host;
import io.jstack.host.HostLoop;
import io.jstack.ip.Ipv4Config;
import io.jstack.link.MemoryLink;
import io.jstack.time.ManualClock;
import io.jstack.dns.DnsCounter;
import io.jstack.udp.UdpCounter;
import io.jstack.udp.UdpLayer;
import io.jstack.wire.Ipv4Address;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** UDP echo and DNS as services on a host run by its loop; the client is scripted on the far end of a MemoryLink. */
class UdpServicesTest {
    MemoryLink peer;
    Host host;
    HostLoop loop;
    UdpLayer udp;

    @BeforeEach
    void setUp() {
        var net = MemoryLink.pair();
        peer = net.b();
        host = new Host(HOST, net.a(), new ManualClock(), Ipv4Config.defaults());
        udp = UdpLayer.install(host);
        loop = HostLoop.start(host);
    }

    @AfterEach
    void tearDown() {
        loop.close();
        assertEquals(0, host.internalErrors());
    }

    static void awaitCount(java.util.function.LongSupplier value, long expected, String what) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (value.getAsLong() != expected) {
            assertTrue(System.nanoTime() < end, "timed out waiting for " + what + ": " + value.getAsLong());
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    byte[] expect() throws InterruptedException {
        byte[] p = peer.receive(10, TimeUnit.SECONDS);
        assertNotNull(p, "expected a packet");
        return p;
    }

    /** RFC 862: "Once a datagram is received, the data from it is sent back in an answering datagram." */
    @Test
    void rfc862EchoSendsTheDataBack() throws Exception {
        try (var echo = UdpEchoService.start(udp)) {
            assertEquals(7, echo.port());
            byte[] data = new byte[1000];
            new Random(7).nextBytes(data);
            peer.send(udp(PEER, 40000, HOST, 7, data));
            var r = parseUdp(expect());
            assertEquals(7, r.srcPort());
            assertEquals(40000, r.dstPort());
            assertEquals(PEER, r.dst());
            assertArrayEquals(data, r.data());
        }
    }

    @Test
    void echoIgnoresDatagramsFromOtherSmallServicesSoTwoCannotLoop() throws Exception {
        try (var echo = UdpEchoService.start(udp)) {
            peer.send(udp(PEER, 19, HOST, 7, "chargen".getBytes())); // would ping-pong forever
            peer.send(udp(PEER, 40001, HOST, 7, "after".getBytes()));
            var r = parseUdp(expect());
            assertArrayEquals("after".getBytes(), r.data(), "only the second is echoed");
            assertEquals(1, echo.refused());
            awaitCount(echo::echoed, 1, "echoes counted"); // counted just after the send, so maybe after we got it
        }
    }

    @Test
    void dnsServiceAnswersOverUdp() throws Exception {
        var responder = new DnsResponder(DnsConfig.defaults(new Ipv4Address(HOST)));
        try (var dns = DnsService.start(udp, responder)) {
            peer.send(udp(PEER, 33333, HOST, 53, DnsQueries.queryA(0x1234, "jstack.test")));
            var r = parseUdp(expect());
            assertEquals(53, r.srcPort());
            assertEquals(33333, r.dstPort());
            ByteBuffer b = ByteBuffer.wrap(r.data());
            assertEquals(0x1234, Short.toUnsignedInt(b.getShort(0)));
            assertEquals(DnsPacket.NOERROR, b.getShort(2) & 0xf);
            assertEquals(1, b.getShort(6));
            assertEquals(HOST, b.getInt(r.data().length - 4));
        }
    }

    /** A client that went away: the ICMP port unreachable about our answer must not stop the service. */
    @Test
    void dnsServiceKeepsAnsweringAfterAPortUnreachableAboutAnAnswer() throws Exception {
        var responder = new DnsResponder(DnsConfig.defaults(new Ipv4Address(HOST)));
        try (var dns = DnsService.start(udp, responder)) {
            peer.send(udp(PEER, 33333, HOST, 53, DnsQueries.queryA(1, "jstack.test")));
            byte[] answer = expect();
            ByteBuffer icmp = ByteBuffer.allocate(8 + 28);
            icmp.put(0, (byte) 3).put(1, (byte) 3).put(8, answer, 0, 28);
            icmp.putShort(2, (short) referenceChecksum(icmp.array(), 0, icmp.capacity(), 0));
            peer.send(concat(ipHeader(PEER, HOST, 1, icmp.capacity()), icmp.array()));
            peer.send(udp(PEER, 44444, HOST, 53, DnsQueries.queryA(2, "jstack.test")));
            var r = parseUdp(expect());
            assertEquals(44444, r.dstPort());
            assertEquals(1, udp.counters().get(UdpCounter.udpInIcmpErrors), "the error did reach the socket");
            awaitCount(dns::answered, 2, "answers counted"); // counted just after the send, so maybe after we got it
        }
    }

    @Test
    void dnsServiceSurvivesGarbageAndStillAnswers() throws Exception {
        var responder = new DnsResponder(DnsConfig.defaults(new Ipv4Address(HOST)));
        try (var dns = DnsService.start(udp, responder)) {
            Random rnd = new Random(53);
            int sent = 0;
            for (int i = 0; i < 2000; i++) {
                byte[] junk = new byte[rnd.nextInt(100)];
                rnd.nextBytes(junk);
                if (junk.length > 2) junk[2] |= (byte) 0x80; // responses: never answered, so the link stays quiet
                peer.send(udp(PEER, 40000 + (i % 100), HOST, 53, junk));
                sent++;
            }
            // Every junk datagram is either parsed or dropped by a full receive queue (and counted) ...
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (responder.counters().get(DnsCounter.dnsInMessages)
                    + udp.counters().get(UdpCounter.udpRcvbufErrors) < sent) {
                assertTrue(System.nanoTime() < end, "timed out waiting for the junk to be consumed");
                Thread.onSpinWait();
                Thread.yield();
            }
            assertEquals(sent, responder.counters().get(DnsCounter.dnsInResponses)
                    + responder.counters().get(DnsCounter.dnsInTooShort)
                    + udp.counters().get(UdpCounter.udpRcvbufErrors));
            // ... and then a real query is answered.
            peer.send(udp(PEER, 33333, HOST, 53, DnsQueries.queryA(7, "jstack.test")));
            var r = parseUdp(expect());
            assertEquals(33333, r.dstPort(), "the only answer is to the real query");
            assertEquals(0, dns.internalErrors());
        }
    }
}
