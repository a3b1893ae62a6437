package io.jstack.tools.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares {@code jstack inspect} with the installed tshark on captures written by scapy (gen_captures.py): ICMP
 * pings of several sizes, some fragmented; DNS and plain UDP; a TCP stream with HTTP keep-alive and pipelining, a lost
 * segment, duplicate ACKs, a fast retransmission, out-of-order and spurious retransmissions, a zero window with a
 * probe, a keep-alive, a full window; malformed and truncated packets; link types 101, 228, 1, 113; pcap in both byte
 * orders with micro- and nanosecond stamps; pcapng with one and with two interfaces.
 *
 * <p>Deliberate differences from tshark, none of which these comparisons exercise:
 * <ul>
 *   <li>{@code -V} prints a field tree in tshark's style but not its exact wording, and verifies checksums (Good/Bad)
 *       where tshark's defaults say "Unverified": a learner should see a bad checksum. It is not compared.</li>
 *   <li>Names are never resolved, as with tshark -n (which these tests pass): tshark without -n would print
 *       "Broadcast" or a maker's name for some MAC addresses of non-IP frames.</li>
 *   <li>EtherTypes other than IPv4, IPv6, ARP and 802.1Q are not decoded (tshark decodes LLDP and many more).</li>
 *   <li>IPv6 is shown by addresses only; its payload is not decoded (jstack speaks IPv4).</li>
 *   <li>IP protocols other than ICMP, TCP, UDP and IP in IP are not decoded: the info column says "Protocol N"
 *       where tshark names the protocol (e.g. "Control Message (38)") or runs its dissector (RSVP-E2EI for 134).
 *       Only corrupted packets carry such numbers in jstack's captures.</li>
 *   <li>None in the summary: like tshark's default single pass, an echo request names its reply ("reply in N") only
 *       with -2, as with tshark -2.</li>
 *   <li>HTTP is decoded on ports 80 and 8080 only; bodies are not decoded beyond their media type.</li>
 * </ul>
 */
class TsharkComparisonTest {
    static final List<String> CAPTURES = List.of("icmp.pcap", "dns.pcap", "tcp.pcap", "malformed.pcap", "eth.pcapng", "sll.pcap",
            "be-nano.pcap", "multi.pcapng");
    static Path dir;

    @BeforeAll
    static void generate() throws Exception {
        External.requireTshark();
        External.requireScapy();
        dir = External.targetDir("inspect-captures");
        External.Result r = External.run(List.of(External.SYSTEM_PYTHON.toString(),
                External.resource("gen_captures.py").toString(), dir.toString()), 120);
        assertEquals(0, r.exit(), r.err());
        // two interfaces of different link types in one pcapng section, merged by Wireshark's own tool
        External.Result m = External.run(List.of("/usr/bin/mergecap", "-F", "pcapng", "-w", dir.resolve("multi.pcapng").toString(),
                dir.resolve("dns.pcap").toString(), dir.resolve("eth.pcapng").toString()), 60);
        assertEquals(0, m.exit(), m.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"icmp.pcap", "dns.pcap", "tcp.pcap", "malformed.pcap", "eth.pcapng", "sll.pcap", "be-nano.pcap", "multi.pcapng"})
    void summaryLinesMatchTshark(String name) throws Exception {
        Path f = dir.resolve(name);
        String expected = External.tshark(f);
        assertFalse(expected.isBlank(), "tshark printed nothing for " + name);
        assertLinesEqual(expected, External.inspect(f));
    }

    /** tshark -2: echo requests name their reply ("reply in N"), fragments the frame that reassembled them. */
    @ParameterizedTest
    @ValueSource(strings = {"icmp.pcap", "tcp.pcap", "malformed.pcap", "multi.pcapng"})
    void twoPassSummaryLinesMatchTsharkDash2(String name) throws Exception {
        Path f = dir.resolve(name);
        assertLinesEqual(External.tshark(f, "-2"), External.inspect(f, "-2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"icmp.pcap", "dns.pcap", "tcp.pcap", "malformed.pcap", "eth.pcapng", "sll.pcap", "be-nano.pcap", "multi.pcapng"})
    void everyIssueFieldMatchesTshark(String name) throws Exception {
        Path f = dir.resolve(name);
        List<String> args = External.fieldArgs();
        assertLinesEqual(External.tshark(f, args.toArray(String[]::new)), External.inspect(f, args.toArray(String[]::new)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp.pcap", "eth.pcapng", "sll.pcap"})
    void followConversationAndIoTablesMatchTshark(String name) throws Exception {
        Path f = dir.resolve(name);
        for (int stream = 0; stream <= 2; stream++) {
            assertLinesEqual(External.tshark(f, "-q", "-z", "follow,tcp,ascii," + stream), External.inspect(f, "-q", "--follow", "tcp," + stream));
        }
        assertLinesEqual(External.tshark(f, "-q", "-z", "conv,tcp"), External.inspect(f, "-q", "--conv"));
        for (String interval : List.of("1", "0.5", "0.01")) {
            assertLinesEqual(External.tshark(f, "-q", "-z", "io,stat," + interval), External.inspect(f, "-q", "-z", "io,stat," + interval));
        }
    }

    @Test
    void theTcpCaptureExercisesEveryAnalysisFlag() throws Exception {
        // guards the comparison above against a capture that no longer contains what it claims to test
        String fields = External.tshark(dir.resolve("tcp.pcap"), "-T", "fields", "-e", "_ws.col.Info");
        for (String flag : List.of("[TCP Previous segment not captured]", "[TCP Dup ACK", "[TCP Fast Retransmission]", "[TCP Out-Of-Order]",
                "[TCP Spurious Retransmission]", "[TCP ZeroWindow]", "[TCP ZeroWindowProbe]", "[TCP Keep-Alive]", "[TCP Window Full]",
                "[TCP Window Update]", "GET /a HTTP/1.1 GET /b HTTP/1.1", "HTTP/1.1 200 OK  (text/html)")) {
            assertTrue(fields.contains(flag), "tcp.pcap lacks " + flag);
        }
        String icmp = External.tshark(dir.resolve("icmp.pcap"));
        assertTrue(icmp.contains("Fragmented IP protocol"), "icmp.pcap has no fragments");
    }

    @Test
    void malformedCaptureDecodesWithoutExceptionAndIsMarkedAsTsharkMarksIt() throws Exception {
        Path f = dir.resolve("malformed.pcap");
        String ours = External.inspect(f);
        long marked = ours.lines().filter(l -> l.contains("[Malformed Packet]")).count();
        long theirs = External.tshark(f).lines().filter(l -> l.contains("[Malformed Packet]")).count();
        assertTrue(marked > 0);
        assertEquals(theirs, marked);
        assertFalse(ours.contains("Dissector bug"));
        String tree = External.inspect(f, "-V");
        assertTrue(tree.contains("[Malformed Packet"));
    }

    static void assertLinesEqual(String expected, String actual) {
        List<String> e = expected.lines().toList(), a = actual.lines().toList();
        for (int i = 0; i < Math.min(e.size(), a.size()); i++) {
            assertEquals(e.get(i), a.get(i), "line " + (i + 1) + " differs");
        }
        assertEquals(e.size(), a.size(), "line count differs");
    }
}
