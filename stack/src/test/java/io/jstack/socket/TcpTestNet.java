package io.jstack.socket;

import io.jstack.host.Host;
import io.jstack.host.HostLoop;
import io.jstack.ip.Ipv4Config;
import io.jstack.link.ImpairedLink;
import io.jstack.link.Impairment;
import io.jstack.link.Link;
import io.jstack.link.MemoryLink;
import io.jstack.link.Offload;
import io.jstack.tcp.TcpConfig;
import io.jstack.tcp.TcpLayer;
import io.jstack.time.Clock;
import io.jstack.wire.Ipv4Address;
import java.net.InetSocketAddress;

/**
 * Two hosts over a memory link, each on its own {@link HostLoop} with the system clock; host A's side of the
 * link may be impaired (which impairs both directions).
 */
final class TcpTestNet implements AutoCloseable {
    static final int A = Ipv4Address.parse("10.0.0.2").value();
    static final int B = Ipv4Address.parse("10.0.0.1").value();

    final TcpLayer a, b;
    final HostLoop loopA, loopB;
    final ImpairedLink impaired;
    private final MemoryLink.Pair pair;

    /** Packets either end's link segmented for its host. */
    long offloadedPackets() {
        return pair.a().segmentedPackets() + pair.b().segmentedPackets();
    }

    TcpTestNet(TcpConfig config, Impairment impairment, long seed) {
        this(config, impairment, seed, Offload.NONE);
    }

    /** With {@code offload} offered by both ends of the memory link (done in software there). */
    TcpTestNet(TcpConfig config, Impairment impairment, long seed, Offload offload) {
        var pair = this.pair = MemoryLink.pair(1500, 8192);
        pair.a().withOffload(offload);
        pair.b().withOffload(offload);
        Link linkA = pair.a();
        impaired = impairment.isNone() ? null : new ImpairedLink(pair.a(), impairment, seed, Clock.system());
        if (impaired != null) linkA = impaired;
        Host hostA = new Host(A, linkA, Clock.system(), Ipv4Config.defaults());
        Host hostB = new Host(B, pair.b(), Clock.system(), Ipv4Config.defaults());
        a = TcpLayer.install(hostA, config);
        b = TcpLayer.install(hostB, config);
        loopA = HostLoop.start(hostA);
        loopB = HostLoop.start(hostB);
    }

    static TcpTestNet clean() {
        return new TcpTestNet(TcpConfig.defaults(), Impairment.NONE, 0);
    }

    static InetSocketAddress addr(int ip, int port) {
        return new InetSocketAddress(new Ipv4Address(ip).toInetAddress(), port);
    }

    @Override
    public void close() {
        loopA.close();
        loopB.close();
    }
}
