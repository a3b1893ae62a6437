package io.jstack.socket;

import io.jstack.host.Host;
import io.jstack.tcp.TcpBuffers;
import io.jstack.tcp.TcpConnection;
import io.jstack.tcp.TcpKeepAlive;
import io.jstack.tcp.ChunkPool;
import io.jstack.tcp.TcpLayer;
import io.jstack.tcp.TcpState;
import io.jstack.wire.Ipv4Address;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A TCP connection of a jstack host as a blocking stream. Every protocol operation runs on the host's event
 * loop ({@link Host#execute}); the calling thread waits on a future or on a {@link ReentrantLock} condition
 * that the connection's observer signals, so virtual threads unmount instead of pinning. Two paths skip the wait:
 * a write copies its bytes into 64 KiB chunks and hands them over without waiting while the send buffer has room
 * (see {@link #write}), and the first read after a {@link #whenReadable} action finds a small request already
 * taken out of the connection for it. Any thread but the event loop's may call it.
 */
public final class TcpSocket implements StreamConnection {
    private final TcpLayer tcp;
    private final Host host;
    private TcpConnection conn; // set once, before the socket is shared
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile long version;
    private volatile long readTimeoutNanos;
    private volatile boolean closed;
    /**
     * Bytes readable as of the event loop's last look (an observer callback or a read): what {@code available()}
     * answers without a round trip to the loop. It can lag arrivals, never a read, so it never overstates.
     */
    private volatile int readableHint;
    /**
     * Read-ahead: when the loop runs a {@link #whenReadable} action, it first moves a small request's bytes (up to
     * {@link TcpLayer#READ_AHEAD} of them) out of the connection into this array, so that the thread the action starts
     * reads them without a round trip to the loop. Published by the volatile write of the array; from then on
     * the reading thread owns it and gives it back when empty. The loop fills it again only for a later action,
     * which the reader registers after its reads.
     */
    private volatile byte[] prefetch;
    private int prefetchPos, prefetchLen;
    /** The action {@link #whenReadable} registered; event loop only. */
    private Runnable readableAction;
    /** Whether the connection's observer is {@link #changed} (accepted sockets; others once they register). */
    private boolean observing;
    private final InputStream in = new In();
    private final OutputStream out = new Out();
    // Writes hand their bytes over without waiting for the loop (see writeAll): the writer's credit is the send
    // buffer less what it handed over and the loop has not yet retired (acknowledged by the peer, or refused).
    private final ChunkPool chunks;
    private int sendLimit; // set on the loop before the socket is shared
    private final java.util.concurrent.atomic.AtomicLong handed = new java.util.concurrent.atomic.AtomicLong();
    private volatile long retired;
    private long drainedBase; // event loop only
    private long refused; // event loop only
    /** Why a write handed over earlier was refused (the connection failed or its output was shut); null if none. */
    private volatile String writeFailure;
    private volatile boolean outputShut;

    private TcpSocket(TcpLayer tcp) {
        this.tcp = tcp;
        this.host = tcp.host();
        this.chunks = tcp.sendChunks();
    }

    /** Event loop only: the connection is known; its send buffer is the writers' credit from now on. */
    private void attach(TcpConnection c) {
        conn = c;
        sendLimit = c.buffers().sendBytes();
        drainedBase = c.sendDrained();
    }

    /** Event loop only: gives writers credit back for what the peer has acknowledged, and notes a failure. */
    private void retire() {
        if (conn == null) return; // an observer call inside connect(), before the connection is known
        retired = conn.sendDrained() - drainedBase + refused;
        if (writeFailure == null && conn.state() == TcpState.CLOSED) {
            writeFailure = conn.error() == null ? "socket closed" : conn.error();
        }
        // A writer waiting for credit is woken when it has what it waits for, not at every acknowledgment. (The
        // writes of retired/writeFailure above come before this read, and the writer publishes itself before it
        // reads them: no wake-up is lost.)
        Thread w = parkedWriter;
        if (w != null && (credit() >= writerNeeds || writeFailure != null)) java.util.concurrent.locks.LockSupport.unpark(w);
    }

    /** Bytes a writer may hand over now. */
    private long credit() {
        return sendLimit - (handed.get() - retired);
    }

    /** A writer waiting for credit, and how much it waits for. */
    private volatile Thread parkedWriter;
    private volatile long writerNeeds;

    /**
     * Waits until {@code need} bytes of credit are free, or the socket fails or closes (the caller's next
     * {@link #checkWritable} reports it).
     */
    private void awaitCredit(long need) throws IOException {
        writerNeeds = need;
        parkedWriter = Thread.currentThread();
        try {
            while (credit() < need && !closed && !outputShut && writeFailure == null) {
                java.util.concurrent.locks.LockSupport.park(this);
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                }
            }
        } finally {
            parkedWriter = null;
        }
    }

    /** Any thread: a writer waiting for credit looks again (the socket closed or shut its output). */
    private void wakeWriter() {
        Thread w = parkedWriter;
        if (w != null) java.util.concurrent.locks.LockSupport.unpark(w);
    }

    /** Wraps a connection a listener accepted; runs on the event loop. */
    static TcpSocket accepted(TcpLayer tcp, TcpConnection c) {
        TcpSocket s = new TcpSocket(tcp);
        s.attach(c);
        c.setObserver(s::changed);
        s.observing = true;
        return s;
    }

    /**
     * Active open to {@code remote}: waits until the handshake completes, the peer refuses
     * ({@link ConnectException} "connection refused"), or {@code timeout} passes ({@link SocketTimeoutException};
     * zero waits as long as the SYN retransmissions last).
     */
    public static TcpSocket connect(TcpLayer tcp, InetSocketAddress remote, Duration timeout) throws IOException {
        return connect(tcp, remote, timeout, TcpSocketOptions.defaults());
    }

    /** As {@link #connect(TcpLayer, InetSocketAddress, Duration)}, with buffer sizes and no-delay of its own. */
    public static TcpSocket connect(TcpLayer tcp, InetSocketAddress remote, Duration timeout,
                                    TcpSocketOptions options) throws IOException {
        Objects.requireNonNull(remote);
        if (remote.isUnresolved()) throw new IOException("unresolved address: " + remote);
        int addr = Ipv4Address.of(remote.getAddress()).value();
        // RFC 1122 §4.2.3.10: an active OPEN to a broadcast or multicast address is refused with an error
        // (Linux: ENETUNREACH); the layer refuses it too, this names it for the caller.
        if (tcp.host().ip().isBroadcastOrMulticast(addr) || addr == 0) {
            throw new SocketException("Network is unreachable: " + remote + " is not a unicast address");
        }
        TcpSocket s = new TcpSocket(tcp);
        TcpBuffers buffers = options.buffersOr(tcp);
        s.call(() -> {
            TcpConnection c = tcp.connect(addr, remote.getPort(), 0, buffers, () -> {
                s.retire();
                s.signal();
            }, s.host.clock().nanos());
            c.setNoDelay(options.noDelay(), s.host.clock().nanos());
            s.attach(c);
            return c;
        });
        long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        boolean done = s.awaitOnLoop(() -> s.conn.state() != TcpState.SYN_SENT
                && s.conn.state() != TcpState.SYN_RECEIVED, deadline);
        if (!done) {
            s.call(() -> {
                s.conn.abort(s.host.clock().nanos());
                return null;
            });
            throw new SocketTimeoutException("connect timed out");
        }
        String error = s.call(() -> s.conn.state() == TcpState.CLOSED ? s.conn.error() : null);
        if (error != null) {
            throw error.contains("refused") ? new ConnectException(error) : new SocketException(error);
        }
        return s;
    }

    /**
     * Registers {@code action} for the next time a read would not block (see {@link StreamConnection#whenReadable})
     * without waiting for the event loop: the registration is handed to it, and if a read would not block already
     * the action runs there at once. So a server thread that parks its idle connection ends without a round trip.
     */
    @Override
    public Readiness whenReadable(Runnable action) {
        Objects.requireNonNull(action);
        host.execute(() -> {
            readableAction = action;
            if (!observing) {
                conn.setObserver(this::changed); // so that the observer also fires the action
                observing = true;
            }
            fireReadable();
        });
        return Readiness.WILL_NOTIFY;
    }

    /** Event loop only: whether a read returns at once (bytes, end of stream, an error, or this side closed). */
    private boolean readWouldNotBlock() {
        return closed || prefetch != null || conn.readable() > 0 || conn.atEof() || conn.state() == TcpState.CLOSED;
    }

    /** The connection's observer: wakes blocked callers and runs a registered readable action once it is due. */
    private void changed() {
        readableHint = conn.readable();
        retire();
        signal();
        fireReadable();
    }

    /** Event loop only. */
    private void fireReadable() {
        Runnable a = readableAction;
        if (a != null && readWouldNotBlock()) {
            readableAction = null;
            prefetch();
            a.run();
        }
    }

    /** Event loop only: read-ahead of a small request for the thread an action starts (see {@link #prefetch}). */
    private void prefetch() {
        int n = conn.readable();
        if (prefetch != null || closed || n == 0 || n > TcpLayer.READ_AHEAD || conn.urgentPending()) return;
        byte[] p = tcp.readAheadArrays().take();
        int r = conn.receive(p, 0, n, host.clock().nanos(), true); // the response will carry the window update
        if (r <= 0) {
            tcp.readAheadArrays().give(p);
            return;
        }
        readableHint = conn.readable();
        prefetchPos = 0;
        prefetchLen = r;
        prefetch = p;
    }

    /** Reader only: takes read-ahead bytes, if any; -1 if none. */
    private int takePrefetched(byte[] b, int off, int len) {
        byte[] p = prefetch;
        if (p == null) return -1;
        int n = Math.min(len, prefetchLen - prefetchPos);
        System.arraycopy(p, prefetchPos, b, off, n);
        prefetchPos += n;
        if (prefetchPos == prefetchLen) {
            prefetch = null;
            tcp.readAheadArrays().give(p);
        }
        return n;
    }

    /** Runs {@code task} on the event loop and returns its result. */
    <T> T call(Supplier<T> task) throws IOException {
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

    /**
     * Evaluates {@code condition} on the loop until it holds, waiting for the observer between tries; false
     * once {@code deadline} (System.nanoTime) passes.
     */
    private boolean awaitOnLoop(Supplier<Boolean> condition, long deadline) throws IOException {
        while (true) {
            long[] seen = new long[1];
            boolean ok = call(() -> {
                seen[0] = version;
                return condition.get();
            });
            if (ok) return true;
            if (!awaitChange(seen[0], deadline)) return false;
        }
    }

    private boolean awaitChange(long seen, long deadline) throws IOException {
        lock.lock();
        try {
            while (version == seen) {
                long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) return false;
                if (left == Long.MAX_VALUE) changed.await();
                else changed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } finally {
            lock.unlock();
        }
    }

    private IOException failure(String error) {
        if (error == null) return new SocketException("socket closed");
        if (error.contains("timed out")) return new SocketTimeoutException(error);
        return new SocketException(error);
    }

    /** Reads into {@code b}; -1 at the end of the stream. */
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) return 0;
        int pre = takePrefetched(b, off, len);
        if (pre >= 0) return pre;
        long timeout = readTimeoutNanos;
        long deadline = timeout == 0 ? Long.MAX_VALUE : System.nanoTime() + timeout;
        while (true) {
            long[] seen = new long[1];
            String[] error = new String[1];
            int n = call(() -> {
                seen[0] = version;
                int r = conn.receive(b, off, len, host.clock().nanos());
                readableHint = conn.readable();
                if (r == 0 && conn.state() == TcpState.CLOSED) {
                    error[0] = conn.error();
                    return conn.error() == null ? -1 : -2;
                }
                return r;
            });
            if (n == -2) throw failure(error[0]);
            if (n != 0) return n;
            if (closed) throw new SocketException("socket closed");
            if (!awaitChange(seen[0], deadline)) throw new SocketTimeoutException("read timed out");
        }
    }

    /** Writes all of {@code b[off, off+len)}, waiting for room in the send buffer. */
    public void write(byte[] b, int off, int len) throws IOException {
        writeAll(b, off, len, false);
    }

    /**
     * Writes all of {@code b[off, off+len)} as urgent data (RFC 9293 §3.8.5, as send(2) with MSG_OOB): the
     * segments carry URG and an urgent pointer to the octet after it until the peer has acknowledged it.
     */
    public void sendUrgent(byte[] b, int off, int len) throws IOException {
        writeAll(b, off, len, true);
    }

    /**
     * Ordinary data does not wait for the event loop: the writer copies up to a chunk ({@link ChunkPool}) at a
     * time and hands the chunk over ({@link TcpConnection#sendChunk}, no copy on the loop), as long as its credit
     * (the send buffer less what the peer has not acknowledged yet) allows; otherwise it waits for
     * acknowledgments. As a kernel socket's write, it returns once the bytes are the stack's: a failure of the
     * connection afterwards is reported by the next write. Urgent data is queued by the loop while the writer
     * waits, after everything handed over before it (the loop runs tasks in order).
     */
    private void writeAll(byte[] b, int off, int len, boolean urgent) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            checkWritable();
            long room = credit();
            int want = Math.min(len, ChunkPool.SEND_CHUNK);
            if (room < want) {
                // Part of a chunk when a good part of the buffer is free (a quarter chunk, or half a small buffer).
                if (room > 0 && room >= Math.min(ChunkPool.SEND_CHUNK / 4, Math.max(1, sendLimit / 2))) want = (int) room;
                else {
                    // Woken when a quarter of the buffer is free (what this chunk needs, up to half the buffer):
                    // a few chunks per wake-up instead of one per acknowledgment, and never a drained pipeline.
                    awaitCredit(Math.min(sendLimit / 2, Math.max(want, sendLimit / 4)));
                    continue;
                }
            }
            if (urgent) {
                final int o = off, l = want;
                int n = call(() -> {
                    int r = conn.sendUrgent(b, o, l, host.clock().nanos());
                    if (r < 0) noteRefused(0);
                    return r;
                });
                if (n < 0) continue; // checkWritable reports why
                handed.addAndGet(n);
                off += n;
                len -= n;
                continue;
            }
            byte[] chunk = chunks.take();
            System.arraycopy(b, off, chunk, 0, want);
            handed.addAndGet(want);
            final int n = want;
            host.execute(() -> {
                if (conn.sendChunk(chunk, n, host.clock().nanos()) < 0) noteRefused(n);
            });
            off += want;
            len -= want;
        }
    }

    /** Event loop only: {@code n} bytes handed over were not taken (the connection sends no more). */
    private void noteRefused(int n) {
        refused += n;
        if (writeFailure == null) {
            writeFailure = conn.error() != null ? conn.error()
                    : conn.state() == TcpState.CLOSED ? "socket closed" : "socket output is shut down";
        }
        retire();
        signal();
    }

    private void checkWritable() throws IOException {
        if (closed) throw new SocketException("socket closed");
        if (outputShut) throw new SocketException("socket output is shut down");
        String f = writeFailure;
        if (f != null) throw f.equals("socket output is shut down") ? new SocketException(f) : failure(f);
    }

    /**
     * Whether urgent data has arrived that has not been read past (RFC 9293 §3.8.5 MUST-32; poll's POLLPRI).
     * Urgent data stays in the stream (RFC 6093 §6, SO_OOBINLINE): {@link #atMark} finds its end.
     */
    public boolean urgentPending() throws IOException {
        return call(conn::urgentPending);
    }

    /**
     * Whether the next octet to read is the last urgent one (RFC 9293 §3.8.5 MUST-33; SIOCATMARK). A read stops
     * in front of it, so what was read since urgent data was announced, plus one, is its length.
     */
    public boolean atMark() throws IOException {
        return call(conn::atUrgentMark);
    }

    @Override
    public InputStream input() {
        return in;
    }

    @Override
    public OutputStream output() {
        return out;
    }

    @Override
    public void shutdownOutput() throws IOException {
        // Nothing to wait for: the FIN follows every byte written before (the loop runs tasks in order), and every
        // later call of this socket sees it. No round trip to the event loop.
        outputShut = true;
        wakeWriter();
        host.execute(() -> conn.shutdownOutput(host.clock().nanos()));
    }

    /** Graceful close: the FIN follows the data already written; the connection finishes in the background. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        wakeWriter();
        // Read-ahead bytes nobody read are unread data as much as those still in the connection (RFC 2525 §2.17).
        boolean unread = prefetch != null;
        prefetch = null;
        // As shutdownOutput: handed to the loop without waiting; the connection finishes in the background.
        host.execute(() -> {
            if (unread && conn.state().isSynchronized()) conn.abort(host.clock().nanos());
            else conn.close(host.clock().nanos());
            fireReadable();
            signal();
        });
        signal();
    }

    /** Resets the connection (RST) and discards anything unsent. */
    @Override
    public void abort() throws IOException {
        closed = true;
        wakeWriter();
        call(() -> {
            conn.abort(host.clock().nanos());
            fireReadable();
            return null;
        });
        signal();
    }

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress(new Ipv4Address(host.address()).toInetAddress(), conn.localPort());
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress(new Ipv4Address(conn.remoteAddress()).toInetAddress(), conn.remotePort());
    }

    @Override
    public void setReadTimeout(Duration timeout) {
        if (timeout.isNegative()) throw new IllegalArgumentException("negative timeout");
        readTimeoutNanos = timeout.toNanos();
    }

    @Override
    public void setNoDelay(boolean on) throws IOException {
        // Nothing to wait for: the loop runs tasks in order, so every later write already sees the setting.
        host.execute(() -> conn.setNoDelay(on, host.clock().nanos()));
    }

    /**
     * Turns keep-alives on with these settings, or off with null (RFC 9293 §3.8.4: off unless asked for). A
     * connection whose probes all go unanswered fails: reads and writes then throw "connection timed out".
     */
    public void setKeepAlive(TcpKeepAlive settings) throws IOException {
        call(() -> {
            conn.setKeepAlive(settings, host.clock().nanos());
            return null;
        });
    }

    /**
     * Sets the IP type of service octet (DS field) of this connection's segments from now on (RFC 1122
     * §4.2.4.2), as {@link java.net.Socket#setTrafficClass(int)} does; 0-255.
     */
    public void setTrafficClass(int tos) throws IOException {
        if (tos < 0 || tos > 255) throw new IllegalArgumentException("type of service must be 0-255: " + tos);
        call(() -> {
            conn.setTrafficClass(tos);
            return null;
        });
    }

    /**
     * Sets R2 of this connection as a time (RFC 1122 §4.2.3.5), as Linux's TCP_USER_TIMEOUT: data unacknowledged
     * that long ends the connection, and reads and writes then throw "connection timed out"; zero: the host's
     * retransmission count applies.
     */
    public void setUserTimeout(Duration timeout) throws IOException {
        if (timeout.isNegative()) throw new IllegalArgumentException("negative user timeout");
        call(() -> {
            conn.setUserTimeout(timeout, host.clock().nanos());
            return null;
        });
    }

    /** The send and receive buffers' limits in bytes (they grow with use up to these). */
    public TcpBuffers buffers() throws IOException {
        return call(conn::buffers);
    }

    /** The connection's state now. */
    public TcpState state() throws IOException {
        return call(conn::state);
    }

    /** Waits until every byte written has been acknowledged by the peer, or the connection ends. */
    public void awaitAcknowledged(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!awaitOnLoop(() -> conn.unacknowledged() == 0 || conn.state() == TcpState.CLOSED, deadline)) {
            throw new SocketTimeoutException("timed out waiting for acknowledgment");
        }
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = TcpSocket.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return TcpSocket.this.read(b, off, len);
        }

        /** Bytes a read returns without waiting, as of the event loop's last look: no round trip to the loop. */
        @Override
        public int available() {
            byte[] p = prefetch;
            return readableHint + (p == null ? 0 : prefetchLen - prefetchPos);
        }

        @Override
        public void close() throws IOException {
            TcpSocket.this.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            TcpSocket.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            TcpSocket.this.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            TcpSocket.this.close();
        }
    }
}
