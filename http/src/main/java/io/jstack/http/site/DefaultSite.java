package io.jstack.http.site;

import io.jstack.http.gateway.Application;
import io.jstack.http.gateway.Body;
import io.jstack.http.gateway.Environ;
import io.jstack.http.gateway.Header;
import io.jstack.http.gateway.StartResponse;
import io.jstack.http.middleware.ErrorPage;
import io.jstack.http.middleware.Sessions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The site jstack serves on port 80: {@code /} (about the host, live counters, links), {@code /stats} (counters as
 * JSON), {@code /bytes/N} (N bytes, byte i = i mod 251, streamed), {@code /echo} (the request body back, streamed),
 * {@code /environ} (the environ this application received) and {@code /cart} (a shopping cart in a signed-cookie
 * session, with forms to add and remove items).
 */
public final class DefaultSite implements Application {
    /** Largest N for /bytes/N: 2^40. */
    public static final long MAX_BYTES = 1L << 40;
    /** 251 * 256: each chunk starts at a multiple of 251, so one pattern array serves every full chunk. */
    static final int PATTERN_CHUNK = 251 * 256;
    static final byte[] PATTERN = new byte[PATTERN_CHUNK];
    static final List<String> CATALOGUE = List.of("apple", "bread", "cheese", "coffee", "milk", "tea");

    static {
        for (int i = 0; i < PATTERN.length; i++) PATTERN[i] = (byte) (i % 251);
    }

    static final List<Header> HTML = List.of(Header.of("Content-Type", "text/html; charset=utf-8"));
    static final List<Header> TEXT = List.of(Header.of("Content-Type", "text/plain; charset=utf-8"));

    private final HostInfo host;

    public DefaultSite(HostInfo host) {
        this.host = host;
    }

    /** The site as jstack serves it: the error page and signed-cookie sessions (key of at least 16 bytes) around it. */
    public static Application standard(HostInfo host, byte[] sessionKey, Clock clock) {
        return new Sessions(sessionKey, "jstack_session", Duration.ofDays(7), clock)
                .apply(new ErrorPage().apply(new DefaultSite(host)));
    }

    @Override
    public Body call(Environ env, StartResponse sr) throws Exception {
        String path = env.pathInfo();
        String method = env.method();
        // "/" also answers POST (a form may post to it); the body is ignored.
        if (path.equals("/")) return get(method, sr) || method.equals("POST") ? home(sr) : notAllowed(sr, "GET, HEAD, POST");
        if (path.equals("/stats")) return get(method, sr) ? stats(sr) : notAllowed(sr, "GET, HEAD");
        if (path.equals("/environ")) return get(method, sr) ? environ(env, sr) : notAllowed(sr, "GET, HEAD");
        if (path.startsWith("/bytes/")) return get(method, sr) ? bytes(path.substring(7), sr) : notAllowed(sr, "GET, HEAD");
        if (path.equals("/echo")) {
            return method.equals("POST") || method.equals("PUT") ? echo(env, sr) : notAllowed(sr, "POST, PUT");
        }
        if (path.equals("/cart")) return get(method, sr) ? cart(env, sr) : notAllowed(sr, "GET, HEAD");
        if (path.equals("/cart/add") || path.equals("/cart/remove"))
            return method.equals("POST") ? cartChange(env, sr, path.endsWith("add")) : notAllowed(sr, "POST");
        sr.start("404 Not Found", TEXT);
        return Body.of("404 Not Found: " + path + "\n");
    }

    private static boolean get(String method, StartResponse sr) {
        return method.equals("GET") || method.equals("HEAD");
    }

    private static Body notAllowed(StartResponse sr, String allow) {
        var headers = new ArrayList<>(TEXT);
        headers.add(Header.of("Allow", allow)); // RFC 9110 §15.5.6: a 405 MUST carry Allow
        sr.start("405 Method Not Allowed", headers);
        return Body.of("405 Method Not Allowed\n");
    }

