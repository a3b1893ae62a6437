package io.jstack.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.tools.HttpService;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Receive offload through {@code TUNSETOFFLOAD}: the kernel hands the host its TCP data as super-packets of up to
 * 64 KiB with partial checksums. An upload to {@code /echo} must come back byte for byte, the device counters must
 * show the super-packets (and none with {@code --no-offload}), and a capture must still hold only the wire's
 * MTU-sized segments, every checksum good.
 */
@LiveTun
class TunReceiveOffloadE2eTest {
    static final Duration T = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    /** {@code bytes} of a pattern that no shifted copy matches (a lost or repeated segment shows). */
    Path body(long bytes) throws Exception {
        Path f = dir.resolve("body.bin");
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(f)) {
            for (long at = 0; at < bytes; at += block.length) {
                for (int i = 0; i < block.length; i++) {
                    long k = at + i;
                    block[i] = (byte) (k * 2654435761L >>> 13);
                }
                out.write(block, 0, (int) Math.min(block.length, bytes - at));
            }
        }
        return f;
    }

    Exec.Result post(Netns ns, Path in, Path out) {
        return ns.exec(T, "curl", "-sS", "-m", "80", "-o", out.toString(), "--data-binary", "@" + in,
                "-H", "Content-Type: application/octet-stream", "http://" + LiveHost.HOST_IP + "/echo");
    }

    @ParameterizedTest(name = "offload {0}")
    @ValueSource(booleans = {true, false})
    @Timeout(150)
    void uploadOf64MiBIsEchoedIntactAndArrivesAsSuperPacketsOnlyWithOffload(boolean offload) throws Exception {
        Path in = body(64L << 20);
        Path out = dir.resolve("echo.bin");
        try (Netns ns = Netns.create();
             LiveHost h = LiveHost.start(ns, LiveHost.options(ns).withOffload(offload));
             HttpService http = HttpService.start(h.host(), HttpService.Options.defaults(), "rx offload e2e")) {
            Exec.Result r = post(ns, in, out);
            assertTrue(r.ok(), r.describe());
            assertEquals(-1L, Files.mismatch(in, out), "the echoed body differs from the upload");
            long superPackets = h.counter("Tun", "ifInSegmentedReads");
            long trusted = h.counter("Tun", "ifInChecksumTrusted");
            if (offload) {
                assertTrue(superPackets > 0, "no super-packet from the kernel: " + h.counters().get("Tun"));
                assertTrue(trusted > 0, "no trusted checksum: " + h.counters().get("Tun"));
                // ifInUcastPkts counts wire segments: at least the 1448-byte segments of 64 MiB.
                assertTrue(h.counter("Tun", "ifInUcastPkts") >= (64L << 20) / 1460,
                        "wire packets counted: " + h.counters().get("Tun"));
            } else {
                assertEquals(0, superPackets, "--no-offload must not take super-packets");
                assertEquals(0, trusted, "--no-offload must verify every checksum");
            }
            assertEquals(0, h.counter("Tcp", "tcpInCsumErrors"), "checksum errors");
            h.assertHealthy();
        }
    }

    /** The capture shows the wire: super-packets the host took whole are recorded as MTU-sized segments. */
    @Test
    @Timeout(150)
    void captureOfAnUploadHoldsOnlyMtuSizedFramesWithGoodChecksums() throws Exception {
        Path pcap = dir.resolve("rx.pcap");
        Path in = body(8L << 20);
        Path out = dir.resolve("echo.bin");
        try (Netns ns = Netns.create();
             LiveHost h = LiveHost.start(ns, LiveHost.options(ns, 1500, Optional.of(pcap)));
             HttpService http = HttpService.start(h.host(), HttpService.Options.defaults(), "rx offload e2e")) {
            Exec.Result r = post(ns, in, out);
            assertTrue(r.ok(), r.describe());
            assertEquals(-1L, Files.mismatch(in, out), "the echoed body differs from the upload");
            assertTrue(h.counter("Tun", "ifInSegmentedReads") > 0, "receive offload was used");
        }
        Exec.Result big = Exec.run(T, "tshark", "-r", pcap.toString(), "-Y", "frame.len > 1500", "-T", "fields",
                "-e", "frame.number");
        assertTrue(big.ok(), big.describe());
        assertEquals("", big.out().strip(), "no frame larger than the MTU in the capture");
        Exec.Result bad = Exec.run(T, "tshark", "-r", pcap.toString(), "-o", "tcp.check_checksum:TRUE",
                "-o", "ip.check_checksum:TRUE", "-Y", "tcp.checksum.status != 1 || ip.checksum.status != 1",
                "-T", "fields", "-e", "frame.number");
        assertTrue(bad.ok(), bad.describe());
        assertEquals("", bad.out().strip(), "every IPv4 and TCP checksum in the capture verifies");
        // The upload is in the capture, cut as the wire carried it: its 8 MiB (and the request head) in frames from
        // the kernel, none of them larger than the MTU.
        Exec.Result up = Exec.run(T, "tshark", "-r", pcap.toString(), "-Y",
                "ip.src == " + LiveHost.KERNEL_IP + " && tcp.len > 0", "-T", "fields", "-e", "tcp.len");
        assertTrue(up.ok(), up.describe());
        long bytes = up.out().lines().mapToLong(Long::parseLong).sum();
        long frames = up.out().lines().count();
        assertTrue(bytes >= 8L << 20, "upload bytes in the capture: " + bytes);
        assertTrue(frames >= (8L << 20) / 1460, "upload frames in the capture: " + frames);
    }
}
