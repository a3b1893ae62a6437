package io.jstack.http.middleware;

import io.jstack.http.gateway.Application;
import io.jstack.http.gateway.Body;
import io.jstack.http.gateway.Environ;
import io.jstack.http.gateway.Middleware;
import io.jstack.http.gateway.StartResponse;
import io.jstack.http.gateway.Write;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The access log in Gunicorn's default format, {@code %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"}
 * (the Apache combined log format): remote address, "-", user or "-", [time], "request line", status, body bytes,
 * "referer", "user agent". One line is written when the server closes the body, so the byte count is final.
 */
public final class AccessLog implements Middleware {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("'['dd/MMM/yyyy:HH:mm:ss Z']'", Locale.US);
    private final Consumer<String> sink;
    private final Clock clock;

    public AccessLog(Consumer<String> sink, Clock clock) {
        this.sink = sink;
        this.clock = clock;
    }

    @Override
    public Application apply(Application app) {
        return (env, sr) -> {
            var status = new String[] {"-"};
            var bytes = new long[1];
            StartResponse counting = new StartResponse() {
                @Override
                public Write start(String s, List<io.jstack.http.gateway.Header> headers) {
                    status[0] = s.length() >= 3 ? s.substring(0, 3) : s;
                    return counted(sr.start(s, headers));
                }

                @Override
                public Write start(String s, List<io.jstack.http.gateway.Header> headers, Throwable excInfo) {
                    status[0] = s.length() >= 3 ? s.substring(0, 3) : s;
                    return counted(sr.start(s, headers, excInfo));
                }

                private Write counted(Write w) {
                    return data -> {
                        w.write(data);
                        bytes[0] += data.length;
                    };
                }
            };
            Body body;
            try {
                body = app.call(env, counting);
            } catch (Exception | Error e) {
                sink.accept(line(env, "500", 0));
                throw e;
            }
            return new Body() {
                @Override
                public Iterator<byte[]> iterator() {
                    var it = body.iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public byte[] next() {
                            byte[] c = it.next();
                            bytes[0] += c.length;
                            return c;
                        }
                    };
                }

                @Override
                public java.util.OptionalLong knownLength() {
                    return body.knownLength();
                }

                @Override
                public void close() {
                    try {
                        body.close();
                    } finally {
                        sink.accept(line(env, status[0], bytes[0]));
                    }
                }
            };
        };
    }

    String line(Environ env, String status, long bytes) {
        String raw = env.get("RAW_URI") instanceof String r ? r : env.scriptName() + env.pathInfo()
                + (env.queryString().isEmpty() ? "" : "?" + env.queryString());
        String user = env.get("REMOTE_USER") instanceof String u ? u : "-";
        return env.remoteAddr() + " - " + user + " " + TIME.format(clock.instant().atZone(clock.getZone() == null ? ZoneId.of("UTC") : clock.getZone()))
                + " \"" + env.method() + " " + raw + " " + env.protocol() + "\" " + status + " " + bytes
                + " \"" + orDash(env.header("Referer")) + "\" \"" + orDash(env.header("User-Agent")) + "\"";
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s.replace("\"", "\\\"");
    }
}
