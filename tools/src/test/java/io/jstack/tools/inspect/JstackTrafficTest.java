package io.jstack.tools.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.host.Host;
import io.jstack.ip.Ipv4Config;
import io.jstack.link.ImpairedLink;
import io.jstack.link.Impairment;
import io.jstack.link.MemoryLink;
import io.jstack.link.PcapLink;
import io.jstack.link.PcapWriter;
import io.jstack.tcp.TcpConnection;
import io.jstack.tcp.TcpConfig;
import io.jstack.tcp.TcpLayer;
import io.jstack.tcp.TcpListenerState;
import io.jstack.tcp.TcpObserver;
import io.jstack.time.ManualClock;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * jstack's own traffic, laid open: two jstack hosts on a memory link, host A's side impaired (loss and reordering,
 * seeded) and captured by the stack's PcapLink under a manual clock. Host B answers pings of several sizes (some sent
 * as fragments) and receives a 200 kB TCP transfer that loses and reorders segments. jstack inspect must agree with
 * tshark on every summary line and every field of the issue.
 */
class JstackTrafficTest {
    static final int A = Pkt.CLIENT, B = Pkt.SERVER, PORT = 45678, BYTES = 200_000;
    static Path capture;

    @BeforeAll
    static void run() throws Exception {
        capture = run("impaired.pcap", env("INSPECT_IMPAIR", "loss=3%,reorder=3%"), Long.parseLong(env("INSPECT_SEED", "6")),
                TcpConfig.defaults());
    }

    static Path run(String name, String impairment, long seed, TcpConfig config) throws Exception {
        Path capture = External.targetDir("inspect-jstack").resolve(name);
        ManualClock clock = new ManualClock(1_000_000_000L);
        MemoryLink.Pair pair = MemoryLink.pair(1500, 4096);
        ImpairedLink impaired = new ImpairedLink(pair.a(), Impairment.parse(impairment), seed, clock);
        PcapLink linkA = new PcapLink(impaired, PcapWriter.create(capture, () -> 1_700_000_000_000_000L + clock.nanos() / 1000));
        Host a = new Host(A, linkA, clock, Ipv4Config.defaults()), b = new Host(B, pair.b(), clock, Ipv4Config.defaults());
        TcpLayer tcpA = TcpLayer.install(a, config), tcpB = TcpLayer.install(b, config);
        for (int size : new int[] {0, 56, 1472, 3000}) {
            for (byte[] fragment : echoRequest(size, size / 8 + 1)) linkA.send(ByteBuffer.wrap(fragment));
            drive(clock, a, b, () -> false, 100);
        }
        TcpListenerState listener = tcpB.listen(PORT, 4);
        TcpConnection client = tcpA.connect(B, PORT, 0, TcpObserver.NONE, clock.nanos());
        byte[] data = new byte[BYTES], sink = new byte[65536];
        Arrays.fill(data, (byte) 'j');
        int[] sent = {0}, received = {0};
        TcpConnection[] server = {null};
        drive(clock, a, b, () -> {
            if (server[0] == null) server[0] = listener.accept();
            if (sent[0] < BYTES && client.writable() > 0) sent[0] += client.send(data, sent[0], BYTES - sent[0], clock.nanos());
            if (sent[0] == BYTES && client.unacknowledged() == 0) client.close(clock.nanos());
            if (server[0] != null) {
                int n;
                while ((n = server[0].receive(sink, 0, sink.length, clock.nanos())) > 0) received[0] += n;
                if (server[0].atEof()) server[0].close(clock.nanos());
            }
            return received[0] == BYTES && server[0].atEof();
        }, 200_000);
        drive(clock, a, b, () -> false, 1000);
        linkA.close();
        assertEquals(BYTES, received[0], "the transfer did not complete");
        return capture;
    }

