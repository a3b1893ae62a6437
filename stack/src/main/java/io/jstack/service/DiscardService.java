package io.jstack.service;

import io.jstack.socket.TcpListener;
import io.jstack.socket.TcpSocket;
import io.jstack.tcp.TcpLayer;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Discard (RFC 863, TCP based): every byte received is thrown away; the server closes when the client does.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc863 RFC 863
 */
public final class DiscardService implements AutoCloseable {
    public static final int PORT = 9;
    private final TcpListener listener;
    private final AtomicLong discarded = new AtomicLong();

    private DiscardService(TcpListener listener) {
        this.listener = listener;
        Thread.ofVirtual().name("discard-accept").start(this::acceptLoop);
    }

    public static DiscardService start(TcpLayer tcp) throws IOException {
        return start(tcp, PORT);
    }

    public static DiscardService start(TcpLayer tcp, int port) throws IOException {
        return new DiscardService(TcpListener.bind(tcp, port, 0));
    }

    /** Bytes received and thrown away so far, over all connections. */
    public long discarded() {
        return discarded.get();
    }

    private void acceptLoop() {
        try {
            while (true) {
                TcpSocket s = listener.accept();
                Thread.ofVirtual().name("discard").start(() -> serve(s));
            }
        } catch (IOException e) {
            // listener closed
        }
    }

    private void serve(TcpSocket s) {
        byte[] buf = new byte[64 * 1024];
        try (s) {
            int n;
            while ((n = s.read(buf, 0, buf.length)) >= 0) discarded.addAndGet(n);
        } catch (IOException e) {
            // reset by the client
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
