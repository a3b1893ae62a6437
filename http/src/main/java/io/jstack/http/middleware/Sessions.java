package io.jstack.http.middleware;

import io.jstack.http.gateway.Application;
import io.jstack.http.gateway.Environ;
import io.jstack.http.gateway.Header;
import io.jstack.http.gateway.Middleware;
import io.jstack.http.gateway.StartResponse;
import io.jstack.http.gateway.Write;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sessions kept in a signed cookie (RFC 6265): the client holds the data, an HMAC-SHA256 tag over it proves the
 * server wrote it. The application finds a mutable {@link Session} under {@link #ENVIRON_KEY}; when it changed, the
 * response carries a new Set-Cookie. A cookie with a bad tag, or older than {@code maxAge}, gives an empty session.
 * The data is signed, not encrypted: the client can read it.
 */
public final class Sessions implements Middleware {
    public static final String ENVIRON_KEY = "jstack.session";
    static final int MAX_COOKIE_BYTES = 4096; // RFC 6265 §6.1: at least 4096 bytes per cookie

    /** A session's data: string keys and values; {@link #modified()} once changed. */
    public static final class Session extends java.util.AbstractMap<String, String> {
        private final Map<String, String> map = new LinkedHashMap<>();
        private boolean modified;

        @Override
        public java.util.Set<Entry<String, String>> entrySet() {
            return java.util.Collections.unmodifiableMap(map).entrySet();
        }

        @Override
        public String put(String k, String v) {
            modified = true;
            return map.put(k, v);
        }

        @Override
        public String remove(Object k) {
            modified |= map.containsKey(k);
            return map.remove(k);
        }

        @Override
        public void clear() {
            modified |= !map.isEmpty();
            map.clear();
        }

        public boolean modified() {
            return modified;
        }
    }

    private final byte[] key;
    private final String cookieName;
    private final Duration maxAge;
    private final Clock clock;

    public Sessions(byte[] key, String cookieName, Duration maxAge, Clock clock) {
        if (key.length < 16) throw new IllegalArgumentException("an HMAC key needs at least 16 bytes");
        this.key = key.clone();
        this.cookieName = cookieName;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** The session of a request (an empty one if the Sessions middleware did not run). */
    public static Session of(Environ env) {
        return env.get(ENVIRON_KEY) instanceof Session s ? s : new Session();
    }

    @Override
    public Application apply(Application app) {
        return (env, sr) -> {
            var session = load(env.header("Cookie"));
            env.put(ENVIRON_KEY, session);
            StartResponse withCookie = new StartResponse() {
                @Override
                public Write start(String status, List<Header> headers) {
                    return sr.start(status, addCookie(headers, session));
                }

                @Override
                public Write start(String status, List<Header> headers, Throwable excInfo) {
                    return sr.start(status, addCookie(headers, session), excInfo);
                }
            };
            return app.call(env, withCookie);
        };
    }

    private List<Header> addCookie(List<Header> headers, Session session) {
        if (!session.modified()) return headers;
        var out = new ArrayList<>(headers);
        String value = encode(session);
        if (value.length() > MAX_COOKIE_BYTES) throw new IllegalStateException("session too large for a cookie");
        out.add(Header.of("Set-Cookie", cookieName + "=" + value + "; Path=/; Max-Age=" + maxAge.toSeconds()
                + "; HttpOnly; SameSite=Lax"));
        return out;
    }

    Session load(String cookieHeader) {
        var session = new Session();
        if (cookieHeader == null) return session;
        for (String pair : cookieHeader.split(";")) {
            int eq = pair.indexOf('=');
            if (eq < 0 || !pair.substring(0, eq).strip().equals(cookieName)) continue;
            String value = pair.substring(eq + 1).strip();
            int dot = value.lastIndexOf('.');
            if (dot < 0) continue;
            byte[] payload, tag;
            try {
                payload = Base64.getUrlDecoder().decode(value.substring(0, dot));
                tag = Base64.getUrlDecoder().decode(value.substring(dot + 1));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (!MessageDigest.isEqual(tag, hmac(payload))) continue; // constant-time comparison
            String text = new String(payload, StandardCharsets.UTF_8);
            int bar = text.indexOf('|');
            if (bar < 0) continue;
            long issued;
            try {
                issued = Long.parseLong(text.substring(0, bar));
            } catch (NumberFormatException e) {
                continue;
            }
            if (clock.instant().getEpochSecond() - issued > maxAge.toSeconds()) continue;
            for (String kv : text.substring(bar + 1).split("&")) {
                if (kv.isEmpty()) continue;
                int e = kv.indexOf('=');
                String k = URLDecoder.decode(e < 0 ? kv : kv.substring(0, e), StandardCharsets.UTF_8);
                String v = e < 0 ? "" : URLDecoder.decode(kv.substring(e + 1), StandardCharsets.UTF_8);
                session.map.put(k, v);
            }
            return session;
        }
        return session;
    }

    String encode(Session session) {
        var sb = new StringBuilder().append(clock.instant().getEpochSecond()).append('|');
        boolean first = true;
        for (var e : session.map.entrySet()) {
            if (!first) sb.append('&');
            first = false;
            sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        byte[] payload = sb.toString().getBytes(StandardCharsets.UTF_8);
        var b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(payload) + "." + b64.encodeToString(hmac(payload));
    }

    private byte[] hmac(byte[] payload) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
