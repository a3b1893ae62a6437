package io.jstack.http;

import io.jstack.http.gateway.Body;
import io.jstack.http.gateway.Header;
import io.jstack.http.gateway.StartResponse;
import io.jstack.http.gateway.Write;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One response: the server's start_response and the framing of the body (RFC 9112 §6). The application gives a
 * status, end-to-end headers and bytes; the server decides Content-Length versus chunked, strips hop-by-hop
 * fields, adds Date, Server and Connection, sends nothing for HEAD, 1xx, 204 and 304, and never sends more than a
 * declared Content-Length.
 */
final class Response implements StartResponse {
    /** RFC 9110 §7.6.1: fields that belong to one connection; PEP 3333 forbids applications to send them. */
    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

    private final RequestHead request;
    private final ResponseOutput out;
    private final HttpServer server;
    private String status;
    private int code;
    private List<Header> headers;
    private boolean headersSent, chunked, noBody, finished;
    private long declared = -1, sent;
    boolean keepAlive;
    /** The application declared more bytes than it gave: the client cannot find the message end, so we close. */
    boolean truncated;
    /** The application gave more than it declared: we stopped at the declared length. */
    boolean overrun;

    Response(RequestHead request, ResponseOutput out, HttpServer server, boolean keepAlive) {
        this.request = request;
        this.out = out;
        this.server = server;
        this.keepAlive = keepAlive;
    }

    boolean started() {
        return status != null;
    }

    boolean headersSent() {
        return headersSent;
    }

    int code() {
        return code;
    }

    long bodyBytesSent() {
        return sent;
    }

    @Override
    public Write start(String status, List<Header> headers) {
        return start(status, headers, null);
    }

    /** PEP 3333 start_response, with its exc_info rules. */
    @Override
    public Write start(String status, List<Header> headers, Throwable excInfo) {
        if (excInfo != null) {
            if (headersSent) throw HeadersAlreadySent.rethrow(excInfo);
        } else if (this.status != null) {
            throw new IllegalStateException("start_response called a second time without excInfo");
        }
        int c = parseStatus(status);
        if (headers == null) throw new IllegalArgumentException("headers must not be null");
        for (var h : headers) if (h == null) throw new IllegalArgumentException("null header");
        this.status = status;
        this.code = c;
        this.headers = List.copyOf(headers);
        return this::write;
    }

    /** RFC 9112 §4: status-code = 3DIGIT; PEP 3333: "a status code and a reason phrase, separated by a single space". */
    static int parseStatus(String status) {
        if (status == null || status.length() < 4 || status.charAt(3) != ' ')
            throw new IllegalArgumentException("status must be like \"200 OK\": " + status);
        int c = 0;
        for (int i = 0; i < 3; i++) {
            char d = status.charAt(i);
            if (d < '0' || d > '9') throw new IllegalArgumentException("status code is not 3 digits: " + status);
            c = c * 10 + (d - '0');
        }
        if (c < 100) throw new IllegalArgumentException("status code below 100: " + status);
        for (int i = 4; i < status.length(); i++) {
            char ch = status.charAt(i);
            if (ch < 0x20 && ch != '\t' || ch == 0x7f || ch > 0xff)
                throw new IllegalArgumentException("invalid character in reason phrase");
        }
        return c;
    }

    /** The write() callable: the headers (if not yet sent) and these bytes leave before it returns. */
    private void write(byte[] data) throws IOException {
        if (status == null) throw new IllegalStateException("write() before start_response");
        if (finished) throw new IllegalStateException("write() after the response ended");
        if (!headersSent) sendHead(-1);
        chunk(data);
        out.flush();
    }

    /** Sends the body: iterates it (except for HEAD once the status is known), frames it, ends the message. */
    void send(Body body) throws IOException {
        boolean head = request.method().equals("HEAD");
        Iterator<byte[]> it = null;
        if (!head || status == null) {
            it = body.iterator();
            while (it.hasNext()) {
                byte[] c = it.next();
                if (c == null) throw new IllegalStateException("body yielded null");
                if (c.length == 0) continue; // PEP 3333: empty chunks must not trigger the headers
                if (status == null) throw new IllegalStateException("body yielded bytes before start_response");
                if (head) break;
                if (!headersSent) {
                    long known = body.knownLength().orElse(-1);
                    // PEP 3333 "Handling the Content-Length Header": with one chunk the server knows the length.
                    if (known < 0 && !it.hasNext()) known = c.length;
                    sendHead(known);
                }
                chunk(c);
                if (overrun) break;
                out.flush();
            }
        }
        if (status == null) throw new IllegalStateException("application did not call start_response");
        if (!headersSent) sendHead(head ? body.knownLength().orElse(-1) : sent);
        finish();
    }

