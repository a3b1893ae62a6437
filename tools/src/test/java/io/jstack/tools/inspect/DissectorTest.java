package io.jstack.tools.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Decoder behaviour that needs no tshark: reassembly, TCP bookkeeping, bounds. */
class DissectorTest {
    private static final int C = Pkt.CLIENT, S = Pkt.SERVER;
    private static final byte[] NONE = new byte[0];

    private static List<Packet> decode(byte[]... frames) {
        List<Frame> f = new ArrayList<>();
        for (int i = 0; i < frames.length; i++) f.add(Pkt.frame(i, frames[i]));
        return InspectCommand.decode(f);
    }

    private static byte[] seg(boolean fromClient, long seq, long ack, int flags, int win, byte[] opts, String data) {
        return Pkt.tcp(fromClient ? C : S, fromClient ? S : C, fromClient ? 40000 : 80, fromClient ? 80 : 40000, seq, ack, flags, win, opts,
                data.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void rfc791_3_2_fragmentsArriving_outOfOrder_areReassembledOnTheFrameThatFillsTheLastHole() {
        byte[] icmp = Pkt.icmpEcho(8, 0x42, 1, new byte[2000]);
        byte[] first = Arrays.copyOfRange(icmp, 0, 1480), second = Arrays.copyOfRange(icmp, 1480, icmp.length);
        List<Packet> p = decode(Pkt.ipv4(C, S, 1, 9, 185, second), Pkt.ipv4(C, S, 1, 9, 0x2000, first));
        assertEquals("Fragmented IP protocol (proto=ICMP 1, off=1480, ID=0009)", p.get(0).info());
        assertEquals("ICMP", p.get(1).protocol());
        assertTrue(p.get(1).info().startsWith("Echo (ping) request  id=0x0042, seq=1/256, ttl=64"), p.get(1).info());
    }

    @Test
    void rfc9293_3_4_relativeSequenceNumbersStartAtZeroOnTheSynAndAtOneWithoutIt() {
        List<Packet> p = decode(seg(true, 1000, 0, Dissector.SYN, 100, NONE, ""), seg(false, 5000, 1001, Dissector.SYN | Dissector.ACK, 100, NONE, ""),
                Pkt.tcp(C, S, 1, 2, 77_777, 55, Dissector.ACK, 9, NONE, new byte[3]));
        assertEquals("0", p.get(0).fieldValue("tcp.seq"));
        assertEquals("1", p.get(1).fieldValue("tcp.ack"));
        assertEquals("1", p.get(2).fieldValue("tcp.seq"));
        assertEquals("1", p.get(2).fieldValue("tcp.ack"));
        assertEquals("1", p.get(2).fieldValue("tcp.stream"));
    }

    @Test
    void rfc7323_2_2_windowsAreScaledOnlyWhenBothSynsCarryTheOption_andNeverOnASyn() {
        List<Packet> both = decode(seg(true, 1, 0, Dissector.SYN, 500, Pkt.synOptions(1460, 7), ""),
                seg(false, 9, 2, Dissector.SYN | Dissector.ACK, 600, Pkt.synOptions(1460, 2), ""), seg(true, 2, 10, Dissector.ACK, 500, NONE, ""),
                seg(false, 10, 2, Dissector.ACK, 600, NONE, ""));
        assertEquals("500", both.get(0).fieldValue("tcp.window_size"));
        assertEquals(String.valueOf(500 << 7), both.get(2).fieldValue("tcp.window_size"));
        assertEquals(String.valueOf(600 << 2), both.get(3).fieldValue("tcp.window_size"));
        List<Packet> one = decode(seg(true, 1, 0, Dissector.SYN, 500, Pkt.synOptions(1460, 7), ""),
                seg(false, 9, 2, Dissector.SYN | Dissector.ACK, 600, new byte[] {2, 4, 5, (byte) 0xb4}, ""), seg(true, 2, 10, Dissector.ACK, 500, NONE, ""));
        assertEquals("500", one.get(2).fieldValue("tcp.window_size"));
    }

    @Test
    void duplicateAcksAreCountedAndTheRetransmissionTheyTriggerIsFast() {
        List<Packet> p = decode(seg(true, 1, 0, Dissector.SYN, 1000, NONE, ""), seg(false, 1, 2, Dissector.SYN | Dissector.ACK, 1000, NONE, ""),
                seg(true, 2, 2, Dissector.ACK, 1000, NONE, "a".repeat(100)),
                seg(true, 202, 2, Dissector.ACK, 1000, NONE, "c".repeat(100)), // 102..201 lost
                seg(false, 2, 102, Dissector.ACK, 1000, NONE, ""), seg(false, 2, 102, Dissector.ACK, 1000, NONE, ""),
                seg(false, 2, 102, Dissector.ACK, 1000, NONE, ""), seg(true, 102, 2, Dissector.ACK, 1000, NONE, "b".repeat(100)));
        assertTrue(p.get(3).info().startsWith("[TCP Previous segment not captured] "), p.get(3).info());
        assertTrue(p.get(5).info().startsWith("[TCP Dup ACK 5#1] "), p.get(5).info());
        assertTrue(p.get(6).info().startsWith("[TCP Dup ACK 5#2] "), p.get(6).info());
        assertEquals("[TCP Fast Retransmission] ", p.get(7).info().substring(0, 26));
        assertEquals("1", p.get(7).fieldValue("tcp.analysis.retransmission"));
        assertEquals("1", p.get(7).fieldValue("tcp.analysis.fast_retransmission"));
    }

    @Test
    void aRepeatedSegmentStampedBeforeTheOriginalIsARetransmission_notOutOfOrder() {
        // captures concatenated or merged out of time order: Wireshark's elapsed time is unsigned, so "earlier" is
        // "long ago", beyond the out-of-order threshold
        byte[] syn = seg(true, 1, 0, Dissector.SYN, 1000, NONE, "");
        List<Frame> f = List.of(Pkt.frame(10, syn), Pkt.frame(11, seg(true, 2, 0, Dissector.ACK, 1000, NONE, "x".repeat(10))),
                Pkt.frame(5, syn));
        List<Packet> p = InspectCommand.decode(f);
        assertTrue(p.get(2).info().startsWith("[TCP Retransmission] "), p.get(2).info());
    }

    @Test
    void aSynAckWithANewInitialSequenceNumberIsFlaggedAndBecomesTheNewBase() {
        List<Packet> p = decode(seg(true, 1, 0, Dissector.SYN, 1000, NONE, ""), seg(false, 100, 2, Dissector.SYN | Dissector.ACK, 1000, NONE, ""),
                seg(false, 50, 2, Dissector.SYN | Dissector.ACK, 1000, NONE, ""), seg(true, 2, 51, Dissector.ACK, 1000, NONE, ""));
        assertTrue(p.get(2).info().contains("[TCP Port numbers reused] "), p.get(2).info());
        assertEquals("0", p.get(2).fieldValue("tcp.seq"));
        assertEquals("1", p.get(3).fieldValue("tcp.ack"));
        assertEquals("0", p.get(3).fieldValue("tcp.stream"));
    }

    @Test
    void aKeepAliveIsNotARetransmission_andAZeroWindowIsFlagged() {
        List<Packet> p = decode(seg(true, 1, 0, Dissector.SYN, 1000, NONE, ""), seg(false, 1, 2, Dissector.SYN | Dissector.ACK, 1000, NONE, ""),
                seg(true, 2, 2, Dissector.ACK, 1000, NONE, ""), seg(true, 1, 2, Dissector.ACK, 1000, NONE, ""),
                seg(false, 2, 2, Dissector.ACK, 0, NONE, ""));
        assertEquals("1", p.get(3).fieldValue("tcp.analysis.keep_alive"));
        assertEquals("", p.get(3).fieldValue("tcp.analysis.retransmission"));
        assertEquals("1", p.get(4).fieldValue("tcp.analysis.zero_window"));
    }

    @Test
    void rfc9112_2_1_pipelinedRequestsInOneSegmentAreEachDecoded_andASplitResponseWaitsForItsLastSegment() {
        String two = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n";
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 10\r\n\r\n";
        List<Packet> p = decode(seg(true, 1, 0, Dissector.SYN, 1000, NONE, ""), seg(false, 1, 2, Dissector.SYN | Dissector.ACK, 1000, NONE, ""),
                seg(true, 2, 2, Dissector.ACK | Dissector.PSH, 1000, NONE, two), seg(false, 2, 2 + two.length(), Dissector.ACK, 1000, NONE, head + "12345"),
                seg(false, 2 + head.length() + 5, 2 + two.length(), Dissector.ACK, 1000, NONE, "67890"));
        assertEquals("GET,GET", p.get(2).fieldValue("http.request.method"));
        assertEquals("/a,/b", p.get(2).fieldValue("http.request.uri"));
        assertEquals("GET /a HTTP/1.1 GET /b HTTP/1.1 ", p.get(2).info());
        assertTrue(p.get(3).info().endsWith("[TCP segment of a reassembled PDU]"), p.get(3).info());
        assertEquals("HTTP", p.get(4).protocol());
        assertEquals("HTTP/1.1 200 OK  (text/plain)", p.get(4).info());
        assertEquals("200", p.get(4).fieldValue("http.response.code"));
    }

    @Test
    void rfc1035_4_1_4_aCompressionPointerLoopIsMalformedNotEndless() {
        byte[] dns = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xc0, 12, 0, 1, 0, 1};
        Packet p = decode(Pkt.udp(C, S, 5555, 53, dns)).get(0);
        assertTrue(p.malformed());
        assertEquals("Standard query 0x1234[Malformed Packet]", p.info());
    }

    @Test
    void randomBytesOnEveryLinkTypeNeverThrowAndNeverHitADecoderBug() {
        Random random = new Random(42);
        byte[][] seeds = {Pkt.udp(C, S, 5555, 53, new byte[20]), seg(true, 1, 0, Dissector.SYN, 10, Pkt.synOptions(1460, 7), ""),
                Pkt.ipv4(C, S, 1, 3, 0, Pkt.icmpEcho(3, 0, 0, Pkt.udp(S, C, 53, 9, new byte[4]))),
                seg(false, 5, 6, Dissector.ACK, 10, NONE, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")};
        for (int link : new int[] {1, 101, 113, 228, 147}) {
            Dissector d = new Dissector();
            for (int i = 0; i < 4000; i++) {
                byte[] base = seeds[i % seeds.length];
                byte[] prefix = link == 1 ? new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0}
                        : link == 113 ? new byte[] {0, 0, 3, 4, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0} : new byte[0];
                byte[] f = new byte[prefix.length + base.length];
                System.arraycopy(prefix, 0, f, 0, prefix.length);
                System.arraycopy(base, 0, f, prefix.length, base.length);
                for (int k = 0; k < 1 + random.nextInt(8); k++) f[random.nextInt(f.length)] = (byte) random.nextInt(256);
                f = Arrays.copyOf(f, random.nextInt(f.length + 1));
                Packet p = d.dissect(new Frame(link, i * 1000L, 6, f.length, f), i + 1);
                assertFalse(p.info().contains("Dissector bug"), p.info());
                InspectCommand.summary(p);
                InspectCommand.tree(p);
            }
        }
    }
}
