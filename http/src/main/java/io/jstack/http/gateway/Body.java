package io.jstack.http.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The response body: an iterable of byte chunks (PEP 3333 "the application object must return an iterable yielding
 * zero or more bytestrings"). The server iterates it once and ALWAYS calls {@link #close()}, after success, error or
 * client disconnect (PEP 3333: "the server or gateway must call that method upon completion of the current request,
 * whether the request was completed normally, or terminated early due to an application error").
 *
 * <p>Deviation from PEP 3333, whose bytestrings are immutable: a body may hand out the same array again, once the
 * server has asked for the chunk after next. The server sends or copies every chunk before that (it looks at most
 * one chunk ahead: a body of one chunk gets a Content-Length), so two arrays used in turn stream without a copy per
 * chunk. Middleware that keeps chunks beyond that must copy them.
 */
public interface Body extends Iterable<byte[]>, AutoCloseable {
    /** The total number of bytes, when known before iterating (PEP 3333's len() hint); the server may use it. */
    default OptionalLong knownLength() {
        return OptionalLong.empty();
    }

    /** Releases the body's resources. Must not throw checked exceptions. */
    @Override
    default void close() {}

    static Body empty() {
        return of(List.of());
    }

    static Body of(byte[]... chunks) {
        return of(List.of(chunks));
    }

    static Body of(String utf8) {
        return of(utf8.getBytes(StandardCharsets.UTF_8));
    }

    /** A body over chunks held in memory; its known length is their total. */
    static Body of(List<byte[]> chunks) {
        long total = 0;
        for (byte[] c : chunks) total += c.length;
        long length = total;
        return new Body() {
            @Override
            public Iterator<byte[]> iterator() {
                return chunks.iterator();
            }

            @Override
            public OptionalLong knownLength() {
                return OptionalLong.of(length);
            }
        };
    }

    /**
     * A streamed body: {@code next} returns the next chunk, or null at the end; {@code onClose} runs when the server
     * closes the body. {@code length} is the known total, or -1.
     */
    static Body generate(Supplier<byte[]> next, long length, Runnable onClose) {
        return new Body() {
            @Override
            public Iterator<byte[]> iterator() {
                return new Iterator<>() {
                    private byte[] pending;
                    private boolean done;

                    @Override
                    public boolean hasNext() {
                        if (pending == null && !done) {
                            pending = next.get();
                            done = pending == null;
                        }
                        return pending != null;
                    }

                    @Override
                    public byte[] next() {
                        if (!hasNext()) throw new NoSuchElementException();
                        byte[] c = pending;
                        pending = null;
                        return c;
                    }
                };
            }

            @Override
            public OptionalLong knownLength() {
                return length < 0 ? OptionalLong.empty() : OptionalLong.of(length);
            }

            @Override
            public void close() {
                onClose.run();
            }
        };
    }

    /** This body with {@code onClose} run after its own close (for middleware that must observe completion). */
    default Body onClose(Runnable onClose) {
        Body self = this;
        return new Body() {
            @Override
            public Iterator<byte[]> iterator() {
                return self.iterator();
            }

            @Override
            public OptionalLong knownLength() {
                return self.knownLength();
            }

            @Override
            public void close() {
                try {
                    self.close();
                } finally {
                    onClose.run();
                }
            }
        };
    }
}