    private void sendHead(long knownLength) throws IOException {
        noBody = request.method().equals("HEAD") || code < 200 || code == 204 || code == 304;
        long appLength = -1;
        var sb = new StringBuilder(256).append("HTTP/1.1 ").append(status).append("\r\n");
        boolean hasDate = false, hasServer = false;
        for (var h : headers) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name)) continue; // the server alone frames and manages the connection
            if (name.equals("content-length")) {
                long n = RequestParser.parseLength(h.value().strip());
                if (n < 0 || appLength >= 0 && appLength != n)
                    throw new IllegalStateException("invalid Content-Length from application: " + h.value());
                appLength = n;
                continue;
            }
            hasDate |= name.equals("date");
            hasServer |= name.equals("server");
            sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        // RFC 9110 §8.6: a server MUST NOT send Content-Length in a 1xx or 204 response.
        if (code >= 200 && code != 204) {
            long length = appLength >= 0 ? appLength : knownLength;
            if (length >= 0 && (code != 304 || appLength >= 0)) {
                sb.append("Content-Length: ").append(length).append("\r\n");
                declared = length;
            } else if (!noBody) {
                if (request.version() == HttpVersion.HTTP_1_1) {
                    chunked = true; // RFC 9112 §7: chunked when the length is not known in advance
                    sb.append("Transfer-Encoding: chunked\r\n");
                } else {
                    keepAlive = false; // RFC 9112 §6.3 item 8: the body ends when the connection closes
                }
            }
        }
        if (server.draining()) keepAlive = false;
        // RFC 9112 §9.6: "close" announces the end; an HTTP/1.0 client needs "keep-alive" to persist (§C.2.2).
        if (!keepAlive) sb.append("Connection: close\r\n");
        else if (request.version() == HttpVersion.HTTP_1_0) sb.append("Connection: keep-alive\r\n");
        // RFC 9110 §6.6.1: an origin server with a clock MUST send Date in 2xx, 3xx and 4xx responses.
        if (!hasDate) sb.append("Date: ").append(server.date()).append("\r\n");
        if (!hasServer) sb.append("Server: ").append(server.options().serverHeader()).append("\r\n");
        sb.append("\r\n");
        out.ascii(sb.toString());
        headersSent = true;
        server.stats().response(code);
    }

    private void chunk(byte[] c) throws IOException {
        if (c.length == 0) return;
        if (noBody) {
            sent += c.length;
            return;
        }
        int n = c.length;
        if (declared >= 0 && sent + n > declared) {
            n = (int) (declared - sent);
            overrun = true;
            server.options().errorLog().println("jstack: application sent more than its Content-Length of "
                    + declared + " for " + request.requestLine() + "; truncated");
        }
        if (chunked) {
            out.ascii(Integer.toHexString(n));
            out.write(CRLF);
            out.write(c, 0, n);
            out.write(CRLF);
        } else {
            out.write(c, 0, n);
        }
        sent += n;
    }

    private void finish() throws IOException {
        finished = true;
        if (chunked) out.write(LAST_CHUNK);
        if (declared >= 0 && sent < declared && !noBody) {
            truncated = true;
            keepAlive = false;
        }
        out.flush();
    }

    /** A response the server makes itself (errors): short text, Connection: close unless {@code keepAlive}. */
    static void simple(ResponseOutput out, HttpServer server, int code, String reason, boolean keepAlive) throws IOException {
        String text = code + " " + reason + "\n";
        var sb = new StringBuilder(160).append("HTTP/1.1 ").append(code).append(' ').append(reason).append("\r\n")
                .append("Content-Type: text/plain; charset=utf-8\r\n")
                .append("Content-Length: ").append(text.length()).append("\r\n");
        if (!keepAlive) sb.append("Connection: close\r\n");
        sb.append("Date: ").append(server.date()).append("\r\n")
                .append("Server: ").append(server.options().serverHeader()).append("\r\n\r\n").append(text);
        out.ascii(sb.toString());
        out.flush();
        server.stats().response(code);
    }

    static String reasonPhrase(int code) {
        return switch (code) {
            case 400 -> "Bad Request";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 417 -> "Expectation Failed";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Error";
        };
    }
}
