package io.jstack.http.gateway;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The environ (PEP 3333 "environ Variables"): a mutable map with the CGI keys (REQUEST_METHOD, SCRIPT_NAME,
 * PATH_INFO, QUERY_STRING, CONTENT_TYPE, CONTENT_LENGTH, SERVER_NAME, SERVER_PORT, SERVER_PROTOCOL, REMOTE_ADDR,
 * REMOTE_PORT, one HTTP_* key per request header) and the gateway's keys ({@code wsgi.input} bounded at
 * CONTENT_LENGTH, {@code wsgi.errors}, {@code wsgi.url_scheme}, {@code wsgi.version}, {@code wsgi.multithread},
 * {@code wsgi.multiprocess}, {@code wsgi.run_once}, {@code wsgi.input_terminated}).
 *
 * <p>As in PEP 3333, CGI values are "native strings": percent-decoded PATH_INFO holds one char per byte
 * (ISO-8859-1); {@link #pathInfoUtf8()} re-decodes it. Middleware may add keys; the typed accessors below keep
 * applications out of string soup.
 */
public final class Environ extends AbstractMap<String, Object> {
    public static final String REQUEST_METHOD = "REQUEST_METHOD", SCRIPT_NAME = "SCRIPT_NAME",
            PATH_INFO = "PATH_INFO", QUERY_STRING = "QUERY_STRING", CONTENT_TYPE = "CONTENT_TYPE",
            CONTENT_LENGTH = "CONTENT_LENGTH", SERVER_NAME = "SERVER_NAME", SERVER_PORT = "SERVER_PORT",
            SERVER_PROTOCOL = "SERVER_PROTOCOL", REMOTE_ADDR = "REMOTE_ADDR", REMOTE_PORT = "REMOTE_PORT";
    public static final String INPUT = "wsgi.input", ERRORS = "wsgi.errors", URL_SCHEME = "wsgi.url_scheme",
            VERSION = "wsgi.version", MULTITHREAD = "wsgi.multithread", MULTIPROCESS = "wsgi.multiprocess",
            RUN_ONCE = "wsgi.run_once", INPUT_TERMINATED = "wsgi.input_terminated";
    /** PEP 3333 wsgi.version: (1, 0). */
    public static final List<Integer> WSGI_VERSION = List.of(1, 0);

    private final Map<String, Object> map;

    public Environ() {
        this.map = new LinkedHashMap<>();
    }

    public Environ(Map<String, ?> initial) {
        this.map = new LinkedHashMap<>(initial);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return map.entrySet();
    }

    @Override
    public Object put(String key, Object value) {
        return map.put(key, value);
    }

    @Override
    public Object get(Object key) {
        return map.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return map.containsKey(key);
    }

    @Override
    public Object remove(Object key) {
        return map.remove(key);
    }

    private String str(String key, String fallback) {
        return get(key) instanceof String s ? s : fallback;
    }

    public String method() {
        return str(REQUEST_METHOD, "GET");
    }

    public String scriptName() {
        return str(SCRIPT_NAME, "");
    }

    public String pathInfo() {
        return str(PATH_INFO, "");
    }

    /** PATH_INFO re-decoded as UTF-8 (its chars are bytes, PEP 3333 "Unicode Issues"). */
    public String pathInfoUtf8() {
        return new String(pathInfo().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    public String queryString() {
        return str(QUERY_STRING, "");
    }

    public String contentType() {
        return str(CONTENT_TYPE, "");
    }

    /** CONTENT_LENGTH as a number; empty when absent (e.g. a chunked request) or not a number. */
    public OptionalLong contentLength() {
        String s = str(CONTENT_LENGTH, "");
        if (s.isEmpty()) return OptionalLong.empty();
        try {
            return OptionalLong.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    public String serverName() {
        return str(SERVER_NAME, "");
    }

    public int serverPort() {
        try {
            return Integer.parseInt(str(SERVER_PORT, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public String protocol() {
        return str(SERVER_PROTOCOL, "HTTP/1.0");
    }

    public String remoteAddr() {
        return str(REMOTE_ADDR, "");
    }

    public String urlScheme() {
        return str(URL_SCHEME, "http");
    }

    /** The request body stream; it returns -1 at the end of the body (CONTENT_LENGTH or the last chunk). */
    public InputStream input() {
        return get(INPUT) instanceof InputStream in ? in : InputStream.nullInputStream();
    }

    /** wsgi.errors: text written here goes to the server's error log. */
    public PrintWriter errors() {
        return get(ERRORS) instanceof PrintWriter w ? w : new PrintWriter(System.err, true);
    }

    /** The request header {@code name} (any case) from its HTTP_* key, or null. */
    public String header(String name) {
        String key = switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "content-type" -> CONTENT_TYPE;
            case "content-length" -> CONTENT_LENGTH;
            default -> httpKey(name);
        };
        return get(key) instanceof String s ? s : null;
    }

    /** CGI's HTTP_ key for a header name: upper case, '-' becomes '_' (RFC 3875 §4.1.18). */
    public static String httpKey(String headerName) {
        var sb = new StringBuilder(5 + headerName.length()).append("HTTP_");
        for (int i = 0; i < headerName.length(); i++) {
            char c = headerName.charAt(i);
            sb.append(c == '-' ? '_' : (c >= 'a' && c <= 'z') ? (char) (c - 32) : c);
        }
        return sb.toString();
    }

    /** PEP 3333 "URL Reconstruction": the request's URL from scheme, host, port, script name, path and query. */
    public String requestUrl() {
        var url = new StringBuilder(urlScheme()).append("://");
        String host = header("Host");
        if (host != null) {
            url.append(host);
        } else {
            url.append(serverName());
            String port = str(SERVER_PORT, "");
            if (!(urlScheme().equals("https") && port.equals("443") || urlScheme().equals("http") && port.equals("80")))
                url.append(':').append(port);
        }
        url.append(scriptName()).append(pathInfo());
        if (!queryString().isEmpty()) url.append('?').append(queryString());
        return url.toString();
    }
}
