package io.jstack.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jstack --trace}: the real jar prints one tshark-style line per packet it receives and sends, live. */
@LiveTun
class TraceE2eTest {
    private static final String END = "\u0000end";

    @TempDir
    Path dir;

    @Test
    void tracePrintsEachPingRequestAndReplyAndCountsItsLines() throws Exception {
        String ns = Netns.freshName();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Path pcap = dir.resolve("trace.pcap");
        Process p = start(Jar.command("--netns", ns, "--trace", "--no-http", "--pcap", pcap.toString()), lines);
        try {
            p.getOutputStream().close();
            List<String> seen = new ArrayList<>();
            String hint = awaitLine(lines, seen, "try:", Duration.ofSeconds(60));
            assertNotNull(hint, "no start-up line within 60 s; got " + seen + stderr());
            assertTrue(hint.contains("tracing packets"), hint);

            Exec.Result ping = Exec.run(Duration.ofSeconds(60), "ip", "netns", "exec", ns, "ping", "-n", "-c", "2",
                    "-i", "0.2", "-W", "5", "10.0.0.2");
            assertTrue(Ping.parse(ping).noLoss(), ping.describe());
            // Live: the reply's line is printed while jstack still runs, before any signal.
            assertNotNull(awaitLine(lines, seen, "Echo (ping) reply", Duration.ofSeconds(30)),
                    "no reply line while serving; got " + seen + stderr());

            Exec.Result kill = Exec.run(Duration.ofSeconds(10), "kill", "-TERM", Long.toString(p.pid()));
            assertTrue(kill.ok(), kill.describe());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "jstack did not end within 30 s of SIGTERM");
            assertEquals(143, p.exitValue(), "ended by the signal after its shutdown hook" + stderr());
            String line;
            while ((line = lines.poll(10, TimeUnit.SECONDS)) != null && !line.equals(END)) seen.add(line);
            String all = String.join("\n", seen);

            List<String> requests = seen.stream()
                    .filter(l -> l.matches(".* 10\\.0\\.0\\.1 \\S+ 10\\.0\\.0\\.2 +ICMP .*Echo \\(ping\\) request.*")).toList();
            List<String> replies = seen.stream()
                    .filter(l -> l.matches(".* 10\\.0\\.0\\.2 \\S+ 10\\.0\\.0\\.1 +ICMP .*Echo \\(ping\\) reply.*")).toList();
            assertEquals(2, requests.size(), all);
            assertEquals(2, replies.size(), all);
            assertTrue(requests.get(0).contains("seq=1/256") && requests.get(1).contains("seq=2/512"), all);
            // In the order they crossed the link: each reply follows its request.
            for (int i = 0; i < 2; i++) {
                assertTrue(seen.indexOf(requests.get(i)) < seen.indexOf(replies.get(i)), all);
            }
            assertTrue(replies.get(1).contains("(request in "), all);
            assertTrue(seen.contains("Trace:"), all);
            assertTrue(seen.stream().anyMatch(l -> l.matches(" +\\d+ linesDropped")), all);
            long printed = seen.stream().filter(l -> l.matches(" +\\d+ linesPrinted")).findFirst()
                    .map(l -> Long.parseLong(l.trim().split(" ")[0])).orElseThrow(() -> new AssertionError(all));
            assertTrue(printed >= 4, all);

            // The capture taken at the same place, inspected afterwards, shows the same lines in the same order; the
            // relative times differ only by the moments the two clocks were read for the same packet.
            Exec.Result inspect = Exec.run(Duration.ofSeconds(60), Jar.command("inspect", pcap.toString()));
            assertEquals(0, inspect.exitCode(), inspect.describe());
            List<String> inspected = inspect.out().lines().toList();
            List<String> traced = seen.stream().filter(l -> l.matches(" *\\d+ +\\d+\\.\\d{9} .*")).toList();
            assertTrue(traced.size() >= 4, all);
            assertEquals(inspected.size(), traced.size(), all + "\ninspect:\n" + inspect.out());
            for (int i = 0; i < traced.size(); i++) {
                String[] t = traced.get(i).trim().split(" +", 3), c = inspected.get(i).trim().split(" +", 3);
                assertEquals(c[0] + " " + c[2], t[0] + " " + t[2], "line " + (i + 1));
                double skew = Math.abs(Double.parseDouble(t[1]) - Double.parseDouble(c[1]));
                assertTrue(skew < 0.01, "line " + (i + 1) + ": traced " + t[1] + " s, captured " + c[1] + " s");
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            if (Files.exists(Path.of("/var/run/netns", ns))) Exec.run(Duration.ofSeconds(15), "ip", "netns", "delete", ns);
        }
    }

    private String stderr() throws Exception {
        Path f = dir.resolve("stderr.txt");
        return Files.exists(f) ? "\nstderr:\n" + Files.readString(f) : "";
    }

    /** As CliE2eTest: stdout through a FIFO read line by line into a queue ending with {@link #END}. */
    private Process start(List<String> command, BlockingQueue<String> q) throws Exception {
        Path fifo = dir.resolve("stdout.fifo");
        Exec.Result mk = Exec.run(Duration.ofSeconds(10), "mkfifo", fifo.toString());
        assertTrue(mk.ok(), mk.describe());
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = Files.newBufferedReader(fifo, StandardCharsets.UTF_8)) { // waits for the writer
                String l;
                while ((l = r.readLine()) != null) q.add(l);
            } catch (java.io.IOException e) {
                q.add("<stdout unreadable: " + e.getMessage() + ">");
            }
            q.add(END);
        });
        return new ProcessBuilder(command).redirectOutput(fifo.toFile())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
    }

    /** Waits (bounded) for a line containing {@code text}; collects every line before it, and it, into {@code seen}. */
    private static String awaitLine(BlockingQueue<String> q, List<String> seen, String text, Duration bound)
            throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            String l = q.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (l == null || l.equals(END)) return null;
            seen.add(l);
            if (l.contains(text)) return l;
        }
    }
}
