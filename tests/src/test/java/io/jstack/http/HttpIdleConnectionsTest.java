package io.jstack.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jstack.host.Host;
import io.jstack.host.HostLoop;
import io.jstack.http.gateway.Application;
import io.jstack.http.gateway.Body;
import io.jstack.http.gateway.Header;
import io.jstack.ip.Ipv4Config;
import io.jstack.link.MemoryLink;
import io.jstack.socket.TcpListener;
import io.jstack.socket.TcpSocket;
import io.jstack.tcp.TcpLayer;
import io.jstack.time.Clock;
import io.jstack.wire.Ipv4Address;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 7, idle keep-alive connections: a connection borrows the server's large read and output buffers only while
 * one of its requests is read or answered. Many connections over jstack's TCP (two hosts over a memory link), each
 * after a request that needed the large buffers, hold none of them and no thread while idle, and each can still be
 * served. (The bytes this saves are measured by bench/run's idle-connection row, not here.)
 */
@Timeout(120)
class HttpIdleConnectionsTest {
    static final int SERVER = Ipv4Address.parse("10.0.0.2").value();
    static final int CLIENT = Ipv4Address.parse("10.0.0.1").value();
    static final int CONNECTIONS = 100;
    static final List<Header> TEXT = List.of(Header.of("Content-Type", "text/plain"));

    final CountDownLatch holding = new CountDownLatch(1), release = new CountDownLatch(1);

    /** /hold reads 1000 bytes of its body, then waits for the test; anything else echoes the body back. */
    Application app() {
        return (env, sr) -> {
            InputStream in = env.input();
            if (env.pathInfo().equals("/hold")) {
                in.readNBytes(1000); // more than the small read buffer holds
                holding.countDown();
                release.await(30, TimeUnit.SECONDS);
                in.readAllBytes();
                sr.start("200 OK", TEXT);
                return Body.of("held");
            }
            byte[] body = in.readAllBytes();
            sr.start("200 OK", TEXT);
            return Body.of(("you sent " + body.length + " bytes to " + env.pathInfo()).getBytes(StandardCharsets.UTF_8));
        };
    }

    static void send(TcpSocket s, String request) throws IOException {
        s.output().write(request.getBytes(StandardCharsets.ISO_8859_1));
        s.output().flush();
    }

    /** Reads one response with a Content-Length; returns its status line and body. */
    static String read(TcpSocket s) throws IOException {
        var head = new ByteArrayOutputStream();
        InputStream in = s.input();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("connection closed in the response head: " + head);
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int at = h.toLowerCase().indexOf("content-length: ");
        assertTrue(at >= 0, h);
        int length = Integer.parseInt(h.substring(at + 16, h.indexOf("\r\n", at)));
        byte[] body = in.readNBytes(length);
        return h.substring(0, h.indexOf("\r\n")) + " " + new String(body, StandardCharsets.UTF_8);
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("not within 20 s: " + what);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void idleKeepAliveConnectionsHoldNoPooledBuffersAndStillAnswerIssue7() throws Exception {
        var pair = MemoryLink.pair(1500, 8192);
        var serverHost = new Host(SERVER, pair.a(), Clock.system(), Ipv4Config.defaults());
        var clientHost = new Host(CLIENT, pair.b(), Clock.system(), Ipv4Config.defaults());
        TcpLayer serverTcp = TcpLayer.install(serverHost), clientTcp = TcpLayer.install(clientHost);
        var errors = new StringWriter();
        var options = ServerOptions.defaults().withErrorLog(new PrintWriter(errors, true));
        String longField = "X-Filler: " + "f".repeat(1500) + "\r\n"; // a head longer than the small read buffer
        try (var loopA = HostLoop.start(serverHost); var loopB = HostLoop.start(clientHost)) {
            var server = HttpServer.start(TcpListener.bind(serverTcp, 80, 0), app(), options);
            var address = new InetSocketAddress(new Ipv4Address(SERVER).toInetAddress(), 80);
            var sockets = new ArrayList<TcpSocket>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    var s = TcpSocket.connect(clientTcp, address, Duration.ofSeconds(5));
                    sockets.add(s);
                    // Every kind of request that borrows: a long head, a body, a body arriving in two writes.
                    String request = switch (i % 3) {
                        case 0 -> "GET /long/" + i + " HTTP/1.1\r\nHost: a\r\n" + longField + "\r\n";
                        case 1 -> "POST /body/" + i + " HTTP/1.1\r\nHost: a\r\nContent-Length: 3000\r\n\r\n" + "b".repeat(3000);
                        default -> "PUT /chunked/" + i + " HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "400\r\n" + "c".repeat(1024) + "\r\n";
                    };
                    send(s, request);
                    if (i % 3 == 2) send(s, "0\r\n\r\n");
                    int bytes = i % 3 == 0 ? 0 : i % 3 == 1 ? 3000 : 1024;
                    assertTrue(read(s).startsWith("HTTP/1.1 200 OK you sent " + bytes + " bytes"), "connection " + i);
                }
                await(() -> server.connectionCount() == CONNECTIONS, CONNECTIONS + " connections open");
                await(() -> server.buffersInUse() == 0, "idle connections give their buffers back, "
                        + server.buffersInUse() + " still borrowed");
                await(() -> server.idleConnections() == CONNECTIONS, "idle connections wait without a thread, "
                        + server.idleConnections() + " of " + CONNECTIONS + " do");

                // A request in progress does hold a buffer (so the count above can fail) ...
                var held = sockets.get(CONNECTIONS / 2);
                send(held, "POST /hold HTTP/1.1\r\nHost: a\r\nContent-Length: 4000\r\n\r\n" + "h".repeat(4000));
                assertTrue(holding.await(20, TimeUnit.SECONDS));
                assertTrue(server.buffersInUse() >= 1, "a request reading its body borrows the large read buffer");
                release.countDown();
                assertEquals("HTTP/1.1 200 OK held", read(held));

                // ... and every idle connection still answers, with nothing borrowed afterwards.
                var last = sockets.get(CONNECTIONS - 1);
                send(last, "GET /again HTTP/1.1\r\nHost: a\r\n\r\n");
                assertEquals("HTTP/1.1 200 OK you sent 0 bytes to /again", read(last));
                await(() -> server.buffersInUse() == 0, "buffers back after the last requests, "
                        + server.buffersInUse() + " still borrowed");
                await(() -> server.idleConnections() == CONNECTIONS, "all idle again");
                assertEquals(CONNECTIONS, server.connectionCount());
            } finally {
                for (var s : sockets) s.close();
                server.close(Duration.ofSeconds(5));
            }
        }
        assertEquals("", errors.toString());
    }

    /** Reads to the end of the stream: what the server sent before it closed. */
    static String readToEnd(TcpSocket s) throws IOException {
        return new String(s.input().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void connectionsWaitingWithoutAThreadStillTimeOutAndCloseWithTheServer() throws Exception {
        var pair = MemoryLink.pair(1500, 8192);
        var serverHost = new Host(SERVER, pair.a(), Clock.system(), Ipv4Config.defaults());
        var clientHost = new Host(CLIENT, pair.b(), Clock.system(), Ipv4Config.defaults());
        TcpLayer serverTcp = TcpLayer.install(serverHost), clientTcp = TcpLayer.install(clientHost);
        var errors = new StringWriter();
        var limits = HttpLimits.DEFAULT.withTimeouts(Duration.ofMillis(300), Duration.ofMillis(300), Duration.ofSeconds(5));
        var options = ServerOptions.defaults().withLimits(limits).withErrorLog(new PrintWriter(errors, true));
        try (var loopA = HostLoop.start(serverHost); var loopB = HostLoop.start(clientHost)) {
            var server = HttpServer.start(TcpListener.bind(serverTcp, 80, 0), app(), options);
            var address = new InetSocketAddress(new Ipv4Address(SERVER).toInetAddress(), 80);
            try (var silent = TcpSocket.connect(clientTcp, address, Duration.ofSeconds(5));
                 var idle = TcpSocket.connect(clientTcp, address, Duration.ofSeconds(5))) {
                send(idle, "GET /one HTTP/1.1\r\nHost: a\r\n\r\n");
                assertEquals("HTTP/1.1 200 OK you sent 0 bytes to /one", read(idle));
                // RFC 9110 §15.5.9: no request within the header timeout: 408, then the server closes.
                assertTrue(readToEnd(silent).startsWith("HTTP/1.1 408 Request Timeout\r\n"));
                // Idle past the idle timeout after a response: closed without a word.
                assertEquals("", readToEnd(idle));
                await(() -> server.connectionCount() == 0, "both connections ended");
                assertEquals(1, server.stats().get(ServerStats.Counter.HEADER_TIMEOUTS));
                assertEquals(1, server.stats().get(ServerStats.Counter.IDLE_TIMEOUTS));
                assertEquals(0, server.buffersInUse());
            }
            // A graceful shutdown closes connections that wait without a thread.
            var waiting = TcpSocket.connect(clientTcp, address, Duration.ofSeconds(5));
            send(waiting, "GET /two HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK you sent 0 bytes to /two", read(waiting));
            await(() -> server.idleConnections() == 1, "the connection waits without a thread");
            server.close(Duration.ofSeconds(5));
            assertEquals(0, server.connectionCount());
            assertEquals("", readToEnd(waiting));
            waiting.close();
        }
        assertEquals("", errors.toString());
    }
}
