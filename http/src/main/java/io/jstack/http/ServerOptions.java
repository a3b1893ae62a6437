package io.jstack.http;

import java.io.PrintWriter;
import java.time.Clock;

/**
 * How a server runs.
 *
 * @param limits parser limits and timeouts
 * @param serverHeader the Server field value (RFC 9110 §10.2.4)
 * @param urlScheme wsgi.url_scheme: "http", or "https" behind a TLS terminator
 * @param errorLog where application errors and wsgi.errors go
 * @param clock the wall clock for the Date field (RFC 9110 §6.6.1)
 */
public record ServerOptions(HttpLimits limits, String serverHeader, String urlScheme, PrintWriter errorLog, Clock clock) {
    public static ServerOptions defaults() {
        return new ServerOptions(HttpLimits.DEFAULT, "jstack", "http", new PrintWriter(System.err, true), Clock.systemUTC());
    }

    public ServerOptions withLimits(HttpLimits l) {
        return new ServerOptions(l, serverHeader, urlScheme, errorLog, clock);
    }

    public ServerOptions withErrorLog(PrintWriter w) {
        return new ServerOptions(limits, serverHeader, urlScheme, w, clock);
    }

    public ServerOptions withClock(Clock c) {
        return new ServerOptions(limits, serverHeader, urlScheme, errorLog, c);
    }
}
