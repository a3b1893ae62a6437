package io.jstack.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The connection's output buffer. A response head and the first body bytes are copied into one buffer and leave
 * in one write: a small separate write would meet Nagle and delayed ACK (the 40 ms JDK HttpServer stall).
 */
final class ResponseOutput {
    static final int CAPACITY = 64 * 1024;
    private final OutputStream out;
    private final ServerStats stats;
    private final byte[] buf = new byte[CAPACITY];
    private int count;

    ResponseOutput(OutputStream out, ServerStats stats) {
        this.out = out;
        this.stats = stats;
    }

    void write(byte[] b, int off, int len) throws IOException {
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
}
