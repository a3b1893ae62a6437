package io.jstack.http.middleware;

import static org.junit.jupiter.api.Assertions.*;

import io.jstack.http.gateway.Application;
import io.jstack.http.gateway.Body;
import io.jstack.http.gateway.Header;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ErrorPageTest {
    final ErrorPage errorPage = new ErrorPage();

    @Test
    void exceptionFromTheCallGives500AndIsLoggedNotShown() throws Exception {
        Application broken = (env, sr) -> {
            throw new IllegalStateException("db password is hunter2");
        };
        var r = Gateway.run(errorPage.apply(broken), Gateway.get("/"));
        assertEquals(500, r.code());
        assertFalse(r.text().contains("hunter2"));
        assertTrue(r.text().contains("Internal Server Error"));
        assertTrue(r.errors().contains("hunter2"));
    }

    @Test
    void exceptionDuringIterationBeforeAnyBytesReplacesTheResponse() throws Exception {
        var closed = new AtomicBoolean();
        Application lazy = (env, sr) -> {
            sr.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
            return Body.generate(() -> {
                throw new IllegalStateException("late");
            }, -1, () -> closed.set(true));
        };
        var r = Gateway.run(errorPage.apply(lazy), Gateway.get("/"));
        assertEquals(500, r.code());
        assertTrue(r.errors().contains("late"));
        assertTrue(closed.get());
    }

    @Test
    void exceptionAfterBytesLeftPropagatesToTheServer() {
        var step = new int[1];
        Application midway = (env, sr) -> {
            sr.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
            return Body.generate(() -> {
                if (step[0]++ == 0) return "part".getBytes();
                throw new IllegalStateException("midway");
            }, -1, () -> {});
        };
        assertThrows(IllegalStateException.class, () -> Gateway.run(errorPage.apply(midway), Gateway.get("/")));
    }

    @Test
    void healthyApplicationPassesUnchanged() throws Exception {
        assertEquals("fine", Gateway.run(errorPage.apply(Gateway.text("fine")), Gateway.get("/")).text());
    }
}
