package io.jstack.socket;

import io.jstack.udp.UdpLayer;
import io.jstack.udp.UdpReceiver;
import io.jstack.wire.Ipv4Address;
import io.jstack.wire.UdpPacket;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A UDP socket on a jstack host. Safe from any number of threads, virtual threads included: waits use
 * {@link ReentrantLock} conditions and semaphores, never monitors. The socket never touches protocol state
 * itself: binding, sending and closing are tasks on the event loop; the loop hands received datagrams to a bounded
 * queue here, and a full queue drops them and counts ({@link #dropped()}).
 *
 * <p>An ICMP error about a datagram this socket sent makes its next {@link #receive} throw (RFC 1122 §4.1.3.3:
 * UDP MUST pass to the application all ICMP error messages it receives from the IP layer), with Linux's errno
 * for it: Destination Unreachable port or protocol {@link PortUnreachableException} (ECONNREFUSED), other codes and
 * Time Exceeded {@link NoRouteToHostException} (EHOSTUNREACH), Parameter Problem {@link ProtocolException}
 * (EPROTO). Deviation: Linux reports these only on connected sockets (or with IP_RECVERR), and Time Exceeded
 * only with IP_RECVERR; a jstack socket has no connect, so any socket that sent from the port the error quotes
 * gets it, once, on its next receive, as RFC 1122 §4.1.3.3 asks.
 */
public final class UdpSocket implements Closeable {
    private final UdpLayer udp;
    private final UdpSocketOptions options;
    private final Receiver receiver = new Receiver();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final ArrayDeque<Datagram> queue = new ArrayDeque<>();
    private final Semaphore sendPermits;
    private final AtomicLong dropped = new AtomicLong();
    private int queuedBytes;
    private PendingError pendingError;
    private boolean closed;
    private volatile int port;

    /** RFC 792 ICMP error types passed to the application. */
    private static final int DEST_UNREACHABLE = 3, TIME_EXCEEDED = 11, PARAMETER_PROBLEM = 12;

    private record PendingError(int type, int code, int address, int port) {}

    private UdpSocket(UdpLayer udp, UdpSocketOptions options) {
        this.udp = udp;
        this.options = options;
        this.sendPermits = new Semaphore(options.maxPendingSends());
    }

    /** Binds a socket to {@code port} on the host's address; 0 picks an unused ephemeral port. */
    public static UdpSocket bind(UdpLayer udp, int port) throws IOException {
        return bind(udp, port, UdpSocketOptions.defaults());
    }

    /** Binds a socket to an unused ephemeral port. */
    public static UdpSocket bind(UdpLayer udp) throws IOException {
        return bind(udp, 0);
    }

    public static UdpSocket bind(UdpLayer udp, int port, UdpSocketOptions options) throws IOException {
        if (port < 0 || port > 65535) throw new BindException("port out of range: " + port);
        UdpSocket s = new UdpSocket(udp, options);
        CompletableFuture<Integer> bound = new CompletableFuture<>();
        udp.executor().execute(() -> {
            if (s.receiver.abandoned) {
                bound.complete(-1);
                return;
            }
            int p = udp.bind(port, s.receiver);
            s.receiver.boundPort = p;
            bound.complete(p);
        });
        int p;
        try {
            p = bound.get(options.loopTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.abandon();
            throw new InterruptedIOException("interrupted while binding");
        } catch (TimeoutException e) {
            s.abandon();
            throw new SocketException("the stack did not answer within " + options.loopTimeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new SocketException("bind failed: " + e.getCause());
        }
        if (p < 0) {
            throw new BindException(port == 0 ? "no free ephemeral port" : "port " + port + " is already in use");
        }
        s.port = p;
        return s;
    }

    /** Gives up a bind the loop may still perform: the bind task then binds nothing, or the unbind undoes it. */
    private void abandon() {
        receiver.abandoned = true;
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        udp.executor().execute(() -> udp.unbind(receiver.boundPort, receiver));
    }

    public int localPort() {
        return port;
    }

    public InetSocketAddress localAddress() {
        return new InetSocketAddress(new Ipv4Address(udp.address()).toInetAddress(), port);
    }

    /** Datagrams dropped because the receive queue was full. */
    public long dropped() {
        return dropped.get();
    }

    public void send(InetSocketAddress to, byte[] data) throws IOException {
        if (to.isUnresolved() || !(to.getAddress() instanceof Inet4Address)) {
            throw new SocketException("not an IPv4 address: " + to);
        }
        send(Ipv4Address.of(to.getAddress()), to.getPort(), data, 0, data.length);
    }

    public void send(Ipv4Address to, int toPort, byte[] data) throws IOException {
        send(to, toPort, data, 0, data.length);
    }

    /**
     * Queues {@code data[off, off + len)} for sending to {@code to:toPort} and returns; the bytes are copied first.
     * Waits only when {@link UdpSocketOptions#maxPendingSends()} sends are already queued.
     */
    public void send(Ipv4Address to, int toPort, byte[] data, int off, int len) throws IOException {
        if (toPort < 1 || toPort > 65535) throw new SocketException("cannot send to port " + toPort);
        if (len > UdpPacket.MAX_PAYLOAD) {
            throw new SocketException("datagram too long: " + len + " bytes, at most " + UdpPacket.MAX_PAYLOAD);
        }
        if (isClosed()) throw new SocketException("socket is closed");
        byte[] copy = java.util.Arrays.copyOfRange(data, off, off + len);
        try {
            if (!sendPermits.tryAcquire(options.loopTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                throw new SocketException("the stack did not send within " + options.loopTimeout().toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending");
        }
        int from = port;
        int dst = to.value();
        udp.executor().execute(() -> {
            try {
                if (udp.isBound(from, receiver)) udp.send(from, dst, toPort, copy, 0, copy.length);
            } finally {
                sendPermits.release();
            }
        });
    }

    /** Waits for the next datagram as long as it takes. */
    public Datagram receive() throws IOException {
        return receive(null);
    }

    /**
     * Waits at most {@code timeout} for the next datagram ({@code null}: no limit) and throws
     * {@link SocketTimeoutException} when none came.
     */
    public Datagram receive(Duration timeout) throws IOException {
        long nanos = timeout == null ? Long.MAX_VALUE : Math.max(0, timeout.toNanos());
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while receiving");
        }
        try {
            while (true) {
                if (pendingError != null) {
                    PendingError e = pendingError;
                    pendingError = null;
                    throw toException(e);
                }
                Datagram d = queue.poll();
                if (d != null) {
                    queuedBytes -= d.data().length;
                    return d;
                }
                if (closed) throw new SocketException("socket is closed");
                if (timeout == null) {
                    readable.await();
                } else {
                    if (nanos <= 0) throw new SocketTimeoutException("receive timed out after " + timeout.toMillis() + " ms");
                    nanos = readable.awaitNanos(nanos);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while receiving");
        } finally {
            lock.unlock();
        }
    }

    /** Linux's errno for each error (net/ipv4/icmp.c icmp_err_convert and udp.c), as the exception Java maps it to. */
    private static IOException toException(PendingError e) {
        String where = Ipv4Address.toString(e.address()) + ":" + e.port();
        return switch (e.type()) {
            case TIME_EXCEEDED -> new NoRouteToHostException("time exceeded (code " + e.code() + "): " + where);
            case PARAMETER_PROBLEM -> new ProtocolException("parameter problem: " + where);
            default -> switch (e.code()) {
                case 3 -> new PortUnreachableException("port unreachable: " + where);
                case 2 -> new PortUnreachableException("protocol unreachable: " + where);
                default -> new NoRouteToHostException("destination unreachable (code " + e.code() + "): " + where);
            };
        };
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Releases the port (on the event loop) and wakes every waiting receiver. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            queue.clear();
            queuedBytes = 0;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
        int p = port;
        udp.executor().execute(() -> udp.unbind(p, receiver));
    }

    @Override
    public String toString() {
        return "UdpSocket[" + Ipv4Address.toString(udp.address()) + ":" + port + "]";
    }

    /** The event loop's side: copies each datagram into the queue, or drops it when the queue is full. */
    private final class Receiver implements UdpReceiver {
        volatile boolean abandoned;
        volatile int boundPort;

        @Override
        public boolean deliver(int srcAddress, int srcPort, int dstAddress, ByteBuffer buf, int off, int len, long now) {
            lock.lock();
            try {
                if (closed) return true; // closing: the unbind task is on its way
                if (queue.size() >= options.receiveQueueDatagrams() || queuedBytes + len > options.receiveQueueBytes()) {
                    dropped.incrementAndGet();
                    return false;
                }
                byte[] data = new byte[len];
                buf.get(off, data);
                queue.add(new Datagram(new Ipv4Address(srcAddress), srcPort, data));
                queuedBytes += len;
                readable.signal();
                return true;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void icmpError(int type, int code, int remoteAddress, int remotePort, long now) {
            // RFC 1122 §4.1.3.3: all ICMP errors go up. The ICMP layer passes only these three (Source Quench is
            // ignored, RFC 6633 §2; Redirect concerns routing).
            if (type != DEST_UNREACHABLE && type != TIME_EXCEEDED && type != PARAMETER_PROBLEM) return;
            lock.lock();
            try {
                if (closed) return;
                pendingError = new PendingError(type, code, remoteAddress, remotePort);
                readable.signal();
            } finally {
                lock.unlock();
            }
        }
    }
}
