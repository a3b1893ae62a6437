package io.jstack.tools.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Smaller RFC clauses the decoders follow, one test each. */
class RfcDetailsTest {
    private static final int C = Pkt.CLIENT, S = Pkt.SERVER;

    private static List<Packet> decode(byte[]... frames) {
        List<Frame> f = new ArrayList<>();
        for (int i = 0; i < frames.length; i++) f.add(Pkt.frame(i, frames[i]));
        return InspectCommand.decode(f);
    }

    @Test
    void rfc792_anIcmpErrorQuotesTheOriginalHeaderWhichIsDecodedWithoutTouchingTheColumns() {
        byte[] original = Pkt.udp(C, S, 5555, 9, new byte[0]);
        byte[] icmp = Pkt.icmpEcho(3, 0, 0, original); // same layout: type, code, checksum, 4 unused bytes, quotation
        icmp[1] = 3;
        icmp[2] = icmp[3] = 0;
        int sum = Bytes.of(icmp).checksum(0);
        icmp[2] = (byte) (sum >>> 8);
        icmp[3] = (byte) sum;
        Packet p = decode(Pkt.ipv4(S, C, 1, 4, 0, icmp)).get(0);
        assertEquals("Destination unreachable (Port unreachable)", p.info());
        assertEquals("10.0.0.2 → 10.0.0.1", p.src() + " → " + p.dst());
        assertEquals("10.0.0.2,10.0.0.1", p.fieldValue("ip.src"));
        assertEquals("9", p.fieldValue("udp.dstport"));
    }

    @Test
    void rfc791_3_1_aQuotedHeaderOfAnotherVersionIsShownAsBogusAndNotDecoded() {
        byte[] original = Pkt.udp(C, S, 5555, 9, new byte[0]);
        original[0] = (byte) 0xc5;
        byte[] icmp = Pkt.icmpEcho(11, 0, 0, original);
        Packet p = decode(Pkt.ipv4(S, C, 1, 4, 0, icmp)).get(0);
        assertEquals("10.0.0.2", p.fieldValue("ip.src"), "only the outer header has fields");
        assertEquals("", p.fieldValue("udp.dstport"));
        assertTrue(InspectCommand.tree(p).contains("Internet Protocol, bogus version (12)"));
    }

    @Test
    void rfc768_aUdpLengthBelowTheHeaderIsReportedAndNotDecodedFurther() {
        byte[] d = Pkt.udp(C, S, 53, 5353, new byte[4]);
        d[20 + 4] = 0;
        d[20 + 5] = 4;
        Packet p = decode(d).get(0);
        assertEquals("53 → 5353 [BAD UDP LENGTH 4 < 8]", p.info());
        assertEquals("UDP", p.protocol());
    }

    @Test
    void rfc1071_checksumsAreVerifiedInTheTree() {
        byte[] good = Pkt.tcp(C, S, 1, 2, 3, 4, Dissector.ACK, 5, new byte[0], new byte[0]);
        // fill in the TCP checksum so that it verifies: the sum over pseudo header and segment is then zero
        byte[] seg = java.util.Arrays.copyOfRange(good, 20, good.length);
        long pseudo = (C >>> 16) + (C & 0xffff) + (S >>> 16) + (S & 0xffff) + 6 + seg.length;
        int sum = Bytes.of(seg).checksum(pseudo);
        good[20 + 16] = (byte) (sum >>> 8);
        good[20 + 17] = (byte) sum;
        byte[] bad = good.clone();
        bad[20 + 17] ^= 1;
        bad[11] ^= 1;
        String ok = InspectCommand.tree(decode(good).get(0)), broken = InspectCommand.tree(decode(bad).get(0));
        assertTrue(ok.contains("[Header checksum status: Good]") && ok.contains("[Checksum Status: Good]"), ok);
        assertTrue(broken.contains("[Header checksum status: Bad]") && broken.contains("[Checksum Status: Bad]"), broken);
    }

    @Test
    void rfc9112_7_1_aChunkedResponseIsCompleteOnlyWithItsLastChunk() {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n";
        byte[] none = new byte[0];
        List<Packet> p = decode(Pkt.tcp(S, C, 80, 40000, 1, 1, Dissector.ACK, 100, none, head.getBytes(StandardCharsets.US_ASCII)),
                Pkt.tcp(S, C, 80, 40000, 1 + head.length(), 1, Dissector.ACK, 100, none, "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(p.get(0).info().endsWith("[TCP segment of a reassembled PDU]"), p.get(0).info());
        assertEquals("HTTP/1.1 200 OK  (text/html)", p.get(1).info());
    }

    @Test
    void rfc5952_4_2_ipv6TextShortensTheLongestRunOfZeroGroupsOnly() {
        assertEquals("fd00::2", Dns.ipv6(new int[] {0xfd00, 0, 0, 0, 0, 0, 0, 2}));
        assertEquals("1:0:2::3", Dns.ipv6(new int[] {1, 0, 2, 0, 0, 0, 0, 3}));
        assertEquals("::", Dns.ipv6(new int[8]));
    }
}
