package io.jstack.socket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A {@link StreamListener} on the kernel's TCP (java.net), so the HTTP server and its tests run without a jstack
 * host. Accepted connections have TCP_NODELAY set: a response head and its first body bytes leave in one write,
 * and nothing should wait for Nagle (RFC 1122 §4.2.3.4).
 */
public final class KernelStreamListener implements StreamListener {
    private final ServerSocket server;

    private KernelStreamListener(ServerSocket server) {
        this.server = server;
    }

    /** Listens on {@code address:port}; port 0 picks an ephemeral port (see {@link #localAddress()}). */
    public static KernelStreamListener bind(InetAddress address, int port, int backlog) throws IOException {
        var server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(address, port), backlog);
            return new KernelStreamListener(server);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Listens on 127.0.0.1 with an ephemeral port: for tests. */
    public static KernelStreamListener loopback() throws IOException {
        return bind(InetAddress.getLoopbackAddress(), 0, 128);
    }

    @Override
    public StreamConnection accept() throws IOException {
        var socket = server.accept();
        try {
            socket.setTcpNoDelay(true);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return new KernelStreamConnection(socket);
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
