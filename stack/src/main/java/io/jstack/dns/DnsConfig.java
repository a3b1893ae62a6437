package io.jstack.dns;

import io.jstack.wire.Ipv4Address;
import java.time.Duration;
import java.util.List;

/**
 * What the responder knows: A records, and the TTLs it gives. The zones it is authoritative for follow from the
 * names: each name itself and its parent domain (so {@code jstack.test} makes it answer for {@code jstack.test} and
 * {@code test}, with NXDOMAIN for any other name under them).
 *
 * @param records     name to address; a name may appear several times (up to {@link #MAX_ADDRESSES_PER_NAME})
 * @param ttl         TTL of the A records
 * @param negativeTtl SOA minimum, the TTL of negative answers (RFC 2308 §5)
 */
public record DnsConfig(List<Entry> records, Duration ttl, Duration negativeTtl) {
    /** Keeps every answer within 512 octets, so TC is never needed (RFC 1035 §4.2.1). */
    public static final int MAX_ADDRESSES_PER_NAME = 8;

    /** One A record. */
    public record Entry(String name, Ipv4Address address) {
        /** Parses {@code NAME=ADDR}, as given on the command line. */
        public static Entry parse(String text) {
            int eq = text.indexOf('=');
            if (eq <= 0 || eq == text.length() - 1) throw new IllegalArgumentException("expected NAME=ADDR, got '" + text + "'");
            String name = text.substring(0, eq);
            DnsNames.toWire(name); // validates
            return new Entry(name, Ipv4Address.parse(text.substring(eq + 1)));
        }
    }

    public DnsConfig {
        records = List.copyOf(records);
        if (ttl.isNegative() || ttl.toSeconds() > Integer.MAX_VALUE) throw new IllegalArgumentException("bad ttl " + ttl);
        if (negativeTtl.isNegative() || negativeTtl.toSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad negative ttl " + negativeTtl);
        }
        for (Entry e : records) {
            byte[] w = DnsNames.toWire(e.name());
            if (w.length == 1) throw new IllegalArgumentException("the root cannot have an address");
            long same = records.stream().filter(o -> java.util.Arrays.equals(DnsNames.toWire(o.name()), w)).count();
            if (same > MAX_ADDRESSES_PER_NAME) {
                throw new IllegalArgumentException("at most " + MAX_ADDRESSES_PER_NAME + " addresses per name: " + e.name());
            }
        }
    }

    /** {@code jstack.test} is {@code host}, TTL 300 s, negative TTL 60 s. */
    public static DnsConfig defaults(Ipv4Address host) {
        return of(List.of(new Entry("jstack.test", host)));
    }

    public static DnsConfig of(List<Entry> records) {
        return new DnsConfig(records, Duration.ofSeconds(300), Duration.ofSeconds(60));
    }
}
