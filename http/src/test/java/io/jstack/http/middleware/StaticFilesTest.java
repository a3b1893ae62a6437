package io.jstack.http.middleware;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticFilesTest {
    @TempDir
    Path dir;

    StaticFiles files;
    static final Instant MTIME = Instant.parse("2026-01-02T03:04:05Z");

    @BeforeEach
    void setUp() throws Exception {
        Path root = Files.createDirectory(dir.resolve("root"));
        Files.writeString(root.resolve("a.txt"), "0123456789");
        Files.setLastModifiedTime(root.resolve("a.txt"), FileTime.from(MTIME));
        Files.createDirectory(root.resolve("sub"));
        Files.writeString(root.resolve("sub/index.html"), "<p>index</p>");
        Files.writeString(dir.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(root.resolve("escape.txt"), dir.resolve("secret.txt"));
        files = new StaticFiles(root, StaticFiles.notFound());
    }

    Gateway.Result get(String path, Map<String, String> headers) throws Exception {
        return Gateway.run(files, Gateway.environ("GET", path, headers, new byte[0]));
    }

    @Test
    void servesAFileWithTypeLengthLastModifiedAndEtag() throws Exception {
        var r = get("/a.txt", Map.of());
        assertEquals(200, r.code());
        assertEquals("0123456789", r.text());
        assertEquals("text/plain; charset=utf-8", r.header("Content-Type"));
        assertEquals("10", r.header("Content-Length"));
        assertEquals("Fri, 02 Jan 2026 03:04:05 GMT", r.header("Last-Modified"));
        assertNotNull(r.header("ETag"));
    }

    @Test
    void directoryServesItsIndex() throws Exception {
        var r = get("/sub/", Map.of());
        assertEquals("<p>index</p>", r.text());
        assertEquals("text/html; charset=utf-8", r.header("Content-Type"));
    }

    @Test
    void pathTraversalIsRefused() throws Exception {
        for (String p : new String[] {"/../secret.txt", "/sub/../../secret.txt", "/escape.txt", "/..", "/a.txt\0"})
            assertEquals(404, get(p, Map.of()).code(), p);
    }

    @Test
    void rfc9110Section13_1_2IfNoneMatchGives304() throws Exception {
        String etag = get("/a.txt", Map.of()).header("ETag");
        var r = get("/a.txt", Map.of("If-None-Match", "W/" + etag));
        assertEquals(304, r.code());
        assertEquals(0, r.body().length);
        assertEquals(200, get("/a.txt", Map.of("If-None-Match", "\"other\"")).code());
    }

    @Test
    void rfc9110Section13_1_3IfModifiedSinceGives304() throws Exception {
        assertEquals(304, get("/a.txt", Map.of("If-Modified-Since", "Fri, 02 Jan 2026 03:04:05 GMT")).code());
        assertEquals(200, get("/a.txt", Map.of("If-Modified-Since", "Fri, 02 Jan 2026 03:04:04 GMT")).code());
        assertEquals(200, get("/a.txt", Map.of("If-Modified-Since", "garbage")).code());
    }

    @Test
    void rfc9110Section14_2ByteRanges() throws Exception {
        var r = get("/a.txt", Map.of("Range", "bytes=2-4"));
        assertEquals(206, r.code());
        assertEquals("234", r.text());
        assertEquals("bytes 2-4/10", r.header("Content-Range"));
        assertEquals("789", get("/a.txt", Map.of("Range", "bytes=-3")).text());
        assertEquals("89", get("/a.txt", Map.of("Range", "bytes=8-")).text());
        assertEquals("56789", get("/a.txt", Map.of("Range", "bytes=5-100")).text());
        var bad = get("/a.txt", Map.of("Range", "bytes=10-"));
        assertEquals(416, bad.code());
        assertEquals("bytes */10", bad.header("Content-Range"));
        assertEquals(200, get("/a.txt", Map.of("Range", "bytes=0-1,3-4")).code());
    }

    @Test
    void rfc9110Section13_1_5IfRangeWithAnotherEtagSendsTheWholeFile() throws Exception {
        var r = get("/a.txt", Map.of("Range", "bytes=2-4", "If-Range", "\"stale\""));
        assertEquals(200, r.code());
        assertEquals("0123456789", r.text());
    }

    @Test
    void headHasHeadersButNoBodyAndOtherMethodsGet405() throws Exception {
        var head = Gateway.run(files, Gateway.environ("HEAD", "/a.txt", Map.of(), new byte[0]));
        assertEquals("10", head.header("Content-Length"));
        assertEquals(0, head.body().length);
        assertEquals(405, Gateway.run(files, Gateway.environ("POST", "/a.txt", Map.of(), new byte[0])).code());
    }
}
