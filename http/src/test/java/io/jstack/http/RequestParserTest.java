package io.jstack.http;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RequestParserTest {
    static final HttpLimits LIMITS = HttpLimits.DEFAULT.withMaxBodyBytes(1000);

    /** Feeds the fragments in order and describes what the parser reported: heads, body bytes, ends, error. */
    static String transcript(HttpLimits limits, List<byte[]> fragments) {
        var p = new RequestParser(limits);
        var out = new StringBuilder();
        var body = new ByteArrayOutputStream();
        for (byte[] f : fragments) {
            var buf = ByteBuffer.wrap(f);
            while (true) {
                var e = p.next(buf);
                if (e == RequestParser.Event.NEED_MORE) break;
                switch (e) {
                    case HEAD -> out.append("HEAD ").append(p.head().requestLine())
                            .append(p.head().chunked() ? " chunked" : " cl=" + p.head().contentLength())
                            .append(p.head().keepAlive() ? " keep" : " close").append('|');
                    case BODY -> {
                        var b = p.body();
                        byte[] a = new byte[b.remaining()];
                        b.get(a);
                        body.writeBytes(a);
                    }
                    case END -> {
                        out.append("BODY ").append(body.toString(StandardCharsets.ISO_8859_1)).append("|END|");
                        body.reset();
                    }
                    case ERROR -> {
                        return out.append("ERROR ").append(p.error().status()).toString();
                    }
                    default -> throw new AssertionError();
                }
            }
        }
        return out.toString();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static final String CHUNKED_HEAD = "HEAD POST / HTTP/1.1 chunked keep|";

    /** The corpus: request bytes and the transcript (or error status) they must give. */
    static Stream<Arguments> corpus() {
        String big = "x".repeat(8191);
        return Stream.of(
                Arguments.of("simple GET", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "HEAD GET / HTTP/1.1 cl=-1 keep|BODY |END|"),
                Arguments.of("HTTP/1.0 closes by default", "GET /x HTTP/1.0\r\n\r\n", "HEAD GET /x HTTP/1.0 cl=-1 close|BODY |END|"),
                Arguments.of("HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", "HEAD GET / HTTP/1.0 cl=-1 keep|BODY |END|"),
                Arguments.of("HTTP/1.1 Connection close", "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", "HEAD GET / HTTP/1.1 cl=-1 close|BODY |END|"),
                Arguments.of("leading empty line ignored", "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", "HEAD GET / HTTP/1.1 cl=-1 keep|BODY |END|"),
                Arguments.of("content-length body", "POST /e HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", "HEAD POST /e HTTP/1.1 cl=5 keep|BODY hello|END|"),
                Arguments.of("identical content-length list", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc", "HEAD POST / HTTP/1.1 cl=3 keep|BODY abc|END|"),
                Arguments.of("chunked body with extension and trailer", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\nA\r\n0123456789\r\n0\r\nT: v\r\n\r\n", "HEAD POST / HTTP/1.1 chunked keep|BODY hello0123456789|END|"),
                Arguments.of("pipelined", "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET /3 HTTP/1.1\r\nHost: a\r\n\r\n",
                        "HEAD GET /1 HTTP/1.1 cl=-1 keep|BODY |END|HEAD POST /2 HTTP/1.1 cl=2 keep|BODY hi|END|HEAD GET /3 HTTP/1.1 cl=-1 keep|BODY |END|"),
                Arguments.of("unknown method passes", "PURGE / HTTP/1.1\r\nHost: a\r\n\r\n", "HEAD PURGE / HTTP/1.1 cl=-1 keep|BODY |END|"),
                // 400: malformed
                Arguments.of("missing version", "GET /\r\n\r\n", "ERROR 400"),
                Arguments.of("double space", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", "ERROR 400"),
                Arguments.of("lower-case version", "GET / http/1.1\r\nHost: a\r\n\r\n", "ERROR 400"),
                Arguments.of("control char in target", "GET /\u0001 HTTP/1.1\r\nHost: a\r\n\r\n", "ERROR 400"),
                Arguments.of("invalid method char", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", "ERROR 400"),
                Arguments.of("header without colon", "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", "ERROR 400"),
                Arguments.of("NUL in header value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\u0000b\r\n\r\n", "ERROR 400"),
                // 400: request smuggling shapes
                Arguments.of("CL and TE", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "ERROR 400"),
                Arguments.of("TE and CL", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", "ERROR 400"),
                Arguments.of("differing CL", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "ERROR 400"),
                Arguments.of("differing CL list", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\nabcd", "ERROR 400"),
                Arguments.of("negative CL", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", "ERROR 400"),
                Arguments.of("plus CL", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\nabc", "ERROR 400"),
                Arguments.of("hex CL", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x3\r\n\r\nabc", "ERROR 400"),
                Arguments.of("empty CL", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", "ERROR 400"),
                Arguments.of("overflowing CL", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", "ERROR 400"),
                Arguments.of("obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", "ERROR 400"),
                Arguments.of("bare CR in header", "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", "ERROR 400"),
                Arguments.of("bare LF line end", "GET / HTTP/1.1\nHost: a\n\n", "ERROR 400"),
                Arguments.of("space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", "ERROR 400"),
                Arguments.of("space before colon in TE", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\nContent-Length: 1\r\n\r\nx", "ERROR 400"),
                Arguments.of("chunk size not hex", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n", CHUNKED_HEAD + "ERROR 400"),
                Arguments.of("chunk size empty", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\r\n\r\n", CHUNKED_HEAD + "ERROR 400"),
                Arguments.of("chunk size with 0x", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", CHUNKED_HEAD + "ERROR 400"),
                Arguments.of("chunk size trailing space", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n", CHUNKED_HEAD + "ERROR 400"),
                Arguments.of("chunk size overflow", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n", CHUNKED_HEAD + "ERROR 400"),
                Arguments.of("chunk data too long", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", CHUNKED_HEAD + "ERROR 400"),
                Arguments.of("chunked twice", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", "ERROR 400"),
                Arguments.of("chunked not last", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x-y\r\n\r\n0\r\n\r\n", "ERROR 501"),
                Arguments.of("TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "ERROR 400"),
                Arguments.of("missing Host", "GET / HTTP/1.1\r\n\r\n", "ERROR 400"),
                Arguments.of("duplicate Host", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "ERROR 400"),
                // other statuses
                Arguments.of("unknown transfer coding", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "ERROR 501"),
                Arguments.of("HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", "ERROR 505"),
                Arguments.of("HTTP/0.9 version string", "GET / HTTP/0.9\r\n\r\n", "ERROR 505"),
                Arguments.of("field too large", "GET / HTTP/1.1\r\nHost: a\r\nX: " + big + "\r\n\r\n", "ERROR 431"),
                Arguments.of("too many fields", "GET / HTTP/1.1\r\nHost: a\r\n" + "X: y\r\n".repeat(100) + "\r\n", "ERROR 431"),
                Arguments.of("request line too long", "GET /" + "a".repeat(4090) + " HTTP/1.1\r\nHost: a\r\n\r\n", "ERROR 414"),
                Arguments.of("body over limit", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\n\r\n", "ERROR 413"),
                Arguments.of("chunked over limit", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n", CHUNKED_HEAD + "ERROR 413"),
                Arguments.of("unknown expectation", "GET / HTTP/1.1\r\nHost: a\r\nExpect: tea\r\n\r\n", "ERROR 417"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void corpusGivesTheSameResultAtEverySplitPoint(String name, String request, String expected) {
        byte[] all = bytes(request);
        assertEquals(expected, transcript(LIMITS, List.of(all)), name);
        for (int split = 0; split <= all.length; split++) {
            var a = java.util.Arrays.copyOfRange(all, 0, split);
            var b = java.util.Arrays.copyOfRange(all, split, all.length);
            assertEquals(expected, transcript(LIMITS, List.of(a, b)), name + " split at " + split);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void corpusGivesTheSameResultByteByByte(String name, String request, String expected) {
        var fragments = new ArrayList<byte[]>();
        for (byte b : bytes(request)) fragments.add(new byte[] {b});
        assertEquals(expected, transcript(LIMITS, fragments), name);
    }

    @Test
    void rfc9112Section3RequestLineAtExactlyTheLimitIsAccepted() {
        String target = "/" + "a".repeat(4094 - "GET  HTTP/1.1".length() - 1);
        String line = "GET " + target + " HTTP/1.1";
        assertEquals(4094, line.length());
        assertTrue(transcript(LIMITS, List.of(bytes(line + "\r\nHost: a\r\n\r\n"))).startsWith("HEAD GET"));
    }

    @Test
    void limitsAreConfigurable() {
        var tight = new HttpLimits(64, 2, 32, 10, HttpLimits.DEFAULT.headerTimeout(), HttpLimits.DEFAULT.idleTimeout(),
                HttpLimits.DEFAULT.bodyReadTimeout(), 0);
        assertEquals("ERROR 431", transcript(tight, List.of(bytes("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n"))));
        assertEquals("ERROR 431", transcript(tight, List.of(bytes("GET / HTTP/1.1\r\nHost: a\r\nA: " + "1".repeat(40) + "\r\n\r\n"))));
        assertEquals("ERROR 414", transcript(tight, List.of(bytes("GET /" + "a".repeat(64) + " HTTP/1.1\r\n"))));
    }

    @Test
    void registeredMethodsAreSharedConstants() {
        var p = new RequestParser(LIMITS);
        p.next(ByteBuffer.wrap(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n")));
        assertSame("GET", p.head().method());
    }

    @Test
    void rfc9110Section10_1_1ExpectContinueIsSeenOnlyInHttp11() {
        var p = new RequestParser(LIMITS);
        assertEquals(RequestParser.Event.HEAD, p.next(ByteBuffer.wrap(bytes("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n"))));
        assertTrue(p.head().expectContinue());
        var q = new RequestParser(LIMITS);
        assertEquals(RequestParser.Event.HEAD, q.next(ByteBuffer.wrap(bytes("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n"))));
        assertFalse(q.head().expectContinue());
    }

    @Test
    void errorIsTerminal() {
        var p = new RequestParser(LIMITS);
        assertEquals(RequestParser.Event.ERROR, p.next(ByteBuffer.wrap(bytes("GET / HTTP/3.0\r\n"))));
        assertEquals(RequestParser.Event.ERROR, p.next(ByteBuffer.wrap(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))));
    }

    @Test
    void lineBufferGrowsForALongFieldAndShrinksBetweenMessagesIssue7() {
        var p = new RequestParser(LIMITS);
        assertEquals(RequestParser.INITIAL_LINE_BYTES, p.lineCapacity());
        String value = "v".repeat(LIMITS.maxFieldBytes() - 3);
        var in = ByteBuffer.wrap(bytes("GET / HTTP/1.1\r\nHost: a\r\nX: " + value + "\r\n\r\n"));
        assertEquals(RequestParser.Event.HEAD, p.next(in));
        assertEquals(value, p.head().field("X"));
        assertTrue(p.lineCapacity() >= LIMITS.maxFieldBytes());
        p.shrink(); // not between messages yet: the END is still to come
        assertTrue(p.lineCapacity() >= LIMITS.maxFieldBytes());
        assertEquals(RequestParser.Event.END, p.next(in));
        p.shrink();
        assertEquals(RequestParser.INITIAL_LINE_BYTES, p.lineCapacity());
    }
}
