package io.jstack.http.middleware;

import io.jstack.http.gateway.Application;
import io.jstack.http.gateway.Body;
import io.jstack.http.gateway.Environ;
import io.jstack.http.gateway.Header;
import io.jstack.http.gateway.StartResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Serves files from a directory: GET and HEAD, Content-Type by extension, Last-Modified and ETag with conditional
 * requests (RFC 9110 §13), and single byte ranges (RFC 9110 §14). Paths that would leave the directory (".." or a
 * symbolic link pointing outside) are refused; what is not a file falls through to the wrapped application.
 */
public final class StaticFiles implements Application {
    static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    static final Map<String, String> TYPES = Map.ofEntries(Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"), Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("svg", "image/svg+xml"),
            Map.entry("ico", "image/x-icon"), Map.entry("webp", "image/webp"), Map.entry("pdf", "application/pdf"),
            Map.entry("wasm", "application/wasm"), Map.entry("xml", "application/xml"));
    static final int CHUNK = 64 * 1024;

    private final Path root;
    private final Application fallback;

    /** Serves {@code root}; requests for anything that is not a readable file there go to {@code fallback}. */
    public StaticFiles(Path root, Application fallback) {
        try {
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("docroot " + root, e);
        }
        this.fallback = fallback;
    }

    /** A 404 application, for a server of static files only. */
    public static Application notFound() {
        return (env, sr) -> {
            sr.start("404 Not Found", List.of(Header.of("Content-Type", "text/plain; charset=utf-8")));
            return Body.of("404 Not Found\n");
        };
    }

    @Override
    public Body call(Environ env, StartResponse sr) throws Exception {
        Path file = resolve(env.pathInfoUtf8());
        if (file == null) return fallback.call(env, sr);
        String method = env.method();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            sr.start("405 Method Not Allowed", List.of(Header.of("Allow", "GET, HEAD"),
                    Header.of("Content-Type", "text/plain; charset=utf-8")));
            return Body.of("405 Method Not Allowed\n");
        }
        var attrs = Files.readAttributes(file, BasicFileAttributes.class);
        long size = attrs.size();
        Instant modified = attrs.lastModifiedTime().toInstant().truncatedTo(ChronoUnit.SECONDS);
        String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(modified.getEpochSecond()) + "\"";
        var headers = new ArrayList<Header>();
        headers.add(Header.of("Last-Modified", IMF_FIXDATE.format(modified)));
        headers.add(Header.of("ETag", etag));
        headers.add(Header.of("Accept-Ranges", "bytes"));
        if (notModified(env, etag, modified)) {
            sr.start("304 Not Modified", headers);
            return Body.empty();
        }
        headers.add(Header.of("Content-Type", contentType(file)));
        long[] range = range(env, etag, modified, size);
        if (range == UNSATISFIABLE) {
            // RFC 9110 §15.5.17: 416 with Content-Range: bytes */complete-length.
            headers.add(Header.of("Content-Range", "bytes */" + size));
            sr.start("416 Range Not Satisfiable", headers);
            return Body.empty();
        }
        long from = 0, length = size;
        if (range != null) {
            from = range[0];
            length = range[1] - range[0] + 1;
            headers.add(Header.of("Content-Range", "bytes " + range[0] + "-" + range[1] + "/" + size));
        }
        headers.add(Header.of("Content-Length", Long.toString(length)));
        sr.start(range != null ? "206 Partial Content" : "200 OK", headers);
        if (method.equals("HEAD")) return Body.empty();
        return fileBody(file, from, length);
    }

    /** The file under the root for a decoded path, or null: no "..", NUL or backslash; no escape by symlink. */
    Path resolve(String path) {
        if (!path.startsWith("/") || path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0) return null;
        for (String seg : path.split("/")) if (seg.equals("..")) return null;
        Path p = root.resolve(path.substring(1)).normalize();
        if (!p.startsWith(root)) return null;
        try {
            if (Files.isDirectory(p)) p = p.resolve("index.html");
            Path real = p.toRealPath();
            if (!real.startsWith(root) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) || !Files.isReadable(real))
                return null;
            return real;
        } catch (IOException e) {
            return null;
        }
    }

    static String contentType(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    /** RFC 9110 §13.2.2: If-None-Match takes precedence over If-Modified-Since. */
    static boolean notModified(Environ env, String etag, Instant modified) {
        String inm = env.header("If-None-Match");
        if (inm != null) {
            // RFC 9110 §13.1.2: weak comparison.
            for (String t : inm.split(",")) {
                String tag = t.strip();
                if (tag.equals("*") || weakStrip(tag).equals(weakStrip(etag))) return true;
            }
            return false;
        }
        String ims = env.header("If-Modified-Since");
        if (ims != null) {
            Instant since = parseDate(ims);
            return since != null && !modified.isAfter(since);
        }
        return false;
    }

    private static String weakStrip(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    static Instant parseDate(String s) {
        try {
            return Instant.from(IMF_FIXDATE.parse(s.strip()));
        } catch (RuntimeException e) {
            return null;
        }
    }

    static final long[] UNSATISFIABLE = new long[0];

    /**
     * RFC 9110 §14.2: one byte range as [first, last], null to send the whole file (no Range, If-Range not matching,
     * several ranges, or a syntax we ignore), or {@link #UNSATISFIABLE}.
     */
    static long[] range(Environ env, String etag, Instant modified, long size) {
        String r = env.header("Range");
        if (r == null || !r.startsWith("bytes=")) return null;
        String ifRange = env.header("If-Range");
        if (ifRange != null) {
            // RFC 9110 §13.1.5: a strong ETag match or an exactly equal date, else the whole representation.
            boolean match = ifRange.startsWith("\"") ? ifRange.strip().equals(etag) : modified.equals(parseDate(ifRange));
            if (!match) return null;
        }
        String spec = r.substring(6).strip();
        if (spec.contains(",")) return null; // Deviation: several ranges are answered with the whole file (allowed).
        int dash = spec.indexOf('-');
        if (dash < 0) return null;
        try {
            String a = spec.substring(0, dash).strip(), b = spec.substring(dash + 1).strip();
            long first, last;
            if (a.isEmpty()) { // suffix-range: the last N bytes
                long n = Long.parseLong(b);
                if (n <= 0) return UNSATISFIABLE;
                first = Math.max(0, size - n);
                last = size - 1;
            } else {
                first = Long.parseLong(a);
                last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
                if (!b.isEmpty() && Long.parseLong(b) < first) return null; // invalid: ignore the field
            }
            if (first < 0) return null;
            if (first >= size || size == 0) return UNSATISFIABLE;
            return new long[] {first, last};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Body fileBody(Path file, long from, long length) throws IOException {
        var ch = FileChannel.open(file, StandardOpenOption.READ);
        var pos = new long[] {from};
        long end = from + length;
        return Body.generate(() -> {
            if (pos[0] >= end) return null;
            var buf = ByteBuffer.allocate((int) Math.min(CHUNK, end - pos[0]));
            try {
                while (buf.hasRemaining()) {
                    int n = ch.read(buf, pos[0] + buf.position());
                    if (n < 0) throw new IOException("file shrank while being sent: " + file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            pos[0] += buf.capacity();
            return buf.array();
        }, length, () -> {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        });
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