    private Body home(StartResponse sr) {
        var b = new StringBuilder();
        b.append("<h1>").append(Html.escape(host.description())).append("</h1>\n");
        long up = host.uptime().toSeconds();
        b.append("<p>Address <code>").append(Html.escape(host.address())).append("</code>, up ")
                .append(String.format("%dd %02d:%02d:%02d", up / 86400, up / 3600 % 24, up / 60 % 60, up % 60))
                .append(". This page travelled over a TCP/IP stack written in Java.</p>\n");
        b.append("<ul><li><a href=\"/stats\">/stats</a>: counters as JSON</li>")
                .append("<li><a href=\"/bytes/1048576\">/bytes/1048576</a>: N bytes, byte i = i mod 251</li>")
                .append("<li><code>/echo</code>: POST a body, get it back</li>")
                .append("<li><a href=\"/environ\">/environ</a>: the gateway environ of this request</li>")
                .append("<li><a href=\"/cart\">/cart</a>: a shopping cart in a signed cookie</li></ul>\n");
        for (var group : host.counters().entrySet()) {
            b.append("<h2>").append(Html.escape(group.getKey())).append("</h2>\n<table>");
            for (var c : group.getValue().entrySet())
                b.append("<tr><td>").append(Html.escape(c.getKey())).append("</td><td class=\"n\">").append(c.getValue())
                        .append("</td></tr>");
            b.append("</table>\n");
        }
        sr.start("200 OK", List.of(Header.of("Content-Type", "text/html; charset=utf-8"), Header.of("Cache-Control", "no-store")));
        return Body.of(Html.page(host.description(), b.toString()));
    }

    private Body stats(StartResponse sr) {
        var b = new StringBuilder("{\"host\":").append(json(host.description())).append(",\"address\":")
                .append(json(host.address())).append(",\"uptime_seconds\":").append(host.uptime().toSeconds())
                .append(",\"counters\":{");
        boolean firstGroup = true;
        for (var group : host.counters().entrySet()) {
            if (!firstGroup) b.append(',');
            firstGroup = false;
            b.append(json(group.getKey())).append(":{");
            boolean first = true;
            for (var c : group.getValue().entrySet()) {
                if (!first) b.append(',');
                first = false;
                b.append(json(c.getKey())).append(':').append(c.getValue());
            }
            b.append('}');
        }
        b.append("}}\n");
        sr.start("200 OK", List.of(Header.of("Content-Type", "application/json"), Header.of("Cache-Control", "no-store")));
        return Body.of(b.toString());
    }

    static String json(String s) {
        var sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }

    /** /bytes/N: never buffers N; full chunks share one pattern array. */
    private static Body bytes(String n, StartResponse sr) {
        long total;
        try {
            total = Long.parseLong(n);
        } catch (NumberFormatException e) {
            total = -1;
        }
        if (total < 0 || total > MAX_BYTES || !n.matches("[0-9]+")) {
            sr.start("400 Bad Request", TEXT);
            return Body.of("N must be a number from 0 to 2^40\n");
        }
        sr.start("200 OK", List.of(Header.of("Content-Type", "application/octet-stream"),
                Header.of("Content-Length", Long.toString(total))));
        long length = total;
        long[] sent = {0};
        return Body.generate(() -> {
            long left = length - sent[0];
            if (left <= 0) return null;
            if (left >= PATTERN_CHUNK) {
                sent[0] += PATTERN_CHUNK;
                return PATTERN;
            }
            sent[0] = length;
            return java.util.Arrays.copyOf(PATTERN, (int) left);
        }, length, () -> {});
    }

    /** Largest /echo chunk. */
    static final int ECHO_CHUNK = 64 * 1024;

