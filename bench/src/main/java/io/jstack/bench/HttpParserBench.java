package io.jstack.bench;

import io.jstack.http.HttpLimits;
import io.jstack.http.RequestParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One HTTP/1.1 request head through {@link RequestParser} (RFC 9112), from the first byte to the END event, on
 * a reused parser (as on a keep-alive connection). {@code request}: what wrk sends (request line and Host), what
 * curl sends (three fields), and a browser's head (about 600 bytes, 12 fields). Allocation is reported, not
 * asserted: the parser builds a {@code RequestHead} record with Strings per request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HttpParserBench {
    static final String WRK = "GET /bytes/100 HTTP/1.1\r\nHost: 10.0.0.2\r\n\r\n";
    static final String CURL = "GET / HTTP/1.1\r\nHost: 10.0.0.2\r\nUser-Agent: curl/8.14.1\r\nAccept: */*\r\n\r\n";
    static final String BROWSER = "GET /cart?item=42&add=1 HTTP/1.1\r\n"
            + "Host: 10.0.0.2\r\n"
            + "Connection: keep-alive\r\n"
            + "Cache-Control: max-age=0\r\n"
            + "Upgrade-Insecure-Requests: 1\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"
            + "Referer: http://10.0.0.2/\r\n"
            + "Accept-Encoding: gzip, deflate\r\n"
            + "Accept-Language: en-GB,en;q=0.9\r\n"
            + "Cookie: session=eyJjYXJ0IjpbNDIsN10sImV4cCI6MTc2NDA5NjAwMH0.c2lnbmF0dXJlLW9mLXRoZS1zZXNzaW9u\r\n"
            + "If-None-Match: \"5f3a-1a2b3c\"\r\n"
            + "If-Modified-Since: Tue, 25 Nov 2026 20:00:00 GMT\r\n"
            + "\r\n";

    @Param({"wrk", "curl", "browser"})
    String request;

    private final RequestParser parser = new RequestParser(HttpLimits.DEFAULT);
    private ByteBuffer in;

    @Setup(Level.Trial)
    public void setup() {
        String text = switch (request) {
            case "wrk" -> WRK;
            case "curl" -> CURL;
            case "browser" -> BROWSER;
            default -> throw new IllegalArgumentException(request);
        };
        in = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        if (parse() == null) throw new IllegalStateException("the fixture does not parse");
    }

    @Benchmark
    public Object parse() {
        in.clear();
        Object head = null;
        while (true) {
            switch (parser.next(in)) {
                case HEAD -> head = parser.head();
                case END -> { return head; }
                case BODY -> { }
                case NEED_MORE, ERROR -> throw new IllegalStateException("parser: " + parser.error());
            }
        }
    }
}
