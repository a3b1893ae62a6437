package io.jstack.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.tools.HttpService;
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
 * Checksum and segmentation offload through IFF_VNET_HDR: the host hands the kernel TCP packets of up to 64 KiB
 * that the kernel cuts into MTU-sized segments. The kernel's curl must get every byte right, the device counters
 * must show the large writes, and the capture must show the wire-sized segments with good checksums; with
 * {@code --no-offload} nothing is segmented by the kernel.
 */
@LiveTun
class TunOffloadE2eTest {
    static final Duration T = Duration.ofSeconds(60);
    static final long BYTES = 32L << 20;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "offload {0}")
    @ValueSource(booleans = {true, false})
    @Timeout(120)
    void downloadArrivesIntactWithAndWithoutOffload(boolean offload) throws Exception {
        try (Netns ns = Netns.create();
             LiveHost h = LiveHost.start(ns, LiveHost.options(ns).withOffload(offload));
             HttpService http = HttpService.start(h.host(), HttpService.Options.defaults(), "offload e2e")) {
            Path out = dir.resolve("out.bin");
            Exec.Result r = ns.exec(T, "curl", "-sS", "-m", "50", "-o", out.toString(),
                    "http://" + LiveHost.HOST_IP + "/bytes/" + BYTES);
            assertTrue(r.ok(), r.describe());
            assertEquals(BYTES, Files.size(out));
            byte[] block = new byte[251 * 4096];
            for (int i = 0; i < block.length; i++) block[i] = (byte) (i % 251);
            try (var in = Files.newInputStream(out)) {
                byte[] got = new byte[block.length];
                long at = 0;
                int n;
                while ((n = in.readNBytes(got, 0, got.length)) > 0) {
                    for (int i = 0; i < n; i++) {
                        if (got[i] != block[i]) throw new AssertionError("byte " + (at + i) + " differs");
                    }
                    at += n;
                }
            }
            long segmented = h.counter("Tun", "ifOutSegmentedWrites");
            if (offload) {
                assertTrue(segmented > 0, "no large packet was handed to the kernel: " + h.counters().get("Tun"));
            } else {
                assertEquals(0, segmented, "--no-offload must not hand the kernel large packets");
            }
            h.assertHealthy();
        }
    }

    /** What the capture holds is what the kernel put on the wire: MTU-sized segments whose checksums verify. */
    @Test
    @Timeout(120)
    void captureShowsWireSizedSegmentsWithGoodChecksums() throws Exception {
        Path pcap = dir.resolve("offload.pcap");
        try (Netns ns = Netns.create();
             LiveHost h = LiveHost.start(ns, LiveHost.options(ns, 1500, Optional.of(pcap)));
             HttpService http = HttpService.start(h.host(), HttpService.Options.defaults(), "offload e2e")) {
            Exec.Result r = ns.exec(T, "curl", "-sS", "-m", "50", "-o", "/dev/null",
                    "http://" + LiveHost.HOST_IP + "/bytes/" + (4 << 20));
            assertTrue(r.ok(), r.describe());
            assertTrue(h.counter("Tun", "ifOutSegmentedWrites") > 0, "offload was used");
        }
        Exec.Result big = Exec.run(T, "tshark", "-r", pcap.toString(), "-Y", "frame.len > 1500", "-T", "fields",
                "-e", "frame.number");
        assertTrue(big.ok(), big.describe());
        assertEquals("", big.out().strip(), "no frame larger than the MTU in the capture");
        Exec.Result bad = Exec.run(T, "tshark", "-r", pcap.toString(), "-o", "tcp.check_checksum:TRUE", "-Y",
                "tcp.checksum.status != 1", "-T", "fields", "-e", "frame.number");
        assertTrue(bad.ok(), bad.describe());
        assertEquals("", bad.out().strip(), "every TCP checksum in the capture verifies");
    }
}
