package io.jstack.http.middleware;

import io.jstack.http.gateway.Application;
import io.jstack.http.gateway.Body;
import io.jstack.http.gateway.Environ;
import io.jstack.http.gateway.Header;
import io.jstack.http.gateway.StartResponse;
import io.jstack.http.gateway.Write;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

/** A minimal in-memory gateway server for middleware tests: builds an environ, runs the app, always closes. */
final class Gateway {
    record Result(String status, List<Header> headers, byte[] body, String errors) {
        int code() {
            return Integer.parseInt(status.substring(0, 3));
        }

        String header(String name) {
            return Header.find(headers, name);
        }

        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    static Environ environ(String method, String path, Map<String, String> headers, byte[] body) {
        var env = new Environ();
        env.put(Environ.REQUEST_METHOD, method);
        env.put(Environ.SCRIPT_NAME, "");
        int q = path.indexOf('?');
        env.put(Environ.PATH_INFO, q < 0 ? path : path.substring(0, q));
        env.put(Environ.QUERY_STRING, q < 0 ? "" : path.substring(q + 1));
        env.put(Environ.SERVER_NAME, "localhost");
        env.put(Environ.SERVER_PORT, "80");
        env.put(Environ.SERVER_PROTOCOL, "HTTP/1.1");
        env.put(Environ.REMOTE_ADDR, "10.0.0.1");
        env.put(Environ.REMOTE_PORT, "40000");
        if (body.length > 0) env.put(Environ.CONTENT_LENGTH, Integer.toString(body.length));
        headers.forEach((k, v) -> {
            if (k.equalsIgnoreCase("Content-Type")) env.put(Environ.CONTENT_TYPE, v);
            else env.put(Environ.httpKey(k), v);
        });
        env.put(Environ.INPUT, new ByteArrayInputStream(body));
        env.put(Environ.ERRORS, new PrintWriter(new StringWriter(), true));
        env.put(Environ.URL_SCHEME, "http");
        env.put(Environ.VERSION, Environ.WSGI_VERSION);
        env.put(Environ.MULTITHREAD, true);
        env.put(Environ.MULTIPROCESS, false);
        env.put(Environ.RUN_ONCE, false);
        return env;
    }

    static Environ get(String path) {
        return environ("GET", path, Map.of(), new byte[0]);
    }

    /** Runs the app as a server would (PEP 3333 rules for start_response, always close); errors propagate. */
    static Result run(Application app, Environ env) throws Exception {
        var log = new StringWriter();
        env.put(Environ.ERRORS, new PrintWriter(log, true));
        var out = new ByteArrayOutputStream();
        var sr = new StartResponse() {
            String status;
            List<Header> headers;
            boolean sent;

            @Override
            public Write start(String s, List<Header> h) {
                return start(s, h, null);
            }

            @Override
            public Write start(String s, List<Header> h, Throwable excInfo) {
                if (excInfo != null) {
                    if (sent) throw HeadersAlreadySent.rethrow(excInfo);
                } else if (status != null) throw new IllegalStateException("start_response called twice");
                status = s;
                headers = h;
                return data -> {
                    sent = true;
                    out.write(data);
                };
            }
        };
        Body body = app.call(env, sr);
        try {
            for (byte[] c : body) {
                if (c.length > 0) {
                    if (sr.status == null) throw new IllegalStateException("bytes before start_response");
                    sr.sent = true;
                }
                out.write(c);
            }
        } finally {
            body.close();
        }
        return new Result(sr.status, sr.headers, out.toByteArray(), log.toString());
    }

    static Application text(String s) {
        return (env, sr) -> {
            sr.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
            return Body.of(s);
        };
    }
}
