package io.jstack.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jstack.host.Host;
import io.jstack.host.HostLoop;
import io.jstack.http.gateway.Application;
import io.jstack.http.site.DefaultSite;
import io.jstack.http.site.HostInfo;
import io.jstack.ip.Ipv4Config;
import io.jstack.link.MemoryLink;
import io.jstack.socket.KernelStreamConnection;
import io.jstack.socket.KernelStreamListener;
import io.jstack.socket.StreamConnection;
import io.jstack.socket.TcpListener;
import io.jstack.socket.TcpSocket;
import io.jstack.tcp.TcpLayer;
import io.jstack.time.Clock;
import io.jstack.wire.Ipv4Address;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The same application on jstack's TCP (two hosts over a memory link) and on the kernel's sockets (127.0.0.1) gives
 * byte-identical responses: the gateway's promise that the server, not the application, owns the transport. With a
 * fixed clock even the Date field matches.
 */
@Timeout(60)
class CrossTransportTest {
    static final int SERVER = Ipv4Address.parse("10.0.0.2").value();
    static final int CLIENT = Ipv4Address.parse("10.0.0.1").value();
    static final java.time.Clock FIXED = java.time.Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

    static Application site() {
        var counters = new LinkedHashMap<String, Map<String, Long>>();
        counters.put("Tcp", Map.of("activeOpens", 1L));
        var host = HostInfo.of("cross-transport host", "10.0.0.2", FIXED, () -> counters);
        return DefaultSite.standard(host, "cross transport key of 32 bytes!".getBytes(StandardCharsets.US_ASCII), FIXED);
    }

    /** Requests on one connection (pipelined in one write), and others each on their own connection. */
    static final List<String> CONVERSATIONS = List.of(
            "GET / HTTP/1.1\r\nHost: a\r\n\r\nHEAD / HTTP/1.1\r\nHost: a\r\n\r\nGET /stats HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /bytes/200000 HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
                    + "PUT /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                    + "POST /cart/add HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\n\r\nitem=milk"
                    + "GET /missing HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
            "GET /cart HTTP/1.0\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n");

    interface Connector {
        StreamConnection connect() throws IOException;
    }

    static List<byte[]> converse(Connector connector) throws Exception {
        var replies = new java.util.ArrayList<byte[]>();
        for (String request : CONVERSATIONS) {
            try (var c = connector.connect()) {
                var reader = CompletableFuture.supplyAsync(() -> {
                    try {
                        var out = new ByteArrayOutputStream();
                        c.input().transferTo(out);
                        return out.toByteArray();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                c.output().write(request.getBytes(StandardCharsets.ISO_8859_1));
                c.output().flush();
                replies.add(reader.get(30, TimeUnit.SECONDS));
            }
        }
        return replies;
    }

    static ServerOptions options(StringWriter log) {
        return ServerOptions.defaults().withClock(FIXED).withErrorLog(new PrintWriter(log, true));
    }

    @Test
    void sameApplicationGivesByteIdenticalResponsesOnJstackAndKernelSockets() throws Exception {
        var log = new StringWriter();
        List<byte[]> kernel;
        var kernelServer = HttpServer.start(KernelStreamListener.loopback(), site(), options(log));
        try {
            var address = kernelServer.localAddress();
            kernel = converse(() -> KernelStreamConnection.connect(address, Duration.ofSeconds(5)));
        } finally {
            kernelServer.close(Duration.ofSeconds(2));
        }

        var pair = MemoryLink.pair(1500, 8192);
        var serverHost = new Host(SERVER, pair.a(), Clock.system(), Ipv4Config.defaults());
        var clientHost = new Host(CLIENT, pair.b(), Clock.system(), Ipv4Config.defaults());
        TcpLayer serverTcp = TcpLayer.install(serverHost), clientTcp = TcpLayer.install(clientHost);
        List<byte[]> jstack;
        try (var loopA = HostLoop.start(serverHost); var loopB = HostLoop.start(clientHost)) {
            var jstackServer = HttpServer.start(TcpListener.bind(serverTcp, 80, 0), site(), options(log));
            try {
                var address = new InetSocketAddress(new Ipv4Address(SERVER).toInetAddress(), 80);
                jstack = converse(() -> TcpSocket.connect(clientTcp, address, Duration.ofSeconds(5)));
            } finally {
                jstackServer.close(Duration.ofSeconds(2));
            }
        }

        assertEquals("", log.toString());
        assertEquals(CONVERSATIONS.size(), jstack.size());
        for (int i = 0; i < CONVERSATIONS.size(); i++) {
            String k = new String(kernel.get(i), StandardCharsets.ISO_8859_1);
            String j = new String(jstack.get(i), StandardCharsets.ISO_8859_1);
            assertTrue(k.startsWith("HTTP/1.1 "), k);
            assertEquals(k, j, "conversation " + i);
        }
        String first = new String(kernel.get(0), StandardCharsets.ISO_8859_1);
        assertEquals(8, first.split("HTTP/1\\.1 \\d{3} ", -1).length - 1, "eight responses in order");
        assertTrue(first.contains("Date: Wed, 25 Nov 2026 12:00:00 GMT"));
    }
}
