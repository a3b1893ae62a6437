package io.jstack.socket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** A {@link StreamConnection} over a kernel socket (java.net.Socket). */
public final class KernelStreamConnection implements StreamConnection {
    private final Socket socket;

    public KernelStreamConnection(Socket socket) {
        this.socket = socket;
    }

    /** Connects to {@code remote} over the kernel's TCP: for clients and tests. */
    public static KernelStreamConnection connect(InetSocketAddress remote, Duration timeout) throws IOException {
        var socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(remote, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            return new KernelStreamConnection(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public InputStream input() throws IOException {
        return socket.getInputStream();
    }

    @Override
    public OutputStream output() throws IOException {
        return socket.getOutputStream();
    }

    @Override
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        long millis = timeout.toMillis();
        if (millis == 0 && !timeout.isZero()) millis = 1; // a positive timeout below 1 ms must not mean "forever"
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, millis));
    }

    @Override
    public void setNoDelay(boolean on) throws IOException {
        socket.setTcpNoDelay(on);
    }

    /** RFC 9293 §3.10.5 ABORT: SO_LINGER 0 makes close() send RST and drop queued data. */
    @Override
    public void abort() throws IOException {
        try {
            socket.setSoLinger(true, 0);
        } finally {
            socket.close();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
