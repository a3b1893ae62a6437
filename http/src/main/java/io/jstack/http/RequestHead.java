package io.jstack.http;

import java.util.List;

/**
 * The validated meaning of a request head (RFC 9112 §3 request-line, §5 field lines).
 *
 * @param method the method token, a shared constant for the registered methods
 * @param target the request-target as received
 * @param contentLength the Content-Length, or -1 when absent (no body, or chunked)
 * @param keepAlive whether the connection persists after this exchange (RFC 9112 §9.3)
 * @param expectContinue whether the client waits for 100 Continue before sending content (RFC 9110 §10.1.1)
 */
public record RequestHead(String method, String target, HttpVersion version, List<Field> fields,
        long contentLength, boolean chunked, boolean keepAlive, boolean expectContinue) {
    /** A field line (RFC 9110 §5); the name as received, the value without surrounding whitespace. */
    public record Field(String name, String value) {}

    public RequestHead {
        fields = List.copyOf(fields);
    }

    /** Whether the request carries content (RFC 9112 §6.3). */
    public boolean hasBody() {
        return chunked || contentLength > 0;
    }

    /** The first value of field {@code name} (case-insensitive), or null. */
    public String field(String name) {
        for (var f : fields) if (f.name().equalsIgnoreCase(name)) return f.value();
        return null;
    }

    public String requestLine() {
        return method + " " + target + " " + version.text();
    }
}
