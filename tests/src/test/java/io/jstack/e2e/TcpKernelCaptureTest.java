package io.jstack.e2e;

import static io.jstack.e2e.TcpKernelSupport.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.link.Impairment;
import io.jstack.socket.TcpSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A capture ({@code --pcap}) of TCP runs against the kernel, read by tshark with IP and TCP checksum validation on:
 * no malformed segment, no bad checksum, no expert error. The run covers passive opens to echo, discard and
 * chargen, a RST for a closed port, and an active open from jstack; once on a clean link, once with 2% loss and
 * reordering. A run with corruption shows that the same check does find bad segments.
 */
@LiveTun
class TcpKernelCaptureTest {
    /** Frames tshark must not report: bad or unverified checksums, malformed packets, expert errors. */
    static final String PROBLEMS = "(tcp && tcp.checksum.status != 1) || (ip && ip.checksum.status != 1)"
            + " || _ws.malformed || _ws.expert.severity == error";
    static final Duration BOUND = Duration.ofSeconds(60);
    static final int KERNEL_PORT = 5002;

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void cleanRunCaptureHasNoMalformedSegmentAndNoBadChecksum() throws Exception {
        Path pcap = dir.resolve("clean.pcap");
        long exchanged = run(Impairment.NONE, pcap);
        assertNoProblems(pcap);
        assertEquals(exchanged, count(pcap, "frame"), "every packet crossing the device is in the capture");
        assertTrue(count(pcap, "tcp.flags.reset == 1") >= 1, "the closed port's RST is in the capture");
        assertTrue(count(pcap, "tcp.checksum.status == 1") > 5000, "TCP segments with a verified checksum");
    }

    @Test
    @Timeout(120)
    void impairedRunCaptureHasNoMalformedSegmentAndNoBadChecksum() throws Exception {
        Path pcap = dir.resolve("impaired.pcap");
        run(TcpKernelSupport.LOSS_AND_REORDER, pcap);
        assertNoProblems(pcap);
        assertTrue(count(pcap, "tcp.analysis.retransmission || tcp.analysis.fast_retransmission") > 0,
                "the capture shows retransmissions");
        assertTrue(count(pcap, "tcp.checksum.status == 1") > 5000, "TCP segments with a verified checksum");
    }

    /**
     * The check can fail: the capture shows what crossed the device, so the host's segments that the link
     * corrupted on their way out are in it with bad checksums (and the kernel's corrupted ones are dropped by the
     * host, which counts them).
     */
    @Test
    @Timeout(120)
    void theCheckFindsTheSegmentsACorruptingLinkDamaged() throws Exception {
        Path pcap = dir.resolve("corrupt.pcap");
        try (Netns ns = Netns.create(); LiveHost h = LiveHost.start(ns,
                TcpKernelSupport.options(ns, Impairment.parse("corrupt=5%"), Optional.of(pcap)))) {
            Path file = TcpKernelSupport.randomFile(dir.resolve("c"), MIB, 3);
            Path out = dir.resolve("c.out");
            Exec.Result r = ns.exec(BOUND, "sh", "-c", "nc -N " + LiveHost.HOST_IP + " 7 < " + file + " > " + out);
            assertTrue(r.ok(), r.describe());
            assertEquals(TcpKernelSupport.sha256(file), TcpKernelSupport.sha256(out), "echo through corruption");
            long dropped = h.counter("Tcp", "tcpInCsumErrors") + h.counter("Ip", "ipInHdrErrors");
            assertTrue(dropped > 0, "the host dropped corrupted packets: " + h.counters());
            h.assertHealthy();
        }
        assertTrue(problems(pcap).size() > 0, "tshark flags the corrupted segments the host received");
    }

