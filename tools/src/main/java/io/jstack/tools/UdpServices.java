package io.jstack.tools;

import io.jstack.dns.DnsConfig;
import io.jstack.dns.DnsResponder;
import io.jstack.host.Host;
import io.jstack.service.DnsService;
import io.jstack.service.UdpEchoService;
import io.jstack.udp.UdpLayer;
import io.jstack.wire.Ipv4Address;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The UDP services of a running host, started once its loop runs (binding a port is a task on the loop) and
 * stopped before it ends.
 */
final class UdpServices implements AutoCloseable {
    private final Optional<UdpEchoService> echo;
    private final Optional<DnsService> dns;

    private UdpServices(Optional<UdpEchoService> echo, Optional<DnsService> dns) {
        this.echo = echo;
        this.dns = dns;
    }

    /** Starts what {@code o} asks for on {@code udp}, the UDP layer of {@code host}; registers the "Dns" counters. */
    static UdpServices start(Host host, UdpLayer udp, UdpServiceOptions o) {
        Optional<UdpEchoService> echo = Optional.empty();
        Optional<DnsService> dns = Optional.empty();
        try {
            if (o.udpEcho()) echo = Optional.of(UdpEchoService.start(udp));
            if (o.dns()) {
                DnsConfig config = o.dnsRecords().isEmpty()
                        ? DnsConfig.defaults(new Ipv4Address(host.address()))
                        : DnsConfig.of(o.dnsRecords());
                DnsResponder responder = new DnsResponder(config);
                dns = Optional.of(DnsService.start(udp, responder));
                host.addCounters("Dns", responder::counters);
            }
        } catch (IOException e) {
            echo.ifPresent(UdpEchoService::close);
            throw new UncheckedIOException("cannot start the UDP services: " + e.getMessage(), e);
        }
        return new UdpServices(echo, dns);
    }

    @Override
    public void close() {
        echo.ifPresent(UdpEchoService::close);
        dns.ifPresent(DnsService::close);
    }
}