    /** Exploration knobs (other seeds and impairments); the defaults are what the suite runs. */
    static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    /** Polls both hosts and runs {@code app}, jumping the clock to the next deadline when nothing is left to do. */
    static void drive(ManualClock clock, Host a, Host b, java.util.function.BooleanSupplier app, int maxSteps) {
        for (int i = 0; i < maxSteps; i++) {
            boolean busy = a.poll() | b.poll();
            if (app.getAsBoolean()) return;
            if (!busy) {
                long next = Math.min(a.pollAt(), b.pollAt());
                if (next == Long.MAX_VALUE) {
                    clock.advance(Duration.ofMillis(1));
                } else {
                    clock.setNanos(Math.max(clock.nanos() + 100_000, next));
                }
            } else {
                clock.advance(Duration.ofNanos(50_000));
            }
        }
    }

    /** An ICMP echo request with {@code size} bytes of data, cut into fragments of 1480 bytes when it is larger. */
    static List<byte[]> echoRequest(int size, int seq) {
        byte[] icmp = Pkt.icmpEcho(8, 0x7a7a, seq, new byte[size]);
        if (icmp.length <= 1480) return List.of(Pkt.ipv4(A, B, 1, 0x100 + seq, 0, icmp));
        List<byte[]> out = new java.util.ArrayList<>();
        for (int off = 0; off < icmp.length; off += 1480) {
            int end = Math.min(icmp.length, off + 1480);
            int flags = (end < icmp.length ? 0x2000 : 0) | (off / 8);
            out.add(Pkt.ipv4(A, B, 1, 0x100 + seq, flags, Arrays.copyOfRange(icmp, off, end)));
        }
        return out;
    }

    @Test
    void summaryLinesAndEveryIssueFieldMatchTshark() throws Exception {
        External.requireTshark();
        String summary = External.tshark(capture);
        assertTrue(summary.contains("Echo (ping) reply") && summary.contains("Fragmented IP protocol"), "no pings in the capture");
        assertTrue(summary.contains("Retransmission") || summary.contains("Out-Of-Order") || summary.contains("Dup ACK"),
                "the impairment left no trace");
        TsharkComparisonTest.assertLinesEqual(summary, External.inspect(capture));
        String[] fields = External.fieldArgs().toArray(String[]::new);
        TsharkComparisonTest.assertLinesEqual(External.tshark(capture, fields), External.inspect(capture, fields));
        TsharkComparisonTest.assertLinesEqual(External.tshark(capture, "-q", "-z", "conv,tcp"), External.inspect(capture, "-q", "--conv"));
        assertTrue(Files.size(capture) > BYTES);
    }

    @Test
    void aCaptureWithCorruptedHeadersDecodesLikeTshark_malformedPacketsIncluded() throws Exception {
        External.requireTshark();
        // Bit flips make malformed headers (IP header lengths, TCP data offsets, IP in IP, bogus versions). Which bits
        // flip where follows the packets, and so the stack's behaviour: the capture compared is the first, from seed
        // INSPECT_CORRUPT_SEED (default 1) on, that holds a malformed packet. Timestamps and SACK stay off: shorter
        // headers, so more flips land in them.
        long first = Long.parseLong(env("INSPECT_CORRUPT_SEED", "1"));
        Path corrupted = null;
        String summary = null;
        for (long seed = first; seed < first + 40 && summary == null; seed++) {
            Path c = run("corrupted.pcap", "loss=4%,dup=4%,reorder=10%,corrupt=8%", seed,
                    TcpConfig.defaults().withTimestamps(false).withSack(false));
            String s = External.tshark(c);
            if (s.contains("[Malformed Packet]")) {
                corrupted = c;
                summary = s;
            }
        }
        assertTrue(summary != null, "40 seeds of corruption made no malformed packet");
        TsharkComparisonTest.assertLinesEqual(summary, External.inspect(corrupted));
        String[] fields = External.fieldArgs().toArray(String[]::new);
        TsharkComparisonTest.assertLinesEqual(External.tshark(corrupted, fields), External.inspect(corrupted, fields));
    }
}
