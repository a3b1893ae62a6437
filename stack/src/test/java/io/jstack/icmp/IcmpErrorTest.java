package io.jstack.icmp;

import static io.jstack.ip.Datagrams.HOST;
import static io.jstack.ip.Datagrams.PEER;
import static io.jstack.ip.Datagrams.TEST_PROTOCOL;
import static io.jstack.ip.Datagrams.echoRequest;
import static io.jstack.ip.Datagrams.icmp;
import static io.jstack.ip.Datagrams.ipv4;
import static io.jstack.ip.Datagrams.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.ip.Ipv4Config;
import io.jstack.ip.TestHost;
import io.jstack.wire.Checksum;
import io.jstack.wire.Ipv4Address;
import io.jstack.wire.Ipv4Packet;
import io.jstack.wire.Malformed;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ICMP errors out (RFC 792, RFC 1122 §3.2.2, RFC 1812 §4.3.2.8) and in (RFC 1122 §3.2.2.1, RFC 6633). */
class IcmpErrorTest {
    static final int UNKNOWN_PROTOCOL = 99;

    static TestHost host(int rate, int burst) {
        return new TestHost(1500, Ipv4Config.defaults(), new IcmpConfig(rate, burst));
    }

    /** Asks the host's ICMP layer, as UDP would, for a port unreachable about {@code datagram}. */
    static void portUnreachable(TestHost t, byte[] datagram) {
        t.host.icmp().destinationUnreachable(3, ByteBuffer.wrap(datagram), 0, t.clock.nanos());
    }

    @Test
    void rfc792PortUnreachableQuotesTheHeaderAndEightDataBytes() {
        var t = new TestHost();
        byte[] udp = ipv4(PEER, HOST, 17, pattern(30, 1));
        portUnreachable(t, udp);
        List<byte[]> out = t.sent();
        assertEquals(1, out.size());
        byte[] e = out.get(0);
        Ipv4Packet ip = new Ipv4Packet().wrap(ByteBuffer.wrap(e), 0);
        assertEquals(Malformed.NONE, ip.check());
        assertEquals(HOST, ip.source());
        assertEquals(PEER, ip.destination());
        assertEquals(1, ip.protocol());
        assertEquals(20 + 8 + 28, e.length);
        assertEquals(3, e[20]);
        assertEquals(3, e[21]);
        assertEquals(0, ByteBuffer.wrap(e).getInt(24), "unused word is zero");
        assertEquals(0, Checksum.compute(ByteBuffer.wrap(e), 20, e.length - 20));
        assertArrayEquals(Arrays.copyOf(udp, 28), Arrays.copyOfRange(e, 28, e.length));
        assertEquals(1, t.icmp(IcmpCounter.icmpOutDestUnreachs));
        assertEquals(1, t.icmp(IcmpCounter.icmpOutMsgs));
    }

    @Test
    void rfc792QuoteOfADatagramWithOptionsKeepsTheWholeHeader() {
        var t = new TestHost();
        byte[] d = ipv4(PEER, HOST, UNKNOWN_PROTOCOL, 1, 0, 64, new byte[] {1, 1, 1, 0}, pattern(20, 0));
        t.send(d);
        byte[] e = t.sent().get(0);
        assertArrayEquals(Arrays.copyOf(d, 32), Arrays.copyOfRange(e, 28, e.length));
    }

    @Test
    void rfc792ShortDatagramIsQuotedWhole() {
        var t = new TestHost();
        byte[] d = ipv4(PEER, HOST, UNKNOWN_PROTOCOL, pattern(3, 0));
        t.send(d);
        byte[] e = t.sent().get(0);
        assertArrayEquals(d, Arrays.copyOfRange(e, 28, e.length));
    }

    @Test
    void rfc1122Section322NoErrorAboutAnIcmpErrorMessage() {
        var t = new TestHost();
        byte[] unreach = icmp(3, 3, 0, Arrays.copyOf(ipv4(HOST, PEER, 17, new byte[8]), 28));
        for (int type : new int[] {3, 4, 5, 11, 12, 42}) {
            byte[] m = unreach.clone();
            m[0] = (byte) type;
            portUnreachable(t, ipv4(PEER, HOST, 1, m));
        }
        assertTrue(t.sent().isEmpty());
        assertEquals(6, t.icmp(IcmpCounter.icmpOutErrorsSuppressed));
        // An informational message may be the subject of an error.
        portUnreachable(t, ipv4(PEER, HOST, 1, echoRequest(1, 1, new byte[8])));
        assertEquals(1, t.sent().size());
    }

