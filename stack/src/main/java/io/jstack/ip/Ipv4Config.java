package io.jstack.ip;

import java.time.Duration;

/**
 * IPv4 settings of the virtual host.
 *
 * @param defaultTtl            TTL of datagrams we originate (RFC 1122 §3.2.1.7: SHOULD be configurable; Linux 64)
 * @param reassemblyTimeout     how long a partial datagram waits for its missing fragments (RFC 1122 §3.2.1.4)
 * @param reassemblyMemoryBytes cap over all partial datagrams together; past it new fragments are dropped
 */
public record Ipv4Config(int defaultTtl, Duration reassemblyTimeout, int reassemblyMemoryBytes) {
    public Ipv4Config {
        if (defaultTtl < 1 || defaultTtl > 255) throw new IllegalArgumentException("TTL must be 1-255: " + defaultTtl);
        if (reassemblyTimeout.isNegative() || reassemblyTimeout.isZero()) {
            throw new IllegalArgumentException("reassembly timeout must be positive: " + reassemblyTimeout);
        }
        if (reassemblyMemoryBytes < 65535) {
            throw new IllegalArgumentException("reassembly memory must hold one whole datagram (65535 bytes)");
        }
    }

    public static Ipv4Config defaults() {
        return new Ipv4Config(64, Duration.ofSeconds(30), 4 * 1024 * 1024);
    }
}
