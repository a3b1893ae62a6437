package io.jstack.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * wsgi.input: the request content, ending at Content-Length or the last chunk. The first read sends
 * {@code 100 Continue} when the client asked for it (RFC 9110 §10.1.1) and no response has started.
 */
final class RequestInput extends InputStream {
    private final HttpConnection conn;
    private final RequestHead head;
    private final Response response;
    private ByteBuffer pending;
    private boolean done;
    private boolean continueSent;

    RequestInput(HttpConnection conn, RequestHead head, Response response) {
        this.conn = conn;
        this.head = head;
        this.response = response;
        this.done = !head.hasBody();
        if (done) conn.parser().next(conn.readBuffer()); // consume the END of a bodiless message
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) return 0;
        if (!more()) return -1;
        int n = Math.min(len, pending.remaining());
        pending.get(b, off, n);
        return n;
    }

    /** Waits until content is pending; false at its end. */
    private boolean more() throws IOException {
        while (true) {
            if (pending != null && pending.hasRemaining()) return true;
            if (done) return false;
            var e = conn.parser().next(conn.readBuffer());
            switch (e) {
                case BODY -> pending = conn.parser().body();
                case END -> done = true;
                case ERROR -> throw new BadBody(conn.parser().error());
                case NEED_MORE -> {
                    sendContinueIfExpected();
                    boolean more;
                    try {
                        more = conn.fill(System.nanoTime() + conn.limits().bodyReadTimeout().toNanos());
                    } catch (SocketTimeoutException t) {
                        throw new ClientGone("request body read timed out");
                    }
                    if (!more) throw new ClientGone("client closed before the end of the request body");
                }
                default -> throw new IllegalStateException("unexpected " + e);
            }
        }
    }

    /**
     * Content bytes that a read returns without waiting: those handed out and not read, else those already in the
     * read buffer, else (for a fixed-length body or inside a chunk) those the connection has received.
     */
    @Override
    public int available() throws IOException {
        if (pending != null && pending.hasRemaining()) return pending.remaining();
        long left = conn.parser().dataLeft();
        if (done || left == 0) return 0;
        ByteBuffer buf = conn.readBuffer();
        if (buf.hasRemaining()) return (int) Math.min(left, buf.remaining());
        return (int) Math.min(left, conn.connectionInput().available());
    }

    private void sendContinueIfExpected() throws IOException {
        if (!head.expectContinue() || continueSent || response.headersSent()) return;
        continueSent = true;
        conn.output().ascii("HTTP/1.1 100 Continue\r\n\r\n");
        conn.output().flush();
    }

    /**
     * After the response: reads and discards the rest of the request content so the next request can be parsed,
     * up to {@code drainBytes}. Returns whether the connection may carry another request.
     */
    boolean finish() throws IOException {
        if (done && (pending == null || !pending.hasRemaining())) return true;
        // RFC 9110 §10.1.1: we answered without 100 Continue; the client may never send the content.
        if (head.expectContinue() && !continueSent) return false;
        long budget = conn.limits().drainBytes();
        try {
            while (budget > 0) {
                if (!more()) return true;
                int n = (int) Math.min(pending.remaining(), budget);
                pending.position(pending.position() + n); // discarded where it lies: no copy
                budget -= n;
            }
        } catch (BadBody | ClientGone e) {
            return false;
        }
        return false;
    }

    /** The client closed or reset while the application read its body. */
    static final class ClientGone extends IOException {
        private static final long serialVersionUID = 1L;

        ClientGone(String m) {
            super(m);
        }
    }

    /** The request body broke the framing rules (bad chunk, too large): the server answers with its status. */
    static final class BadBody extends IOException {
        private static final long serialVersionUID = 1L;
        final HttpError error;

        BadBody(HttpError error) {
            super(error.status() + " " + error.reason());
            this.error = error;
        }
    }
}
