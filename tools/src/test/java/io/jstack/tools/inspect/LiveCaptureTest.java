package io.jstack.tools.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real kernel traffic: in a network namespace created for this test (loopback only, MTU lowered to 1500 so big pings
 * fragment), live_traffic.sh captures pings of several sizes, DNS queries and answers, HTTP keep-alive and pipelining,
 * TCP keep-alive probes and a zero window; then jstack inspect must print what tshark prints, field for field.
 *
 * <p>This kernel has no netem, u32 or gact modules and no iptables, so the live capture cannot impose loss or
 * reordering; retransmissions, lost segments, dup ACKs and out-of-order segments are compared on the synthetic
 * capture of {@link TsharkComparisonTest} instead (a retransmission does occur here when the window fills).
 */
@Tag("tun")
class LiveCaptureTest {
    static Path capture;
    static String namespace;

    @BeforeAll
    static void capture() throws Exception {
        External.require(External.isRoot(), "live capture needs root to create a network namespace");
        External.requireTshark();
        External.require(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/usr/bin/ip")), "iproute2 is missing");
        Path dir = External.targetDir("inspect-live");
        capture = dir.resolve("live.pcapng");
        Files.deleteIfExists(capture);
        namespace = "js-inspect-" + ProcessHandle.current().pid() + "-" + ThreadLocalRandom.current().nextInt(1_000_000);
        External.Result add = External.run(List.of("ip", "netns", "add", namespace), 30);
        assertEquals(0, add.exit(), add.err());
        try {
            External.Result r = External.run(List.of("ip", "netns", "exec", namespace, "timeout", "-k", "5", "180", "bash",
                    External.resource("live_traffic.sh").toString(), capture.toString()), 200);
            assertEquals(0, r.exit(), r.err());
        } finally {
            External.run(List.of("ip", "netns", "del", namespace), 30);
        }
        assertTrue(Files.size(capture) > 0, "nothing captured");
    }

    @AfterAll
    static void removeNamespace() throws Exception {
        if (namespace != null) External.run(List.of("ip", "netns", "del", namespace), 30); // already gone unless the test broke off
    }

    @Test
    void summaryLinesMatchTshark() throws Exception {
        String expected = External.tshark(capture);
        for (String what : List.of("Echo (ping) request", "Fragmented IP protocol", "Standard query response", "No such name",
                "GET /a HTTP/1.1", "GET /p1 HTTP/1.1 GET /p2 HTTP/1.1", "HTTP/1.1 200 OK  (text/html)", "[TCP Keep-Alive]", "[TCP ZeroWindow]")) {
            assertTrue(expected.contains(what), "the live capture lacks " + what);
        }
        TsharkComparisonTest.assertLinesEqual(expected, External.inspect(capture));
        TsharkComparisonTest.assertLinesEqual(External.tshark(capture, "-2"), External.inspect(capture, "-2"));
    }

    @Test
    void everyIssueFieldMatchesTshark() throws Exception {
        String[] args = External.fieldArgs().toArray(String[]::new);
        TsharkComparisonTest.assertLinesEqual(External.tshark(capture, args), External.inspect(capture, args));
    }

    @Test
    void followConversationsAndIoMatchTshark() throws Exception {
        for (int stream = 0; stream < 6; stream++) {
            TsharkComparisonTest.assertLinesEqual(External.tshark(capture, "-q", "-z", "follow,tcp,ascii," + stream),
                    External.inspect(capture, "-q", "--follow", "tcp," + stream));
        }
        TsharkComparisonTest.assertLinesEqual(External.tshark(capture, "-q", "-z", "conv,tcp"), External.inspect(capture, "-q", "-z", "conv,tcp"));
        TsharkComparisonTest.assertLinesEqual(External.tshark(capture, "-q", "-z", "io,stat,1"), External.inspect(capture, "-q", "--io", "1"));
    }
}
