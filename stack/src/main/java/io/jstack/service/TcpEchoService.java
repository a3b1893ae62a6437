package io.jstack.service;

import io.jstack.socket.TcpListener;
import io.jstack.socket.TcpSocket;
import io.jstack.tcp.TcpLayer;
import java.io.IOException;

/**
 * TCP echo (RFC 862 §"TCP Based Echo Service"): every byte received is sent back, until the client closes;
 * then the server closes its side too.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc862 RFC 862
 */
public final class TcpEchoService implements AutoCloseable {
    public static final int PORT = 7;
    private final TcpListener listener;

    private TcpEchoService(TcpListener listener) {
        this.listener = listener;
        Thread.ofVirtual().name("echo-accept").start(this::acceptLoop);
    }

    public static TcpEchoService start(TcpLayer tcp) throws IOException {
        return start(tcp, PORT);
    }

    public static TcpEchoService start(TcpLayer tcp, int port) throws IOException {
        return new TcpEchoService(TcpListener.bind(tcp, port, 0));
    }

    private void acceptLoop() {
        try {
            while (true) {
                TcpSocket s = listener.accept();
                Thread.ofVirtual().name("echo").start(() -> serve(s));
            }
        } catch (IOException e) {
            // listener closed
        }
    }

    private static void serve(TcpSocket s) {
        byte[] buf = new byte[16 * 1024];
        try (s) {
            int n;
            while ((n = s.read(buf, 0, buf.length)) >= 0) s.write(buf, 0, n);
            s.shutdownOutput();
        } catch (IOException e) {
            // the client reset or timed out: nothing to do but forget it
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
