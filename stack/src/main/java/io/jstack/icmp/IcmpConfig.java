package io.jstack.icmp;

/**
 * ICMP settings of the virtual host.
 *
 * @param errorsPerSecond sustained rate of outgoing ICMP error messages (RFC 1812 §4.3.2.8: MUST be limited;
 *                        RFC 1122 §3.2.2 asks the same of hosts); refills the token bucket
 * @param errorBurst      how many errors may leave back to back after a quiet period: the bucket's size
 */
public record IcmpConfig(int errorsPerSecond, int errorBurst) {
    public IcmpConfig {
        if (errorsPerSecond < 1 || errorsPerSecond > 1_000_000_000) {
            throw new IllegalArgumentException("errorsPerSecond must be 1-1e9: " + errorsPerSecond);
        }
        if (errorBurst < 1) throw new IllegalArgumentException("errorBurst must be at least 1: " + errorBurst);
    }

    /** Linux's global defaults (net.ipv4.icmp_msgs_per_sec = 1000, icmp_msgs_burst = 50). */
    public static IcmpConfig defaults() {
        return new IcmpConfig(1000, 50);
    }
}
