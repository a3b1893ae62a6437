package io.jstack.http.middleware;

import io.jstack.http.gateway.Application;
import io.jstack.http.gateway.Body;
import io.jstack.http.gateway.Environ;
import io.jstack.http.gateway.Header;
import io.jstack.http.gateway.Middleware;
import io.jstack.http.gateway.StartResponse;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Turns an application failure into a 500 page: the stack trace goes to wsgi.errors (the server's log), never to
 * the client. Uses start_response's excInfo as PEP 3333 intends ("Error Handling"): if the headers have already
 * left, start_response rethrows and the server cuts the response.
 */
public final class ErrorPage implements Middleware {
    static final byte[] PAGE = ("<!doctype html><html><head><title>500 Internal Server Error</title></head><body>"
            + "<h1>Internal Server Error</h1><p>The server could not complete your request.</p></body></html>\n")
            .getBytes(StandardCharsets.UTF_8);
    static final List<Header> HEADERS = List.of(Header.of("Content-Type", "text/html; charset=utf-8"));

    @Override
    public Application apply(Application app) {
        return (env, sr) -> {
            Body body;
            try {
                body = app.call(env, sr);
            } catch (Exception e) {
                return errorPage(env, sr, e);
            }
            return new Body() {
                @Override
                public Iterator<byte[]> iterator() {
                    return new Guarded(body, env, sr);
                }

                @Override
                public java.util.OptionalLong knownLength() {
                    return body.knownLength();
                }

                @Override
                public void close() {
                    body.close();
                }
            };
        };
    }

    static Body errorPage(Environ env, StartResponse sr, Throwable e) {
        log(env, e);
        sr.start("500 Internal Server Error", HEADERS, e);
        return Body.of(PAGE);
    }

    static void log(Environ env, Throwable e) {
        var w = env.errors();
        synchronized (w) {
            w.println("error page: " + env.method() + " " + env.scriptName() + env.pathInfo() + " failed:");
            e.printStackTrace(w);
            w.flush();
        }
    }

    /** Iterates the application's body; a failure before any bytes left becomes the error page. */
    private static final class Guarded implements Iterator<byte[]> {
        private final Iterator<byte[]> it;
        private final Environ env;
        private final StartResponse sr;
        private boolean emitted, failed, pageSent;

        Guarded(Body body, Environ env, StartResponse sr) {
            this.env = env;
            this.sr = sr;
            Iterator<byte[]> i;
            try {
                i = body.iterator();
            } catch (RuntimeException e) {
                i = null;
                fail(e);
            }
            this.it = i;
        }

        private void fail(RuntimeException e) {
            if (emitted) throw e; // the headers may have left; let the server abort
            log(env, e);
            sr.start("500 Internal Server Error", HEADERS, e);
            failed = true;
        }

        @Override
        public boolean hasNext() {
            if (failed) return !pageSent;
            try {
                return it.hasNext();
            } catch (RuntimeException e) {
                fail(e);
                return true;
            }
        }

        @Override
        public byte[] next() {
            if (failed) {
                if (pageSent) throw new NoSuchElementException();
                pageSent = true;
                return PAGE;
            }
            try {
                byte[] c = it.next();
                emitted |= c != null && c.length > 0;
                return c;
            } catch (NoSuchElementException e) {
                throw e;
            } catch (RuntimeException e) {
                fail(e);
                pageSent = true;
                return PAGE;
            }
        }
    }
}
