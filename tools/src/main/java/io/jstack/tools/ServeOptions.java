package io.jstack.tools;

import io.jstack.link.Impairment;
import io.jstack.tun.TunOptions;
import io.jstack.wire.Ipv4Address;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code jstack} serves and where: the validated options of {@link ServeCommand}. To add an option, add a
 * component here, keep {@link #defaults()} and the {@code withXxx} methods in step, and add the {@code @Option}
 * to {@link ServeCommand}; code elsewhere (tests' LiveHost) starts from {@link #defaults()} and the withers.
 *
 * @param tun    TUN device name
 * @param ip     the virtual host's address
 * @param hostIp the kernel side's address and prefix on the TUN device
 * @param mtu    link MTU
 * @param pcap   capture file, if any
 * @param netns  network namespace for the device (created if absent), if any
 * @param udp    the UDP services (echo, DNS) and the DNS records
 * @param tcp    the TCP services (echo, discard, chargen)
 * @param impairment what the link does to packets in both directions ({@link Impairment#NONE}: nothing)
 * @param seed   the seed of the impairment's random draws, so that a run can be reproduced
 */
public record ServeOptions(String tun, Ipv4Address ip, HostAddress hostIp, int mtu, Optional<Path> pcap,
        Optional<String> netns, UdpServiceOptions udp, TcpServiceOptions tcp, Impairment impairment, long seed) {
    /** The seed used when none is given: a fixed one, so that two runs draw the same impairments. */
    public static final long DEFAULT_SEED = 1;

    /** With the default services and no impairment. */
    public ServeOptions(String tun, Ipv4Address ip, HostAddress hostIp, int mtu, Optional<Path> pcap,
            Optional<String> netns) {
        this(tun, ip, hostIp, mtu, pcap, netns, UdpServiceOptions.defaults());
    }

    /** With the default TCP services and no impairment. */
    public ServeOptions(String tun, Ipv4Address ip, HostAddress hostIp, int mtu, Optional<Path> pcap,
            Optional<String> netns, UdpServiceOptions udp) {
        this(tun, ip, hostIp, mtu, pcap, netns, udp, TcpServiceOptions.defaults(), Impairment.NONE, DEFAULT_SEED);
    }

    /** Throws {@link IllegalArgumentException} with a one-line reason when the options do not fit together. */
    public ServeOptions {
        if (ip.equals(hostIp.address())) {
            throw new IllegalArgumentException("--ip and --host-ip must differ (both are " + ip + ")");
        }
        if (!hostIp.contains(ip)) {
            throw new IllegalArgumentException("--ip " + ip + " is outside --host-ip " + hostIp
                    + ": the kernel would not route to it");
        }
        int host = ip.value() & ~hostIp.mask();
        if (host == 0 || host == ~hostIp.mask()) {
            throw new IllegalArgumentException("--ip " + ip + " is the network or broadcast address of " + hostIp);
        }
        tunOptions(tun, ip, hostIp, mtu, netns); // validates the name, MTU and namespace
        java.util.Objects.requireNonNull(udp, "udp");
        java.util.Objects.requireNonNull(tcp, "tcp");
        java.util.Objects.requireNonNull(impairment, "impairment");
    }

    /**
     * tun0, 10.0.0.2, 10.0.0.1/24, MTU 1500, no capture, the caller's namespace, UDP echo and DNS on, TCP echo,
     * discard and chargen on, no impairment.
     */
    public static ServeOptions defaults() {
        return new ServeOptions("tun0", Ipv4Address.parse("10.0.0.2"), HostAddress.parse("10.0.0.1/24"), 1500,
                Optional.empty(), Optional.empty());
    }

    public ServeOptions withTun(String name) {
        return new ServeOptions(name, ip, hostIp, mtu, pcap, netns, udp, tcp, impairment, seed);
    }

    public ServeOptions withIp(Ipv4Address address, HostAddress kernelSide) {
        return new ServeOptions(tun, address, kernelSide, mtu, pcap, netns, udp, tcp, impairment, seed);
    }

    public ServeOptions withMtu(int bytes) {
        return new ServeOptions(tun, ip, hostIp, bytes, pcap, netns, udp, tcp, impairment, seed);
    }

    public ServeOptions withPcap(Optional<Path> file) {
        return new ServeOptions(tun, ip, hostIp, mtu, file, netns, udp, tcp, impairment, seed);
    }

    public ServeOptions withNetns(Optional<String> name) {
        return new ServeOptions(tun, ip, hostIp, mtu, pcap, name, udp, tcp, impairment, seed);
    }

    public ServeOptions withUdp(UdpServiceOptions services) {
        return new ServeOptions(tun, ip, hostIp, mtu, pcap, netns, services, tcp, impairment, seed);
    }

    public ServeOptions withTcp(TcpServiceOptions services) {
        return new ServeOptions(tun, ip, hostIp, mtu, pcap, netns, udp, services, impairment, seed);
    }

    /** Impairs the link in both directions with {@code what}, drawing from a random sequence seeded with {@code randomSeed}. */
    public ServeOptions withImpairment(Impairment what, long randomSeed) {
        return new ServeOptions(tun, ip, hostIp, mtu, pcap, netns, udp, tcp, what, randomSeed);
    }

    /** The device to open; the CLI creates the namespace if it is missing and deletes it if it created it. */
    public TunOptions tunOptions() {
        return tunOptions(tun, ip, hostIp, mtu, netns);
    }

    private static TunOptions tunOptions(String tun, Ipv4Address ip, HostAddress hostIp, int mtu,
            Optional<String> netns) {
        TunOptions t = TunOptions.defaults().withName(tun).withMtu(mtu)
                .withKernelAddress(hostIp.address(), hostIp.prefixLength()).withHostAddress(ip);
        return netns.map(ns -> t.inNamespace(ns, true)).orElse(t);
    }

    /** The one line that tells the user what to try once the host is up. */
    public String hint() {
        String prefix = netns.map(ns -> "sudo ip netns exec " + ns + " ").orElse("");
        return "jstack: virtual host " + ip + " is up on " + tun + netns.map(ns -> " in netns " + ns).orElse("")
                + " (kernel side " + hostIp + ", MTU " + mtu + ")"
                + pcap.map(p -> ", capturing to " + p).orElse("")
                + (impairment.isNone() ? "" : ", impairing both directions with " + impairment + " (seed " + seed + ")")
                + "; try: " + prefix + "ping " + ip;
    }
}
