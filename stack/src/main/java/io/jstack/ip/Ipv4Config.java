package io.jstack.ip;

import java.time.Duration;

/**
 * IPv4 settings of the virtual host.
 *
 * @param defaultTtl            TTL of datagrams we originate (RFC 1122 §3.2.1.7: SHOULD be configurable; Linux 64)
 * @param reassemblyTimeout     how long a partial datagram waits for its missing fragments (RFC 1122 §3.2.1.4)
 * @param reassemblyMemoryBytes cap over all partial datagrams together (buffers and bookkeeping); a fragment
 *                              that would pass it evicts the oldest other partial datagrams
 * @param prefixLength          length of the subnet prefix of the host's address (RFC 1122 §3.3.1.1: the address
 *                              mask), 1-32; it defines the directed broadcast {Network-number, -1} the host
 *                              accepts (RFC 1122 §3.2.1.3, §3.3.6). Prefixes of /31 and /32 have no broadcast
 *                              address (RFC 3021).
 */
public record Ipv4Config(int defaultTtl, Duration reassemblyTimeout, int reassemblyMemoryBytes, int prefixLength) {
    /**
     * The smallest cap that still reassembles a 65535-byte datagram sent in 8-byte fragments: its buffer
     * (~64 KiB) plus its fragment table (8189 entries of two ints, grown by doubling, 64 KiB), with room to spare.
     */
    public static final int MIN_REASSEMBLY_MEMORY_BYTES = 256 * 1024;
    /** The prefix length of the default subnet, 10.0.0.0/24 as the CLI sets up. */
    public static final int DEFAULT_PREFIX_LENGTH = 24;

    public Ipv4Config {
        if (defaultTtl < 1 || defaultTtl > 255) throw new IllegalArgumentException("TTL must be 1-255: " + defaultTtl);
        if (reassemblyTimeout.isNegative() || reassemblyTimeout.isZero()) {
            throw new IllegalArgumentException("reassembly timeout must be positive: " + reassemblyTimeout);
        }
        if (reassemblyMemoryBytes < MIN_REASSEMBLY_MEMORY_BYTES) {
            throw new IllegalArgumentException("reassembly memory must hold one whole datagram of the smallest "
                    + "fragments (" + MIN_REASSEMBLY_MEMORY_BYTES + " bytes): " + reassemblyMemoryBytes);
        }
        if (prefixLength < 1 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 1-32: " + prefixLength);
        }
    }

    /** With the default prefix length, {@value #DEFAULT_PREFIX_LENGTH}. */
    public Ipv4Config(int defaultTtl, Duration reassemblyTimeout, int reassemblyMemoryBytes) {
        this(defaultTtl, reassemblyTimeout, reassemblyMemoryBytes, DEFAULT_PREFIX_LENGTH);
    }

    public static Ipv4Config defaults() {
        return new Ipv4Config(64, Duration.ofSeconds(30), 4 * 1024 * 1024, DEFAULT_PREFIX_LENGTH);
    }

    public Ipv4Config withPrefixLength(int length) {
        return new Ipv4Config(defaultTtl, reassemblyTimeout, reassemblyMemoryBytes, length);
    }

    /**
     * The directed broadcast address of {@code address}'s subnet (host part all ones, RFC 1122 §3.2.1.3 (d)), or
     * 0 when the prefix leaves no room for one (/31, /32).
     */
    public int subnetBroadcast(int address) {
        if (prefixLength > 30) return 0;
        int mask = -1 << (32 - prefixLength);
        return address | ~mask;
    }
}
