package io.jstack.http.middleware;

import static org.junit.jupiter.api.Assertions.*;

import io.jstack.http.gateway.Application;
import io.jstack.http.gateway.Body;
import io.jstack.http.gateway.Header;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionsTest {
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();

    /** Counts visits in the session. */
    static final Application COUNTER = (env, sr) -> {
        var s = Sessions.of(env);
        int n = Integer.parseInt(s.getOrDefault("n", "0")) + 1;
        s.put("n", Integer.toString(n));
        sr.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
        return Body.of(Integer.toString(n));
    };

    static String cookie(Gateway.Result r) {
        String set = r.header("Set-Cookie");
        return set.substring(0, set.indexOf(';'));
    }

    @Test
    void sessionSurvivesARoundTripThroughTheCookie() throws Exception {
        var app = new Sessions(KEY, "s", Duration.ofHours(1), Clock.systemUTC()).apply(COUNTER);
        var first = Gateway.run(app, Gateway.get("/"));
        assertEquals("1", first.text());
        assertTrue(first.header("Set-Cookie").contains("HttpOnly"));
        var second = Gateway.run(app, Gateway.environ("GET", "/", Map.of("Cookie", "x=1; " + cookie(first)), new byte[0]));
        assertEquals("2", second.text());
    }

    @Test
    void tamperedOrForeignCookieGivesAnEmptySession() throws Exception {
        var app = new Sessions(KEY, "s", Duration.ofHours(1), Clock.systemUTC()).apply(COUNTER);
        String c = cookie(Gateway.run(app, Gateway.get("/")));
        String value = c.substring(2);
        String payload = value.substring(0, value.indexOf('.'));
        String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(payload)).replace("n=1", "n=99").getBytes());
        String tampered = "s=" + forged + value.substring(value.indexOf('.'));
        assertEquals("1", Gateway.run(app, Gateway.environ("GET", "/", Map.of("Cookie", tampered), new byte[0])).text());
        var other = new Sessions("another key, also 32 bytes long!".getBytes(), "s", Duration.ofHours(1), Clock.systemUTC()).apply(COUNTER);
        assertEquals("1", Gateway.run(other, Gateway.environ("GET", "/", Map.of("Cookie", c), new byte[0])).text());
    }

    @Test
    void expiredCookieGivesAnEmptySession() throws Exception {
        var t0 = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        var later = Clock.fixed(Instant.parse("2026-01-01T02:00:00Z"), ZoneOffset.UTC);
        String c = cookie(Gateway.run(new Sessions(KEY, "s", Duration.ofHours(1), t0).apply(COUNTER), Gateway.get("/")));
        var app = new Sessions(KEY, "s", Duration.ofHours(1), later).apply(COUNTER);
        assertEquals("1", Gateway.run(app, Gateway.environ("GET", "/", Map.of("Cookie", c), new byte[0])).text());
    }

    @Test
    void unchangedSessionSetsNoCookie() throws Exception {
        var app = new Sessions(KEY, "s", Duration.ofHours(1), Clock.systemUTC()).apply(Gateway.text("x"));
        assertNull(Gateway.run(app, Gateway.get("/")).header("Set-Cookie"));
    }
}
