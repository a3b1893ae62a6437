package io.jstack.service;

import io.jstack.socket.Datagram;
import io.jstack.socket.UdpSocket;
import io.jstack.udp.UdpLayer;
import java.io.IOException;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * UDP echo (RFC 862): every datagram received on port 7 is sent back to its source. An ordinary user of
 * {@link UdpSocket}, on one virtual thread.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc862 RFC 862
 */
public final class UdpEchoService implements AutoCloseable {
    public static final int PORT = 7;

    private final UdpSocket socket;
    private final Thread thread;
    private final AtomicLong echoed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    private UdpEchoService(UdpSocket socket) {
        this.socket = socket;
        this.thread = Thread.ofVirtual().name("jstack-udp-echo").unstarted(this::run);
    }

    /** Binds port 7 (or {@code port}) and starts answering. */
    public static UdpEchoService start(UdpLayer udp, int port) throws IOException {
        UdpEchoService s = new UdpEchoService(UdpSocket.bind(udp, port));
        s.thread.start();
        return s;
    }

    public static UdpEchoService start(UdpLayer udp) throws IOException {
        return start(udp, PORT);
    }

    public int port() {
        return socket.localPort();
    }

    /** Datagrams sent back. */
    public long echoed() {
        return echoed.get();
    }

    /** Datagrams not echoed because their source port is another small service (see {@link #loops}). */
    public long refused() {
        return refused.get();
    }

    /**
     * Deviation from RFC 862, which echoes everything: a datagram from port 0 (or from 0.0.0.0, a host that does
     * not know its address yet) cannot be answered, and one from
     * another echo, daytime, chargen or time port would start an endless ping-pong between two services
     * (CERT CA-1996-01), so those are dropped.
     */
    static boolean loops(int sourcePort) {
        return sourcePort == 0 || sourcePort == 7 || sourcePort == 13 || sourcePort == 19 || sourcePort == 37;
    }

    private void run() {
        while (true) {
            try {
                Datagram d = socket.receive();
                if (loops(d.port()) || d.address().value() == 0) {
                    refused.incrementAndGet();
                    continue;
                }
                socket.send(d.address(), d.port(), d.data());
                echoed.incrementAndGet();
            } catch (SocketException e) {
                if (socket.isClosed()) return;
                // An ICMP error about an earlier echo (the client went away): nothing to do, keep serving.
            } catch (IOException e) {
                if (socket.isClosed()) return;
            }
        }
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