    /**
     * Echo (2 MiB), discard (4 MiB), chargen (64 KiB read), a SYN to a closed port, and an active open sending
     * 1 MiB to a kernel listener; returns the packets that crossed the device.
     */
    private long run(Impairment impairment, Path pcap) throws Exception {
        Path two = TcpKernelSupport.randomFile(dir.resolve("2MiB"), 2L * MIB, 21);
        Path four = TcpKernelSupport.randomFile(dir.resolve("4MiB"), 4L * MIB, 22);
        Path echoed = dir.resolve("echoed");
        Path chargen = dir.resolve("chargen");
        Path received = dir.resolve("received");
        String host = LiveHost.HOST_IP;
        try (Netns ns = Netns.create();
                LiveHost h = LiveHost.start(ns, TcpKernelSupport.options(ns, impairment, Optional.of(pcap)))) {
            Exec.Result r = ns.exec(BOUND, "sh", "-c", "nc -N " + host + " 7 < " + two + " > " + echoed
                    + " && nc -N " + host + " 9 < " + four
                    + " && nc " + host + " 19 < /dev/null | head -c 65536 > " + chargen
                    + " && ! nc -z -w 5 " + host + " 1234");
            assertTrue(r.ok(), r.describe() + "\n" + h.counters().get("Tcp"));
            assertEquals(TcpKernelSupport.sha256(two), TcpKernelSupport.sha256(echoed), "echo");
            assertEquals(4L * MIB, h.running().discard().orElseThrow().discarded(), "discarded");
            assertEquals(65536, Files.size(chargen), "chargen bytes read");

            int port = KERNEL_PORT;
            Process kernel = ns.start("socat", "-u", "TCP-LISTEN:" + port + ",bind=" + LiveHost.KERNEL_IP,
                    "CREATE:" + received);
            TcpKernelSupport.awaitKernelListener(ns, port, kernel, BOUND);
            byte[] data = Files.readAllBytes(two);
            try (TcpSocket s = TcpSocket.connect(TcpKernelSupport.tcp(h),
                    new InetSocketAddress(LiveHost.KERNEL_IP, port), Duration.ofSeconds(10))) {
                s.write(data, 0, MIB);
                s.shutdownOutput();
                s.awaitAcknowledged(BOUND);
            }
            assertTrue(kernel.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS), "socat did not end");
            assertEquals(MIB, Files.size(received), "bytes the kernel listener received");
            h.assertHealthy();
            return h.counter("Tun", "ifInUcastPkts") + h.counter("Tun", "ifOutUcastPkts");
        }
    }

    /** Fails with tshark's complaints, keeping the capture in target/ for a look. */
    static void assertNoProblems(Path pcap) throws java.io.IOException {
        List<String> problems = problems(pcap);
        if (problems.isEmpty()) return;
        Path kept = Path.of("target", "TcpKernelCaptureTest-" + System.currentTimeMillis() + ".pcap").toAbsolutePath();
        Files.copy(pcap, kept);
        assertEquals(List.of(), problems, "tshark's complaints (frame|src|sport|dport|flags|seq|len|ip csum|tcp csum|"
                + "expert) about the capture, kept as " + kept);
    }

    /** The frames tshark reports for {@link #PROBLEMS}: number and summary, one per line. */
    static List<String> problems(Path pcap) {
        Exec.Result r = tshark(pcap, PROBLEMS, "-T", "fields", "-E", "separator=|", "-e", "frame.number",
                "-e", "ip.src", "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.flags.str", "-e", "tcp.seq_raw",
                "-e", "tcp.len", "-e", "ip.checksum.status", "-e", "tcp.checksum.status", "-e", "_ws.expert.message");
        return r.out().lines().filter(l -> !l.isBlank()).limit(20).toList();
    }

    static long count(Path pcap, String filter) {
        Exec.Result r = tshark(pcap, filter, "-T", "fields", "-e", "frame.number");
        return r.out().lines().filter(l -> !l.isBlank()).count();
    }

    private static Exec.Result tshark(Path pcap, String filter, String... output) {
        // The payloads are opaque test data: decoded as "data", or heuristic dissectors (Thrift, ...) that take
        // random bytes for their protocol report their own errors.
        List<String> c = new java.util.ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString(),
                "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-d", "tcp.port==7,data",
                "-d", "tcp.port==9,data", "-d", "tcp.port==19,data", "-d", "tcp.port==" + KERNEL_PORT + ",data",
                "-Y", filter));
        c.addAll(List.of(output));
        Exec.Result r = Exec.run(BOUND, c);
        assertTrue(r.ok(), r.describe());
        return r;
    }
}
