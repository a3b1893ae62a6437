package io.jstack.http.gateway;

import java.util.List;

/**
 * start_response (PEP 3333 "The start_response() Callable"). The status is a status line without the version, e.g.
 * {@code "200 OK"}; headers are (name, value) pairs that the server sends with the first non-empty body chunk.
 *
 * <p>Rules, enforced by the server: calling {@code start} a second time without {@code excInfo} throws {@link
 * IllegalStateException}. With {@code excInfo} (an error caught by the application or a middleware) the call replaces
 * the status and headers if none have been sent; if they have been sent, it rethrows {@code excInfo} (wrapped in
 * {@link HeadersAlreadySent} when checked) so the server aborts the response.
 */
public interface StartResponse {
    Write start(String status, List<Header> headers);

    Write start(String status, List<Header> headers, Throwable excInfo);

    /** Thrown by {@code start(…, excInfo)} after the headers were sent, carrying the application's error. */
    final class HeadersAlreadySent extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public HeadersAlreadySent(Throwable cause) {
            super("headers already sent", cause);
        }

        /** PEP 3333: "raise exc_info[1].with_traceback(exc_info[2])": unchecked errors are rethrown as they are. */
        public static RuntimeException rethrow(Throwable excInfo) {
            if (excInfo instanceof RuntimeException r) return r;
            if (excInfo instanceof Error e) throw e;
            return new HeadersAlreadySent(excInfo);
        }
    }
}
