package io.jstack.ip;

import io.jstack.host.Host;
import io.jstack.icmp.IcmpConfig;
import io.jstack.link.MemoryLink;
import io.jstack.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A host at {@link Datagrams#HOST} on a MemoryLink, driven by a ManualClock, with a scripted peer at the other
 * end of the link and a capturing transport on {@link Datagrams#TEST_PROTOCOL}.
 */
public final class TestHost {
    public final ManualClock clock = new ManualClock(1_000_000_000L);
    public final MemoryLink.Pair net;
    public final Host host;
    public final CapturingTransport transport;

    public TestHost(int mtu, Ipv4Config ipConfig, IcmpConfig icmpConfig) {
        net = MemoryLink.pair(mtu, 1 << 16);
        host = new Host(Datagrams.HOST, net.a(), clock, ipConfig, icmpConfig);
        transport = CapturingTransport.on(host.ip(), Datagrams.TEST_PROTOCOL);
    }

    public TestHost() {
        this(1500, Ipv4Config.defaults(), IcmpConfig.defaults());
    }

    /** The peer sends these packets; the host then polls until it has taken them all. */
    public TestHost send(byte[]... packets) {
        for (byte[] p : packets) net.b().send(p);
        poll();
        return this;
    }

    public TestHost send(List<byte[]> packets) {
        return send(packets.toArray(byte[][]::new));
    }

    /** Polls until the host has nothing more to do at the current time (bounded). */
    public void poll() {
        for (int i = 0; i < 10_000 && (host.poll() || net.a().pending() > 0); i++) {
            // keep polling
        }
    }

    public void advance(Duration d) {
        clock.advance(d);
        poll();
    }

    /** Everything the host sent since the last call. */
    public List<byte[]> sent() {
        List<byte[]> out = new ArrayList<>();
        byte[] p;
        while ((p = net.b().receive()) != null) out.add(p);
        return out;
    }

    public long ip(IpCounter c) {
        return host.ip().counters().get(c);
    }

    public long icmp(io.jstack.icmp.IcmpCounter c) {
        return host.icmp().counters().get(c);
    }
}
