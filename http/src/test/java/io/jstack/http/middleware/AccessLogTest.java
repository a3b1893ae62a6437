package io.jstack.http.middleware;

import static org.junit.jupiter.api.Assertions.*;

import io.jstack.http.gateway.Body;
import io.jstack.http.gateway.Header;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccessLogTest {
    @Test
    void writesGunicornsDefaultFormatWhenTheBodyIsClosed() throws Exception {
        var lines = new ArrayList<String>();
        var clock = Clock.fixed(Instant.parse("2026-11-25T20:40:35Z"), ZoneOffset.UTC);
        var app = new AccessLog(lines::add, clock).apply((env, sr) -> {
            sr.start("404 Not Found", List.of(Header.of("Content-Type", "text/plain")));
            return Body.of("abc".getBytes(), "de".getBytes());
        });
        var env = Gateway.environ("GET", "/x?y=1", Map.of("User-Agent", "curl/8.0", "Referer", "http://r/"), new byte[0]);
        env.put("RAW_URI", "/x?y=1");
        Gateway.run(app, env);
        assertEquals(List.of("10.0.0.1 - - [25/Nov/2026:20:40:35 +0000] \"GET /x?y=1 HTTP/1.1\" 404 5 \"http://r/\" \"curl/8.0\""), lines);
    }

    @Test
    void missingRefererAndAgentAreDashes() throws Exception {
        var lines = new ArrayList<String>();
        var app = new AccessLog(lines::add, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC)).apply(Gateway.text(""));
        Gateway.run(app, Gateway.get("/"));
        assertEquals("10.0.0.1 - - [01/Jan/1970:00:00:00 +0000] \"GET / HTTP/1.1\" 200 0 \"-\" \"-\"", lines.get(0));
    }
}
