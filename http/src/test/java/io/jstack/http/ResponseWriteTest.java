package io.jstack.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jstack.http.gateway.Body;
import io.jstack.http.gateway.Header;
import io.jstack.socket.StreamConnection;
import io.jstack.socket.StreamListener;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The server on an in-memory connection that records each write() call it makes. */
class ResponseWriteTest {
    /** A connection whose input is fixed bytes and whose output keeps every write separately. */
    static final class RecordingConnection implements StreamConnection {
        final byte[] request;
        final List<byte[]> writes = new ArrayList<>();
        final CountDownLatch closed = new CountDownLatch(1);

        RecordingConnection(String request) {
            this.request = request.getBytes(StandardCharsets.ISO_8859_1);
        }

        @Override
        public InputStream input() {
            return new ByteArrayInputStream(request);
        }

        @Override
        public OutputStream output() {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    synchronized (writes) {
                        writes.add(java.util.Arrays.copyOfRange(b, off, off + len));
                    }
                }
            };
        }

        @Override
        public void shutdownOutput() {}

        @Override
        public InetSocketAddress localAddress() {
            return new InetSocketAddress("10.0.0.2", 80);
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return new InetSocketAddress("10.0.0.1", 40000);
        }

        @Override
        public void setReadTimeout(Duration timeout) {}

        @Override
        public void setNoDelay(boolean on) {}

        @Override
        public void close() {
            closed.countDown();
        }
    }

    /** Hands out one connection, then waits until closed. */
    static final class OneShotListener implements StreamListener {
        final StreamConnection conn;
        boolean given;
        final CountDownLatch closed = new CountDownLatch(1);

        OneShotListener(StreamConnection conn) {
            this.conn = conn;
        }

        @Override
        public synchronized StreamConnection accept() throws IOException {
            if (!given) {
                given = true;
                return conn;
            }
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("closed");
        }

        @Override
        public InetSocketAddress localAddress() {
            return conn.localAddress();
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    List<byte[]> exchange(String request, io.jstack.http.gateway.Application app) throws Exception {
        var conn = new RecordingConnection(request);
        var server = HttpServer.start(new OneShotListener(conn), app, ServerOptions.defaults());
        try {
            assertTrue(conn.closed.await(10, TimeUnit.SECONDS));
        } finally {
            server.close(Duration.ofSeconds(2));
        }
        return conn.writes;
    }

    @Test
    void headAndFirstBodyBytesLeaveInOneWrite() throws Exception {
        var writes = exchange("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", (env, sr) -> {
            sr.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
            return Body.of("first".getBytes(), "second".getBytes());
        });
        String first = new String(writes.get(0), StandardCharsets.ISO_8859_1);
        assertTrue(first.startsWith("HTTP/1.1 200 OK\r\n"), first);
        assertTrue(first.endsWith("\r\n\r\nfirst"), first);
        assertEquals("second", new String(writes.get(1), StandardCharsets.ISO_8859_1));
    }

    @Test
    void chunkedHeadAndFirstChunkLeaveInOneWrite() throws Exception {
        var writes = exchange("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", (env, sr) -> {
            sr.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
            var parts = List.of("ab".getBytes(), "cd".getBytes()).iterator();
            return Body.generate(() -> parts.hasNext() ? parts.next() : null, -1, () -> {});
        });
        String first = new String(writes.get(0), StandardCharsets.ISO_8859_1);
        assertTrue(first.contains("Transfer-Encoding: chunked\r\n"), first);
        assertTrue(first.endsWith("\r\n\r\n2\r\nab\r\n"), first);
    }

    @Test
    void pipelinedRequestsOnAMemoryConnectionAreAnsweredInOrder() throws Exception {
        var writes = exchange("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
                (env, sr) -> {
                    sr.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
                    return Body.of(env.pathInfo());
                });
        var all = new StringBuilder();
        for (byte[] w : writes) all.append(new String(w, StandardCharsets.ISO_8859_1));
        int one = all.indexOf("\r\n\r\n/1"), two = all.indexOf("\r\n\r\n/2");
        assertTrue(one > 0 && two > one, all.toString());
        assertTrue(all.toString().contains("Connection: close"));
    }
}
