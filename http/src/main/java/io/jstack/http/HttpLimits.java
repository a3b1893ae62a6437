package io.jstack.http;

import java.time.Duration;

/**
 * The server's limits and timeouts. The defaults of the size limits are Gunicorn's ({@code limit_request_line}
 * 4094, {@code limit_request_fields} 100, {@code limit_request_field_size} 8190).
 *
 * @param maxRequestLineBytes request line without CRLF; longer gets 414 (RFC 9112 §3)
 * @param maxHeaderFields header plus trailer field lines; more gets 431 (RFC 6585 §5)
 * @param maxFieldBytes one field line without CRLF; longer gets 431
 * @param maxBodyBytes request content; larger gets 413 (RFC 9110 §15.5.14); Long.MAX_VALUE means no limit
 * @param headerTimeout time allowed for a whole request head to arrive once its first byte has (slowloris)
 * @param idleTimeout time a persistent connection may wait for the next request
 * @param bodyReadTimeout time a single read of the request body may wait
 * @param drainBytes unread request content the server reads and discards to keep a connection; more closes it
 */
public record HttpLimits(int maxRequestLineBytes, int maxHeaderFields, int maxFieldBytes, long maxBodyBytes,
        Duration headerTimeout, Duration idleTimeout, Duration bodyReadTimeout, long drainBytes) {
    public static final HttpLimits DEFAULT = new HttpLimits(4094, 100, 8190, Long.MAX_VALUE, Duration.ofSeconds(10),
            Duration.ofSeconds(15), Duration.ofSeconds(30), 1 << 20);

    public HttpLimits {
        if (maxRequestLineBytes < 16 || maxHeaderFields < 1 || maxFieldBytes < 16 || maxBodyBytes < 0)
            throw new IllegalArgumentException("limits too small");
    }

    public HttpLimits withMaxBodyBytes(long bytes) {
        return new HttpLimits(maxRequestLineBytes, maxHeaderFields, maxFieldBytes, bytes, headerTimeout,
                idleTimeout, bodyReadTimeout, drainBytes);
    }

    public HttpLimits withTimeouts(Duration header, Duration idle, Duration bodyRead) {
        return new HttpLimits(maxRequestLineBytes, maxHeaderFields, maxFieldBytes, maxBodyBytes, header, idle,
                bodyRead, drainBytes);
    }
}
