package io.jstack.socket;

import static io.jstack.socket.TcpTestNet.A;
import static io.jstack.socket.TcpTestNet.addr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jstack.socket.StreamConnection.Readiness;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TcpSocket#whenReadable}: how an idle server connection waits for bytes without a thread (issue 7), and
 * {@code available()} answered without a round trip to the event loop.
 */
@Timeout(30)
class TcpSocketReadinessTest {
    @Test
    void theActionRunsOnceWhenBytesArriveAndAvailableCountsThem() throws Exception {
        try (var net = TcpTestNet.clean(); var listener = TcpListener.bind(net.a, 5100, 0)) {
            var client = TcpSocket.connect(net.b, addr(A, 5100), Duration.ofSeconds(5));
            var server = listener.accept();
            var ran = new CompletableFuture<Void>();
            var runs = new AtomicInteger();
            assertEquals(Readiness.WILL_NOTIFY, server.whenReadable(() -> {
                runs.incrementAndGet();
                ran.complete(null);
            }));
            assertEquals(0, server.input().available());
            assertFalse(ran.isDone());
            client.output().write("hello".getBytes());
            ran.get(10, TimeUnit.SECONDS);
            assertEquals(5, server.input().available());
            byte[] two = new byte[2];
            assertEquals(2, server.input().read(two, 0, 2));
            assertEquals(3, server.input().available(), "a read updates what available() answers");
            client.output().write("!".getBytes());
            assertEquals("llo!", new String(server.input().readNBytes(4)));
            assertEquals(1, runs.get(), "the action ran once");
            // Bytes are already there: the action runs at once, on the event loop, and is not kept.
            client.output().write("y".getBytes());
            while (server.input().available() == 0) Thread.onSpinWait(); // until it arrived (bounded by @Timeout)
            var again = new CompletableFuture<Thread>();
            assertEquals(Readiness.WILL_NOTIFY, server.whenReadable(() -> {
                runs.incrementAndGet();
                again.complete(Thread.currentThread());
            }));
            assertEquals(net.loopA.thread(), again.get(10, TimeUnit.SECONDS), "ran on the event loop");
            assertEquals("y", new String(server.input().readNBytes(1)));
            client.output().write("z".getBytes());
            assertEquals("z", new String(server.input().readNBytes(1)));
            assertEquals(2, runs.get(), "each registration ran its action once");
            client.close();
            server.close();
        }
    }

    @Test
    void thePeersFinMakesTheConnectionReadable() throws Exception {
        try (var net = TcpTestNet.clean(); var listener = TcpListener.bind(net.a, 5101, 0)) {
            var client = TcpSocket.connect(net.b, addr(A, 5101), Duration.ofSeconds(5));
            var server = listener.accept();
            var ran = new CompletableFuture<Void>();
            assertEquals(Readiness.WILL_NOTIFY, server.whenReadable(() -> ran.complete(null)));
            client.shutdownOutput();
            ran.get(10, TimeUnit.SECONDS);
            assertEquals(-1, server.input().read());
            client.close();
            server.close();
        }
    }

    @Test
    void closingThisSideRunsTheAction() throws Exception {
        try (var net = TcpTestNet.clean(); var listener = TcpListener.bind(net.a, 5102, 0)) {
            var client = TcpSocket.connect(net.b, addr(A, 5102), Duration.ofSeconds(5));
            var server = listener.accept();
            var ran = new CompletableFuture<Void>();
            assertEquals(Readiness.WILL_NOTIFY, server.whenReadable(() -> ran.complete(null)));
            server.close();
            ran.get(10, TimeUnit.SECONDS);
            assertThrows(SocketException.class, () -> server.input().read());
            client.close();
        }
    }

    @Test
    void aConnectedSocketNotifiesToo() throws Exception {
        try (var net = TcpTestNet.clean(); var listener = TcpListener.bind(net.a, 5103, 0)) {
            var client = TcpSocket.connect(net.b, addr(A, 5103), Duration.ofSeconds(5));
            var server = listener.accept();
            var ran = new CompletableFuture<Void>();
            assertEquals(Readiness.WILL_NOTIFY, client.whenReadable(() -> ran.complete(null)));
            server.output().write("hi".getBytes());
            ran.get(10, TimeUnit.SECONDS);
            assertEquals(2, client.input().available());
            assertEquals("hi", new String(client.input().readNBytes(2)));
            client.close();
            server.close();
        }
    }

    /** Read-ahead: the bytes of a small request are the action's thread's without a round trip to the loop. */
    @Test
    void theActionCanReadASmallRequestWithoutARoundTripToTheLoop() throws Exception {
        try (var net = TcpTestNet.clean(); var listener = TcpListener.bind(net.a, 5106, 0)) {
            var client = TcpSocket.connect(net.b, addr(A, 5106), Duration.ofSeconds(5));
            var server = listener.accept();
            var got = new CompletableFuture<String>();
            // The action runs on the event loop itself: a read that needed the loop could never finish there.
            server.whenReadable(() -> {
                try {
                    byte[] b = new byte[100];
                    int n = server.input().read(b, 0, 3);
                    int m = server.input().read(b, 3, 97);
                    got.complete(new String(b, 0, n + m) + "|" + server.input().available());
                } catch (Exception e) {
                    got.completeExceptionally(e);
                }
            });
            client.output().write("GET / HTTP/1.1\r\n\r\n".getBytes());
            assertEquals("GET / HTTP/1.1\r\n\r\n|0", got.get(10, TimeUnit.SECONDS));
            client.output().write("more".getBytes());
            assertEquals("more", new String(server.input().readNBytes(4)), "later bytes come the usual way");
        }
    }

    /** RFC 2525 §2.17: closing with read-ahead bytes nobody read is closing with unread data: a reset. */
    @Test
    void closingWithReadAheadBytesUnreadResetsThePeerRfc2525Section2_17() throws Exception {
        try (var net = TcpTestNet.clean(); var listener = TcpListener.bind(net.a, 5107, 0)) {
            var client = TcpSocket.connect(net.b, addr(A, 5107), Duration.ofSeconds(5));
            var server = listener.accept();
            var ran = new CompletableFuture<Void>();
            server.whenReadable(() -> ran.complete(null));
            client.output().write("unread".getBytes());
            ran.get(10, TimeUnit.SECONDS);
            assertEquals(6, server.input().available());
            server.close();
            var e = assertThrows(SocketException.class, () -> client.input().read());
            assertEquals("connection reset by peer", e.getMessage());
        }
    }
}
