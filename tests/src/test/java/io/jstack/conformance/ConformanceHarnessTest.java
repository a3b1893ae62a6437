package io.jstack.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.tcp.TcpConfig;
import java.time.Duration;
import java.util.List;
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
}
