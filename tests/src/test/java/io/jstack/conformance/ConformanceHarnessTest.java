package io.jstack.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.tcp.TcpConfig;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The harness tests itself: a deliberately broken jstack must fail the scripts that cover the broken behaviour,
 * with a diff that names it, and the interpreter must catch missing, extra, early and wrong packets.
 */
class ConformanceHarnessTest {
    private static final List<Catalogue.Entry> CATALOGUE = Catalogue.load();

    private static Catalogue.Entry entry(String name) {
        return CATALOGUE.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    private static Interpreter.Outcome run(Catalogue.Entry e, TcpConfig config) {
        return Interpreter.run(e.script(), new JstackTarget(config), e.stackPort(), e.peerPort());
    }

    private static Interpreter.Outcome run(String text, TcpConfig config) {
        return Interpreter.run(Script.parse("inline.pkt", text), new JstackTarget(config), 30999, 20999);
    }

    private static TcpConfig withInitialRto(TcpConfig c, Duration rto) {
        return new TcpConfig(c.msl(), rto, c.minRto(), c.maxRto(), c.maxRetransmissions(), c.maxSynRetransmissions(),
                c.sendBufferBytes(), c.receiveBufferBytes(), c.delayedAck(), c.windowScaling(),
                c.challengeAcksPerSecond(), c.finWait2Timeout(), c.defaultBacklog(), c.outOfOrderMemoryBytes());
    }

    @Test
    void doubledInitialRtoFailsTheSynRetransmissionScripts() {
        TcpConfig broken = withInitialRto(TcpConfig.defaults(), Duration.ofSeconds(2));
        for (String name : List.of("handshake/syn-retransmit-backoff.pkt", "handshake/synack-retransmit-backoff.pkt")) {
            assertTrue(run(entry(name), TcpConfig.defaults()).passed(), name + " passes on the real jstack");
            Interpreter.Outcome o = run(entry(name), broken);
            assertFalse(o.passed(), name + " must fail when the initial RTO is doubled");
            assertTrue(o.failure().contains(": expected packet not matched"), o.failure());
            assertTrue(o.failure().contains("expected: +1    > S"), o.failure());
            assertTrue(o.failure().contains("actual:   nothing by 1.080s"), o.failure());
        }
    }

    @Test
    void doubledMinimumRtoFailsTheDataRetransmissionScript() {
        TcpConfig broken = TcpConfig.defaults().withMinRto(Duration.ofMillis(400));
        Interpreter.Outcome o = run(entry("retransmit/rto-retransmit-and-backoff.pkt"), broken);
        assertFalse(o.passed());
        assertTrue(o.failure().contains("expected: +0.2~+0.3 > P. 1:101(100) ack 1"), o.failure());
        assertTrue(o.failure().contains("actual:   nothing by 0.350s"), o.failure());
    }

    @Test
    void disabledWindowScalingFailsTheWindowScaleHandshake() {
        Interpreter.Outcome o = run(entry("handshake/passive-open-wscale.pkt"), TcpConfig.defaults().withWindowScaling(false));
        assertFalse(o.passed());
        assertTrue(o.failure().contains("actual:   0.000 > S. 0:0(0) ack 1 win 65535 <mss 1460>   (options differ)"),
                o.failure());
    }

    @Test
    void ipTtlAndTypeOfServiceOfExpectedSegmentsAreCompared() {
        String handshake = """
                0   listen
                +0  < S 0:0(0) win 65535 <mss 1460>
                """;
        Interpreter.Outcome ttl = run(handshake + "+0  > S. 0:0(0) ack 1 ttl 33 <mss 1460>\n", TcpConfig.defaults());
        assertTrue(ttl.failure().endsWith("(ttl differs)"), ttl.failure());
        Interpreter.Outcome tos = run(handshake + "+0  > S. 0:0(0) ack 1 tos 32 <mss 1460>\n", TcpConfig.defaults());
        assertTrue(tos.failure().endsWith("(tos differs)"), tos.failure());
        assertNull(run(handshake + "+0  > S. 0:0(0) ack 1 ttl 64 tos 0 <mss 1460>\n", TcpConfig.defaults()).failure());
    }

    @Test
    void urgentPointerOfExpectedSegmentsIsCompared() {
        // jstack sends no urgent data: the double marks its SYN-ACK urgent with a pointer of 9.
        UnaryOperator<byte[]> urgent = p -> {
            if ((p[20 + 13] & Segment.SYN) != 0) {
                p[20 + 13] |= Segment.URG;
                Segment.setUrgentPointer(p, 20, 9);
            }
            return p;
        };
        String script = """
                0   listen
                +0  < S 0:0(0) win 65535 <mss 1460>
                +0  > SU. 0:0(0) ack 1 urg 10 <mss 1460>
                """;
        Interpreter.Outcome o = Interpreter.run(Script.parse("inline.pkt", script),
                new JstackTarget(TcpConfig.defaults(), urgent), 30999, 20999);
        assertEquals("line 3: expected packet not matched\n  expected: +0  > SU. 0:0(0) ack 1 urg 10 <mss 1460>\n"
                + "  actual:   0.000 > SU. 0:0(0) ack 1 win 65535 urg 9 <mss 1460>   (urgent pointer differs)", o.failure());
    }

    @Test
    void aSegmentToTheOtherPeerPortDoesNotMatch() {
        Interpreter.Outcome o = run("""
                0   listen
                +0  < S 0:0(0) win 65535 peer2 <mss 1460>
                +0  > S. 0:0(0) ack 1 <mss 1460>
                """, TcpConfig.defaults());
        assertTrue(o.failure().endsWith("ack 1 win 65535 peer2 <mss 1460>   (peer port differs)"), o.failure());
    }

    @Test
    void aScriptExpectingAnotherIsnRelationFails() {
        // The peer-side claim "the SYN-ACK acknowledges our ISN + 2" is wrong for any stack.
        Interpreter.Outcome o = run("""
                0   listen
                +0  < S 0:0(0) win 65535 <mss 1460>
                +0  > S. 0:0(0) ack 2 <mss 1460>
                """, TcpConfig.defaults());
        assertEquals("line 3: expected packet not matched\n  expected: +0  > S. 0:0(0) ack 2 <mss 1460>\n"
                + "  actual:   0.000 > S. 0:0(0) ack 1 win 65535 <mss 1460>   (ack differs)", o.failure());
    }

    @Test
    void anUnexpectedPacketFailsTheScript() {
        Interpreter.Outcome o = run("""
                0   listen
                +0  < S 0:0(0) win 65535 <mss 1460>
                +0  < . 1:1(0) ack 1 win 65535
                """, TcpConfig.defaults());
        assertFalse(o.passed());
        assertTrue(o.failure().startsWith("unexpected packet before the script's 0.000s step"), o.failure());
        assertTrue(o.failure().contains("actual:   0.000 > S. 0:0(0) ack 1"), o.failure());
    }

    @Test
    void aPacketSentTooEarlyFailsTheScript() {
        Interpreter.Outcome o = run("""
                0   listen
                +0  < S 0:0(0) win 65535 <mss 1460>
                +0  > S. 0:0(0) ack 1 <mss 1460>
                +3  > S. 0:0(0) ack 1 <mss 1460>
                """, TcpConfig.defaults());
        assertTrue(o.failure().contains("(sent too early: 1.000s, tolerance 0.030s)"), o.failure());
    }

    @Test
    void aWrongCallResultFailsTheScript() {
        Interpreter.Outcome o = run("""
                0   listen
                +0  accept = 0
                """, TcpConfig.defaults());
        assertEquals("line 2: call result differs\n  expected: +0  accept = 0\n  actual:   accept = EAGAIN", o.failure());
    }

    @Test
    void optionalPacketsMayBeAbsentOrPresent() {
        String text = """
                0   listen
                +0  < S 0:0(0) win 65535 <mss 1460>
                +0  >? R 0:0(0)
                +0  > S. 0:0(0) ack 1 <mss 1460>
                +0  >? . 0:0(0)
                """;
        assertNull(run(text, TcpConfig.defaults()).failure());
    }

    @Test
    void injectedSegmentsRoundTripThroughTheCodec() {
        Segment s = new Segment(Target.PEER, Target.STACK, 40000, 80, 123, 456, Segment.SYN | Segment.ACK, 1000,
                List.of(Segment.TcpOption.of("mss", 1460), Segment.TcpOption.of("nop"),
                        Segment.TcpOption.of("wscale", 7)), 10);
        Segment back = Segment.decode(s.encode());
        assertEquals(s.seq(), back.seq());
        assertEquals(s.ack(), back.ack());
        assertEquals(s.flags(), back.flags());
        assertEquals(10, back.payloadLength());
        assertEquals("<mss 1460,nop,wscale 7>", Segment.optionString(back.options()));
        byte[] p = s.encode();
        assertEquals(0, Segment.checksum(p, 0, 20, 0), "IPv4 header checksum verifies");
    }

    // A stack double for the non-TCP scripts: jstack whose outgoing packets a filter rewrites or drops.

    private static Interpreter.Outcome runDouble(String name, UnaryOperator<byte[]> egress) {
        Catalogue.Entry e = entry(name);
        return Interpreter.run(e.script(), new JstackTarget(TcpConfig.defaults(), egress), e.stackPort(), e.peerPort());
    }

    private static boolean isIcmp(byte[] p, int type) {
        return p[9] == Datagram.ICMP && (p[(p[0] & 0xf) * 4] & 0xff) == type;
    }

    /** Rewrites a 16-bit field of the ICMP message and fixes the ICMP checksum, so only that field is wrong. */
    private static byte[] icmpField(byte[] p, int at, int delta) {
        byte[] q = p.clone();
        int hl = (q[0] & 0xf) * 4;
        int v = (((q[hl + at] & 0xff) << 8) | (q[hl + at + 1] & 0xff)) + delta;
        q[hl + at] = (byte) (v >> 8);
        q[hl + at + 1] = (byte) v;
        q[hl + 2] = 0;
        q[hl + 3] = 0;
        int sum = Segment.checksum(q, hl, q.length - hl, 0);
        q[hl + 2] = (byte) (sum >> 8);
        q[hl + 3] = (byte) sum;
        return q;
    }

    @Test
    void echoReplyWithTheWrongSequenceNumberFailsTheEchoScript() {
        String name = "icmp-echo/echo-reply-mirrors-request.pkt";
        assertTrue(run(entry(name), TcpConfig.defaults()).passed(), name + " passes on the real jstack");
        Interpreter.Outcome o = runDouble(name, p -> isIcmp(p, 0) ? icmpField(p, 6, 1) : p);
        int id = entry(name).peerPort();
        assertEquals("line 4: expected packet not matched\n  expected: +0    > icmp echoreply seq 1 len 56\n"
                + "  actual:   0.000 > icmp echoreply id " + id + " seq 2 len 56 ttl 64   (seq differs)", o.failure());
    }

    @Test
    void echoReplyWithOtherDataFailsTheMirrorCheck() {
        Interpreter.Outcome o = runDouble("icmp-echo/echo-reply-mirrors-request.pkt",
                p -> isIcmp(p, 0) ? icmpField(p, 20, 1) : p);
        assertFalse(o.passed());
        assertTrue(o.failure().endsWith("(data is not the request's data)"), o.failure());
    }

    @Test
    void droppedPortUnreachableFailsTheClosedPortScript() {
        String name = "udp/closed-port-unreachable.pkt";
        assertTrue(run(entry(name), TcpConfig.defaults()).passed(), name + " passes on the real jstack");
        Interpreter.Outcome o = runDouble(name, p -> isIcmp(p, 3) ? null : p);
        assertEquals("line 4: expected packet not matched\n  expected: +0    > icmp unreach port\n"
                + "  actual:   nothing by 0.030s", o.failure());
    }

    @Test
    void portUnreachableQuotingAnotherDatagramFailsTheQuoteCheck() {
        // The quoted header's identification is bytes 8+4 of the ICMP message.
        Interpreter.Outcome o = runDouble("udp/closed-port-unreachable.pkt", p -> isIcmp(p, 3) ? icmpField(p, 12, 3) : p);
        assertFalse(o.passed());
        assertTrue(o.failure().contains("(quoted identification"), o.failure());
    }

    @Test
    void aUdpDatagramWithoutChecksumFailsTheSendScript() {
        // RFC 1122 §4.1.3.4: the checksum is on by default; a double that sends zero ("none") must fail.
        Interpreter.Outcome o = runDouble("udp/send-datagram-with-checksum.pkt", p -> {
            if (p[9] != Datagram.UDP) return p;
            byte[] q = p.clone();
            int hl = (q[0] & 0xf) * 4;
            q[hl + 6] = 0;
            q[hl + 7] = 0;
            return q;
        });
        assertFalse(o.passed());
        assertTrue(o.failure().contains("expected: +0    > udp 100"), o.failure());
        assertTrue(o.failure().endsWith("nosum ttl 64   (no UDP checksum)"), o.failure());
    }

    @Test
    void aMissingTimeExceededFailsTheReassemblyTimeoutScript() {
        Interpreter.Outcome o = runDouble("ipv4/reassembly-timeout-time-exceeded.pkt", p -> isIcmp(p, 11) ? null : p);
        assertFalse(o.passed());
        assertTrue(o.failure().contains("expected: +1    > icmp timeexceeded reasm"), o.failure());
        assertTrue(o.failure().contains("actual:   nothing by 1.150s"), o.failure());
    }

    @Test
    void anUnexpectedEchoReplyFailsTheScript() {
        Interpreter.Outcome o = run("""
                0     < icmp echo seq 1 len 8
                +0.1  < icmp echo seq 2 len 8
                """, TcpConfig.defaults());
        assertTrue(o.failure().startsWith("unexpected packet before the script's 0.100s step"), o.failure());
        assertTrue(o.failure().contains("actual:   0.000 > icmp echoreply id 20999 seq 1 len 8 ttl 64"), o.failure());
    }

    @Test
    void stackFragmentsAreReassembledBeforeMatching() {
        Datagram.Sent[] sent = new Datagram.Sent[1];
        IpSpec udp = IpSpec.parse("udp 3000", true);
        byte[] whole = Datagram.build(udp, 80, 4000, 4000, null, sent);
        Datagram.Collector c = new Datagram.Collector();
        byte[] second = Datagram.build(IpSpec.parse("udp 3000 frag 1480:3008", true), 80, 4000, 4000, null, sent);
        byte[] first = Datagram.build(IpSpec.parse("udp 3000 frag 0:1480", true), 80, 4000, 4000, null, sent);
        assertNull(c.offer(second));
        Datagram.Received r = c.offer(first);
        assertEquals(2, r.fragments());
        assertEquals(Datagram.Received.decode(whole).transport().length, r.transport().length);
        assertEquals(0, Segment.checksum(r.transport(), 0, r.transport().length,
                Datagram.pseudo(Target.PEER, Target.STACK, Datagram.UDP, r.transport().length)), "UDP checksum verifies");
    }
}
