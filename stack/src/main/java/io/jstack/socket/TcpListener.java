package io.jstack.socket;

import io.jstack.host.Host;
import io.jstack.tcp.TcpLayer;
import io.jstack.tcp.TcpListenerState;
import io.jstack.wire.Ipv4Address;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** A listening TCP port of a jstack host (bind, listen with a backlog, accept). Blocking calls from any thread. */
public final class TcpListener implements StreamListener {
    private final TcpLayer tcp;
    private final Host host;
    private TcpListenerState state;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile long version;
    /** Connections taken from the loop by an earlier accept, in order, for the next accepts. */
    private final java.util.concurrent.ConcurrentLinkedQueue<TcpSocket> ready = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private TcpListener(TcpLayer tcp) {
        this.tcp = tcp;
        this.host = tcp.host();
    }

    /** Binds {@code port} and listens with {@code backlog} (0: the configured default). */
    public static TcpListener bind(TcpLayer tcp, int port, int backlog) throws IOException {
        return bind(tcp, port, backlog, TcpSocketOptions.defaults());
    }

    /** As {@link #bind(TcpLayer, int, int)}; accepted connections get {@code options}' buffer sizes. */
    public static TcpListener bind(TcpLayer tcp, int port, int backlog, TcpSocketOptions options)
            throws IOException {
        TcpListener l = new TcpListener(tcp);
        l.state = l.call(() -> {
            try {
                TcpListenerState s = tcp.listen(port, backlog, options.buffersOr(tcp));
                s.setObserver(l::signal);
                return s;
            } catch (IllegalStateException e) {
                return null;
            }
        });
        if (l.state == null) throw new BindException("address in use: port " + port);
        return l;
    }

    private <T> T call(Supplier<T> task) throws IOException {
        return LoopCall.call(host, task);
    }

    private void signal() {
        lock.lock();
        try {
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the next connection that completed its handshake. */
    @Override
    public TcpSocket accept() throws IOException {
        TcpSocket waiting = ready.poll();
        if (waiting != null) return waiting;
        while (true) {
            long[] seen = new long[1];
            boolean[] closed = new boolean[1];
            // One trip to the event loop takes every connection waiting: under a burst of new connections the
            // following accepts return at once.
            TcpSocket s = call(() -> {
                seen[0] = version;
                closed[0] = state.closed();
                var c = state.accept();
                if (c == null) return null;
                TcpSocket first = TcpSocket.accepted(tcp, c);
                for (var more = state.accept(); more != null; more = state.accept()) {
                    ready.add(TcpSocket.accepted(tcp, more));
                }
                return first;
            });
            if (s != null) return s;
            if ((s = ready.poll()) != null) return s; // another accept took a batch meanwhile
            if (closed[0]) throw new SocketException("listener closed");
            lock.lock();
            try {
                while (version == seen[0]) changed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress(new Ipv4Address(host.address()).toInetAddress(), state.port());
    }

    public int port() {
        return state.port();
    }

    /** Stops listening; connections not yet accepted are reset, and a waiting accept throws. */
    @Override
    public void close() throws IOException {
        call(() -> {
            state.close(host.clock().nanos());
            return null;
        });
        // Connections taken from the loop but never handed out are reset, as the listener's own queue is.
        for (TcpSocket s = ready.poll(); s != null; s = ready.poll()) s.abort();
        signal();
    }
}