    @Test
    void rfc1122Section322NoErrorAboutABroadcastOrMulticastDatagram() {
        var t = new TestHost();
        for (String dst : new String[] {"255.255.255.255", "224.0.0.1", "239.1.2.3", "10.0.0.255"}) {
            portUnreachable(t, ipv4(PEER, Ipv4Address.parse(dst).value(), 17, new byte[8]));
        }
        assertTrue(t.sent().isEmpty());
        assertEquals(4, t.icmp(IcmpCounter.icmpOutErrorsSuppressed));
    }

    @Test
    void rfc1122Section322NoErrorAboutANonInitialFragment() {
        var t = new TestHost();
        portUnreachable(t, ipv4(PEER, HOST, 17, 1, 0x2000 | 185, 64, new byte[0], new byte[8]));
        portUnreachable(t, ipv4(PEER, HOST, 17, 1, 1, 64, new byte[0], new byte[8]));
        assertTrue(t.sent().isEmpty());
        // The first fragment is not exempt.
        portUnreachable(t, ipv4(PEER, HOST, 17, 1, 0x2000, 64, new byte[0], new byte[8]));
        assertEquals(1, t.sent().size());
    }

    @Test
    void rfc1122Section322NoErrorToASourceThatIsNoSingleHost() {
        var t = new TestHost();
        for (String src : new String[] {"0.0.0.0", "127.0.0.1", "224.0.0.1", "240.0.0.1", "255.255.255.255"}) {
            portUnreachable(t, ipv4(Ipv4Address.parse(src).value(), HOST, 17, new byte[8]));
        }
        assertTrue(t.sent().isEmpty());
        assertEquals(5, t.icmp(IcmpCounter.icmpOutErrorsSuppressed));
        // Through the IP layer: a datagram from 0.0.0.0 to an unknown protocol is delivered but not answered.
        t.send(ipv4(0, HOST, UNKNOWN_PROTOCOL, new byte[8]));
        assertTrue(t.sent().isEmpty());
    }

    @Test
    void untrustedQuoteBytesNeverThrow() {
        var t = new TestHost();
        for (int n = 0; n < 28; n++) portUnreachable(t, Arrays.copyOf(ipv4(PEER, HOST, 17, new byte[8]), n));
        byte[] badIhl = ipv4(PEER, HOST, 17, new byte[8]);
        badIhl[0] = 0x4f;
        portUnreachable(t, badIhl);
        assertEquals(0, t.host.internalErrors());
        assertEquals(29 - 8, t.icmp(IcmpCounter.icmpOutErrorsSuppressed), "20..27 bytes still hold a header");
    }

    @Test
    void rfc1812Section4328ErrorsAreRateLimitedByATokenBucket() {
        var t = host(10, 3); // 10 per second, bursts of 3
        byte[] d = ipv4(PEER, HOST, UNKNOWN_PROTOCOL, new byte[8]);
        for (int i = 0; i < 5; i++) t.send(d);
        assertEquals(3, t.sent().size(), "the burst");
        assertEquals(2, t.icmp(IcmpCounter.icmpOutRateLimited));
        t.advance(Duration.ofMillis(99));
        t.send(d);
        assertTrue(t.sent().isEmpty(), "a token takes 100 ms");
        t.advance(Duration.ofMillis(1));
        t.send(d, d);
        assertEquals(1, t.sent().size());
        assertEquals(4, t.icmp(IcmpCounter.icmpOutRateLimited));
        t.advance(Duration.ofSeconds(10));
        for (int i = 0; i < 5; i++) t.send(d);
        assertEquals(3, t.sent().size(), "a long pause refills the bucket to its size, no more");
        assertEquals(6, t.icmp(IcmpCounter.icmpOutRateLimited));
        // Echo replies are not errors and are never limited.
        for (int i = 0; i < 10; i++) t.send(ipv4(PEER, HOST, 1, echoRequest(1, i, new byte[8])));
        assertEquals(10, t.sent().size());
    }

    @Test
    void rfc1812Section4328SustainedRateMatchesTheConfiguredRate() {
        var t = host(100, 1);
        byte[] d = ipv4(PEER, HOST, UNKNOWN_PROTOCOL, new byte[8]);
        int sent = 0;
        for (int ms = 0; ms < 1000; ms++) {
            t.send(d, d, d);
            sent += t.sent().size();
            t.advance(Duration.ofMillis(1));
        }
        assertEquals(100, sent, "1 at start + one every 10 ms for the rest of the second");
    }

    @Test
    void suppressedErrorsDoNotSpendTokens() {
        var t = host(1, 1);
        portUnreachable(t, ipv4(PEER, 0xffffffff, 17, new byte[8]));
        portUnreachable(t, ipv4(PEER, HOST, 17, new byte[8]));
        assertEquals(1, t.sent().size());
    }

