package io.jstack.ip;

import java.time.Duration;

/**
 * IPv4 settings of the virtual host.
 *
 * @param defaultTtl            TTL of datagrams we originate (RFC 1122 §3.2.1.7: SHOULD be configurable; Linux 64)
 * @param reassemblyTimeout     how long a partial datagram waits for its missing fragments (RFC 1122 §3.2.1.4)
 * @param reassemblyMemoryBytes cap over all partial datagrams together (buffers and bookkeeping); a fragment
 *                              that would pass it evicts the oldest other partial datagrams
 */
public record Ipv4Config(int defaultTtl, Duration reassemblyTimeout, int reassemblyMemoryBytes) {
    /**
     * The smallest cap that still reassembles a 65535-byte datagram sent in 8-byte fragments: its buffer
     * (~64 KiB) plus its fragment table (8189 entries of two ints, grown by doubling, 64 KiB), with room to spare.
     */
    public static final int MIN_REASSEMBLY_MEMORY_BYTES = 256 * 1024;

    public Ipv4Config {
        if (defaultTtl < 1 || defaultTtl > 255) throw new IllegalArgumentException("TTL must be 1-255: " + defaultTtl);
        if (reassemblyTimeout.isNegative() || reassemblyTimeout.isZero()) {
            throw new IllegalArgumentException("reassembly timeout must be positive: " + reassemblyTimeout);
        }
        if (reassemblyMemoryBytes < MIN_REASSEMBLY_MEMORY_BYTES) {
            throw new IllegalArgumentException("reassembly memory must hold one whole datagram of the smallest "
                    + "fragments (" + MIN_REASSEMBLY_MEMORY_BYTES + " bytes): " + reassemblyMemoryBytes);
        }
    }

    public static Ipv4Config defaults() {
        return new Ipv4Config(64, Duration.ofSeconds(30), 4 * 1024 * 1024);
    }
}
