package io.jstack.service;

import io.jstack.socket.TcpListener;
import io.jstack.socket.TcpSocket;
import io.jstack.tcp.TcpLayer;
import java.io.IOException;

/**
 * Character generator (RFC 864, TCP based): sends lines of 72 printable ASCII characters, each starting one
 * character further along the 95-character sequence, ending in CR LF, until the client goes away; what the
 * client sends is read and thrown away.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc864 RFC 864
 */
public final class ChargenService implements AutoCloseable {
    public static final int PORT = 19;
    static final int LINE = 72;
    private final TcpListener listener;

    private ChargenService(TcpListener listener) {
        this.listener = listener;
        Thread.ofVirtual().name("chargen-accept").start(this::acceptLoop);
    }

    public static ChargenService start(TcpLayer tcp) throws IOException {
        return start(tcp, PORT);
    }

    public static ChargenService start(TcpLayer tcp, int port) throws IOException {
        return new ChargenService(TcpListener.bind(tcp, port, 0));
    }

    /** The 95 lines of the RFC's rotating pattern, one after another: the pattern repeats after them. */
    static byte[] pattern() {
        byte[] all = new byte[95 * (LINE + 2)];
        int i = 0;
        for (int line = 0; line < 95; line++) {
            for (int c = 0; c < LINE; c++) all[i++] = (byte) (' ' + (line + c) % 95);
            all[i++] = '\r';
            all[i++] = '\n';
        }
        return all;
    }

    private void acceptLoop() {
        try {
            while (true) {
                TcpSocket s = listener.accept();
                Thread.ofVirtual().name("chargen").start(() -> serve(s));
            }
        } catch (IOException e) {
            // listener closed
        }
    }

    private static void serve(TcpSocket s) {
        Thread drain = Thread.ofVirtual().name("chargen-drain").start(() -> {
            byte[] sink = new byte[4096];
            try {
                while (s.read(sink, 0, sink.length) >= 0) {
                    // RFC 864: "data sent is thrown away"
                }
            } catch (IOException e) {
                // connection gone
            }
        });
        byte[] pattern = pattern();
        try (s) {
            while (true) s.write(pattern, 0, pattern.length);
        } catch (IOException e) {
            // the client closed or reset: done
        } finally {
            drain.interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
