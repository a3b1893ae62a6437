package io.jstack.tun;

import io.jstack.wire.Ipv4Address;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to open a TUN device.
 *
 * @param name            interface name, 1-15 characters (IFNAMSIZ - 1); created if absent
 * @param mtu             link MTU in bytes, 68 (RFC 791) to 65535
 * @param kernelAddress   the kernel side's address on the device (the virtual host's peer), e.g. 10.0.0.1
 * @param prefixLength    the kernel side's prefix length, e.g. 24
 * @param hostAddress     the virtual host's address, only to refuse an address another interface already uses
 * @param netns           network namespace to create the device in; empty for the caller's namespace
 * @param createNamespace create {@code netns} if it does not exist (and delete it again on close)
 * @param offload         open with {@code IFF_VNET_HDR} and let the kernel finish TCP checksums and segment
 *                        large TCP packets (TSO) that the host sends, and hand the host TCP packets of up to
 *                        64 KiB with checksums it vouches for (receive offload, {@code TUNSETOFFLOAD})
 */
public record TunOptions(String name, int mtu, Ipv4Address kernelAddress, int prefixLength,
        Optional<Ipv4Address> hostAddress, Optional<String> netns, boolean createNamespace, boolean offload) {
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Pattern NETNS = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public TunOptions {
        if (!IFNAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("bad interface name '" + name + "': use 1-15 letters, digits, '_', '-', '.'");
        }
        if (mtu < 68 || mtu > 65535) throw new IllegalArgumentException("MTU must be 68-65535: " + mtu);
        if (prefixLength < 1 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 1-32: " + prefixLength);
        }
        netns.ifPresent(n -> {
            if (!NETNS.matcher(n).matches() || n.equals(".") || n.equals("..")) {
                throw new IllegalArgumentException("bad namespace name '" + n + "'");
            }
        });
    }

    /** tun0, MTU 1500, kernel side 10.0.0.1/24, host 10.0.0.2, the caller's namespace, offloads on. */
    public static TunOptions defaults() {
        return new TunOptions("tun0", 1500, Ipv4Address.parse("10.0.0.1"), 24,
                Optional.of(Ipv4Address.parse("10.0.0.2")), Optional.empty(), false, true);
    }

    public TunOptions withName(String n) {
        return new TunOptions(n, mtu, kernelAddress, prefixLength, hostAddress, netns, createNamespace, offload);
    }

    public TunOptions withMtu(int m) {
        return new TunOptions(name, m, kernelAddress, prefixLength, hostAddress, netns, createNamespace, offload);
    }

    public TunOptions withKernelAddress(Ipv4Address a, int prefix) {
        return new TunOptions(name, mtu, a, prefix, hostAddress, netns, createNamespace, offload);
    }

    public TunOptions withHostAddress(Ipv4Address a) {
        return new TunOptions(name, mtu, kernelAddress, prefixLength, Optional.of(a), netns, createNamespace, offload);
    }

    /**
     * With or without kernel offloads ({@code IFF_VNET_HDR}, {@code TUNSETOFFLOAD}): checksum and segmentation of
     * TCP in both directions.
     */
    public TunOptions withOffload(boolean on) {
        return new TunOptions(name, mtu, kernelAddress, prefixLength, hostAddress, netns, createNamespace, on);
    }

    /** The device lives in namespace {@code ns}; {@code create} makes it if absent. */
    public TunOptions inNamespace(String ns, boolean create) {
        return new TunOptions(name, mtu, kernelAddress, prefixLength, hostAddress, Optional.of(ns), create, offload);
    }
}
