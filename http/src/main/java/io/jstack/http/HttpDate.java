package io.jstack.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** IMF-fixdate (RFC 9110 §5.6.7), e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}; the text is cached per second. */
public final class HttpDate {
    /** RFC 9110 §5.6.7: day-name "," SP day SP month SP year SP time-of-day SP GMT, two-digit day. */
    public static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private record Cached(long second, String text) {}

    private volatile Cached cached = new Cached(Long.MIN_VALUE, "");

    public String format(Instant now) {
        Cached c = cached;
        long s = now.getEpochSecond();
        if (c.second != s) cached = c = new Cached(s, IMF_FIXDATE.format(Instant.ofEpochSecond(s)));
        return c.text;
    }

    public static String of(Instant t) {
        return IMF_FIXDATE.format(t);
    }

    /** Parses an IMF-fixdate; null when it is not one (RFC 9110 §13.1.3: an invalid date is ignored). */
    public static Instant parse(String s) {
        try {
            return Instant.from(IMF_FIXDATE.parse(s.strip()));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
