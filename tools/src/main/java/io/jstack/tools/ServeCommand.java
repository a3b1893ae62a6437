package io.jstack.tools;

import io.jstack.dns.DnsConfig;
import io.jstack.host.Host;
import io.jstack.ip.Ipv4Config;
import io.jstack.link.Impairment;
import io.jstack.link.Link;
import io.jstack.tcp.TcpLayer;
import io.jstack.time.Clock;
import io.jstack.udp.UdpLayer;
import io.jstack.wire.Ipv4Address;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code jstack [options]}: runs the virtual host on a TUN device until Ctrl-C or SIGTERM, then prints every
 * counter and releases the device. New options go here and into {@link ServeOptions}; new transports and
 * services are installed in {@link #buildHost}.
 */
@Command(name = "jstack", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "A userspace TCP/IP stack in Java: runs a virtual host on a Linux TUN device.",
            "Needs root. The kernel side of the device gets --host-ip, the virtual host answers at --ip."})
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--tun", paramLabel = "NAME", defaultValue = "tun0",
            description = "TUN device name, created if absent (default: ${DEFAULT-VALUE})")
    String tun;

    @Option(names = "--ip", paramLabel = "ADDR", defaultValue = "10.0.0.2", converter = AddressConverter.class,
            description = "the virtual host's IPv4 address (default: ${DEFAULT-VALUE})")
    Ipv4Address ip;

    @Option(names = "--host-ip", paramLabel = "ADDR/LEN", defaultValue = "10.0.0.1/24",
            converter = HostAddressConverter.class,
            description = "the kernel side's address and prefix on the device; the virtual host shares the prefix "
                    + "and accepts its subnet broadcast (default: ${DEFAULT-VALUE})")
    HostAddress hostIp;

    @Option(names = "--mtu", paramLabel = "N", defaultValue = "1500",
            description = "link MTU in bytes, 68-65535 (default: ${DEFAULT-VALUE})")
    int mtu;

    @Option(names = "--pcap", paramLabel = "FILE",
            description = "capture both directions to FILE (pcap, raw IP); open it with tshark -r FILE or Wireshark")
    Path pcap;

    @Option(names = "--trace",
            description = "print every packet received and sent as it happens, one tshark-style summary line each "
                    + "(as jstack inspect shows a capture); lines the terminal cannot keep up with are dropped and counted")
    boolean trace;

    @Option(names = "--no-offload",
            description = "send and receive every packet wire-sized and checksummed: no IFF_VNET_HDR checksum or "
                    + "segmentation offload in either direction")
    boolean noOffload;

    @Option(names = "--busy-poll", paramLabel = "MICROS", defaultValue = "0",
            description = "after traffic, keep polling the device for MICROS microseconds instead of sleeping (as "
                    + "Linux's net.core.busy_poll): lower latency (no wake-up of an idle CPU), one CPU busy while "
                    + "traffic flows; 0 (default): never")
    long busyPollMicros;

    @Option(names = "--netns", paramLabel = "NAME",
            description = "create the device inside network namespace NAME (created if absent, deleted on exit if "
                    + "jstack created it); then use: ip netns exec NAME ping ADDR")
    String netns;

    @Option(names = "--dns", paramLabel = "NAME=ADDR", converter = DnsEntryConverter.class,
            description = "an A record the DNS responder on port 53 serves (repeatable; default: jstack.test=<--ip>); "
                    + "other names in its zones get NXDOMAIN")
    List<DnsConfig.Entry> dns = new ArrayList<>();

    @Option(names = "--no-dns", description = "do not run the DNS responder on UDP port 53")
    boolean noDns;

    @Option(names = "--no-udp-echo", description = "do not run UDP echo on port 7 (RFC 862)")
    boolean noUdpEcho;

    @Option(names = "--no-tcp-echo", description = "do not run TCP echo on port 7 (RFC 862)")
    boolean noTcpEcho;

    @Option(names = "--no-discard", description = "do not run TCP discard on port 9 (RFC 863)")
    boolean noDiscard;

    @Option(names = "--no-chargen", description = "do not run TCP chargen on port 19 (RFC 864)")
    boolean noChargen;

    @Option(names = "--impair", paramLabel = "SPEC",
            description = "impair the link both ways, e.g. loss=2%%,dup=1%%,reorder=2%%,corrupt=1%%,delay=10ms,jitter=2ms "
                    + "(any subset); impaired packets are counted")
    String impair;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "seed of --impair's random choices, to repeat a run (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--http-port", paramLabel = "N", defaultValue = "80",
            description = "TCP port of the HTTP server on the virtual host (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--no-http", description = "do not run the HTTP server")
    boolean noHttp;

    @Option(names = "--docroot", paramLabel = "DIR", description = "serve the files under DIR in front of the site")
    Path docroot;

    @Option(names = "--app", paramLabel = "CLASS",
            description = "run this io.jstack.http.gateway.Application (public no-argument constructor) instead of the site")
    String app;

    @Option(names = "--access-log", paramLabel = "FILE",
            description = "append the HTTP access log (Gunicorn's format) to FILE; - for standard output")
    String accessLog;

    /** The HTTP server's options, or empty with --no-http; bad values are usage errors (exit code 2). */
    Optional<HttpService.Options> httpOptions() {
        try {
            if (noHttp) return Optional.empty();
            return Optional.of(new HttpService.Options(httpPort, Optional.ofNullable(docroot), Optional.ofNullable(app),
                    Optional.ofNullable(accessLog)));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** The validated options; bad combinations are usage errors (exit code 2). */
    ServeOptions options() {
        try {
            if (noDns && !dns.isEmpty()) throw new IllegalArgumentException("--dns and --no-dns exclude each other");
            Impairment impairment = impair == null ? Impairment.NONE : Impairment.parse(impair);
            return new ServeOptions(tun, ip, hostIp, mtu, Optional.ofNullable(pcap), Optional.ofNullable(netns),
                    new UdpServiceOptions(!noUdpEcho, !noDns, dns),
                    new TcpServiceOptions(!noTcpEcho, !noDiscard, !noChargen), impairment, seed, trace, !noOffload,
                    Math.min(busyPollMicros, Long.MAX_VALUE / 1000) * 1000); // ServeOptions checks the range
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /**
     * Builds the virtual host on {@code link}: IPv4 and ICMP, and every installed transport and service. The one
     * place to add them (for example {@code UdpLayer.install(host)}, a service on a port).
     */
    public static Host buildHost(ServeOptions o, Link link, Clock clock) {
        // The host's subnet is the device's: same prefix, so it knows the directed broadcast (RFC 1122 §3.2.1.3).
        Host host = new Host(o.ip().value(), link, clock,
                Ipv4Config.defaults().withPrefixLength(o.hostIp().prefixLength()));
        UdpLayer.install(host);
        TcpLayer.install(host);
        return host;
    }

    @Override
    public Integer call() throws Exception {
        ServeOptions o = options();
        Optional<HttpService.Options> httpOptions = httpOptions();
        PrintStream out = System.out;
        RunningHost running = RunningHost.start(o);
        HttpService http;
        try {
            http = httpOptions.isPresent()
                    ? HttpService.start(running.host(), httpOptions.get(), "jstack " + o.ip() + " on " + o.tun())
                    : null;
        } catch (java.io.IOException | RuntimeException e) {
            running.stop(out);
            System.err.println("jstack: cannot start the HTTP server: " + e.getMessage());
            return Main.EXIT_FAILURE;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("jstack-shutdown").unstarted(() -> {
            if (http != null) http.close(); // graceful: requests in flight finish before the loop stops
            running.stop(out);
        }));
        out.println(o.hint());
        httpOptions.ifPresent(h -> out.println("jstack: HTTP on http://" + o.ip() + (h.port() == 80 ? "" : ":" + h.port()) + "/"));
        out.flush();
        running.loop().thread().join();
        Throwable failure = running.loop().failure();
        if (failure != null) {
            String why = failure.getMessage() != null ? failure.getMessage() : failure.toString();
            System.err.println("jstack: the packet loop stopped: " + why);
            return Main.EXIT_FAILURE;
        }
        return 0; // stopped by the shutdown hook, which prints the counters
    }

    static final class AddressConverter implements ITypeConverter<Ipv4Address> {
        @Override
        public Ipv4Address convert(String value) {
            try {
                return Ipv4Address.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class DnsEntryConverter implements ITypeConverter<DnsConfig.Entry> {
        @Override
        public DnsConfig.Entry convert(String value) {
            try {
                return DnsConfig.Entry.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class HostAddressConverter implements ITypeConverter<HostAddress> {
        @Override
        public HostAddress convert(String value) {
            try {
                return HostAddress.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
