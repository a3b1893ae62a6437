package io.jstack.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.link.Impairment;
import io.jstack.socket.TcpSocket;
import io.jstack.tcp.TcpLayer;
import io.jstack.tools.ServeOptions;
import io.jstack.wire.IpProtocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TCP against the Linux kernel as the peer, in a namespace of its own per test: nc and socat send into discard
 * (RFC 863) and through echo (RFC 862), clean and with {@code --impair loss=2%,reorder=2%}; jstack opens a
 * connection to a kernel listener; a thousand connections to echo at once. Every run is captured, and tshark
 * must find no malformed segment and no bad checksum in it.
 */
@LiveTun
class TcpE2eTest {
    static final Duration T = Duration.ofSeconds(180);
    static final String IMPAIR = "loss=2%,reorder=2%";

    @TempDir
    Path dir;

    /** Runs {@code body} with a fresh namespace and host (options adjusted by {@code opts}), then checks the capture. */
    void live(UnaryOperator<ServeOptions> opts, Consumer<LiveHost> body) {
        live(opts, body, true);
    }

    void live(UnaryOperator<ServeOptions> opts, Consumer<LiveHost> body, boolean checkCapture) {
        Path pcap = dir.resolve("run.pcap");
        try (Netns ns = Netns.create()) {
            LiveHost h = LiveHost.start(ns, opts.apply(LiveHost.options(ns, 1500, Optional.of(pcap))));
            try {
                body.accept(h);
                h.assertHealthy();
            } finally {
                h.close();
            }
        }
        if (checkCapture) assertCaptureClean(pcap);
    }

    /**
     * tshark, with checksum validation on, reports no malformed packet and no bad IPv4 or TCP checksum in what
     * jstack sent. Payloads are decoded as plain data (port 7000 would otherwise be taken for Gryphon) and TCP
     * reassembly is off (it would flag the kernel's own overlapping retransmissions).
     */
    static void assertCaptureClean(Path pcap) {
        Exec.Result r = Exec.run(T, "tshark", "-n", "-r", pcap.toString(), "-o", "tcp.check_checksum:TRUE",
                "-o", "ip.check_checksum:TRUE", "-o", "tcp.desegment_tcp_streams:FALSE",
                "-o", "tcp.analyze_sequence_numbers:FALSE", "-d", "tcp.port==7,data", "-d", "tcp.port==9,data",
                "-d", "tcp.port==7000,data", "-Y",
                "_ws.malformed || (ip.src == " + LiveHost.HOST_IP
                        + " && (tcp.checksum.status == 0 || ip.checksum.status == 0))");
        assertTrue(r.ok(), r.describe());
        assertEquals("", r.out().strip(), "tshark found malformed segments or bad checksums");
    }

    Exec.Result sh(LiveHost h, String script) {
        return h.netns().exec(T, "sh", "-c", script);
    }

    static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    @Test
    void rfc863NcSends100MiBIntoDiscard() {
        live(o -> o, h -> {
            long before = h.counter("Tun", "ifInUcastPkts");
            Exec.Result r = sh(h, "head -c 104857600 /dev/urandom | nc -N " + LiveHost.HOST_IP + " 9");
            assertTrue(r.ok(), r.describe());
            // 100 MiB in wire segments of at most 1460 bytes. The device counts wire segments (a receive-offload
            // super-packet counts as the segments it stands for, as a NIC with LRO counts them); TCP may see fewer.
            assertTrue(h.counter("Tun", "ifInUcastPkts") - before >= 104857600 / 1460, h.counters().toString());
            assertEquals(0, h.counter("Tcp", "tcpInCsumErrors"), h.counters().toString());
        });
    }

    void echo10MiB(LiveHost h, String client) {
        echo(h, client, 10 << 20);
    }

