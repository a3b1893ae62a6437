package io.jstack.e2e;

import static org.junit.jupiter.api.Assertions.*;

import io.jstack.tools.HttpService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The HTTP server on jstack's own TCP over TUN, driven by the kernel's tools inside a namespace: curl, nc, ab, wrk
 * and a Python slowloris. The host is built by the CLI's code ({@code ServeCommand.buildHost}, {@link HttpService}).
 */
@LiveTun
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpE2eTest {
    static final Duration T = Duration.ofSeconds(60);
    static final String URL = "http://" + LiveHost.HOST_IP;
    Netns ns;
    LiveHost h;
    HttpService http;
    Path dir;

    @BeforeAll
    void start() throws IOException {
        dir = Files.createTempDirectory("js-http-e2e");
        ns = Netns.create();
        try {
            h = LiveHost.start(ns);
            http = HttpService.start(h.host(), HttpService.Options.defaults(), "jstack e2e");
        } catch (RuntimeException | IOException e) {
            if (h != null) h.close();
            ns.close();
            throw e;
        }
    }

    @AfterAll
    void stop() throws IOException {
        try {
            if (http != null) http.close();
            if (h != null) {
                h.assertHealthy();
                h.close();
            }
        } finally {
            ns.close();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    Exec.Result sh(String script) {
        return ns.exec(T, "sh", "-c", script);
    }

    @Test
    void curlGetHeadAndPostOfTheHomePage() {
        var get = sh("curl -sS -m 10 " + URL + "/");
        assertTrue(get.ok(), get.describe());
        assertTrue(get.out().contains("jstack e2e") && get.out().contains("/cart"), get.describe());
        var head = sh("curl -sS -m 10 -I " + URL + "/");
        assertTrue(head.out().startsWith("HTTP/1.1 200 OK"), head.describe());
        assertTrue(head.out().contains("Content-Length:"), head.describe());
        var post = sh("curl -sS -m 10 -o /dev/null -w '%{http_code}' -d x=1 " + URL + "/");
        assertEquals("200", post.out(), post.describe());
    }

    @Test
    void echoOfTenMegabytesIsIdenticalAndAChunkedUploadToo() throws IOException {
        byte[] data = new byte[10 << 20];
        new Random(1).nextBytes(data);
        Path in = Files.write(dir.resolve("in.bin"), data);
        var r = sh("curl -sS -m 50 --data-binary @" + in + " -o " + dir.resolve("out.bin") + " " + URL + "/echo && cmp "
                + in + " " + dir.resolve("out.bin") + " && curl -sS -m 50 -H 'Transfer-Encoding: chunked' --data-binary @"
                + in + " -o " + dir.resolve("outc.bin") + " " + URL + "/echo && cmp " + in + " " + dir.resolve("outc.bin"));
        assertTrue(r.ok(), r.describe());
    }

    @Test
    void bytesAreVerifiedByteByByteWhileStreaming() throws IOException {
        long n = 1L << 30; // 1 GiB, as the acceptance asks
        Path check = dir.resolve("check.py");
        Files.writeString(check, """
                import sys
                block = 251 * 4096
                pattern = bytes(i % 251 for i in range(block))
                n = 0
                r = sys.stdin.buffer
                while True:
                    b = r.read(block)
                    if not b:
                        break
                    if b != pattern[:len(b)]:
                        print("mismatch near", n); sys.exit(1)
                    n += len(b)
                print(n)
                """);
        var r = sh("curl -sS -m 55 " + URL + "/bytes/" + n + " | /usr/bin/python3 " + check);
        assertTrue(r.ok(), r.describe());
        assertEquals(Long.toString(n), r.out().strip(), r.describe());
    }

    @Test
    void hundredRequestsOverOneKeepAliveConnection() {
        var urls = new StringBuilder();
        for (int i = 0; i < 100; i++) urls.append(" -o /dev/null ").append(URL).append("/bytes/").append(i);
        var r = sh("curl -sS -m 30 -w '%{num_connects}\\n'" + urls);
        assertTrue(r.ok(), r.describe());
        long connects = r.out().lines().mapToLong(l -> Long.parseLong(l.strip())).sum();
        assertEquals(100, r.out().lines().count());
        assertEquals(1, connects, r.describe());
    }

    @Test
    void threePipelinedRequestsInOneWrite() {
        // /bytes/1 ends without a newline, so its successor shares a line: count occurrences, not lines
        var all = sh("printf 'GET /bytes/1 HTTP/1.1\\r\\nHost: a\\r\\n\\r\\nGET /stats HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n"
                + "GET /bytes/2 HTTP/1.1\\r\\nHost: a\\r\\nConnection: close\\r\\n\\r\\n' | socat -t 10 - TCP:"
                + LiveHost.HOST_IP + ":80 | grep -ao 'HTTP/1.1 200 OK' | wc -l");
        assertEquals("3", all.out().strip(), all.describe());
    }

    @Test
    void smugglingAndOversizeAreAnsweredAsSpecified() {
        String[][] cases = {
            {"POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n", "400"},
            {"GET / HTTP/1.1\\r\\nHost: a\\r\\nX: a\\r\\n b\\r\\n\\r\\n", "400"},
            {"GET / HTTP/1.1\\r\\n\\r\\n", "400"},
            {"GET / HTTP/1.1\\r\\nHost: a\\r\\nX: " + "a".repeat(9000) + "\\r\\n\\r\\n", "431"},
            {"POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: br\\r\\n\\r\\n", "501"},
            {"GET / HTTP/2.0\\r\\nHost: a\\r\\n\\r\\n", "505"},
        };
        for (String[] c : cases) {
            var r = sh("printf '" + c[0] + "' | socat -t 10 - TCP:" + LiveHost.HOST_IP + ":80 | head -1");
            assertTrue(r.out().startsWith("HTTP/1.1 " + c[1] + " "), c[0] + " -> " + r.describe());
        }
    }

    @Test
    void abKeepAliveTenThousandRequestsWithoutFailure() {
        var r = sh("ab -k -q -n 10000 -c 50 " + URL + "/bytes/100");
        assertTrue(r.ok(), r.describe());
        assertTrue(r.out().contains("Complete requests:      10000"), r.describe());
        assertTrue(r.out().contains("Failed requests:        0"), r.describe());
        assertFalse(r.out().contains("Non-2xx"), r.describe());
        System.out.println("ab -k -n 10000 -c 50 over jstack TCP: " + grep(r.out(), "Requests per second:\\s+([0-9.]+)"));
    }

    @Test
    void wrkHundredConnectionsWithoutSocketErrors() {
        var r = sh("wrk -t 2 -c 100 -d 5s " + URL + "/bytes/100");
        assertTrue(r.ok(), r.describe());
        assertFalse(r.out().contains("Socket errors"), r.describe());
        assertFalse(r.out().contains("Non-2xx"), r.describe());
        System.out.println("wrk -c 100 -d 5s over jstack TCP: " + grep(r.out(), "Requests/sec:\\s+([0-9.]+)"));
    }

    @Test
    void slowlorisOnFiftyConnectionsDoesNotStopANormalClient() throws IOException {
        Path script = dir.resolve("slowloris.py");
        Files.writeString(script, """
                import socket, subprocess, time
                slow = []
                for i in range(50):
                    s = socket.create_connection(("%s", 80), timeout=10)
                    s.sendall(b"GET / HTTP/1.1\\r\\nHost: a\\r\\nX-Slow: ")
                    slow.append(s)
                t0 = time.monotonic()
                out = subprocess.run(["curl", "-sS", "-m", "5", "-o", "/dev/null", "-w", "%%{http_code}", "%s/"],
                                     capture_output=True, text=True).stdout
                elapsed = time.monotonic() - t0
                for s in slow:
                    s.close()
                print(out, "%%.3f" %% elapsed)
                """.formatted(LiveHost.HOST_IP, URL));
        var r = sh("/usr/bin/python3 " + script);
        assertTrue(r.ok(), r.describe());
        String[] parts = r.out().strip().split(" ");
        assertEquals("200", parts[0], r.describe());
        assertTrue(Double.parseDouble(parts[1]) < 1.0, "normal client served within a second: " + r.describe());
    }

    static String grep(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? m.group(1) : "?";
    }

}
