package io.jstack.socket;

import static io.jstack.socket.TcpTestNet.A;
import static io.jstack.socket.TcpTestNet.addr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jstack.link.Impairment;
import io.jstack.link.Offload;
import io.jstack.tcp.TcpConfig;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two stacks exchange {@code jstack.test.transferMiB} (64 by default) in each direction at once over a memory
 * link, clean or impaired, and both sides see identical SHA-256 digests. The seed is in the failure message.
 */
class TcpTransferTest {
    static final long BYTES = Long.getLong("jstack.test.transferMiB", 64) << 20;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"none", "loss=5%", "reorder=5%", "dup=1%", "corrupt=1%",
            "loss=5%,reorder=5%,dup=1%,corrupt=1%", "offload", "offload,loss=5%,reorder=5%"})
    @Timeout(180)
    void bothDirectionsArriveIntactAtOnce(String impairment) throws Exception {
        transfer(impairment, config());
    }

    /** RFC 7323 timestamps (RTTM, PAWS) and RFC 2018 SACK blocks on both stacks, through the same impairments. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"none", "loss=5%,reorder=5%,dup=1%,corrupt=1%"})
    @Timeout(180)
    void bothDirectionsArriveIntactWithTimestampsAndSackRfc7323Rfc2018(String impairment) throws Exception {
        transfer(impairment, config().withTimestamps(true).withSack(true));
    }

    private static TcpConfig config() {
        // A short minimum RTO keeps the run short when a retransmission is lost (200 ms is the default); the
        // delayed-ACK limit must stay below it, or a lone segment's delayed ACK would look like a loss.
        return TcpConfig.defaults().withMinRto(Duration.ofMillis(20)).withDelayedAck(Duration.ofMillis(5))
                .withBuffers(1 << 20, 1 << 20);
    }

    private void transfer(String impairment, TcpConfig config) throws Exception {
        long seed = Long.getLong("jstack.test.seed", System.nanoTime());
        // "offload": both links offer checksum and segmentation offload (TSO), done in software, so the stacks
        // send up to 64 KiB packets that the link cuts into MSS-sized segments (and impairs one by one).
        boolean offload = impairment.startsWith("offload");
        String rest = impairment.replaceFirst("^offload,?", "");
        try (var net = new TcpTestNet(config, Impairment.parse(rest.isEmpty() ? "none" : rest), seed,
                offload ? Offload.TCP : Offload.NONE);
             var listener = TcpListener.bind(net.a, 6000, 0);
             var ex = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<TcpSocket> accepted = ex.submit(listener::accept);
            TcpSocket client = TcpSocket.connect(net.b, addr(A, 6000), Duration.ofSeconds(10));
            TcpSocket server = accepted.get();
            Future<byte[]> sentByClient = ex.submit(writer(client, 1));
            Future<byte[]> sentByServer = ex.submit(writer(server, 2));
            Future<byte[]> readByServer = ex.submit(reader(server));
            Future<byte[]> readByClient = ex.submit(reader(client));
            String why = "impairment " + impairment + ", seed " + seed;
            try {
                readByServer.get(120, TimeUnit.SECONDS);
                readByClient.get(120, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                long now = System.nanoTime();
                var cb = net.b.host().clock();
                String state = net.a.lastBug() + " / " + net.b.lastBug() + "\n" + net.loopA.host().internalErrors()
                        + " " + net.loopB.host().internalErrors();
                CompletableFuture<String> da = new CompletableFuture<>(), db = new CompletableFuture<>();
                net.a.host().execute(() -> da.complete(String.valueOf(net.a.connection(TcpTestNet.B,
                        client.localAddress().getPort(), 6000).describe(net.a.host().clock().nanos()))));
                net.b.host().execute(() -> db.complete(String.valueOf(net.b.connection(A, 6000,
                        client.localAddress().getPort()).describe(cb.nanos()))));
                fail("stalled: " + why + "\n" + state + "\nA: " + da.get(5, TimeUnit.SECONDS) + "\nB: "
                        + db.get(5, TimeUnit.SECONDS));
            }
            assertEquals(hex(sentByClient.get()), hex(readByServer.get()), why);
            assertEquals(hex(sentByServer.get()), hex(readByClient.get()), why);
            if (offload) {
                assertTrue(net.offloadedPackets() > 0, "no packet used segmentation offload");
            }
            client.close();
            server.close();
            System.out.printf("transfer %s: 2 x %d MiB, A %s, B %s, link %s%n", impairment, BYTES >> 20,
                    net.a.counters().snapshot(), net.b.counters().snapshot(),
                    net.impaired == null ? "clean" : net.impaired.counters().snapshot());
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Writes BYTES of seeded pseudo-random data in uneven chunks, then FIN; returns their SHA-256. */
    static Callable<byte[]> writer(TcpSocket s, long seed) {
        return () -> {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[100_000];
            long x = seed * 0x9E3779B97F4A7C15L + 1;
            long left = BYTES;
            int round = 0;
            while (left > 0) {
                int n = (int) Math.min(left, 1000 + (round++ * 7919) % 99_000);
                for (int i = 0; i < n; i += 8) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                    for (int j = 0; j < 8 && i + j < n; j++) buf[i + j] = (byte) (x >>> (8 * j));
                }
                md.update(buf, 0, n);
                s.write(buf, 0, n);
                left -= n;
            }
            s.shutdownOutput();
            return md.digest();
        };
    }

    static Callable<byte[]> reader(TcpSocket s) {
        return () -> {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = s.read(buf, 0, buf.length)) >= 0) {
                md.update(buf, 0, n);
                total += n;
            }
            if (total != BYTES) throw new IOException("read " + total + " bytes, expected " + BYTES);
            return md.digest();
        };
    }
}
