package io.jstack.e2e;

import static io.jstack.e2e.TcpKernelSupport.LOSS_AND_REORDER;
import static io.jstack.e2e.TcpKernelSupport.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.link.Impairment;
import io.jstack.service.DiscardService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's acceptance with the Linux kernel as the peer: {@code nc} and {@code socat} in the test's namespace send
 * 100 MiB into discard (RFC 863) and round-trip 10 MiB through echo (RFC 862), byte-identical (SHA-256), on a
 * clean link and with {@code --impair loss=2%,reorder=2%}. Each test prints its throughput.
 */
@LiveTun
class TcpKernelTransferTest {
    static final Duration CLEAN_BOUND = Duration.ofSeconds(60);
    static final Duration IMPAIRED_BOUND = Duration.ofSeconds(100);

    @TempDir
    static Path dir;
    static Path mib100;
    static Path mib10;

    @BeforeAll
    static void payloads() {
        mib100 = TcpKernelSupport.randomFile(dir.resolve("100MiB"), 100L * MIB, 100);
        mib10 = TcpKernelSupport.randomFile(dir.resolve("10MiB"), 10L * MIB, 10);
    }

    @Test
    @Timeout(120)
    void ncSends100MiBIntoDiscardOnACleanLink() {
        discard(Impairment.NONE, "nc -N " + LiveHost.HOST_IP + " 9 < " + mib100, CLEAN_BOUND);
    }

    @Test
    @Timeout(120)
    void socatSends100MiBIntoDiscardOnACleanLink() {
        // -t: after the file's end, wait for discard's FIN, which it sends once it has read everything.
        discard(Impairment.NONE, "socat -t 60 -T 60 STDIO TCP:" + LiveHost.HOST_IP + ":9 < " + mib100 + " > /dev/null",
                CLEAN_BOUND);
    }

    @Test
    @Timeout(150)
    void ncSends100MiBIntoDiscardWithTwoPercentLossAndReorder() {
        discard(LOSS_AND_REORDER, "nc -N " + LiveHost.HOST_IP + " 9 < " + mib100, IMPAIRED_BOUND);
    }

    @Test
    @Timeout(120)
    void ncRoundTrips10MiBThroughEchoOnACleanLink() {
        echo(Impairment.NONE, "nc -N " + LiveHost.HOST_IP + " 7 < " + mib10 + " > %s", CLEAN_BOUND);
    }

    @Test
    @Timeout(120)
    void socatRoundTrips10MiBThroughEchoOnACleanLink() {
        echo(Impairment.NONE, "socat -t 60 -T 60 STDIO TCP:" + LiveHost.HOST_IP + ":7 < " + mib10 + " > %s",
                CLEAN_BOUND);
    }

    @Test
    @Timeout(150)
    void ncRoundTrips10MiBThroughEchoWithTwoPercentLossAndReorder() {
        echo(LOSS_AND_REORDER, "nc -N " + LiveHost.HOST_IP + " 7 < " + mib10 + " > %s", IMPAIRED_BOUND);
    }

    /**
     * Runs {@code client} (which must end only once discard has closed its side, i.e. read everything) and checks
     * that discard counted every byte.
     */
    private static void discard(Impairment impairment, String client, Duration bound) {
        long size = 100L * MIB;
        try (Netns ns = Netns.create();
                LiveHost h = LiveHost.start(ns, TcpKernelSupport.options(ns, impairment, Optional.empty()))) {
            DiscardService discard = h.running().discard().orElseThrow();
            long start = System.nanoTime();
            Exec.Result r = ns.exec(bound, "sh", "-c", client);
            long nanos = System.nanoTime() - start;
            assertTrue(r.ok(), r.describe() + "\n" + h.counters());
            assertEquals(size, discard.discarded(), "bytes discard read: " + h.counters());
            report("discard 100 MiB", impairment, size, nanos, h);
            h.assertHealthy();
        }
    }

    /** Runs {@code client} (formatted with the output file) and compares the echo with what was sent. */
    private static void echo(Impairment impairment, String client, Duration bound) {
        Path out = dir.resolve("echo-" + System.nanoTime());
        try (Netns ns = Netns.create();
                LiveHost h = LiveHost.start(ns, TcpKernelSupport.options(ns, impairment, Optional.empty()))) {
            long start = System.nanoTime();
            Exec.Result r = ns.exec(bound, "sh", "-c", client.formatted(out));
            long nanos = System.nanoTime() - start;
            assertTrue(r.ok(), r.describe() + "\n" + h.counters());
            assertEquals(Files.size(mib10), size(out), "bytes echoed");
            assertEquals(TcpKernelSupport.sha256(mib10), TcpKernelSupport.sha256(out), "SHA-256 of the echo");
            report("echo 10 MiB", impairment, Files.size(mib10), nanos, h);
            h.assertHealthy();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            out.toFile().delete();
        }
    }

    private static long size(Path p) throws java.io.IOException {
        return Files.exists(p) ? Files.size(p) : -1;
    }

    static void report(String what, Impairment impairment, long bytes, long nanos, LiveHost h) {
        var tcp = h.counters().get("Tcp");
        System.out.printf("TcpKernel: %s over %s link: %.2f s, %.1f MB/s; retransmitted %d, fast %d, RTO %d,"
                        + " out-of-order queued %d; impaired %s%n",
                what, impairment.isNone() ? "a clean" : impairment + " (seed " + TcpKernelSupport.SEED + ")",
                nanos / 1e9, TcpKernelSupport.mbPerSecond(bytes, nanos), tcp.get("tcpRetransSegs"),
                tcp.get("tcpFastRetrans"), tcp.get("tcpTimeouts"), tcp.get("tcpOfoQueued"),
                h.counters().getOrDefault("Impair", java.util.Map.of()));
    }
}