    void echo(LiveHost h, String client, int bytes) {
        try {
            Path in = dir.resolve("in");
            Path out = dir.resolve("out");
            byte[] data = new byte[bytes];
            new Random(862).nextBytes(data);
            Files.write(in, data);
            Exec.Result r = sh(h, client.formatted(in, out));
            assertTrue(r.ok(), r.describe());
            assertEquals(sha256(in), sha256(out), "echoed bytes differ: " + r.describe());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void rfc862NcRoundTrips10MiBThroughEcho() {
        live(o -> o, h -> echo10MiB(h, "nc -N " + LiveHost.HOST_IP + " 7 < %s > %s"));
    }

    @Test
    void rfc862SocatRoundTrips10MiBThroughEcho() {
        live(o -> o, h -> echo10MiB(h, "socat -t 30 - TCP:" + LiveHost.HOST_IP + ":7 < %s > %s"));
    }

    @Test
    void rfc862NcRoundTrips10MiBThroughEchoOverALossyReorderingLink() {
        live(o -> o.withImpairment(Impairment.parse(IMPAIR), 4), h -> {
            echo10MiB(h, "nc -N " + LiveHost.HOST_IP + " 7 < %s > %s");
            assertTrue(h.counter("Impair", "lost") > 0, h.counters().toString());
            assertTrue(h.counter("Tcp", "tcpRetransSegs") > 0, h.counters().toString());
        });
    }

    /**
     * Every impairment at once, delay and jitter included (deadlines on the loop's clock). The capture is not
     * checked: it shows our corrupted packets as they crossed the device.
     */
    @Test
    void rfc862EchoSurvivesEveryImpairmentAtOnce() {
        var impair = Impairment.parse("loss=2%,dup=1%,reorder=2%,corrupt=1%,delay=10ms,jitter=2ms");
        live(o -> o.withImpairment(impair, 6), h -> {
            echo(h, "nc -N " + LiveHost.HOST_IP + " 7 < %s > %s", 2 << 20); // 2 MiB: the delay makes it slow
            for (String c : new String[] {"lost", "duplicated", "reordered", "corrupted", "delayed"}) {
                assertTrue(h.counter("Impair", c) > 0, c + ": " + h.counters());
            }
        }, false);
    }

    @Test
    void rfc863NcSends100MiBIntoDiscardOverALossyReorderingLink() {
        live(o -> o.withImpairment(Impairment.parse(IMPAIR), 5), h -> {
            Exec.Result r = sh(h, "head -c 104857600 /dev/urandom | nc -N " + LiveHost.HOST_IP + " 9");
            assertTrue(r.ok(), r.describe());
        });
    }

    /** jstack's active open (RFC 9293 §3.5) to a kernel listener delivers 10 MiB intact. */
    @Test
    void activeOpenToAKernelListenerDelivers10MiB() {
        live(o -> o, h -> {
            try {
                Path out = dir.resolve("received");
                Process nc = h.netns().start("sh", "-c", "nc -l " + LiveHost.KERNEL_IP + " 7000 > " + out);
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!sh(h, "ss -ltn | grep -q ':7000 '").ok()) {
                    assertTrue(System.nanoTime() < deadline, "nc did not start listening");
                }
                TcpLayer tcp = h.onLoop(host -> (TcpLayer) host.ip().handler(IpProtocol.TCP.code()));
                byte[] data = new byte[10 << 20];
                new Random(9293).nextBytes(data);
                var s = TcpSocket.connect(tcp, new InetSocketAddress(InetAddress.getByName(LiveHost.KERNEL_IP), 7000),
                        Duration.ofSeconds(10));
                s.output().write(data);
                s.close();
                assertTrue(nc.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "nc did not see the end of stream");
                assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)), sha256(out));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    /** A thousand simultaneous connections to echo, each with its own message, every one answered exactly. */
    @Test
    void aThousandSimultaneousConnectionsToEcho() {
        String py = String.join("\n",
                "import asyncio, resource",
                "resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))",
                "async def one(i):",
                "    r, w = await asyncio.open_connection('" + LiveHost.HOST_IP + "', 7)",
                "    msg = ('connection %d ' % i).encode() * 20",
                "    w.write(msg)",
                "    await w.drain()",
                "    w.write_eof()",
                "    back = await r.read()",
                "    w.close()",
                "    return back == msg",
                "async def main():",
                "    oks = await asyncio.gather(*(one(i) for i in range(1000)))",
                "    print(sum(oks))",
                "asyncio.run(main())");
        live(o -> o, h -> {
            Exec.Result r = h.netns().exec(T, "/usr/bin/python3", "-c", py);
            assertTrue(r.ok(), r.describe());
            assertEquals("1000", r.out().strip(), r.describe());
        });
    }
}
