package io.jstack.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 request parser (RFC 9112): an explicit state machine fed fragments of any size. It keeps the bytes of an
 * incomplete line itself, so the caller may hand it any split of the stream. No I/O, no clock, no threads.
 *
 * <p>{@link #next(ByteBuffer)} consumes bytes and returns one event: {@link Event#HEAD} (see {@link #head()}),
 * {@link Event#BODY} (see {@link #body()}: a view into the caller's buffer, valid until the next call),
 * {@link Event#END} (the message is complete; the parser is ready for the next pipelined request),
 * {@link Event#NEED_MORE} (the buffer is exhausted), or {@link Event#ERROR} (see {@link #error()}; terminal: the
 * server answers and closes, because after a framing error the next message boundary is unknown).
 *
 * <p>Strict on every request-smuggling shape: Content-Length with Transfer-Encoding, differing or invalid
 * Content-Length, obs-fold, bare CR or LF, whitespace before the colon, bad chunk sizes, missing or duplicate Host.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc9112 RFC 9112
 */
public final class RequestParser {
    public enum State { REQUEST_LINE, HEADERS, FIXED_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_CRLF, TRAILERS, MESSAGE_END, ERROR }

    public enum Event { NEED_MORE, HEAD, BODY, END, ERROR }

    /** RFC 9112 §2.2 SHOULD ignore at least one empty line before the request-line; we bound how many. */
    static final int MAX_LEADING_EMPTY_LINES = 16;
    static final int MAX_CHUNK_LINE_BYTES = 4096;
    /** The line buffer starts this small and doubles up to the longest line the limits allow (issue 7). */
    static final int INITIAL_LINE_BYTES = 256;

    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};
    private static final byte[][] METHOD_BYTES = new byte[METHODS.length][];

    static {
        for (int i = 0; i < METHODS.length; i++) METHOD_BYTES[i] = METHODS[i].getBytes(StandardCharsets.US_ASCII);
    }

    private final HttpLimits limits;
    private final int maxLineBytes;
    private byte[] line;
    private int lineLength;
    private boolean pendingCr;
    private State state = State.REQUEST_LINE;
    private int emptyLines;

    private String method, target;
    private HttpVersion version;
    private final List<RequestHead.Field> fields = new ArrayList<>();
    private int fieldCount;
    private RequestHead head;
    private long remaining; // of the fixed body or the current chunk
    private long bodyTotal;
    private int crlfSeen;
    private ByteBuffer body;
    private HttpError error;

    public RequestParser(HttpLimits limits) {
        this.limits = limits;
        this.maxLineBytes = Math.max(Math.max(limits.maxRequestLineBytes(), limits.maxFieldBytes()), MAX_CHUNK_LINE_BYTES);
        this.line = new byte[Math.min(INITIAL_LINE_BYTES, maxLineBytes)];
    }

    public State state() {
        return state;
    }

    public RequestHead head() {
        return head;
    }

    public ByteBuffer body() {
        return body;
    }

    public HttpError error() {
        return error;
    }

    /**
     * Between messages, drops a line buffer that a long line grew, so that an idle connection keeps only the initial
     * {@value #INITIAL_LINE_BYTES} bytes.
     */
    public void shrink() {
        if (idle() && line.length > INITIAL_LINE_BYTES) line = new byte[INITIAL_LINE_BYTES];
    }

    /** Content bytes the parser will hand out before it needs framing again: of the fixed body or the current chunk. */
    public long dataLeft() {
        return state == State.FIXED_BODY || state == State.CHUNK_DATA ? remaining : 0;
    }

    /** Bytes of line buffer held now. */
    int lineCapacity() {
        return line.length;
    }

    /** Whether the parser is between messages with no partial line (a safe point to close an idle connection). */
    public boolean idle() {
        return state == State.REQUEST_LINE && lineLength == 0 && !pendingCr;
    }

    /** Consumes bytes from {@code in} up to the next event. */
    public Event next(ByteBuffer in) {
        switch (state) {
            case ERROR:
                return Event.ERROR;
            case MESSAGE_END:
                resetForNextMessage();
                return Event.END;
            case FIXED_BODY:
            case CHUNK_DATA:
                return bodyData(in);
            case CHUNK_DATA_CRLF:
                return chunkCrlf(in);
            default:
                return lines(in);
        }
    }

    private void resetForNextMessage() {
        state = State.REQUEST_LINE;
        method = target = null;
        version = null;
        fields.clear();
        fieldCount = 0;
        emptyLines = 0;
        bodyTotal = 0;
        body = null;
    }

    private Event fail(int status, String reason) {
        state = State.ERROR;
        error = new HttpError(status, reason);
        return Event.ERROR;
    }

    private int lineLimit() {
        return switch (state) {
            case REQUEST_LINE -> limits.maxRequestLineBytes();
            case CHUNK_SIZE -> MAX_CHUNK_LINE_BYTES;
            default -> limits.maxFieldBytes();
        };
    }

    /** RFC 9112 §2.2: lines end in CRLF; a bare CR MUST be rejected (or replaced); we also refuse a bare LF. */
    private Event lines(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (pendingCr) {
                pendingCr = false;
                if (b != '\n') return fail(400, "bare CR");
                Event e = onLine();
                lineLength = 0;
                if (e != Event.NEED_MORE) return e;
                if (state != State.REQUEST_LINE && state != State.HEADERS && state != State.CHUNK_SIZE
                        && state != State.TRAILERS) return next(in);
                continue;
            }
            if (b == '\r') {
                pendingCr = true;
            } else if (b == '\n') {
                return fail(400, "bare LF");
            } else if (lineLength >= lineLimit()) {
                return switch (state) {
                    case REQUEST_LINE -> fail(414, "request line too long");
                    case CHUNK_SIZE -> fail(400, "chunk size line too long");
                    default -> fail(431, "header field too large");
                };
            } else {
                if (lineLength == line.length) line = java.util.Arrays.copyOf(line, Math.min(2 * line.length, maxLineBytes));
                line[lineLength++] = b;
            }
        }
        return Event.NEED_MORE;
    }

    private Event onLine() {
        return switch (state) {
            case REQUEST_LINE -> requestLine();
            case HEADERS -> fieldLine(false);
            case CHUNK_SIZE -> chunkSize();
            case TRAILERS -> fieldLine(true);
            default -> throw new IllegalStateException(state.name());
        };
    }

    /** RFC 9112 §3: request-line = method SP request-target SP HTTP-version. */
    private Event requestLine() {
        if (lineLength == 0) {
            if (++emptyLines > MAX_LEADING_EMPTY_LINES) return fail(400, "too many empty lines");
            return Event.NEED_MORE;
        }
        int sp1 = indexOf(line, 0, lineLength, (byte) ' ');
        if (sp1 <= 0) return fail(400, "malformed request line");
        int sp2 = indexOf(line, sp1 + 1, lineLength, (byte) ' ');
        if (sp2 < 0 || sp2 == sp1 + 1) return fail(400, "malformed request line");
        for (int i = 0; i < sp1; i++) if (!io.jstack.http.gateway.Header.isTchar(line[i])) return fail(400, "invalid method");
        // RFC 9112 §3.2: the request-target holds no whitespace or control characters; we admit only visible ASCII.
        for (int i = sp1 + 1; i < sp2; i++) if (line[i] < 0x21 || line[i] > 0x7e) return fail(400, "invalid request target");
        int v = sp2 + 1, vlen = lineLength - v;
        // RFC 9112 §2.3: HTTP-version = "HTTP" "/" DIGIT "." DIGIT (case-sensitive).
        if (vlen != 8 || line[v] != 'H' || line[v + 1] != 'T' || line[v + 2] != 'T' || line[v + 3] != 'P'
                || line[v + 4] != '/' || !digit(line[v + 5]) || line[v + 6] != '.' || !digit(line[v + 7]))
            return fail(400, "malformed HTTP version");
        if (line[v + 5] == '1' && line[v + 7] == '1') version = HttpVersion.HTTP_1_1;
        else if (line[v + 5] == '1' && line[v + 7] == '0') version = HttpVersion.HTTP_1_0;
        else return fail(505, "HTTP version not supported"); // RFC 9110 §15.6.6
        method = method(line, sp1);
        target = new String(line, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1);
        state = State.HEADERS;
        return Event.NEED_MORE;
    }

    /** Methods are matched on bytes (RFC 9110 §9.1: case-sensitive); registered ones return shared strings. */
    static String method(byte[] b, int len) {
        outer:
        for (int m = 0; m < METHOD_BYTES.length; m++) {
            byte[] k = METHOD_BYTES[m];
            if (k.length != len) continue;
            for (int i = 0; i < len; i++) if (k[i] != b[i]) continue outer;
            return METHODS[m];
        }
        return new String(b, 0, len, StandardCharsets.US_ASCII);
    }

    /** RFC 9112 §5: field-line = field-name ":" OWS field-value OWS. */
    private Event fieldLine(boolean trailer) {
        if (lineLength == 0) return trailer ? endOfTrailers() : endOfHead();
        // RFC 9112 §5.2: a server MUST either reject obs-fold with 400 or replace it; we reject.
        if (line[0] == ' ' || line[0] == '\t') return fail(400, "obs-fold");
        if (++fieldCount > limits.maxHeaderFields()) return fail(431, "too many header fields");
        int colon = indexOf(line, 0, lineLength, (byte) ':');
        if (colon <= 0) return fail(400, "malformed header field");
        // RFC 9112 §5.1: no whitespace between field name and colon; a server MUST reject it with 400.
        for (int i = 0; i < colon; i++) if (!io.jstack.http.gateway.Header.isTchar(line[i])) return fail(400, "invalid header name");
        int start = colon + 1, end = lineLength;
        while (start < end && (line[start] == ' ' || line[start] == '\t')) start++;
        while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t')) end--;
        for (int i = start; i < end; i++) {
            int c = line[i] & 0xff;
            // RFC 9110 §5.5: CR, LF and NUL MUST be rejected; other CTLs are not field-vchars either.
            if (c < 0x20 && c != '\t' || c == 0x7f) return fail(400, "invalid character in header value");
        }
        if (!trailer) {
            fields.add(new RequestHead.Field(new String(line, 0, colon, StandardCharsets.US_ASCII),
                    new String(line, start, end - start, StandardCharsets.ISO_8859_1)));
        }
        return Event.NEED_MORE;
    }

    private Event endOfHead() {
        int hosts = 0;
        boolean close = false, keepAlive = false, expectContinue = false, chunked = false, sawTe = false;
        long contentLength = -1;
        var codings = new ArrayList<String>();
        for (var f : fields) {
            String name = f.name().toLowerCase(Locale.ROOT);
            switch (name) {
                case "host" -> hosts++;
                case "content-length" -> {
                    // RFC 9110 §8.6 / RFC 9112 §6.3 item 5: a list of identical values may stand for one; any
                    // invalid or differing value is unrecoverable framing and MUST get 400.
                    for (String part : f.value().split(",", -1)) {
                        long n = parseLength(part.strip());
                        if (n < 0) return fail(400, "invalid Content-Length");
                        if (contentLength >= 0 && contentLength != n) return fail(400, "differing Content-Length");
                        contentLength = n;
                    }
                }
                case "transfer-encoding" -> {
                    sawTe = true;
                    for (String part : f.value().split(",", -1)) {
                        String c = part.strip();
                        if (c.isEmpty()) continue; // RFC 9110 §5.6.1: empty list elements are ignored
                        int semi = c.indexOf(';');
                        String coding = (semi < 0 ? c : c.substring(0, semi)).strip();
                        if (!io.jstack.http.gateway.Header.isToken(coding)) return fail(400, "invalid transfer coding");
                        codings.add(coding.toLowerCase(Locale.ROOT));
                    }
                }
                case "connection" -> {
                    for (String part : f.value().split(",", -1)) {
                        String opt = part.strip().toLowerCase(Locale.ROOT);
                        if (opt.equals("close")) close = true;
                        else if (opt.equals("keep-alive")) keepAlive = true;
                    }
                }
                case "expect" -> {
                    // RFC 9110 §10.1.1: 100-continue is the only expectation defined; others MAY get 417.
                    if (!f.value().equalsIgnoreCase("100-continue")) return fail(417, "unsupported expectation");
                    expectContinue = version == HttpVersion.HTTP_1_1; // HTTP/1.0: MUST ignore
                }
                default -> {}
            }
        }
        // RFC 9112 §3.2: a server MUST respond 400 to an HTTP/1.1 request without Host, or with more than one.
        if (version == HttpVersion.HTTP_1_1 && hosts != 1) return fail(400, hosts == 0 ? "missing Host" : "duplicate Host");
        if (hosts > 1) return fail(400, "duplicate Host");
        if (sawTe) {
            // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing; with Content-Length it is a
            // smuggling attempt. Either way: reject and close.
            if (version == HttpVersion.HTTP_1_0) return fail(400, "Transfer-Encoding in HTTP/1.0");
            if (contentLength >= 0) return fail(400, "Content-Length with Transfer-Encoding");
            for (String c : codings) if (!c.equals("chunked")) return fail(501, "unknown transfer coding " + c);
            // RFC 9112 §6.3 item 4: chunked MUST be the final coding, and applied only once (§7).
            if (codings.size() != 1) return fail(400, "chunked not final or repeated");
            chunked = true;
        }
        if (contentLength > limits.maxBodyBytes()) return fail(413, "content too large");
        boolean persistent = version == HttpVersion.HTTP_1_1 ? !close : keepAlive && !close; // RFC 9112 §9.3
        head = new RequestHead(method, target, version, fields, contentLength, chunked, persistent, expectContinue);
        if (chunked) state = State.CHUNK_SIZE;
        else if (contentLength > 0) {
            state = State.FIXED_BODY;
            remaining = contentLength;
        } else state = State.MESSAGE_END;
        return Event.HEAD;
    }

    /** RFC 9110 §8.6: Content-Length = 1*DIGIT; -1 when invalid or beyond 18 digits. */
    static long parseLength(String s) {
        if (s.isEmpty() || s.length() > 18) return -1;
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** RFC 9112 §7.1: chunk-size [ chunk-ext ] CRLF; chunk-size = 1*HEXDIG. */
    private Event chunkSize() {
        int i = 0;
        long size = 0;
        while (i < lineLength && hex(line[i]) >= 0) {
            if (size > (Long.MAX_VALUE >>> 4)) return fail(400, "chunk size overflow");
            size = (size << 4) | hex(line[i]);
            i++;
        }
        if (i == 0) return fail(400, "invalid chunk size");
        // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ); we skip extensions but refuse CTLs.
        int j = i;
        while (j < lineLength && (line[j] == ' ' || line[j] == '\t')) j++;
        if (j < lineLength && line[j] != ';') return fail(400, "invalid chunk size");
        if (j == lineLength && j != i) return fail(400, "whitespace after chunk size");
        for (int k = j; k < lineLength; k++) {
            int c = line[k] & 0xff;
            if (c < 0x20 && c != '\t' || c == 0x7f) return fail(400, "invalid chunk extension");
        }
        if (size == 0) {
            state = State.TRAILERS;
            return Event.NEED_MORE;
        }
        bodyTotal += size;
        if (bodyTotal > limits.maxBodyBytes() || bodyTotal < 0) return fail(413, "content too large");
        remaining = size;
        state = State.CHUNK_DATA;
        return Event.NEED_MORE;
    }

    private Event bodyData(ByteBuffer in) {
        if (!in.hasRemaining()) return Event.NEED_MORE;
        int n = (int) Math.min(remaining, in.remaining());
        body = in.slice(in.position(), n);
        in.position(in.position() + n);
        remaining -= n;
        if (remaining == 0) {
            if (state == State.FIXED_BODY) state = State.MESSAGE_END;
            else {
                state = State.CHUNK_DATA_CRLF;
                crlfSeen = 0;
            }
        }
        return Event.BODY;
    }

    /** RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF. */
    private Event chunkCrlf(ByteBuffer in) {
        while (in.hasRemaining() && crlfSeen < 2) {
            byte b = in.get();
            if (b != (crlfSeen == 0 ? '\r' : '\n')) return fail(400, "chunk data not followed by CRLF");
            crlfSeen++;
        }
        if (crlfSeen < 2) return Event.NEED_MORE;
        state = State.CHUNK_SIZE;
        return lines(in);
    }

    private Event endOfTrailers() {
        state = State.MESSAGE_END;
        resetForNextMessage();
        return Event.END;
    }

    private static int indexOf(byte[] b, int from, int to, byte x) {
        for (int i = from; i < to; i++) if (b[i] == x) return i;
        return -1;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') return b - '0';
        if (b >= 'a' && b <= 'f') return b - 'a' + 10;
        if (b >= 'A' && b <= 'F') return b - 'A' + 10;
        return -1;
    }
}
