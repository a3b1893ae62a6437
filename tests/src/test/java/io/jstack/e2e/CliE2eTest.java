package io.jstack.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real jar as a user runs it: {@code java -jar tools/target/jstack.jar ...} in a subprocess. */
class CliE2eTest {
    private static final String END = "\u0000end";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"TERM", "INT"})
    @LiveTun
    void jarInItsOwnNamespaceAnswersPingCapturesAndPrintsCountersWhenSignalled(String signal) throws Exception {
        String ns = Netns.freshName();
        Path pcap = dir.resolve("cli.pcap");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Process p = start(Jar.command("--netns", ns, "--pcap", pcap.toString()), lines);
        try {
            p.getOutputStream().close();
            List<String> seen = new ArrayList<>();
            String hint = awaitLine(lines, seen, "try:", Duration.ofSeconds(60));
            assertNotNull(hint, "no start-up line within 60 s; got " + seen + stderr());
            assertTrue(hint.endsWith("try: sudo ip netns exec " + ns + " ping 10.0.0.2"), hint);

            Exec.Result ping = Exec.run(Duration.ofSeconds(60), "ip", "netns", "exec", ns, "ping", "-n", "-c", "3",
                    "-i", "0.2", "-W", "5", "10.0.0.2");
            assertTrue(Ping.parse(ping).noLoss(), ping.describe());

            // Ctrl-C is SIGINT; service managers send SIGTERM. Either goes to this PID only.
            Exec.Result kill = Exec.run(Duration.ofSeconds(10), "kill", "-" + signal, Long.toString(p.pid()));
            assertTrue(kill.ok(), kill.describe());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "jstack did not end within 30 s of SIG" + signal);
            assertEquals(signal.equals("TERM") ? 143 : 130, p.exitValue(), "ended by the signal after its shutdown hook" + stderr());
            String line;
            while ((line = lines.poll(10, TimeUnit.SECONDS)) != null && !line.equals(END)) seen.add(line);
            assertTrue(seen.contains("Ip:") && seen.contains("Icmp:") && seen.contains("Tun:"), String.join("\n", seen));
            assertTrue(seen.contains("    3 icmpInEchos"), String.join("\n", seen));
            assertTrue(seen.contains("    3 icmpOutEchoReps"), String.join("\n", seen));
            assertTrue(seen.contains("    6 packets written to " + pcap), String.join("\n", seen));
            assertFalse(Files.exists(Path.of("/var/run/netns", ns)), "jstack deletes the namespace it created");
            assertEquals(6, PcapE2eTest.tsharkFrames(pcap).size(), "3 requests and 3 replies in the capture");
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            if (Files.exists(Path.of("/var/run/netns", ns))) Exec.run(Duration.ofSeconds(15), "ip", "netns", "delete", ns);
        }
    }

    @Test
    @LiveTun
    void aKilledJarStillLeavesAReadableCapture() throws Exception {
        String ns = Netns.freshName();
        Path pcap = dir.resolve("killed.pcap");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Process p = start(Jar.command("--netns", ns, "--pcap", pcap.toString()), lines);
        try (WatchService watch = dir.getFileSystem().newWatchService()) {
            dir.register(watch, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
            assertNotNull(awaitLine(lines, new ArrayList<>(), "try:", Duration.ofSeconds(60)), "no start-up line" + stderr());
            Exec.Result ping = Exec.run(Duration.ofSeconds(60), "ip", "netns", "exec", ns, "ping", "-n", "-c", "3",
                    "-i", "0.2", "-W", "5", "10.0.0.2");
            assertTrue(Ping.parse(ping).noLoss(), ping.describe());
            // 3 requests and 3 replies of 84 bytes: the file header and six 16-byte record headers with data.
            long whole = 24 + 6 * (16 + 84);
            assertTrue(awaitSize(watch, pcap, whole, Duration.ofSeconds(10)),
                    "the capture reached " + Files.size(pcap) + " of " + whole + " bytes without a clean exit");
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no close
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, p.exitValue());
            assertEquals(6, PcapE2eTest.tsharkFrames(pcap).size(), "tshark reads every packet of the killed run");
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            if (Files.exists(Path.of("/var/run/netns", ns))) Exec.run(Duration.ofSeconds(15), "ip", "netns", "delete", ns);
        }
    }

    /** Waits, on file-system events and with a bound, until {@code file} is {@code size} bytes long. */
    private static boolean awaitSize(WatchService watch, Path file, long size, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!(Files.exists(file) && Files.size(file) >= size)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            WatchKey key = watch.poll(left, TimeUnit.NANOSECONDS);
            if (key == null) return Files.exists(file) && Files.size(file) >= size;
            key.pollEvents();
            key.reset();
        }
        return true;
    }

    @Test
    void badOptionIsOneErrorLineAndExitCode2() {
        Exec.Result r = Exec.run(Duration.ofSeconds(60), Jar.command("--mtu", "40"));
        assertEquals(2, r.exitCode(), r.describe());
        assertEquals(List.of("jstack: MTU must be 68-65535: 40 (see --help)"), r.err().lines().toList(), r.describe());
    }

    @Test
    void versionAndHelpExitZero() {
        Exec.Result v = Exec.run(Duration.ofSeconds(60), Jar.command("--version"));
        assertEquals(0, v.exitCode(), v.describe());
        assertTrue(v.out().startsWith("jstack "), v.describe());
        Exec.Result h = Exec.run(Duration.ofSeconds(60), Jar.command("--help"));
        assertEquals(0, h.exitCode(), h.describe());
        assertTrue(h.out().contains("--netns"), h.describe());
    }

    @Test
    @LiveTun
    void withoutRootTheJarSaysSoInOneLine() {
        // Drops to nobody only for this child; nothing is opened, so no namespace or device is left behind.
        List<String> c = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        c.addAll(Jar.command("--netns", Netns.freshName()));
        Exec.Result r = Exec.run(Duration.ofSeconds(60), c);
        assertEquals(1, r.exitCode(), r.describe());
        List<String> errors = r.err().lines().filter(l -> l.startsWith("jstack:")).toList();
        assertEquals(1, errors.size(), r.describe());
        assertTrue(errors.get(0).startsWith("jstack: not root"), r.describe());
    }

    @Test
    @LiveTun
    void withoutJnaNativeSupportTheJarSaysSoInOneLine() {
        // jna.nosys/jna.nounpack: JNA may neither use a system libjnidispatch nor unpack its own from the jar.
        List<String> c = Jar.command("--netns", Netns.freshName());
        c.addAll(1, List.of("-Djna.nosys=true", "-Djna.nounpack=true"));
        Exec.Result r = Exec.run(Duration.ofSeconds(60), c);
        assertEquals(1, r.exitCode(), r.describe());
        assertEquals(List.of("jstack: JNA failed to load"), r.err().lines().filter(l -> l.startsWith("jstack:"))
                .map(l -> l.substring(0, Math.min(l.length(), "jstack: JNA failed to load".length()))).toList(),
                r.describe());
    }

    @Test
    @LiveTun
    void withoutDevNetTunTheJarSaysSoInOneLine() {
        // A private mount namespace for this child only, where an empty tmpfs hides /dev/net.
        List<String> c = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs none /dev/net && exec \"$0\" \"$@\""));
        c.addAll(Jar.command("--netns", Netns.freshName()));
        Exec.Result r = Exec.run(Duration.ofSeconds(60), c);
        assertEquals(1, r.exitCode(), r.describe());
        List<String> errors = r.err().lines().filter(l -> l.startsWith("jstack:")).toList();
        assertEquals(1, errors.size(), r.describe());
        assertTrue(errors.get(0).startsWith("jstack: no /dev/net/tun"), r.describe());
    }

    private String stderr() throws Exception {
        Path f = dir.resolve("stderr.txt");
        return Files.exists(f) ? "\nstderr:\n" + Files.readString(f) : "";
    }

    /**
     * Starts {@code command} with its standard output on a FIFO that this test reads, line by line, into a
     * queue ending with {@link #END}. (The JDK's own process pipe is closed under a blocked reader when the
     * process exits, losing the last lines, which here are the counters.)
     */
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

    /** Waits (bounded) for a line containing {@code text}; collects the lines before it into {@code seen}. */
    private static String awaitLine(BlockingQueue<String> q, List<String> seen, String text, Duration bound)
            throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            String l = q.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (l == null || l.equals(END)) return null;
            if (l.contains(text)) return l;
            seen.add(l);
        }
    }
}
