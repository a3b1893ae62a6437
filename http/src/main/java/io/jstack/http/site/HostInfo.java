package io.jstack.http.site;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/** What the default site shows about the host it runs on. Implementations must be thread-safe. */
public interface HostInfo {
    /** A short description, e.g. "jstack 10.0.0.2 on tun0". */
    String description();

    /** The address clients reach the host at, e.g. "10.0.0.2". */
    String address();

    Duration uptime();

    /** Live counters by group (e.g. "Ip", "Tcp", "Http"), each an ordered map of name to value. */
    Map<String, Map<String, Long>> counters();

    static HostInfo of(String description, String address, Clock clock, Supplier<Map<String, Map<String, Long>>> counters) {
        Instant started = clock.instant();
        return new HostInfo() {
            @Override
            public String description() {
                return description;
            }

            @Override
            public String address() {
                return address;
            }

            @Override
            public Duration uptime() {
                return Duration.between(started, clock.instant());
            }

            @Override
            public Map<String, Map<String, Long>> counters() {
                return counters.get();
            }
        };
    }
}
