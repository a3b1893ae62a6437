package io.jstack.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The server's counters; every refused request and every dropped connection is counted. Thread-safe. */
public final class ServerStats {
    public enum Counter {
        CONNECTIONS_ACCEPTED, CONNECTIONS_ACTIVE, REQUESTS, RESPONSES_1XX, RESPONSES_2XX, RESPONSES_3XX,
        RESPONSES_4XX, RESPONSES_5XX, BAD_REQUESTS, HEADER_TIMEOUTS, IDLE_TIMEOUTS, APPLICATION_ERRORS,
        CLIENT_DISCONNECTS, BYTES_IN, BYTES_OUT
    }

    private final LongAdder[] adders = new LongAdder[Counter.values().length];

    public ServerStats() {
        for (int i = 0; i < adders.length; i++) adders[i] = new LongAdder();
    }

    public void add(Counter c, long n) {
        adders[c.ordinal()].add(n);
    }

    public void increment(Counter c) {
        adders[c.ordinal()].increment();
    }

    public long get(Counter c) {
        return adders[c.ordinal()].sum();
    }

    void response(int status) {
        increment(switch (status / 100) {
            case 1 -> Counter.RESPONSES_1XX;
            case 2 -> Counter.RESPONSES_2XX;
            case 3 -> Counter.RESPONSES_3XX;
            case 4 -> Counter.RESPONSES_4XX;
            default -> Counter.RESPONSES_5XX;
        });
    }

    /** A snapshot with lower-case names, e.g. {@code requests}, for /stats. */
    public Map<String, Long> snapshot() {
        var m = new LinkedHashMap<String, Long>();
        for (var c : Counter.values()) m.put(c.name().toLowerCase(java.util.Locale.ROOT), get(c));
        return m;
    }
}
