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
 * @param impair impairment of the link in both directions ({@link Impairment#NONE}: none)
 * @param seed   seed of the impairment's random choices, so a run can be repeated
 * @param trace  print one summary line per packet received and sent, live, to standard output
 * @param offload let the kernel finish TCP checksums and segment large TCP packets (IFF_VNET_HDR), as a NIC does
 * @param busyPollNanos how long the event loop keeps polling after traffic instead of sleeping (0: never)
 */
public record ServeOptions(String tun, Ipv4Address ip, HostAddress hostIp, int mtu, Optional<Path> pcap,
        Optional<String> netns, UdpServiceOptions udp, TcpServiceOptions tcp, Impairment impair, long seed,
        boolean trace, boolean offload, long busyPollNanos) {
    /** With the default UDP and TCP services and no impairment. */
    public ServeOptions(String tun, Ipv4Address ip, HostAddress hostIp, int mtu, Optional<Path> pcap,
            Optional<String> netns) {
        this(tun, ip, hostIp, mtu, pcap, netns, UdpServiceOptions.defaults());
    }

    /** Without tracing. */
    public ServeOptions(String tun, Ipv4Address ip, HostAddress hostIp, int mtu, Optional<Path> pcap,
            Optional<String> netns, UdpServiceOptions udp, TcpServiceOptions tcp, Impairment impair, long seed) {
        this(tun, ip, hostIp, mtu, pcap, netns, udp, tcp, impair, seed, false, true, 0);
    }

    /** With the default TCP services and no impairment. */
    public ServeOptions(String tun, Ipv4Address ip, HostAddress hostIp, int mtu, Optional<Path> pcap,
            Optional<String> netns, UdpServiceOptions udp) {
        this(tun, ip, hostIp, mtu, pcap, netns, udp, TcpServiceOptions.defaults(), Impairment.NONE, 1, false, true, 0);
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
        if (busyPollNanos < 0 || busyPollNanos > 1_000_000_000L) {
            throw new IllegalArgumentException("--busy-poll must be 0 to 1000000 microseconds");
        }
    }

    /** tun0, 10.0.0.2, 10.0.0.1/24, MTU 1500, no capture, the caller's namespace, UDP echo and DNS on. */
    public static ServeOptions defaults() {
        return new ServeOptions("tun0", Ipv4Address.parse("10.0.0.2"), HostAddress.parse("10.0.0.1/24"), 1500,
                Optional.empty(), Optional.empty());
    }

    public ServeOptions withTun(String name) {
        return new ServeOptions(name, ip, hostIp, mtu, pcap, netns, udp, tcp, impair, seed,
                trace, offload, busyPollNanos);
    }

    public ServeOptions withIp(Ipv4Address address, HostAddress kernelSide) {
        return new ServeOptions(tun, address, kernelSide, mtu, pcap, netns, udp, tcp, impair, seed,
                trace, offload, busyPollNanos);
    }

    public ServeOptions withMtu(int bytes) {
        return new ServeOptions(tun, ip, hostIp, bytes, pcap, netns, udp, tcp, impair, seed,
                trace, offload, busyPollNanos);
    }

    public ServeOptions withPcap(Optional<Path> file) {
        return new ServeOptions(tun, ip, hostIp, mtu, file, netns, udp, tcp, impair, seed,
                trace, offload, busyPollNanos);
    }

    public ServeOptions withNetns(Optional<String> name) {
        return new ServeOptions(tun, ip, hostIp, mtu, pcap, name, udp, tcp, impair, seed,
                trace, offload, busyPollNanos);
    }

    /** The device to open; the CLI creates the namespace if it is missing and deletes it if it created it. */
    public ServeOptions withUdp(UdpServiceOptions udp) {
        return new ServeOptions(tun, ip, hostIp, mtu, pcap, netns, udp, tcp, impair, seed,
                trace, offload, busyPollNanos);
    }

    public ServeOptions withTcp(TcpServiceOptions tcp) {
        return new ServeOptions(tun, ip, hostIp, mtu, pcap, netns, udp, tcp, impair, seed,
                trace, offload, busyPollNanos);
    }

    public ServeOptions withImpairment(Impairment impair, long seed) {
        return new ServeOptions(tun, ip, hostIp, mtu, pcap, netns, udp, tcp, impair, seed,
                trace, offload, busyPollNanos);
    }

    public ServeOptions withTrace(boolean on) {
        return new ServeOptions(tun, ip, hostIp, mtu, pcap, netns, udp, tcp, impair, seed, on, offload, busyPollNanos);
    }

    public ServeOptions withOffload(boolean on) {
        return new ServeOptions(tun, ip, hostIp, mtu, pcap, netns, udp, tcp, impair, seed, trace, on, busyPollNanos);
    }

    /** The event loop polls on for this long after traffic instead of sleeping (0: never; see HostLoop). */
    public ServeOptions withBusyPoll(long nanos) {
        return new ServeOptions(tun, ip, hostIp, mtu, pcap, netns, udp, tcp, impair, seed, trace, offload, nanos);
    }

    public TunOptions tunOptions() {
        return tunOptions(tun, ip, hostIp, mtu, netns).withOffload(offload);
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
                + (impair.isNone() ? "" : ", impairing " + impair + " (seed " + seed + ")")
                + (trace ? ", tracing packets" : "")
                + (offload ? "" : ", no offload")
                + "; try: " + prefix + "ping " + ip;
    }
}
