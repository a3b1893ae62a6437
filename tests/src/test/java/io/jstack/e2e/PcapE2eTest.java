package io.jstack.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.wire.Ipv4Address;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;

/**
 * {@code --pcap}: every packet exchanged is in the capture, which tshark reads, and which pcap4j (libpcap and an
 * independent decoder) reads the same way.
 */
@LiveTun
class PcapE2eTest {
    /** One frame as a reader saw it. */
    record Frame(String src, String dst, int icmpType) {}

    @TempDir
    Path dir;

    @Test
    void captureHoldsEveryPacketExchangedAndTsharkAndPcap4jAgree() throws Exception {
        Path file = dir.resolve("ping.pcap");
        long in;
        long out;
        try (Netns ns = Netns.create();
                LiveHost h = LiveHost.start(ns, LiveHost.options(ns, 1500, Optional.of(file)))) {
            Exec.Result r = h.ping("-c", "4", "-i", "0.2", "-W", "5", "-s", "100");
            assertTrue(Ping.parse(r).noLoss(), r.describe());
            in = h.counter("Tun", "ifInUcastPkts");
            out = h.counter("Tun", "ifOutUcastPkts");
            h.assertHealthy();
        }
        assertEquals(8, in + out, "4 requests and 4 replies crossed the TUN device, nothing else");

        List<Frame> tshark = tsharkFrames(file);
        assertEquals(in + out, tshark.size(), "tshark's frame count equals the packets exchanged");
        for (int i = 0; i < tshark.size(); i++) {
            Frame expected = i % 2 == 0 ? new Frame(LiveHost.KERNEL_IP, LiveHost.HOST_IP, 8)
                    : new Frame(LiveHost.HOST_IP, LiveHost.KERNEL_IP, 0);
            assertEquals(expected, tshark.get(i), "frame " + (i + 1));
        }
        assertEquals(tshark, pcap4jFrames(file, tsharkTimesAndLengths(file)), "libpcap reads what tshark reads");
    }

    static List<Frame> tsharkFrames(Path file) {
        Exec.Result r = Exec.run(Duration.ofSeconds(60), "tshark", "-n", "-r", file.toString(), "-T", "fields",
                "-E", "separator=,", "-e", "ip.src", "-e", "ip.dst", "-e", "icmp.type");
        assertTrue(r.ok(), r.describe());
        List<Frame> frames = new ArrayList<>();
        r.out().lines().filter(l -> !l.isBlank()).forEach(l -> {
            String[] f = l.split(",");
            frames.add(new Frame(f[0], f[1], Integer.parseInt(f[2])));
        });
        return frames;
    }

    /**
     * libpcap (through pcap4j) reads the file: its link type, and per record the time and length, which must
     * match what tshark reports. The classic pcap header is decoded by libpcap, not by us.
     */
    static List<Frame> pcap4jFrames(Path file, List<String> tsharkTimesAndLengths) throws Exception {
        System.setProperty("org.pcap4j.core.pcapLibName", libpcap());
        List<Frame> frames = new ArrayList<>();
        PcapHandle handle = Pcaps.openOffline(file.toString(), PcapHandle.TimestampPrecision.MICRO);
        try {
            assertTrue(handle.getDlt().name().toUpperCase().contains("RAW"), "link type " + handle.getDlt());
            byte[] raw;
            int i = 0;
            while ((raw = nextRaw(handle)) != null) {
                java.sql.Timestamp ts = handle.getTimestamp();
                String timeAndLength = (ts.getTime() / 1000) + "." + String.format("%06d", ts.getNanos() / 1000)
                        + "," + raw.length + "," + handle.getOriginalLength();
                assertEquals(tsharkTimesAndLengths.get(i), timeAndLength, "record " + (i + 1));
                ByteBuffer b = ByteBuffer.wrap(raw);
                int ihl = (b.get(0) & 0x0f) * 4;
                frames.add(new Frame(Ipv4Address.toString(b.getInt(12)), Ipv4Address.toString(b.getInt(16)),
                        Byte.toUnsignedInt(b.get(ihl))));
                i++;
            }
        } finally {
            handle.close();
        }
        return frames;
    }

    static List<String> tsharkTimesAndLengths(Path file) {
        Exec.Result r = Exec.run(Duration.ofSeconds(60), "tshark", "-n", "-r", file.toString(), "-T", "fields",
                "-E", "separator=,", "-e", "frame.time_epoch", "-e", "frame.cap_len", "-e", "frame.len");
        assertTrue(r.ok(), r.describe());
        // tshark prints nanoseconds (...123456000); the file holds microseconds.
        return r.out().lines().filter(l -> !l.isBlank())
                .map(l -> l.replaceFirst("^(\\d+\\.\\d{6})\\d*", "$1")).toList();
    }

    private static byte[] nextRaw(PcapHandle handle) throws Exception {
        try {
            return handle.getNextRawPacketEx();
        } catch (java.io.EOFException e) {
            return null;
        }
    }

    /** Debian's libpcap0.8 ships only the versioned file, not the libpcap.so that pcap4j looks for. */
    static String libpcap() throws Exception {
        for (Path d : List.of(Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/usr/lib/aarch64-linux-gnu"),
                Path.of("/usr/lib64"), Path.of("/usr/lib"))) {
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> s = Files.list(d)) {
                Optional<Path> lib = s.filter(p -> p.getFileName().toString().startsWith("libpcap.so")).sorted().findFirst();
                if (lib.isPresent()) return lib.get().toString();
            }
        }
        throw new AssertionError("libpcap is not installed (Debian: apt-get install libpcap0.8)");
    }
}
