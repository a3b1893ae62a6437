package io.jstack.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 simultaneous connections to TCP echo (RFC 862), every one verified: a Python asyncio client in the
 * namespace ({@code tcp_many_echo.py}) opens them all, waits until all are established, then each sends its own
 * 4 KiB, half-closes, and must read exactly those bytes back before the server's FIN.
 */
@LiveTun
class TcpKernelManyConnectionsTest {
    static final int CONNECTIONS = 1000;
    static final int PAYLOAD = 4096;
    static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    @Timeout(90)
    void thousandSimultaneousConnectionsToEchoEachGetTheirOwnBytesBack() {
        Path script = script();
        try (Netns ns = Netns.create(); LiveHost h = LiveHost.start(ns)) {
            long start = System.nanoTime();
            Exec.Result r = ns.exec(BOUND.plusSeconds(15), "/usr/bin/python3", script.toString(), LiveHost.HOST_IP,
                    "7", Integer.toString(CONNECTIONS), Integer.toString(PAYLOAD), Long.toString(BOUND.toSeconds()));
            long nanos = System.nanoTime() - start;
            assertTrue(r.ok(), r.describe() + "\n" + h.counters().get("Tcp"));
            assertEquals(CONNECTIONS, field(r, "verified"), r.describe());
            assertEquals(CONNECTIONS, field(r, "opened"), r.describe());
            assertTrue(h.counter("Tcp", "tcpPassiveOpens") >= CONNECTIONS, h.counters().get("Tcp").toString());
            assertEquals(0, h.counter("Tcp", "tcpEstabResets"), h.counters().get("Tcp").toString());
            System.out.printf("TcpKernel: %d simultaneous echo connections, %d bytes each: %.2f s in all "
                            + "(client: %s); listen drops %d (SYNs the kernel had to retransmit)%n",
                    CONNECTIONS, PAYLOAD, nanos / 1e9, r.out().strip(), h.counter("Tcp", "tcpListenDrops"));
            h.assertHealthy();
        }
    }

    private static long field(Exec.Result r, String name) {
        Matcher m = Pattern.compile("\"" + name + "\": (\\d+)").matcher(r.out());
        assertTrue(m.find(), "no " + name + " in " + r.describe());
        return Long.parseLong(m.group(1));
    }

    private Path script() {
        try (InputStream in = getClass().getResourceAsStream("tcp_many_echo.py")) {
            if (in == null) throw new AssertionError("tcp_many_echo.py is not on the test class path");
            Path p = dir.resolve("tcp_many_echo.py");
            Files.copy(in, p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
