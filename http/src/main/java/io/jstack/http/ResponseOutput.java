package io.jstack.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The connection's output buffer. A response head and the first body bytes are copied into one buffer and leave
 * in one write: a small separate write would meet Nagle and delayed ACK (the 40 ms JDK HttpServer stall).
 *
 * <p>The buffer is borrowed from the server's pool at the first write of a response and given back by
 * {@link #release()} once everything has been flushed, so an idle connection holds none (issue 7). A large write
 * ({@link #DIRECT_WRITE} or more) goes to the stream as it is, without the copy, unless it fits in the buffer behind
 * what is pending (a head and the first body chunk still leave together); what was pending goes first. So a stream
 * of large chunks is copied once at most, at its start, instead of every chunk being copied into the buffer.
 */
final class ResponseOutput {
    static final int CAPACITY = 64 * 1024;
    /** Writes at least this long skip the buffer when they do not fit behind what is pending. */
    static final int DIRECT_WRITE = 16 * 1024;
    private final OutputStream out;
    private final ServerStats stats;
    private final BufferPool<byte[]> pool;
    private byte[] buf;
    private int count;

    ResponseOutput(OutputStream out, ServerStats stats, BufferPool<byte[]> pool) {
        this.out = out;
        this.stats = stats;
        this.pool = pool;
    }

    void write(byte[] b, int off, int len) throws IOException {
        if (len >= DIRECT_WRITE && (count == 0 || count + len > buf.length)) {
            drain();
            out.write(b, off, len); // no copy
            stats.add(ServerStats.Counter.BYTES_OUT, len);
            return;
        }
        if (buf == null) buf = pool.take();
        while (len > 0) {
            if (count == buf.length) drain();
            int n = Math.min(len, buf.length - count);
            System.arraycopy(b, off, buf, count, n);
            count += n;
            off += n;
            len -= n;
        }
    }

    void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    void ascii(String s) throws IOException {
        write(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private void drain() throws IOException {
        if (count == 0) return;
        out.write(buf, 0, count);
        stats.add(ServerStats.Counter.BYTES_OUT, count);
        count = 0;
    }

    void flush() throws IOException {
        drain();
        out.flush();
    }

    /** Gives the buffer back to the pool; bytes not flushed are dropped (call after {@link #flush} or to abandon). */
    void release() {
        count = 0;
        if (buf != null) {
            pool.give(buf);
            buf = null;
        }
    }

    /** Whether this output holds a pooled buffer now. */
    boolean holdsBuffer() {
        return buf != null;
    }
}
