package io.jstack.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * 10,000 malformed IPv4 packets written into the TUN device from the kernel side (RFC 791 §3.1, RFC 1122
 * §3.2.1.2, §3.2.1.3): every one is counted as a drop, none reaches ICMP, the loop survives and ping still works.
 */
@LiveTun
class MalformedE2eTest {
    static final int COUNT = 10_000;
    static final String[] DROPS = {"ipInHdrErrors", "ipInTruncatedPkts", "ipInAddrErrors"};

    @Test
    void tenThousandMalformedPacketsAreCountedAndDroppedAndPingStillAnswers() throws Exception {
        long seed = System.nanoTime();
        Path script = Path.of(MalformedE2eTest.class.getResource("malformed.py").toURI());
        try (Netns ns = Netns.create(); LiveHost h = LiveHost.start(ns)) {
            // Room for the whole burst in the device's queue, so the kernel drops none before jstack reads them.
            Exec.Result q = ns.exec(Duration.ofSeconds(15), "ip", "link", "set", "dev", "tun0", "txqueuelen", "20000");
            assertTrue(q.ok(), q.describe());
            Map<String, Long> before = h.counters().get("Ip");
            long echosBefore = h.counter("Icmp", "icmpInMsgs");
            long droppedByKernelBefore = txDropped(ns);

            Exec.Result sent = ns.exec(Duration.ofSeconds(180), python(), script.toString(), Long.toString(seed),
                    Integer.toString(COUNT), "tun0", LiveHost.HOST_IP);
            assertTrue(sent.ok() && sent.out().contains("sent " + COUNT), "seed " + seed + ": " + sent.describe());

            // The echo requests queue behind the malformed packets: answered means all of those were handled.
            Exec.Result ping = h.ping("-c", "3", "-i", "0.2", "-W", "5");
            assertTrue(Ping.parse(ping).noLoss(), "seed " + seed + ": " + ping.describe());

            long droppedByKernel = txDropped(ns) - droppedByKernelBefore;
            long reached = COUNT - droppedByKernel;
            Map<String, Long> after = h.counters().get("Ip");
            String context = "seed " + seed + ", kernel dropped " + droppedByKernel + ", before " + before
                    + ", after " + after + "\n" + sent.out();
            assertTrue(reached >= COUNT * 9 / 10, context);
            assertEquals(reached + 3, delta(before, after, "ipInReceives"), context);
            assertEquals(3, delta(before, after, "ipInDelivers"), "only the pings were delivered: " + context);
            long drops = 0;
            for (String d : DROPS) {
                assertTrue(delta(before, after, d) > 0, d + " counts some: " + context);
                drops += delta(before, after, d);
            }
            assertEquals(reached, drops, "every malformed packet is counted as a drop: " + context);
            assertEquals(3, h.counter("Icmp", "icmpInMsgs") - echosBefore, "none reached ICMP: " + context);
            h.assertHealthy();
        }
    }

    static long delta(Map<String, Long> before, Map<String, Long> after, String name) {
        return after.get(name) - before.get(name);
    }

    /** Packets the kernel dropped on the way into the TUN device (its queue full): "tx dropped" of the device. */
    static long txDropped(Netns ns) {
        Exec.Result r = ns.exec(Duration.ofSeconds(15), "ip", "-s", "-j", "link", "show", "dev", "tun0");
        assertTrue(r.ok(), r.describe());
        Matcher m = Pattern.compile("\"tx\":\\{[^}]*\"dropped\":(\\d+)").matcher(r.out());
        assertTrue(m.find(), r.describe());
        return Long.parseLong(m.group(1));
    }

    /** Debian's python3 (pyenv's, first on PATH here, is fine too: the script needs only the standard library). */
    static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }
}
