package io.jstack.http.middleware;

import io.jstack.http.gateway.Application;
import io.jstack.http.gateway.Body;
import io.jstack.http.gateway.Environ;
import io.jstack.http.gateway.Header;
import io.jstack.http.gateway.Middleware;
import io.jstack.http.gateway.StartResponse;
import io.jstack.http.gateway.Write;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks both sides of the gateway contract, as Python's {@code wsgiref.validate} does: the environ the server
 * built, and the status, headers, write calls and body of the application. A violation throws {@link LintError}
 * (wsgiref raises AssertionError), which the server logs and answers with 500.
 *
 * @spec https://peps.python.org/pep-3333/ PEP 3333
 */
public final class Lint implements Middleware {
    /** A broken rule of the gateway contract. */
    public static final class LintError extends AssertionError {
        private static final long serialVersionUID = 1L;

        public LintError(String message) {
            super(message);
        }
    }

    private static final Set<String> REQUIRED = Set.of(Environ.REQUEST_METHOD, Environ.SERVER_NAME,
            Environ.SERVER_PORT, Environ.VERSION, Environ.INPUT, Environ.ERRORS, Environ.MULTITHREAD,
            Environ.MULTIPROCESS, Environ.RUN_ONCE);
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "trailers", "transfer-encoding", "upgrade");

    static void check(boolean ok, String message) {
        if (!ok) throw new LintError(message);
    }

    @Override
    public Application apply(Application app) {
        return (env, sr) -> {
            checkEnviron(env);
            env.put(Environ.INPUT, new CheckedInput(env.input()));
            var checked = new CheckedStartResponse(sr);
            Body body = app.call(env, checked);
            check(body != null, "the application must return a Body, not null");
            return new CheckedBody(body, checked);
        };
    }

    /** The server side: wsgiref.validate's check_environ. */
    static void checkEnviron(Environ env) {
        check(env != null, "environ is null");
        for (String key : REQUIRED) check(env.containsKey(key), "environ lacks the required key " + key);
        for (String key : List.of("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"))
            check(!env.containsKey(key), "environ must not contain " + key + " (use " + key.substring(5) + ")");
        for (Map.Entry<String, Object> e : env.entrySet()) {
            if (e.getKey().contains(".")) continue; // extension keys may hold any type
            check(e.getValue() instanceof String, "environ value of " + e.getKey() + " is not a String: " + e.getValue());
        }
        check(env.get(Environ.VERSION) instanceof List<?> v && v.size() == 2, "wsgi.version must be a list of two ints");
        check(env.get(Environ.INPUT) instanceof InputStream, "wsgi.input must be an InputStream");
        check(env.get(Environ.ERRORS) instanceof PrintWriter, "wsgi.errors must be a PrintWriter");
        for (String key : List.of(Environ.MULTITHREAD, Environ.MULTIPROCESS, Environ.RUN_ONCE))
            check(env.get(key) instanceof Boolean, key + " must be a Boolean");
        String scheme = env.urlScheme();
        check(scheme.equals("http") || scheme.equals("https"), "wsgi.url_scheme is neither http nor https: " + scheme);
        check(Header.isToken(env.method()), "REQUEST_METHOD is not a token: " + env.method());
        String script = env.scriptName(), path = env.pathInfo();
        check(script.isEmpty() || script.startsWith("/"), "SCRIPT_NAME must be empty or start with /: " + script);
        check(path.isEmpty() || path.startsWith("/") || path.equals("*") && env.method().equals("OPTIONS"),
                "PATH_INFO must be empty or start with /: " + path);
        check(!script.equals("/"), "SCRIPT_NAME must not be \"/\"; it belongs in PATH_INFO");
        check(!script.isEmpty() || !path.isEmpty(), "one of SCRIPT_NAME or PATH_INFO is required");
        if (env.get(Environ.CONTENT_LENGTH) instanceof String cl)
            check(cl.matches("[0-9]+"), "CONTENT_LENGTH is not a number: " + cl);
    }

    /** The application side of start_response: wsgiref.validate's check_status, check_headers, check_exc_info. */
    static final class CheckedStartResponse implements StartResponse {
        private final StartResponse inner;
        boolean started;
        int code;
        boolean hasContentType;

        CheckedStartResponse(StartResponse inner) {
            this.inner = inner;
        }

        @Override
        public Write start(String status, List<Header> headers) {
            check(!started, "start_response called a second time without excInfo");
            return start(status, headers, null);
        }

        @Override
        public Write start(String status, List<Header> headers, Throwable excInfo) {
            check(excInfo != null || !started, "start_response called a second time without excInfo");
            check(status != null, "status is null");
            check(status.length() >= 4 && status.substring(0, 3).chars().allMatch(Character::isDigit),
                    "status must start with a three-digit code: " + status);
            check(status.charAt(3) == ' ', "status code must be followed by a single space and a reason: " + status);
            check(status.length() > 4, "status lacks a reason phrase: " + status);
            int c = Integer.parseInt(status.substring(0, 3));
            check(c >= 100, "status code must be at least 100: " + status);
            check(headers != null, "headers is null");
            boolean contentType = false;
            for (var h : headers) {
                check(h != null, "a header is null");
                String name = h.name().toLowerCase(Locale.ROOT);
                check(!name.equals("status"), "the status goes in the status line, not a Status header");
                check(!name.endsWith("-") && !name.endsWith("_"), "header names must not end in - or _: " + h.name());
                check(!HOP_BY_HOP.contains(name), "hop-by-hop header not allowed: " + h.name());
                contentType |= name.equals("content-type");
            }
            // wsgiref.validate check_content_type: 204 and 304 have no content, every other response names its type.
            if (c == 204 || c == 304) check(!contentType, "a " + c + " response must not have a Content-Type");
            else if (c >= 200) check(contentType, "no Content-Type header in a " + c + " response");
            started = true;
            code = c;
            hasContentType = contentType;
            Write w = excInfo == null ? inner.start(status, headers) : inner.start(status, headers, excInfo);
            return data -> {
                check(data != null, "write() needs bytes, not null");
                w.write(data);
            };
        }
    }

    /** wsgiref.validate's IteratorWrapper: start_response before the first bytes; no iteration after close. */
    static final class CheckedBody implements Body {
        private final Body inner;
        private final CheckedStartResponse sr;
        private boolean closed, iterated;

        CheckedBody(Body inner, CheckedStartResponse sr) {
            this.inner = inner;
            this.sr = sr;
        }

        @Override
        public java.util.OptionalLong knownLength() {
            return inner.knownLength();
        }

        @Override
        public Iterator<byte[]> iterator() {
            check(!iterated, "the server must iterate the body only once");
            iterated = true;
            var it = inner.iterator();
            check(it != null, "the body's iterator is null");
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    check(!closed, "body iterated after close()");
                    return it.hasNext();
                }

                @Override
                public byte[] next() {
                    check(!closed, "body iterated after close()");
                    byte[] c = it.next();
                    check(c != null, "the body yielded null instead of bytes");
                    check(sr.started || c.length == 0,
                            "the application yielded bytes before calling start_response");
                    return c;
                }
            };
        }

        @Override
        public void close() {
            check(!closed, "close() called twice on the body");
            closed = true;
            inner.close();
        }
    }

    /** wsgiref.validate's InputWrapper: the application must not close wsgi.input. */
    static final class CheckedInput extends InputStream {
        private final InputStream in;

        CheckedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check(b != null && off >= 0 && len >= 0 && off + len <= b.length, "invalid arguments to wsgi.input.read");
            return in.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() {
            throw new LintError("the application must not close wsgi.input");
        }
    }
}
