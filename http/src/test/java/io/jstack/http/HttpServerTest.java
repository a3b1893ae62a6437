package io.jstack.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jstack.http.gateway.Application;
import io.jstack.http.gateway.Body;
import io.jstack.http.gateway.Environ;
import io.jstack.http.gateway.Header;
import io.jstack.socket.KernelStreamListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server on the kernel's sockets over 127.0.0.1 (ephemeral port), with raw-socket and java.net.http clients. */
class HttpServerTest {
    static final List<Header> TEXT = List.of(Header.of("Content-Type", "text/plain"));
    final StringWriter errors = new StringWriter();
    HttpServer server;

    HttpServer serve(Application app) throws IOException {
        return serve(app, HttpLimits.DEFAULT);
    }

    HttpServer serve(Application app, HttpLimits limits) throws IOException {
        var options = ServerOptions.defaults().withLimits(limits).withErrorLog(new PrintWriter(errors, true));
        server = HttpServer.start(KernelStreamListener.loopback(), app, options);
        return server;
    }

    RawClient client() throws IOException {
        return new RawClient(server.localAddress());
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) server.close(Duration.ofSeconds(2));
    }

    static Application hello() {
        return (env, sr) -> {
            sr.start("200 OK", TEXT);
            return Body.of("hello " + env.pathInfo());
        };
    }

    /** Echoes the request body, streamed in the chunks it arrives in, with no length: chunked on HTTP/1.1. */
    static Application echo() {
        return (env, sr) -> {
            sr.start("200 OK", List.of(Header.of("Content-Type", "application/octet-stream")));
            var in = env.input();
            return Body.generate(() -> {
                try {
                    byte[] b = in.readNBytes(8192);
                    return b.length == 0 ? null : b;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, -1, () -> {});
        };
    }

    @Test
    void javaNetHttpClientGetsThePage() throws Exception {
        serve(hello());
        var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var uri = URI.create("http://127.0.0.1:" + server.localAddress().getPort() + "/x");
        var r = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("hello /x", r.body());
        assertEquals("8", r.headers().firstValue("content-length").orElseThrow());
        assertEquals("jstack", r.headers().firstValue("server").orElseThrow());
        assertNotNull(HttpDate.parse(r.headers().firstValue("date").orElseThrow()));
        var post = client.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("abc")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, post.statusCode());
    }

    @Test
    void rfc9112Section9_3PersistentConnectionCarries100Requests() throws Exception {
        serve(hello());
        try (var c = client()) {
            for (int i = 0; i < 100; i++) {
                c.send("GET /" + i + " HTTP/1.1\r\nHost: a\r\n\r\n");
                assertEquals("hello /" + i, c.read().text());
            }
        }
        assertEquals(1, server.stats().get(ServerStats.Counter.CONNECTIONS_ACCEPTED));
    }

    @Test
    void rfc9112Section9_3_2PipelinedRequestsAreAnsweredInOrder() throws Exception {
        serve(echo());
        try (var c = client()) {
            c.send("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                    + "POST /3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n");
            assertEquals("", c.read().text());
            assertEquals("abc", c.read().text());
            assertEquals("de", c.read().text());
        }
    }

    @Test
    void rfc9112Section7ChunkedResponseWhenNoLengthOnHttp11() throws Exception {
        serve((env, sr) -> {
            sr.start("200 OK", TEXT);
            var parts = List.of("ab".getBytes(), new byte[0], "cde".getBytes()).iterator();
            return Body.generate(() -> parts.hasNext() ? parts.next() : null, -1, () -> {});
        });
        try (var c = client()) {
            var r = c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertTrue(r.chunked());
            assertNull(r.header("Content-Length"));
            assertEquals("abcde", r.text());
            // the connection persists after a chunked response
            assertEquals(200, c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
        }
    }

    @Test
    void rfc9112Section6_3Http10WithoutLengthIsDelimitedByClose() throws Exception {
        serve((env, sr) -> {
            sr.start("200 OK", TEXT);
            var parts = List.of("ab".getBytes(), "cd".getBytes()).iterator();
            return Body.generate(() -> parts.hasNext() ? parts.next() : null, -1, () -> {});
        });
        try (var c = client()) {
            var r = c.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
            assertEquals("close", r.header("Connection"));
            assertEquals("abcd", r.text());
        }
    }

    @Test
    void rfc9112Section9_3Http10KeepAliveIsHonoured() throws Exception {
        serve(hello());
        try (var c = client()) {
            var r = c.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
            assertEquals("keep-alive", r.header("Connection"));
            assertEquals("hello /b", c.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read().text());
            var last = c.send("GET /c HTTP/1.0\r\n\r\n").read();
            assertEquals("close", last.header("Connection"));
            assertTrue(c.closedByPeer());
        }
    }

    @Test
    void rfc9110Section9_3_2HeadSendsHeadersWithoutBodyAndDoesNotIterate() throws Exception {
        var iterated = new AtomicInteger();
        var closed = new CountDownLatch(2);
        serve((env, sr) -> {
            sr.start("200 OK", TEXT);
            return Body.generate(() -> {
                iterated.incrementAndGet();
                return null;
            }, 1L << 40, closed::countDown);
        });
        try (var c = client()) {
            var r = c.send("HEAD /bytes HTTP/1.1\r\nHost: a\r\n\r\n").read(true);
            assertEquals(Long.toString(1L << 40), r.header("Content-Length"));
            // the next response follows immediately: no body bytes were sent
            assertEquals(200, c.send("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n").read(true).status());
        }
        assertTrue(closed.await(10, TimeUnit.SECONDS));
        assertEquals(0, iterated.get());
    }

    @Test
    void rfc9110Section10_1_1ExpectContinueIsAnsweredOnFirstRead() throws Exception {
        serve(echo());
        try (var c = client()) {
            c.send("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            assertEquals("HTTP/1.1 100 Continue", c.line());
            assertEquals("", c.line());
            assertEquals("data", c.send("data").read().text());
        }
    }

    @Test
    void expectContinueNotSentWhenApplicationDoesNotReadThenConnectionCloses() throws Exception {
        serve(hello());
        try (var c = client()) {
            var r = c.send("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n").read();
            assertEquals("HTTP/1.1 200 OK", r.statusLine());
            assertTrue(c.closedByPeer());
        }
    }

    @Test
    void rfc9112Section9_6CloseAfterResponseDoesNotResetUnreadPipelinedBytes() throws Exception {
        serve((env, sr) -> {
            sr.start("200 OK", TEXT);
            return Body.of(new byte[200_000]);
        });
        try (var c = client()) {
            // the bytes after the Connection: close request are never read by the server
            c.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" + "GET / HTTP/1.1\r\nHost: a\r\n\r\n".repeat(2000));
            var r = c.read();
            assertEquals(200_000, r.body().length);
            assertEquals("close", r.header("Connection"));
            assertTrue(c.closedByPeer());
        }
    }

    @Test
    void unreadRequestBodyIsDrainedAndTheConnectionPersists() throws Exception {
        serve(hello());
        try (var c = client()) {
            c.send("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals("hello /a", c.read().text());
            assertEquals("hello /b", c.read().text());
        }
    }

    @Test
    void chunkedUploadOfAMegabyteIsEchoed() throws Exception {
        serve(echo());
        byte[] data = new byte[1 << 20];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i % 251);
        try (var c = client()) {
            var req = new ByteArrayOutputStream();
            req.writeBytes("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes());
            for (int off = 0; off < data.length; off += 10_000) {
                int n = Math.min(10_000, data.length - off);
                req.writeBytes((Integer.toHexString(n) + "\r\n").getBytes());
                req.write(data, off, n);
                req.writeBytes("\r\n".getBytes());
            }
            req.writeBytes("0\r\n\r\n".getBytes());
            var writer = CompletableFuture.runAsync(() -> {
                try {
                    c.send(req.toByteArray());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertArrayEquals(data, c.read().body());
            writer.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void smugglingShapeGets400AndTheConnectionCloses() throws Exception {
        var calls = new AtomicInteger();
        serve((env, sr) -> {
            calls.incrementAndGet();
            return hello().call(env, sr);
        });
        try (var c = client()) {
            var r = c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals(400, r.status());
            assertEquals("close", r.header("Connection"));
            assertTrue(c.closedByPeer());
        }
        assertEquals(0, calls.get());
    }

    @Test
    void oversizeAndUnsupportedAnswersFromTheServer() throws Exception {
        serve(hello(), HttpLimits.DEFAULT.withMaxBodyBytes(10));
        Map<String, Integer> cases = Map.of(
                "GET / HTTP/1.1\r\nHost: a\r\nX: " + "y".repeat(9000) + "\r\n\r\n", 431,
                "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", 413,
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501,
                "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505,
                "GET / HTTP/1.1\r\n\r\n", 400);
        for (var e : cases.entrySet()) {
            try (var c = client()) {
                assertEquals(e.getValue(), c.send(e.getKey()).read().status(), e.getKey());
                assertTrue(c.closedByPeer());
            }
        }
    }

    @Test
    void chunkedBodyOverTheLimitGets413WhenTheApplicationReads() throws Exception {
        serve(echo(), HttpLimits.DEFAULT.withMaxBodyBytes(10));
        try (var c = client()) {
            var r = c.send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\n").read();
            // the headers were not sent yet (they wait for the first body bytes), so the server can answer 413
            assertEquals(413, r.status());
            assertTrue(c.closedByPeer());
        }
    }

    @Test
    void applicationErrorGives500WithoutStackTraceAndIsLogged() throws Exception {
        var closed = new CountDownLatch(1);
        serve((env, sr) -> {
            sr.start("200 OK", TEXT);
            return Body.generate(() -> {
                throw new IllegalStateException("secret detail");
            }, -1, closed::countDown);
        });
        try (var c = client()) {
            var r = c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals(500, r.status());
            assertFalse(r.text().contains("secret"));
        }
        assertTrue(errors.toString().contains("secret detail"));
        assertTrue(closed.await(10, TimeUnit.SECONDS));
    }

    @Test
    void pep3333StartResponseTwiceWithoutExcInfoIsCaught() throws Exception {
        serve((env, sr) -> {
            sr.start("200 OK", TEXT);
            sr.start("404 Not Found", TEXT);
            return Body.empty();
        });
        try (var c = client()) {
            assertEquals(500, c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
        }
        assertTrue(errors.toString().contains("second time"));
    }

    @Test
    void pep3333BodyBeforeStartResponseIsCaught() throws Exception {
        serve((env, sr) -> Body.of("oops"));
        try (var c = client()) {
            assertEquals(500, c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
        }
        assertTrue(errors.toString().contains("before start_response"));
    }

    @Test
    void pep3333ExcInfoReplacesHeadersBeforeTheyAreSent() throws Exception {
        serve((env, sr) -> {
            sr.start("200 OK", TEXT);
            sr.start("503 Busy", TEXT, new RuntimeException("late"));
            return Body.of("busy");
        });
        try (var c = client()) {
            var r = c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals(503, r.status());
            assertEquals("busy", r.text());
        }
    }

    @Test
    void pep3333ExcInfoAfterHeadersWereSentAbortsTheResponse() throws Exception {
        var closed = new CountDownLatch(1);
        serve((env, sr) -> {
            sr.start("200 OK", TEXT);
            var step = new AtomicInteger();
            return Body.generate(() -> switch (step.getAndIncrement()) {
                case 0 -> "first".getBytes();
                case 1 -> "second".getBytes();
                default -> {
                    sr.start("500 Oops", TEXT, new IllegalStateException("late failure"));
                    yield null;
                }
            }, -1, closed::countDown);
        });
        try (var c = client()) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThrows(IOException.class, c::read); // the chunked body never ends properly
        }
        assertTrue(closed.await(10, TimeUnit.SECONDS));
        assertTrue(errors.toString().contains("late failure"));
    }

    @Test
    void writeCallableSendsHeadersAndBytes() throws Exception {
        serve((env, sr) -> {
            var write = sr.start("200 OK", TEXT);
            write.write("legacy ".getBytes());
            return Body.of("and body");
        });
        try (var c = client()) {
            var r = c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertTrue(r.chunked());
            assertEquals("legacy and body", r.text());
        }
    }

    @Test
    void neverSendsMoreThanTheDeclaredContentLength() throws Exception {
        serve((env, sr) -> {
            sr.start("200 OK", List.of(Header.of("Content-Type", "text/plain"), Header.of("Content-Length", "5")));
            return Body.of("hello".getBytes(), " world".getBytes());
        });
        try (var c = client()) {
            var r = c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals("hello", r.text());
            assertTrue(c.closedByPeer());
        }
    }

    @Test
    void shortBodyForDeclaredLengthAbortsTheConnection() throws Exception {
        serve((env, sr) -> {
            sr.start("200 OK", List.of(Header.of("Content-Type", "text/plain"), Header.of("Content-Length", "50")));
            return Body.of("short");
        });
        try (var c = client()) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThrows(IOException.class, c::read);
        }
    }

    @Test
    void rfc9110Section7_6_1HopByHopHeadersFromTheApplicationAreDropped() throws Exception {
        serve((env, sr) -> {
            sr.start("200 OK", List.of(Header.of("Content-Type", "text/plain"), Header.of("Connection", "close"),
                    Header.of("Transfer-Encoding", "gzip"), Header.of("Keep-Alive", "timeout=1")));
            return Body.of("x");
        });
        try (var c = client()) {
            var r = c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertNull(r.header("Keep-Alive"));
            assertNull(r.header("Transfer-Encoding"));
            assertNull(r.header("Connection"));
            assertEquals("x", r.text());
            assertEquals(200, c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
        }
    }

    @Test
    void rfc9110Section6_4_1NoBodyFor204And304() throws Exception {
        serve((env, sr) -> {
            sr.start(env.pathInfo().equals("/204") ? "204 No Content" : "304 Not Modified", List.of());
            return Body.of("ignored");
        });
        try (var c = client()) {
            var r = c.send("GET /204 HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals(204, r.status());
            assertNull(r.header("Content-Length"));
            assertEquals(304, c.send("GET /304 HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
            assertEquals(204, c.send("GET /204 HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
        }
    }

    @Test
    void environMapsTheRequest() throws Exception {
        var seen = new AtomicReference<Environ>();
        serve((env, sr) -> {
            seen.set(env);
            sr.start("200 OK", TEXT);
            return Body.of(env.input().readAllBytes());
        });
        try (var c = client()) {
            c.send("POST /a%20b/%C3%A9?x=1&y=%20 HTTP/1.1\r\nHost: example.org:8080\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 3\r\nX-Thing: 1\r\nX-Thing: 2\r\nCookie: a=1\r\nCookie: b=2\r\nX_Spoof: 1\r\n\r\nabc");
            assertEquals("abc", c.read().text());
            var env = seen.get();
            assertEquals("POST", env.method());
            assertEquals("", env.scriptName());
            assertEquals("/a b/\u00c3\u00a9", env.pathInfo()); // PEP 3333: bytes as ISO-8859-1
            assertEquals("/a b/é", env.pathInfoUtf8());
            assertEquals("x=1&y=%20", env.queryString());
            assertEquals("text/plain", env.contentType());
            assertEquals(3, env.contentLength().orElseThrow());
            assertEquals("example.org", env.serverName());
            assertEquals(8080, env.serverPort());
            assertEquals("HTTP/1.1", env.protocol());
            assertEquals("127.0.0.1", env.remoteAddr());
            assertEquals(Integer.toString(c.socket.getLocalPort()), env.get("REMOTE_PORT"));
            assertEquals("1,2", env.get("HTTP_X_THING"));
            assertEquals("a=1; b=2", env.get("HTTP_COOKIE"));
            assertFalse(env.containsKey("HTTP_CONTENT_TYPE"));
            assertFalse(env.containsKey("HTTP_CONTENT_LENGTH"));
            assertFalse(env.containsKey("HTTP_X_SPOOF"));
            assertEquals("http", env.urlScheme());
            assertEquals(List.of(1, 0), env.get("wsgi.version"));
            assertEquals(Boolean.TRUE, env.get("wsgi.multithread"));
            assertEquals(Boolean.FALSE, env.get("wsgi.multiprocess"));
            assertEquals(Boolean.FALSE, env.get("wsgi.run_once"));
            assertEquals("http://example.org:8080/a b/\u00c3\u00a9?x=1&y=%20", env.requestUrl());
        }
    }

    @Test
    void badPercentEncodingGets400() throws Exception {
        serve(hello());
        try (var c = client()) {
            assertEquals(400, c.send("GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
        }
    }

    @Test
    void inputStreamIsBoundedAtContentLength() throws Exception {
        serve((env, sr) -> {
            byte[] all = env.input().readAllBytes();
            sr.start("200 OK", TEXT);
            return Body.of(all.length + ":" + new String(all, StandardCharsets.US_ASCII) + ":" + env.input().read());
        });
        try (var c = client()) {
            c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals("3:abc:-1", c.read().text());
            assertEquals("0::-1", c.read().text());
        }
    }

    @Test
    void bodyIsClosedWhenTheClientDisconnectsMidStream() throws Exception {
        var closed = new CountDownLatch(1);
        var chunk = new byte[64 * 1024];
        serve((env, sr) -> {
            sr.start("200 OK", TEXT);
            return Body.generate(() -> chunk, -1, closed::countDown); // endless
        });
        try (var c = client()) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertNotNull(c.line());
            c.socket.setSoLinger(true, 0);
        }
        assertTrue(closed.await(10, TimeUnit.SECONDS));
    }

    @Test
    void slowlorisGets408WhileANormalClientIsServed() throws Exception {
        serve(hello(), HttpLimits.DEFAULT.withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(5), Duration.ofSeconds(5)));
        var slow = new ArrayList<RawClient>();
        try {
            for (int i = 0; i < 50; i++) slow.add(client().send("GET / HTTP/1.1\r\nHost: a\r\nX-"));
            try (var normal = client()) {
                long t0 = System.nanoTime();
                assertEquals("hello /", normal.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
                assertTrue(System.nanoTime() - t0 < 1_000_000_000L);
            }
            for (var s : slow) {
                s.send("a");
                assertEquals(408, s.read().status());
                assertTrue(s.closedByPeer());
            }
        } finally {
            for (var s : slow) s.close();
        }
        assertEquals(50, server.stats().get(ServerStats.Counter.HEADER_TIMEOUTS));
    }

    @Test
    void idleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        serve(hello(), HttpLimits.DEFAULT.withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(5)));
        try (var c = client()) {
            assertEquals(200, c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
            assertTrue(c.closedByPeer());
        }
        assertEquals(1, server.stats().get(ServerStats.Counter.IDLE_TIMEOUTS));
    }

    @Test
    void gracefulShutdownFinishesTheRequestInFlight() throws Exception {
        var entered = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        serve((env, sr) -> {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            sr.start("200 OK", TEXT);
            return Body.of("finished");
        });
        try (var busy = client(); var idle = client()) {
            busy.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            var closing = CompletableFuture.runAsync(() -> {
                try {
                    server.close(Duration.ofSeconds(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(idle.closedByPeer());
            release.countDown();
            var r = busy.read();
            assertEquals("finished", r.text());
            assertEquals("close", r.header("Connection"));
            closing.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void curlGetHeadAndPostWhenCurlIsInstalled() throws Exception {
        var curl = java.nio.file.Path.of("/usr/bin/curl");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(curl), "curl not installed");
        serve(echo());
        String url = "http://127.0.0.1:" + server.localAddress().getPort() + "/echo";
        var p = new ProcessBuilder(curl.toString(), "-sS", "--max-time", "10", "--data-binary", "payload", url)
                .redirectErrorStream(true).start();
        assertEquals("payload", new String(p.getInputStream().readAllBytes()));
        assertEquals(0, p.waitFor());
        var h = new ProcessBuilder(curl.toString(), "-sS", "--max-time", "10", "-I", url).redirectErrorStream(true).start();
        String head = new String(h.getInputStream().readAllBytes());
        assertEquals(0, h.waitFor());
        assertTrue(head.startsWith("HTTP/1.1 200 OK"), head);
    }
}