    /**
     * /echo: the request body back, as it arrives; same length when the request declared one. Each chunk is what has
     * arrived by then, up to 64 KiB (it never waits for more than one byte). A full chunk is one of two arrays used in
     * turn, not a copy: the server is done with a chunk before it asks for the one after next ({@link Body}); only a
     * shorter chunk, the tail or a slow sender's, is a copy of its length.
     */
    private static Body echo(Environ env, StartResponse sr) {
        var headers = new ArrayList<Header>();
        String type = env.contentType();
        headers.add(Header.of("Content-Type", type.isEmpty() ? "application/octet-stream" : type));
        var length = env.contentLength();
        if (length.isPresent()) headers.add(Header.of("Content-Length", Long.toString(length.getAsLong())));
        sr.start("200 OK", headers);
        InputStream in = env.input();
        byte[][] bufs = new byte[2][];
        int[] turn = {0};
        return Body.generate(() -> {
            try {
                int t = turn[0];
                if (bufs[t] == null) bufs[t] = new byte[ECHO_CHUNK];
                byte[] buf = bufs[t];
                int n = 0;
                while (n < buf.length) {
                    int r = in.read(buf, n, buf.length - n);
                    if (r < 0) break;
                    n += r;
                    if (in.available() == 0) break;
                }
                if (n == 0) return null;
                if (n < buf.length) return java.util.Arrays.copyOf(buf, n);
                turn[0] = 1 - t;
                return buf;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, length.orElse(-1), () -> {});
    }

    private static Body environ(Environ env, StartResponse sr) {
        var b = new StringBuilder();
        for (var e : new TreeMap<>(env).entrySet()) {
            Object v = e.getValue();
            String shown = v instanceof String || v instanceof Boolean || v instanceof List<?> ? String.valueOf(v)
                    : "<" + (v == null ? "null" : v.getClass().getName()) + ">";
            b.append(e.getKey()).append(" = ").append(shown).append('\n');
        }
        sr.start("200 OK", TEXT);
        return Body.of(b.toString());
    }

    /** The cart lives in the session as "item:count,item:count". */
    static Map<String, Integer> cartOf(Sessions.Session s) {
        var cart = new LinkedHashMap<String, Integer>();
        String v = s.get("cart");
        if (v == null || v.isEmpty()) return cart;
        for (String e : v.split(",")) {
            int c = e.indexOf(':');
            if (c < 0) continue;
            try {
                cart.put(e.substring(0, c), Integer.parseInt(e.substring(c + 1)));
            } catch (NumberFormatException bad) {
                // a signed cookie cannot be forged; an old format is simply dropped
            }
        }
        return cart;
    }

    static String cartText(Map<String, Integer> cart) {
        var sb = new StringBuilder();
        for (var e : cart.entrySet()) {
            if (sb.length() > 0) sb.append(',');
            sb.append(e.getKey()).append(':').append(e.getValue());
        }
        return sb.toString();
    }

    private static Body cart(Environ env, StartResponse sr) {
        var cart = cartOf(Sessions.of(env));
        var b = new StringBuilder("<h1>Shopping cart</h1>\n<p>The cart is kept in a signed cookie: state over stateless HTTP.</p>\n");
        if (cart.isEmpty()) b.append("<p id=\"empty\">Your cart is empty.</p>\n");
        else {
            b.append("<table id=\"cart\"><tr><th>Item</th><th>Count</th><th></th></tr>");
            for (var e : cart.entrySet()) {
                String item = Html.escape(e.getKey());
                b.append("<tr><td class=\"item\">").append(item).append("</td><td class=\"n\">").append(e.getValue())
                        .append("</td><td><form method=\"post\" action=\"/cart/remove\"><input type=\"hidden\" name=\"item\" value=\"")
                        .append(item).append("\"><button type=\"submit\">Remove</button></form></td></tr>");
            }
            b.append("</table>\n");
        }
        b.append("<form method=\"post\" action=\"/cart/add\" id=\"add\"><select name=\"item\">");
        for (String item : CATALOGUE) b.append("<option>").append(item).append("</option>");
        b.append("</select> <button type=\"submit\">Add to cart</button></form>\n<p><a href=\"/\">Home</a></p>");
        var headers = new ArrayList<>(HTML);
        headers.add(Header.of("Cache-Control", "no-store"));
        sr.start("200 OK", headers);
        return Body.of(Html.page("Shopping cart", b.toString()));
    }

    /** POST /cart/add or /cart/remove, then 303 See Other back to /cart (RFC 9110 §15.4.4: post/redirect/get). */
    private static Body cartChange(Environ env, StartResponse sr, boolean add) throws IOException {
        var form = Html.form(Html.readBounded(env.input(), 8192));
        String item = form.getOrDefault("item", "");
        var session = Sessions.of(env);
        var cart = cartOf(session);
        if (CATALOGUE.contains(item)) {
            if (add) cart.merge(item, 1, Integer::sum);
            else cart.computeIfPresent(item, (k, v) -> v > 1 ? v - 1 : null);
            session.put("cart", cartText(cart));
        }
        sr.start("303 See Other", List.of(Header.of("Location", "/cart"), Header.of("Content-Type", "text/plain; charset=utf-8")));
        return Body.of("See /cart\n");
    }
}
