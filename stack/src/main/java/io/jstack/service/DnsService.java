package io.jstack.service;

import io.jstack.dns.DnsResponder;
import io.jstack.socket.Datagram;
import io.jstack.socket.UdpSocket;
import io.jstack.udp.UdpLayer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The DNS responder on UDP port 53 (RFC 1035 §4.2.1): an ordinary user of {@link UdpSocket} on one virtual
 * thread, so parsing never runs on the event loop. Survives any input: the responder is bounded and never throws,
 * and ICMP errors about earlier answers (a client that went away) are ignored.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc1035#section-4.2.1 RFC 1035 §4.2.1
 */
public final class DnsService implements AutoCloseable {
    public static final int PORT = 53;

    private final UdpSocket socket;
    private final DnsResponder responder;
    private final Thread thread;
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong internalErrors = new AtomicLong();

    private DnsService(UdpSocket socket, DnsResponder responder) {
        this.socket = socket;
        this.responder = responder;
        this.thread = Thread.ofVirtual().name("jstack-dns").unstarted(this::run);
    }

    public static DnsService start(UdpLayer udp, DnsResponder responder) throws IOException {
        return start(udp, PORT, responder);
    }

    public static DnsService start(UdpLayer udp, int port, DnsResponder responder) throws IOException {
        DnsService s = new DnsService(UdpSocket.bind(udp, port), responder);
        s.thread.start();
        return s;
    }

    public int port() {
        return socket.localPort();
    }

    public DnsResponder responder() {
        return responder;
    }

    /** Responses sent. */
    public long answered() {
        return answered.get();
    }

    /** Exceptions from the responder: always 0 unless jstack has a bug. */
    public long internalErrors() {
        return internalErrors.get();
    }

    private void run() {
        byte[] out = new byte[DnsResponder.MAX_RESPONSE];
        ByteBuffer outBuf = ByteBuffer.wrap(out);
        while (true) {
            Datagram d;
            try {
                d = socket.receive();
            } catch (IOException e) {
                if (socket.isClosed()) return;
                continue; // an ICMP error about an earlier answer
            }
            int n;
            try {
                n = responder.respond(ByteBuffer.wrap(d.data()), 0, d.length(), outBuf);
            } catch (RuntimeException e) {
                internalErrors.incrementAndGet();
                continue;
            }
            if (n <= 0 || d.port() == 0 || d.address().value() == 0) continue; // no way back
            try {
                socket.send(d.address(), d.port(), out, 0, n);
                answered.incrementAndGet();
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
