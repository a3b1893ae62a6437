package io.jstack.http.middleware;

import static org.junit.jupiter.api.Assertions.*;

import io.jstack.http.gateway.Application;
import io.jstack.http.gateway.Body;
import io.jstack.http.gateway.Environ;
import io.jstack.http.gateway.Header;
import java.util.List;
import org.junit.jupiter.api.Test;

class LintTest {
    final Lint lint = new Lint();

    static Application status(String status, List<Header> headers) {
        return (env, sr) -> {
            sr.start(status, headers);
            return Body.empty();
        };
    }

    static final List<Header> TEXT = List.of(Header.of("Content-Type", "text/plain"));

    @Test
    void aCorrectApplicationPasses() throws Exception {
        assertEquals("hi", Gateway.run(lint.apply(Gateway.text("hi")), Gateway.get("/")).text());
    }

    @Test
    void environMissingARequiredKeyIsCaught() {
        var env = Gateway.get("/");
        env.remove(Environ.SERVER_PORT);
        assertThrows(Lint.LintError.class, () -> Gateway.run(lint.apply(Gateway.text("x")), env));
    }

    @Test
    void environWithHttpContentTypeIsCaught() {
        var env = Gateway.get("/");
        env.put("HTTP_CONTENT_TYPE", "text/plain");
        assertThrows(Lint.LintError.class, () -> Gateway.run(lint.apply(Gateway.text("x")), env));
    }

    @Test
    void environPathChecks() {
        var env = Gateway.get("/");
        env.put(Environ.PATH_INFO, "relative");
        assertThrows(Lint.LintError.class, () -> Gateway.run(lint.apply(Gateway.text("x")), env));
        var env2 = Gateway.get("/");
        env2.put(Environ.SCRIPT_NAME, "/");
        assertThrows(Lint.LintError.class, () -> Gateway.run(lint.apply(Gateway.text("x")), env2));
        var env3 = Gateway.get("/");
        env3.put(Environ.CONTENT_LENGTH, "abc");
        assertThrows(Lint.LintError.class, () -> Gateway.run(lint.apply(Gateway.text("x")), env3));
        var env4 = Gateway.get("/");
        env4.put(Environ.URL_SCHEME, "ftp");
        assertThrows(Lint.LintError.class, () -> Gateway.run(lint.apply(Gateway.text("x")), env4));
    }

    @Test
    void badStatusLinesAreCaught() {
        for (String s : List.of("200", "200OK", "20 OK", "099 Low", "abc Nope"))
            assertThrows(Lint.LintError.class, () -> Gateway.run(lint.apply(status(s, TEXT)), Gateway.get("/")), s);
    }

    @Test
    void headerRulesAreCaught() {
        assertThrows(Lint.LintError.class, () -> Gateway.run(lint.apply(status("200 OK", List.of())), Gateway.get("/")),
                "missing Content-Type");
        assertThrows(Lint.LintError.class, () -> Gateway.run(lint.apply(status("204 No Content", TEXT)), Gateway.get("/")),
                "Content-Type on 204");
        assertThrows(Lint.LintError.class, () -> Gateway.run(lint.apply(status("200 OK",
                List.of(Header.of("Content-Type", "a/b"), Header.of("Connection", "close")))), Gateway.get("/")));
        assertThrows(Lint.LintError.class, () -> Gateway.run(lint.apply(status("200 OK",
                List.of(Header.of("Content-Type", "a/b"), Header.of("Status", "200")))), Gateway.get("/")));
        assertThrows(Lint.LintError.class, () -> Gateway.run(lint.apply(status("200 OK",
                List.of(Header.of("Content-Type", "a/b"), Header.of("X-", "1")))), Gateway.get("/")));
        assertDoesNotThrow(() -> Gateway.run(lint.apply(status("204 No Content", List.of())), Gateway.get("/")));
    }

    @Test
    void startResponseTwiceWithoutExcInfoIsCaught() {
        Application twice = (env, sr) -> {
            sr.start("200 OK", TEXT);
            sr.start("200 OK", TEXT);
            return Body.empty();
        };
        assertThrows(Lint.LintError.class, () -> Gateway.run(lint.apply(twice), Gateway.get("/")));
        Application withExcInfo = (env, sr) -> {
            sr.start("200 OK", TEXT);
            sr.start("500 Oops", TEXT, new RuntimeException());
            return Body.empty();
        };
        assertDoesNotThrow(() -> Gateway.run(lint.apply(withExcInfo), Gateway.get("/")));
    }

    @Test
    void bodyBeforeStartResponseIsCaught() {
        assertThrows(Lint.LintError.class, () -> Gateway.run(lint.apply((env, sr) -> Body.of("x")), Gateway.get("/")));
    }

    @Test
    void nullBodyAndNullChunkAreCaught() {
        assertThrows(Lint.LintError.class, () -> Gateway.run(lint.apply((env, sr) -> null), Gateway.get("/")));
        Application nullChunk = (env, sr) -> {
            sr.start("200 OK", TEXT);
            return (Body) () -> java.util.Arrays.asList((byte[]) null).iterator();
        };
        assertThrows(Lint.LintError.class, () -> Gateway.run(lint.apply(nullChunk), Gateway.get("/")));
    }

    @Test
    void serverSideDoubleCloseAndIterationAfterCloseAreCaught() throws Exception {
        var body = lint.apply(Gateway.text("x")).call(Gateway.get("/"), new io.jstack.http.gateway.StartResponse() {
            public io.jstack.http.gateway.Write start(String s, List<Header> h) {
                return d -> {};
            }

            public io.jstack.http.gateway.Write start(String s, List<Header> h, Throwable e) {
                return d -> {};
            }
        });
        var it = body.iterator();
        body.close();
        assertThrows(Lint.LintError.class, it::hasNext);
        assertThrows(Lint.LintError.class, body::close);
    }

    @Test
    void closingInputIsCaught() {
        Application closer = (env, sr) -> {
            env.input().close();
            return Body.empty();
        };
        assertThrows(Lint.LintError.class, () -> Gateway.run(lint.apply(closer), Gateway.get("/")));
    }
}
