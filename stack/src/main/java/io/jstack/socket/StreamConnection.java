package io.jstack.socket;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A connected byte stream: jstack's TCP connection or the kernel's socket, behind one small interface so that
 * the HTTP server (and any application) runs unchanged on either. Blocking calls are safe from virtual threads.
 */
public interface StreamConnection extends Closeable {
    /** The stream of bytes from the peer; -1 after the peer's FIN. A read timeout throws SocketTimeoutException. */
    InputStream input() throws IOException;

    /** The stream of bytes to the peer; flush() pushes buffered bytes out. */
    OutputStream output() throws IOException;

    /** Sends FIN after the bytes already written (half-close). */
    void shutdownOutput() throws IOException;

    InetSocketAddress localAddress();

    InetSocketAddress remoteAddress();

    /** A read that waits longer than this throws {@link java.net.SocketTimeoutException}; zero waits forever. */
    void setReadTimeout(Duration timeout) throws IOException;

    /** Disables Nagle's algorithm (RFC 1122 §4.2.3.4) when true. */
    void setNoDelay(boolean on) throws IOException;

    /** What {@link #whenReadable} did. */
    enum Readiness {
        /** This connection cannot tell (the kernel's sockets): read as usual; the action never runs. */
        CANNOT_TELL,
        /** A read would not block now; the action is not kept and never runs. */
        READABLE_NOW,
        /** The action runs once, later, when a read would not block (at once, on the loop, if one would not now). */
        WILL_NOTIFY
    }

    /**
     * Asks to be told, instead of keeping a thread blocked in a read, when a read would not block: bytes arrived, the
     * peer closed or reset, or this side closed. Unless that is already so, {@code action} runs once, later, on the
     * thread that sees the change, which for jstack's TCP is the host's event loop: so it must only hand off (start a
     * thread, complete a future), never block, throw or call back into this connection. An idle server connection
     * costs no thread this way (issue 7).
     */
    default Readiness whenReadable(Runnable action) throws IOException {
        return Readiness.CANNOT_TELL;
    }

    /** Resets the connection (RST) instead of closing it gracefully. */
    default void abort() throws IOException {
        close();
    }
}
