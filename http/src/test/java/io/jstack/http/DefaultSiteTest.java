package io.jstack.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jstack.http.middleware.Lint;
import io.jstack.http.site.DefaultSite;
import io.jstack.http.site.HostInfo;
import io.jstack.socket.KernelStreamListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The default site on the server over kernel sockets, wrapped in the lint middleware to check both sides. */
class DefaultSiteTest {
    HttpServer server;
    final StringWriter errors = new StringWriter();

    @BeforeEach
    void start() throws IOException {
        var counters = new LinkedHashMap<String, Map<String, Long>>();
        HttpServer[] self = new HttpServer[1];
        var host = HostInfo.of("jstack test host", "127.0.0.1", Clock.systemUTC(),
                () -> Map.of("Http", self[0] == null ? Map.of() : self[0].stats().snapshot()));
        var app = new Lint().apply(DefaultSite.standard(host, "a session key of 32 bytes length".getBytes(), Clock.systemUTC()));
        server = HttpServer.start(KernelStreamListener.loopback(), app,
                ServerOptions.defaults().withErrorLog(new PrintWriter(errors, true)));
        self[0] = server;
        assertNotNull(counters);
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.close(Duration.ofSeconds(2));
        assertEquals("", errors.toString(), "no lint violation or application error was logged");
    }

    RawClient client() throws IOException {
        return new RawClient(server.localAddress());
    }

    @Test
    void homePageDescribesTheHostAndLinksEverything() throws Exception {
        try (var c = client()) {
            var r = c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals(200, r.status());
            assertTrue(r.header("Content-Type").startsWith("text/html"));
            for (String s : new String[] {"jstack test host", "127.0.0.1", "/stats", "/bytes/", "/echo", "/environ", "/cart", "requests"})
                assertTrue(r.text().contains(s), s);
            var head = c.send("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n").read(true);
            assertEquals(r.header("Content-Length") != null, head.header("Content-Length") != null);
            var post = c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nx=1").read();
            assertEquals(200, post.status());
        }
    }

    @Test
    void statsAreJsonWithLiveCounters() throws Exception {
        try (var c = client()) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read();
            var r = c.send("GET /stats HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals("application/json", r.header("Content-Type"));
            assertTrue(r.text().startsWith("{\"host\":\"jstack test host\""), r.text());
            assertTrue(r.text().contains("\"requests\":2"), r.text());
        }
    }

