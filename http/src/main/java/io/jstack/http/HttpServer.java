package io.jstack.http;

import io.jstack.http.gateway.Application;
import io.jstack.socket.StreamConnection;
import io.jstack.socket.StreamListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The HTTP/1.1 server: accepts connections from a {@link StreamListener} (jstack's TCP or the kernel's) and runs one
 * {@link Application} for every request, on a virtual thread per busy connection. The large read and output buffers are
 * borrowed from the server's pools only while a request is read and answered (see {@link #buffersInUse()}); on a
 * connection that can tell when it becomes readable (jstack's TCP), an idle connection has no thread either, only a
 * timer for its idle timeout (see {@link #idleConnections()}).
 *
 * <p>{@link #close(Duration)} shuts down gracefully: the listener closes, idle connections close, requests in
 * flight finish (their responses carry {@code Connection: close}), and whatever remains after the grace period is
 * aborted.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc9112 RFC 9112
 */
public final class HttpServer implements AutoCloseable {
    private final StreamListener listener;
    private final Application application;
    private final ServerOptions options;
    private final ServerStats stats = new ServerStats();
    private final HttpDate dates = new HttpDate();
    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    /** Spare buffers kept: enough for this many requests in progress at once without allocating (≈ 5 MiB). */
    static final int POOLED_BUFFERS = 64;
    private final BufferPool<ByteBuffer> readBuffers =
            new BufferPool<>(() -> ByteBuffer.allocate(HttpConnection.LARGE_BYTES), POOLED_BUFFERS);
    private final BufferPool<byte[]> outputBuffers =
            new BufferPool<>(() -> new byte[ResponseOutput.CAPACITY], POOLED_BUFFERS);
    private final Object lock = new Object();
    /** Idle and header timeouts of connections that wait without a thread. */
    private final ScheduledThreadPoolExecutor timer;
    private volatile boolean draining;
    private Thread acceptor;

    private HttpServer(StreamListener listener, Application application, ServerOptions options) {
        this.listener = listener;
        this.application = application;
        this.options = options;
        this.timer = new ScheduledThreadPoolExecutor(1, Thread.ofVirtual().name("http-timer").factory());
        timer.setRemoveOnCancelPolicy(true); // a connection woken before its timeout leaves nothing behind
    }

    /** Starts serving {@code application} on {@code listener}; the server owns (and closes) the listener. */
    public static HttpServer start(StreamListener listener, Application application, ServerOptions options) {
        var server = new HttpServer(listener, application, options);
        server.acceptor = Thread.ofVirtual().name("http-accept").start(server::acceptLoop);
        return server;
    }

    private void acceptLoop() {
        while (!draining) {
            StreamConnection conn;
            try {
                conn = listener.accept();
            } catch (IOException e) {
                if (!draining) options.errorLog().println("jstack: accept failed, server stops: " + e);
                return;
            }
            var c = new HttpConnection(this, conn);
            connections.add(c);
            if (draining) c.drain();
            c.start();
        }
    }

    public java.net.InetSocketAddress localAddress() {
        return listener.localAddress();
    }

    public ServerStats stats() {
        return stats;
    }

    public ServerOptions options() {
        return options;
    }

    BufferPool<ByteBuffer> readBuffers() {
        return readBuffers;
    }

    BufferPool<byte[]> outputBuffers() {
        return outputBuffers;
    }

    /**
     * Pooled read and output buffers borrowed now: zero while every connection is idle, since a connection holds them
     * only while one of its requests is read or answered.
     */
    public int buffersInUse() {
        return readBuffers.borrowed() + outputBuffers.borrowed();
    }

    ScheduledThreadPoolExecutor timer() {
        return timer;
    }

    /** Connections waiting for their next request without a thread now. */
    public int idleConnections() {
        int n = 0;
        for (var c : connections) if (c.parked()) n++;
        return n;
    }

    /** Connections open now. */
    public int connectionCount() {
        return connections.size();
    }

    Application application() {
        return application;
    }

    boolean draining() {
        return draining;
    }

    String date() {
        return dates.format(options.clock().instant());
    }

    void remove(HttpConnection c) {
        connections.remove(c);
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    void logError(RequestHead head, Throwable t) {
        var w = options.errorLog();
        synchronized (w) {
            w.println("jstack: error in application for \"" + head.requestLine() + "\":");
            t.printStackTrace(w);
            w.flush();
        }
    }

    /** Graceful shutdown: waits up to {@code grace} for requests in flight, then aborts what is left. */
    public void close(Duration grace) throws InterruptedException {
        draining = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (var c : connections) c.drain();
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (lock) {
            while (!connections.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                lock.wait(Math.max(1, left / 1_000_000));
            }
        }
        for (var c : connections) c.abort();
        if (acceptor != null) acceptor.join(Duration.ofSeconds(1));
        timer.shutdownNow();
    }

    /** Graceful shutdown with ten seconds' grace; an interrupt cuts the wait short and stays set. */
    @Override
    public void close() {
        try {
            close(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            for (var c : connections) c.abort();
            timer.shutdownNow();
        }
    }
}