    // ---- incoming errors ----

    /** A datagram this host sent to the peer, on the test protocol: what an error quotes. */
    static byte[] ours() {
        return ipv4(HOST, PEER, TEST_PROTOCOL, 7, 0, 64, new byte[0], pattern(40, 3));
    }

    static byte[] error(int type, int code, byte[] quoted) {
        return ipv4(PEER, HOST, 1, icmp(type, code, 0, quoted));
    }

    @Test
    void rfc1122Section3221DestinationUnreachableIsPassedToTheTransport() {
        var t = new TestHost();
        byte[] quote = Arrays.copyOf(ours(), 28);
        t.send(error(3, 3, quote));
        assertEquals(1, t.transport.errors.size());
        var e = t.transport.errors.get(0);
        assertEquals(3, e.type());
        assertEquals(3, e.code());
        assertArrayEquals(quote, e.quoted());
        assertEquals(1, t.icmp(IcmpCounter.icmpInDestUnreachs));
        assertEquals(1, t.icmp(IcmpCounter.icmpInErrorsDelivered));
        assertTrue(t.sent().isEmpty(), "never an error about an error");
    }

    @Test
    void rfc1122Section3224TimeExceededAndSection3225ParameterProblemArePassedToTheTransport() {
        var t = new TestHost();
        byte[] quote = Arrays.copyOf(ours(), 48); // a longer quote (RFC 1812 style) is passed whole
        t.send(error(11, 0, quote), error(12, 0, quote));
        assertEquals(2, t.transport.errors.size());
        assertEquals(11, t.transport.errors.get(0).type());
        assertEquals(12, t.transport.errors.get(1).type());
        assertArrayEquals(quote, t.transport.errors.get(1).quoted());
        assertEquals(1, t.icmp(IcmpCounter.icmpInTimeExcds));
        assertEquals(1, t.icmp(IcmpCounter.icmpInParmProbs));
    }

    @Test
    void rfc6633SourceQuenchIsIgnored() {
        var t = new TestHost();
        t.send(error(4, 0, Arrays.copyOf(ours(), 28)));
        assertTrue(t.transport.errors.isEmpty());
        assertEquals(1, t.icmp(IcmpCounter.icmpInSrcQuenchs));
    }

    @Test
    void rfc1122Section322IncomingErrorsWithBadQuotesAreCountedAndDropped() {
        var t = new TestHost();
        byte[] ours = ours();
        t.send(error(3, 1, Arrays.copyOf(ours, 27))); // fewer than header + 8 bytes
        byte[] v6 = Arrays.copyOf(ours, 28);
        v6[0] = 0x65;
        t.send(error(3, 1, v6));
        byte[] ihl = Arrays.copyOf(ours, 28);
        ihl[0] = 0x46; // claims 24 header bytes: then 8 data bytes are missing
        t.send(error(3, 1, ihl));
        byte[] notOurs = Arrays.copyOf(ipv4(PEER, HOST, TEST_PROTOCOL, new byte[8]), 28);
        t.send(error(3, 1, notOurs));
        assertEquals(4, t.icmp(IcmpCounter.icmpInErrors));
        byte[] badChecksum = error(3, 1, Arrays.copyOf(ours, 28));
        badChecksum[23] ^= 1;
        t.send(badChecksum);
        assertEquals(5, t.icmp(IcmpCounter.icmpInErrors));
        assertTrue(t.transport.errors.isEmpty());
        assertEquals(0, t.host.internalErrors());
    }

    @Test
    void rfc1122Section322UnknownIcmpTypeIsSilentlyDiscarded() {
        var t = new TestHost();
        t.send(ipv4(PEER, HOST, 1, icmp(42, 0, 0, new byte[8])), ipv4(PEER, HOST, 1, icmp(13, 0, 0, new byte[12])));
        assertTrue(t.sent().isEmpty());
        assertEquals(1, t.icmp(IcmpCounter.icmpInUnknownTypes));
        assertEquals(1, t.icmp(IcmpCounter.icmpInTimestamps));
    }

    @Test
    void errorsQuotingAProtocolWithoutATransportAreDroppedQuietly() {
        var t = new TestHost();
        byte[] q = Arrays.copyOf(ipv4(HOST, PEER, 200, new byte[8]), 28);
        t.send(error(3, 2, q));
        assertEquals(0, t.icmp(IcmpCounter.icmpInErrorsDelivered));
        assertEquals(1, t.icmp(IcmpCounter.icmpInErrorsUndeliverable));
        assertFalse(t.icmp(IcmpCounter.icmpInErrors) > 0);
        assertEquals(0, t.host.internalErrors());
    }
}
