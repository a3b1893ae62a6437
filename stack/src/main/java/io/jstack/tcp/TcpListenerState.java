package io.jstack.tcp;

import java.util.ArrayDeque;

/**
 * A port in LISTEN (RFC 9293 §3.10.7.2): answers SYNs with new connections in SYN-RECEIVED, holds those
 * that complete the handshake until the application accepts them, and bounds both by the backlog.
 * Event loop only.
 */
public final class TcpListenerState {
    private final TcpLayer layer;
    private final int port;
    private final int backlog;
    private final ArrayDeque<TcpConnection> ready = new ArrayDeque<>();
    private int handshaking;
    private boolean closed;
    private TcpObserver observer = TcpObserver.NONE;

    TcpListenerState(TcpLayer layer, int port, int backlog) {
        this.layer = layer;
        this.port = port;
        this.backlog = backlog;
    }

    public int port() {
        return port;
    }

    public int backlog() {
        return backlog;
    }

    public boolean closed() {
        return closed;
    }

    public void setObserver(TcpObserver observer) {
        this.observer = observer == null ? TcpObserver.NONE : observer;
    }

    /** The next connection that completed its handshake (or has already been closed by its peer), or null. */
    public TcpConnection accept() {
        TcpConnection c = ready.poll();
        if (c != null) c.listener = null;
        return c;
    }

    /** Connections waiting in {@link #accept}. */
    public int ready() {
        return ready.size();
    }

    /** RFC 9293 §3.10.7.2: a SYN for this port; false if the backlog is full and it is dropped. */
    boolean admit() {
        return handshaking + ready.size() < backlog;
    }

    void onHandshakeStarted() {
        handshaking++;
    }

    void onHandshakeEnded(TcpConnection c, TcpState next) {
        handshaking--;
        if (next == TcpState.CLOSED || next == TcpState.LISTEN) {
            c.listener = null;
            return;
        }
        ready.add(c);
        observer.changed();
    }

    /** Stops listening: connections not yet accepted are reset. */
    public void close(long now) {
        if (closed) return;
        closed = true;
        layer.unlisten(port);
        TcpConnection c;
        while ((c = ready.poll()) != null) {
            c.listener = null;
            c.abort(now);
        }
        observer.changed();
    }
}
