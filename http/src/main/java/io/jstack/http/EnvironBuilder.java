package io.jstack.http;

import io.jstack.http.gateway.Environ;
import io.jstack.socket.StreamConnection;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;

/** Maps a request head to the PEP 3333 environ ("environ Variables"; CGI names from RFC 3875 §4.1). */
final class EnvironBuilder {
    private EnvironBuilder() {}

    /** Throws IllegalArgumentException for a request-target that cannot be mapped (bad percent-encoding). */
    static Environ build(RequestHead head, StreamConnection conn, ServerOptions options, InputStream input) {
        var env = new Environ();
        env.put(Environ.REQUEST_METHOD, head.method());
        env.put(Environ.SCRIPT_NAME, "");
        String target = head.target();
        // RFC 9112 §3.2.2: absolute-form; the server uses its path and query and ignores the rest for routing.
        if (!target.startsWith("/") && !target.equals("*")) {
            int scheme = target.indexOf("://");
            if (scheme <= 0) throw new IllegalArgumentException("unsupported request-target form");
            int slash = target.indexOf('/', scheme + 3);
            int q = target.indexOf('?', scheme + 3);
            if (slash < 0 || (q >= 0 && q < slash)) target = "/" + (q >= 0 ? target.substring(q) : "");
            else target = target.substring(slash);
        }
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        env.put(Environ.PATH_INFO, percentDecode(rawPath));
        env.put(Environ.QUERY_STRING, q < 0 ? "" : target.substring(q + 1));
        env.put("RAW_URI", head.target()); // Gunicorn's extension: the request-target as received
        if (head.contentLength() >= 0) env.put(Environ.CONTENT_LENGTH, Long.toString(head.contentLength()));
        String host = head.field("Host");
        var local = conn.localAddress();
        var remote = conn.remoteAddress();
        String serverName = local.getAddress().getHostAddress();
        String serverPort = Integer.toString(local.getPort());
        if (host != null && !host.isEmpty()) {
            int colon = host.lastIndexOf(':');
            if (colon > host.lastIndexOf(']')) {
                serverName = host.substring(0, colon);
                serverPort = host.substring(colon + 1);
            } else {
                serverName = host;
                serverPort = options.urlScheme().equals("https") ? "443" : "80";
            }
        }
        env.put(Environ.SERVER_NAME, serverName);
        env.put(Environ.SERVER_PORT, serverPort);
        env.put(Environ.SERVER_PROTOCOL, head.version().text());
        env.put(Environ.REMOTE_ADDR, remote.getAddress().getHostAddress());
        env.put(Environ.REMOTE_PORT, Integer.toString(remote.getPort()));
        var http = new LinkedHashMap<String, String>();
        for (var f : head.fields()) {
            String lower = f.name().toLowerCase(Locale.ROOT);
            if (lower.equals("content-type")) {
                env.put(Environ.CONTENT_TYPE, f.value());
                continue;
            }
            if (lower.equals("content-length")) continue;
            // Deviation from plain CGI, as nginx and Gunicorn: a name with '_' would map to the same key as one
            // with '-', letting a client spoof a header a proxy set; such fields are dropped.
            if (f.name().indexOf('_') >= 0) continue;
            // RFC 9110 §5.3: repeated fields combine with commas; Cookie with "; " (RFC 6265 §5.4).
            String sep = lower.equals("cookie") ? "; " : ",";
            http.merge(Environ.httpKey(f.name()), f.value(), (a, b) -> a + sep + b);
        }
        env.putAll(http);
        env.put(Environ.INPUT, input);
        env.put(Environ.ERRORS, options.errorLog());
        env.put(Environ.URL_SCHEME, options.urlScheme());
        env.put(Environ.VERSION, Environ.WSGI_VERSION);
        env.put(Environ.MULTITHREAD, Boolean.TRUE);
        env.put(Environ.MULTIPROCESS, Boolean.FALSE);
        env.put(Environ.RUN_ONCE, Boolean.FALSE);
        env.put(Environ.INPUT_TERMINATED, Boolean.TRUE);
        return env;
    }

    /** RFC 3986 §2.1 percent-decoding to one char per byte (PEP 3333 native strings are ISO-8859-1). */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) return s;
        var out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) throw new IllegalArgumentException("truncated percent-encoding");
                int hi = Character.digit(s.charAt(i + 1), 16), lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) throw new IllegalArgumentException("invalid percent-encoding");
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
