package io.jstack.tools.inspect;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import picocli.CommandLine;

/** Runs tshark, scapy and jstack inspect for the comparison tests; decides skip-or-fail for missing tools. */
final class External {
    static final Path TSHARK = Path.of("/usr/bin/tshark");
    static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");
    static final boolean CI = "true".equals(System.getenv("CI"));

    /** The fields issue 6 requires to agree with tshark. */
    static final List<String> ISSUE_FIELDS = List.of("frame.number", "frame.time_relative", "frame.len", "ip.src", "ip.dst",
            "ip.proto", "ip.ttl", "ip.id", "ip.len", "ip.flags.df", "ip.flags.mf", "ip.frag_offset", "icmp.type", "icmp.code",
            "icmp.ident", "icmp.seq", "udp.srcport", "udp.dstport", "udp.length", "tcp.srcport", "tcp.dstport", "tcp.stream",
            "tcp.seq", "tcp.ack", "tcp.seq_raw", "tcp.ack_raw", "tcp.len", "tcp.flags", "tcp.flags.str", "tcp.window_size_value",
            "tcp.window_size", "tcp.options.mss_val", "tcp.options.wscale.shift", "tcp.analysis.retransmission",
            "tcp.analysis.fast_retransmission", "tcp.analysis.duplicate_ack", "tcp.analysis.out_of_order",
            "tcp.analysis.lost_segment", "tcp.analysis.zero_window", "tcp.analysis.window_full", "tcp.analysis.keep_alive",
            "dns.qry.name", "dns.a", "dns.flags.rcode", "http.request.method", "http.request.uri", "http.response.code");

    private External() {}

    /** Skips the test with {@code reason} when {@code ok} is false, except under CI=true, where it fails. */
    static void require(boolean ok, String reason) {
        if (ok) return;
        if (CI) fail("CI=true but " + reason);
        Assumptions.assumeTrue(false, reason);
    }

    static void requireTshark() {
        require(Files.isExecutable(TSHARK), "tshark is not installed at " + TSHARK);
    }

    static void requireScapy() throws Exception {
        require(Files.isExecutable(SYSTEM_PYTHON) && run(List.of(SYSTEM_PYTHON.toString(), "-c", "import scapy.all"), 60).exit == 0,
                "Debian's python3-scapy is not available to " + SYSTEM_PYTHON);
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    record Result(int exit, String out, String err) {}

    /** Runs a command with a bound on its run time; output is read fully (files, not pipes, so nothing blocks). */
    static Result run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("js-inspect-out", ".txt"), err = Files.createTempFile("js-inspect-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                fail("timed out after " + timeoutSeconds + " s: " + cmd);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static String tshark(Path file, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(TSHARK.toString(), "-n", "-r", file.toString()));
        cmd.addAll(List.of(args));
        Result r = run(cmd, 120);
        assertTrue(r.exit == 0, "tshark failed: " + r.err);
        return r.out;
    }

    /** Runs {@code jstack inspect} in this JVM, as the jstack command line will. */
    static String inspect(Path file, String... args) {
        List<String> all = new ArrayList<>(List.of(file.toString()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new InspectCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(all.toArray(String[]::new));
        assertTrue(exit == 0, "inspect exited " + exit + ": " + err);
        return out.toString();
    }

    static List<String> fieldArgs(String... before) {
        List<String> a = new ArrayList<>(List.of(before));
        a.add("-T");
        a.add("fields");
        for (String f : ISSUE_FIELDS) {
            a.add("-e");
            a.add(f);
        }
        return a;
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(External.class.getResource(name).toURI());
    }

    static Path targetDir(String name) throws IOException {
        Path d = Path.of("target", name).toAbsolutePath();
        Files.createDirectories(d);
        return d;
    }
}
