package io.jstack.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.link.Impairment;
import io.jstack.tcp.TcpLayer;
import io.jstack.tools.ServeOptions;
import io.jstack.wire.IpProtocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * What the {@code TcpKernel*} tests share: payload files, SHA-256, the host's TCP layer, a wait for a kernel
 * listener, and the one impairment the acceptance criteria name.
 */
final class TcpKernelSupport {
    static final int MIB = 1 << 20;
    /** The impairment of issue 4's acceptance: 2% loss and 2% reordering in each direction. */
    static final Impairment LOSS_AND_REORDER = Impairment.parse("loss=2%,reorder=2%");
    /** The impairment's seed: fixed, so that a failure can be replayed with {@code --seed}. */
    static final long SEED = 4;

    private TcpKernelSupport() {}

    /** The CLI's defaults in {@code ns}, impaired with {@code impairment} (seed {@link #SEED}), capturing to {@code pcap}. */
    static ServeOptions options(Netns ns, Impairment impairment, Optional<Path> pcap) {
        return LiveHost.options(ns, 1500, pcap).withImpairment(impairment, SEED);
    }

    /** {@code bytes} pseudo-random bytes drawn from {@code seed}, as a file. */
    static Path randomFile(Path file, long bytes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] chunk = new byte[MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= chunk.length) {
                for (int i = 0; i < chunk.length; i += 8) {
                    long v = r.nextLong();
                    for (int k = 0; k < 8; k++) chunk[i + k] = (byte) (v >>> (8 * k));
                }
                out.write(chunk, 0, (int) Math.min(left, chunk.length));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[MIB];
            int n;
            while ((n = in.read(buf)) > 0) d.update(buf, 0, n);
            return HexFormat.of().formatHex(d.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static TcpLayer tcp(LiveHost h) {
        if (h.host().ip().handler(IpProtocol.TCP.code()) instanceof TcpLayer t) return t;
        throw new AssertionError("ServeCommand.buildHost installed no TCP");
    }

    /** Megabytes (10^6 bytes) per second. */
    static double mbPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    /**
     * Waits until a kernel socket in {@code ns} listens on {@code port} (as {@code ss} reports), at most
     * {@code bound}; each try is one {@code ss} run, so the wait is on the condition, not on time.
     */
    static void awaitKernelListener(Netns ns, int port, Process listener, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(listener.isAlive(), "the kernel listener on port " + port + " exited early");
            Exec.Result r = ns.exec(Duration.ofSeconds(10), "ss", "-Hltn", "sport = :" + port);
            if (r.ok() && !r.out().isBlank()) return;
        }
        throw new AssertionError("no kernel listener on port " + port + " within " + bound);
    }
}
