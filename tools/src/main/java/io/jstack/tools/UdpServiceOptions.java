package io.jstack.tools;

import io.jstack.dns.DnsConfig;
import java.util.List;

/**
 * The UDP services the virtual host runs: echo on port 7 (RFC 862) and the DNS responder on port 53.
 *
 * @param udpEcho    run UDP echo
 * @param dns        run the DNS responder
 * @param dnsRecords the A records given with {@code --dns NAME=ADDR}; empty means the default,
 *                   {@code jstack.test} as the host's own address
 */
public record UdpServiceOptions(boolean udpEcho, boolean dns, List<DnsConfig.Entry> dnsRecords) {
    public UdpServiceOptions {
        dnsRecords = List.copyOf(dnsRecords);
        DnsConfig.of(dnsRecords); // validates: at most 8 addresses per name
    }

    /** Echo and DNS on, default records. */
    public static UdpServiceOptions defaults() {
        return new UdpServiceOptions(true, true, List.of());
    }
}
