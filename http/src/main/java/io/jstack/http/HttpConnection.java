package io.jstack.http;

import io.jstack.http.ServerStats.Counter;
import io.jstack.http.gateway.Body;
import io.jstack.http.gateway.Environ;
import io.jstack.socket.StreamConnection;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection's loop, on a virtual thread of its own while it has work: read a request head, run the application,
 * frame its response, repeat while the connection persists (RFC 9112 §9.3). Pipelined requests are answered in order
 * because the bytes after one message stay in the buffer for the next (§9.3.2).
 *
 * <p>Memory (issue 7): an idle connection waits for its next request with a {@value #SMALL_BYTES}-byte read buffer of
 * its own, which holds a whole small request head. Only a request that needs more (a longer head, a body, a
 * response) borrows the server's pooled read and output buffers, and gives them back when it is answered. Where the
 * connection can tell when it becomes readable (jstack's TCP), an idle connection has no thread either: a thread
 * starts when bytes arrive ({@link #parkIfIdle}).
 */
final class HttpConnection {
    /** The read buffer an idle connection keeps: room for the heads wrk, ab and curl send, in one read. */
    static final int SMALL_BYTES = 512;
    /** The pooled read buffer a request in progress borrows. */
    static final int LARGE_BYTES = 16 * 1024;
    private final HttpServer server;
    private final StreamConnection conn;
    private final HttpLimits limits;
    private final RequestParser parser;
    private final ByteBuffer small = ByteBuffer.allocate(SMALL_BYTES).flip();
    /** The read buffer in use: {@link #small}, or a pooled large one while a request needs it. */
    private ByteBuffer buf = small;
    private InputStream in;
    private ResponseOutput out;
    private boolean busy, draining;
    private boolean eof;
    /** Whether the next head is the connection's first (its wait is bounded by the header timeout from accept). */
    private boolean first = true;
    private long acceptedAt;
    /** Whether the connection can tell when it becomes readable ({@link StreamConnection#whenReadable}). */
    private boolean canPark = true;
    /** Counts idle waits: odd while one is in progress; claiming it makes it even (see {@link #claim}). */
    private final AtomicInteger waits = new AtomicInteger();
    private ScheduledFuture<?> idleTimer;
    /** Set when a thread starts because the connection became readable, so that it reads instead of waiting again. */
    private boolean woken;

    HttpConnection(HttpServer server, StreamConnection conn) {
        this.server = server;
        this.conn = conn;
        this.limits = server.options().limits();
        this.parser = new RequestParser(limits);
    }

    /** Graceful shutdown: an idle connection closes now; a busy one after its current response. */
    synchronized void drain() {
        draining = true;
        if (!busy) closeQuietly();
    }

    private synchronized boolean beginRequest() {
        if (draining) return false;
        busy = true;
        return true;
    }

    private synchronized boolean endRequest() {
        busy = false;
        return !draining;
    }

    void abort() {
        try {
            conn.abort();
        } catch (IOException ignored) {
            // already gone
        }
    }

    private void closeQuietly() {
        try {
            conn.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /**
     * Sets the connection up on the accepting thread, then leaves it waiting without a thread if it can, or serves it
     * on a thread of its own: a new idle connection starts no thread at all.
     */
    void start() {
        if (!setUp()) return;
        try {
            if (parkIfIdle()) return;
        } catch (IOException e) {
            server.stats().increment(Counter.CLIENT_DISCONNECTS);
            end();
            return;
        }
        woken = true; // readable already (or it cannot tell): the thread reads at once
        Thread.ofVirtual().name("http-conn").start(this::serve);
    }

    /** Counts the connection in and prepares its streams; false (and the connection ended) if it failed. */
    private boolean setUp() {
        var stats = server.stats();
        stats.increment(Counter.CONNECTIONS_ACCEPTED);
        stats.add(Counter.CONNECTIONS_ACTIVE, 1);
        acceptedAt = System.nanoTime();
        try {
            // The server coalesces each response into few writes itself; Nagle would only add delayed-ACK stalls.
            conn.setNoDelay(true);
            in = conn.input();
            out = new ResponseOutput(conn.output(), stats, server.outputBuffers());
            return true;
        } catch (IOException e) {
            stats.increment(Counter.CLIENT_DISCONNECTS);
        } catch (RuntimeException e) {
            server.options().errorLog().println("jstack: connection failed: " + e);
        }
        end();
        return false;
    }

    /**
     * Answers requests until the connection ends, or until it waits idle without a thread ({@link #parkIfIdle}), in
     * which case another thread later continues here.
     */
    private void serve() {
        var stats = server.stats();
        boolean parked = false;
        try {
            while (true) {
                releaseBuffers();
                if (parkIfIdle()) {
                    parked = true;
                    return;
                }
                RequestParser.Event e = readHead(first);
                first = false;
                if (e == null) break;
                if (e == RequestParser.Event.ERROR) {
                    stats.increment(Counter.BAD_REQUESTS);
                    var err = parser.error();
                    Response.simple(out, server, err.status(), Response.reasonPhrase(err.status()), false);
                    lingeringClose();
                    break;
                }
                if (!beginRequest()) break;
                boolean again = exchange(parser.head());
                if (!endRequest() || !again) {
                    // RFC 9112 §9.6: close in stages, so that bytes the client already sent (say, a pipelined
                    // request) do not turn our close into a reset that destroys the response in flight.
                    if (!eof) lingeringClose();
                    break;
                }
            }
        } catch (IOException e) {
            stats.increment(Counter.CLIENT_DISCONNECTS);
        } catch (RuntimeException e) {
            server.options().errorLog().println("jstack: connection failed: " + e);
        } finally {
            if (!parked) end();
        }
    }

    /** The connection is over: close it, give every buffer back, leave the server's set. */
    private void end() {
        closeQuietly();
        releaseBuffers();
        if (buf != small) {
            server.readBuffers().give(buf);
            buf = small;
        }
        server.stats().add(Counter.CONNECTIONS_ACTIVE, -1);
        server.remove(this);
    }

    /**
     * Between requests, on a connection that can tell when it becomes readable: ends this thread instead of blocking
     * in a read, so that an idle connection holds no thread stack (issue 7). Whichever comes first, the connection
     * becoming readable or the idle (or, before the first request, header) timeout, claims the wait and starts a
     * thread that carries on. Returns false when the connection must be read as usual (not idle, or it cannot tell).
     */
    private boolean parkIfIdle() throws IOException {
        if (woken) {
            woken = false; // the connection became readable: read it
            if (idleTimer != null) idleTimer.cancel(false); // (here rather than on the event loop, which claimed)
            return false;
        }
        if (!canPark || draining || eof || !parser.idle() || buf.hasRemaining()) return false;
        long timeout = first ? acceptedAt + limits.headerTimeout().toNanos() - System.nanoTime()
                : limits.idleTimeout().toNanos();
        if (timeout <= 0) return false; // readHead answers the timeout
        int wait = waits.incrementAndGet(); // odd: parked; whoever moves it on claims this wait
        var timer = server.timer().schedule(() -> claim(wait, false), timeout, TimeUnit.NANOSECONDS);
        idleTimer = timer;
        StreamConnection.Readiness readiness;
        try {
            readiness = conn.whenReadable(() -> claim(wait, true));
        } catch (IOException e) {
            timer.cancel(false);
            if (waits.compareAndSet(wait, wait + 1)) throw e;
            return true; // the timer claimed the wait first and ends the connection
        }
        switch (readiness) {
            case WILL_NOTIFY -> {
                return true; // from here on another thread may run this connection: this one touches nothing more
            }
            case READABLE_NOW -> {} // carry on in this thread
            case CANNOT_TELL -> canPark = false; // the kernel's sockets: read as usual from now on
        }
        timer.cancel(false);
        return !waits.compareAndSet(wait, wait + 1); // (if the timer claimed the wait first, it ends the connection)
    }

    /** The connection became readable or its wait timed out: the first of the two claims the wait and goes on. */
    private void claim(int wait, boolean readable) {
        if (!waits.compareAndSet(wait, wait + 1)) return;
        if (readable) {
            woken = true;
            Thread.ofVirtual().name("http-conn").start(this::serve);
        } else {
            Thread.ofVirtual().name("http-conn").start(this::idleTimedOut);
        }
    }

    /** The wait for a request timed out: as {@link #readHead} does, 408 before the first request, else just close. */
    private void idleTimedOut() {
        try {
            if (first) {
                // RFC 9110 §15.5.9: 408 when the server would like to close an unused connection.
                server.stats().increment(Counter.HEADER_TIMEOUTS);
                Response.simple(out, server, 408, "Request Timeout", false);
            } else {
                server.stats().increment(Counter.IDLE_TIMEOUTS);
            }
        } catch (IOException e) {
            // the client went away meanwhile: nothing to answer
        } catch (RuntimeException e) {
            server.options().errorLog().println("jstack: connection failed: " + e);
        } finally {
            end();
        }
    }

    /** Whether the connection waits for its next request without a thread now. */
    boolean parked() {
        return (waits.get() & 1) == 1;
    }

    /**
     * Between requests: the output buffer goes back to the pool, and so does the large read buffer unless it holds
     * more pipelined bytes than the small one takes.
     */
    private void releaseBuffers() {
        if (out != null) out.release();
        parser.shrink();
        if (buf != small && buf.remaining() <= small.capacity()) {
            small.clear();
            small.put(buf);
            small.flip();
            server.readBuffers().give(buf);
            buf = small;
        }
    }

    /** Before a read that continues a request: a pooled large buffer takes over the small one's unread bytes. */
    private void growReadBuffer() {
        ByteBuffer large = server.readBuffers().take();
        large.clear();
        large.put(buf);
        large.flip();
        buf = large;
    }

    /** Whether the connection holds pooled buffers now (for tests: none while idle). */
    boolean holdsPooledBuffers() {
        return buf != small || out != null && out.holdsBuffer();
    }

    /**
     * Waits for a request head. The idle timeout bounds the wait for its first byte on a persistent connection; the
     * header timeout bounds the whole head once it began (or from accept), so a slowloris client is cut off.
     * Returns null when the client went away or timed out while idle.
     */
    private RequestParser.Event readHead(boolean first) throws IOException {
        long now = System.nanoTime();
        long headerDeadline = (first ? acceptedAt : now) + limits.headerTimeout().toNanos();
        long idleDeadline = first ? headerDeadline : now + limits.idleTimeout().toNanos();
        boolean started = first;
        while (true) {
            var e = parser.next(buf);
            if (e == RequestParser.Event.HEAD || e == RequestParser.Event.ERROR) return e;
            if (e == RequestParser.Event.END) continue; // (not reached: END follows a HEAD, consumed by the exchange)
            if (!started && !parser.idle()) {
                started = true;
                headerDeadline = System.nanoTime() + limits.headerTimeout().toNanos();
            }
            long deadline = started ? headerDeadline : idleDeadline;
            try {
                if (!fill(deadline)) {
                    return null; // EOF between requests, or mid-head: nothing to answer
                }
            } catch (SocketTimeoutException t) {
                if (!started) {
                    server.stats().increment(Counter.IDLE_TIMEOUTS);
                    return null;
                }
                // RFC 9110 §15.5.9: 408 when the server would like to close an unused connection.
                server.stats().increment(Counter.HEADER_TIMEOUTS);
                Response.simple(out, server, 408, "Request Timeout", false);
                return null;
            }
        }
    }

    RequestParser parser() {
        return parser;
    }

    /** The read buffer in use now (it changes when a request borrows a large one). */
    ByteBuffer readBuffer() {
        return buf;
    }

    HttpLimits limits() {
        return limits;
    }

    ResponseOutput output() {
        return out;
    }

    InputStream connectionInput() {
        return in;
    }

    /** Reads more bytes into the buffer; false at end of stream. Throws SocketTimeoutException past the deadline. */
    boolean fill(long deadlineNanos) throws IOException {
        if (eof) return false;
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) throw new SocketTimeoutException("deadline passed");
        conn.setReadTimeout(Duration.ofNanos(Math.max(left, 1_000_000)));
        // The first read of a request (or of the wait between requests) goes into the small buffer; anything
        // after it means a long head, a body or a lingering close: worth a large buffer for its duration.
        if (buf == small && !(parser.idle() && !buf.hasRemaining())) growReadBuffer();
        buf.compact();
        try {
            int n = in.read(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
            if (n < 0) {
                eof = true;
                return false;
            }
            buf.position(buf.position() + n);
            server.stats().add(Counter.BYTES_IN, n);
            return true;
        } finally {
            buf.flip();
        }
    }

    /** One request/response exchange. Returns whether the connection may carry another request. */
    private boolean exchange(RequestHead head) throws IOException {
        var stats = server.stats();
        stats.increment(Counter.REQUESTS);
        var response = new Response(head, out, server, head.keepAlive());
        var input = new RequestInput(this, head, response);
        Environ environ;
        try {
            environ = EnvironBuilder.build(head, conn, server.options(), input);
        } catch (IllegalArgumentException bad) {
            stats.increment(Counter.BAD_REQUESTS);
            Response.simple(out, server, 400, "Bad Request", false);
            return false;
        }
        Body body = null;
        try {
            body = server.application().call(environ, response);
            if (body == null) throw new IllegalStateException("application returned null instead of a Body");
            response.send(body);
        } catch (RequestInput.ClientGone gone) {
            stats.increment(Counter.CLIENT_DISCONNECTS);
            return false;
        } catch (Throwable thrown) {
            if (thrown instanceof Error err && !(thrown instanceof AssertionError)) throw err;
            Throwable t = requestSideCause(thrown);
            if (t instanceof RequestInput.ClientGone) {
                stats.increment(Counter.CLIENT_DISCONNECTS);
                return false;
            }
            if (t instanceof IOException && !(t instanceof RequestInput.BadBody)) {
                // the client went away while we wrote: nothing to answer
                stats.increment(Counter.CLIENT_DISCONNECTS);
                return false;
            }
            if (response.headersSent()) {
                // Too late for an error page: cut the connection so the client sees an incomplete message.
                stats.increment(Counter.APPLICATION_ERRORS);
                server.logError(head, t);
                abort();
                return false;
            }
            if (t instanceof RequestInput.BadBody bad) {
                stats.increment(Counter.BAD_REQUESTS);
                Response.simple(out, server, bad.error.status(), Response.reasonPhrase(bad.error.status()), false);
                lingeringClose();
                return false;
            }
            stats.increment(Counter.APPLICATION_ERRORS);
            server.logError(head, t);
            Response.simple(out, server, 500, "Internal Server Error", false);
            return false;
        } finally {
            if (body != null) {
                try {
                    body.close(); // PEP 3333: close() after success, error or client disconnect
                } catch (Throwable t) {
                    server.logError(head, t);
                }
            }
        }
        if (response.truncated) {
            abort();
            return false;
        }
        if (!response.keepAlive || response.overrun) return false;
        return input.finish();
    }

    /** The request-side failure (bad body, client gone) behind an application's wrapping, or {@code t} itself. */
    private static Throwable requestSideCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) if (c instanceof RequestInput.BadBody || c instanceof RequestInput.ClientGone) return c;
        return t;
    }

    /** Closes after an error without losing the response to an RST: half-close, read a little, then close. */
    private void lingeringClose() {
        try {
            conn.shutdownOutput();
            long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            long budget = 256 * 1024;
            buf.clear().flip();
            if (buf == small) growReadBuffer();
            while (budget > 0 && fill(deadline)) {
                budget -= buf.remaining();
                buf.position(buf.limit());
            }
        } catch (IOException ignored) {
            // the client closed first: fine
        }
    }
}