    @Test
    void bytesStreamsThePatternWithItsLength() throws Exception {
        int n = 3 * DefaultSiteTestSupport.CHUNK + 17;
        try (var c = client()) {
            var r = c.send("GET /bytes/" + n + " HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals(Integer.toString(n), r.header("Content-Length"));
            assertEquals("application/octet-stream", r.header("Content-Type"));
            for (int i = 0; i < n; i++) assertEquals((byte) (i % 251), r.body()[i], "byte " + i);
            var head = c.send("HEAD /bytes/1099511627776 HTTP/1.1\r\nHost: a\r\n\r\n").read(true);
            assertEquals("1099511627776", head.header("Content-Length"));
            assertEquals(400, c.send("GET /bytes/1099511627777 HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
            assertEquals(400, c.send("GET /bytes/-1 HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
            assertEquals("0", c.send("GET /bytes/0 HTTP/1.1\r\nHost: a\r\n\r\n").read().header("Content-Length"));
        }
    }

    @Test
    void bytesOf64MegabytesVerifiedWhileStreaming() throws Exception {
        long n = 64L << 20;
        var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var uri = URI.create("http://127.0.0.1:" + server.localAddress().getPort() + "/bytes/" + n);
        var r = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofInputStream());
        long i = 0;
        try (InputStream in = r.body()) {
            byte[] b = new byte[65536];
            int k;
            while ((k = in.read(b)) > 0) {
                for (int j = 0; j < k; j++, i++) if (b[j] != (byte) (i % 251)) fail("byte " + i);
            }
        }
        assertEquals(n, i);
    }

    @Test
    void echoReturnsTenMegabytesIdentically() throws Exception {
        byte[] data = new byte[10 << 20];
        new java.util.Random(7).nextBytes(data);
        try (var c = client()) {
            // The client writes and reads at once, as curl does: a streaming echo fills both directions.
            var w = CompletableFuture.runAsync(() -> {
                try {
                    c.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: " + data.length + "\r\n\r\n");
                    c.send(data);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            var r = c.read();
            assertEquals(Integer.toString(data.length), r.header("Content-Length"));
            assertArrayEquals(data, r.body());
            w.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void echoOfAChunkedUploadIsChunked() throws Exception {
        try (var c = client()) {
            var w = CompletableFuture.runAsync(() -> {
                try {
                    c.send("PUT /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            var r = c.read();
            assertTrue(r.chunked());
            assertEquals("abcde", r.text());
            w.get(10, TimeUnit.SECONDS);
            assertEquals(405, c.send("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
        }
    }

    @Test
    void environShowsWhatTheApplicationReceived() throws Exception {
        try (var c = client()) {
            var r = c.send("GET /environ?q=1 HTTP/1.1\r\nHost: a\r\nX-Probe: yes\r\n\r\n").read();
            assertTrue(r.text().contains("REQUEST_METHOD = GET"), r.text());
            assertTrue(r.text().contains("QUERY_STRING = q=1"));
            assertTrue(r.text().contains("HTTP_X_PROBE = yes"));
            assertTrue(r.text().contains("wsgi.version = [1, 0]"));
        }
    }

    @Test
    void cartKeepsItemsInTheCookieSession() throws Exception {
        try (var c = client()) {
            var empty = c.send("GET /cart HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertTrue(empty.text().contains("Your cart is empty"));
            String form = "item=coffee";
            var added = c.send("POST /cart/add HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: " + form.length() + "\r\n\r\n" + form).read();
            assertEquals(303, added.status());
            assertEquals("/cart", added.header("Location"));
            String cookie = added.header("Set-Cookie").split(";")[0];
            var again = c.send("POST /cart/add HTTP/1.1\r\nHost: a\r\nCookie: " + cookie + "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 9\r\n\r\nitem=milk").read();
            cookie = again.header("Set-Cookie").split(";")[0];
            var page = c.send("GET /cart HTTP/1.1\r\nHost: a\r\nCookie: " + cookie + "\r\n\r\n").read();
            assertTrue(page.text().contains("<td class=\"item\">coffee</td>"), page.text());
            assertTrue(page.text().contains("<td class=\"item\">milk</td>"));
            var removed = c.send("POST /cart/remove HTTP/1.1\r\nHost: a\r\nCookie: " + cookie + "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 11\r\n\r\nitem=coffee").read();
            cookie = removed.header("Set-Cookie").split(";")[0];
            var after = c.send("GET /cart HTTP/1.1\r\nHost: a\r\nCookie: " + cookie + "\r\n\r\n").read();
            assertFalse(after.text().contains(">coffee</td>"));
            assertTrue(after.text().contains(">milk</td>"));
        }
    }

    @Test
    void unknownPathIs404() throws Exception {
        try (var c = client()) {
            assertEquals(404, c.send("GET /nope HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
        }
    }

    /** The echo streams full 64 KiB chunks from two arrays in turn, without a copy per chunk (issue 7). */
    @Test
    void echoReusesTwoArraysForFullChunksAndCopiesOnlyTheTail() throws Exception {
        byte[] data = new byte[5 * 65536 + 100];
        new java.util.Random(11).nextBytes(data);
        var env = new io.jstack.http.gateway.Environ(Map.of(
                io.jstack.http.gateway.Environ.REQUEST_METHOD, "POST",
                io.jstack.http.gateway.Environ.PATH_INFO, "/echo",
                io.jstack.http.gateway.Environ.CONTENT_LENGTH, Integer.toString(data.length),
                io.jstack.http.gateway.Environ.INPUT, new java.io.ByteArrayInputStream(data)));
        var host = HostInfo.of("h", "127.0.0.1", Clock.systemUTC(), Map::of);
        var body = new DefaultSite(host).call(env, new io.jstack.http.gateway.StartResponse() {
            @Override
            public io.jstack.http.gateway.Write start(String status, java.util.List<io.jstack.http.gateway.Header> h) {
                return b -> {};
            }

            @Override
            public io.jstack.http.gateway.Write start(String status, java.util.List<io.jstack.http.gateway.Header> h,
                    Throwable excInfo) {
                return b -> {};
            }
        });
        var chunks = new java.util.ArrayList<byte[]>();
        var out = new java.io.ByteArrayOutputStream();
        for (byte[] c : body) {
            chunks.add(c);
            out.write(c); // used before the chunk after next is asked for, as the server does
        }
        body.close();
        assertArrayEquals(data, out.toByteArray());
        assertEquals(6, chunks.size());
        for (int i = 0; i < 5; i++) assertEquals(65536, chunks.get(i).length);
        assertEquals(100, chunks.get(5).length);
        assertNotSame(chunks.get(0), chunks.get(1));
        assertSame(chunks.get(0), chunks.get(2));
        assertSame(chunks.get(1), chunks.get(3));
    }

    @Test
    void echoOfALargeChunkedUploadIsIdentical() throws Exception {
        byte[] data = new byte[3 << 20];
        new java.util.Random(5).nextBytes(data);
        try (var c = client()) {
            var w = CompletableFuture.runAsync(() -> {
                try {
                    c.send("PUT /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
                    for (int off = 0; off < data.length; off += 100_000) {
                        int n = Math.min(100_000, data.length - off);
                        c.send(Integer.toHexString(n) + "\r\n");
                        c.send(java.util.Arrays.copyOfRange(data, off, off + n));
                        c.send("\r\n");
                    }
                    c.send("0\r\n\r\n");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            var r = c.read();
            assertTrue(r.chunked());
            assertArrayEquals(data, r.body());
            w.get(10, TimeUnit.SECONDS);
        }
    }
}

final class DefaultSiteTestSupport {
    static final int CHUNK = 251 * 256;

    private DefaultSiteTestSupport() {}

}
