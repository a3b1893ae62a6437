package io.jstack.ip;

import io.jstack.link.Link;
import io.jstack.stat.CounterSet;
import io.jstack.time.Clock;
import io.jstack.wire.Ipv4Packet;
import io.jstack.wire.Malformed;
import java.nio.ByteBuffer;

/**
 * The IPv4 layer of a single-address host: validates every received datagram, delivers it to the transport
 * registered for its protocol, and sends datagrams the transports build.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc791 RFC 791
 * @spec https://www.rfc-editor.org/rfc/rfc1122#section-3.2.1 RFC 1122 §3.2.1
 */
public final class Ipv4Layer {
    /** Bytes a transport leaves free in front of its header for the IPv4 header (we never send options). */
    public static final int HEADROOM = Ipv4Packet.MIN_HEADER_LENGTH;
    /** Ask for DF on an outgoing datagram (RFC 791 §3.1); without it, datagrams above the MTU are fragmented. */
    public static final int DONT_FRAGMENT = Ipv4Packet.FLAG_DF;

    private final int address;
    private final Link link;
    private final Ipv4Config config;
    private final CounterSet<IpCounter> counters = new CounterSet<>(IpCounter.class);
    private final TransportHandler[] handlers = new TransportHandler[256];
    private TransportHandler[] registered = new TransportHandler[0];
    private final Ipv4Packet view = new Ipv4Packet();
    private final ByteBuffer tx = ByteBuffer.allocateDirect(Ipv4Packet.MAX_TOTAL_LENGTH + 1);
    private IcmpErrorSink icmp = IcmpErrorSink.NONE;
    private int nextIdent;

    public Ipv4Layer(int address, Link link, Ipv4Config config) {
        this.address = address;
        this.link = link;
        this.config = config;
    }

    public int address() {
        return address;
    }

    public int mtu() {
        return link.mtu();
    }

    public Ipv4Config config() {
        return config;
    }

    public CounterSet<IpCounter> counters() {
        return counters;
    }

    public void register(int protocol, TransportHandler handler) {
        if (handlers[protocol] != null) throw new IllegalStateException("protocol " + protocol + " already registered");
        handlers[protocol] = handler;
        registered = java.util.Arrays.copyOf(registered, registered.length + 1);
        registered[registered.length - 1] = handler;
    }

    public void setIcmpErrorSink(IcmpErrorSink sink) {
        this.icmp = sink;
    }

    /** Processes one received packet, which fills {@code packet} from index 0 to its limit. Never throws. */
    public void input(ByteBuffer packet, long now) {
        counters.increment(IpCounter.ipInReceives);
        Ipv4Packet ip = view.wrap(packet, 0);
        Malformed m = ip.check();
        if (!m.ok()) {
            counters.increment(m == Malformed.TRUNCATED ? IpCounter.ipInTruncatedPkts : IpCounter.ipInHdrErrors);
            return;
        }
        // RFC 1122 §3.2.1.3: silently discard datagrams not addressed to us (a host does not forward).
        int dst = ip.destination();
        if (dst != address && dst != 0xffffffff) {
            counters.increment(IpCounter.ipInAddrErrors);
            return;
        }
        if (ip.isFragment()) {
            // Reassembly is not built yet: count the fragment as a failed reassembly and drop it.
            counters.increment(IpCounter.ipReasmReqds);
            counters.increment(IpCounter.ipReasmFails);
            return;
        }
        deliver(ip, now);
    }

    private void deliver(Ipv4Packet ip, long now) {
        TransportHandler h = handlers[ip.protocol()];
        if (h == null) {
            counters.increment(IpCounter.ipInUnknownProtos);
            icmp.destinationUnreachable(2, ip.buffer(), ip.offset(), now); // RFC 1122 §3.2.2.1: protocol unreachable
            return;
        }
        counters.increment(IpCounter.ipInDelivers);
        h.receive(ip, now);
    }

    /**
     * The transmit buffer: cleared, with {@link #HEADROOM} bytes free in front. A transport writes its header
     * and payload from index {@code HEADROOM} and then calls {@link #send}. Event loop only; one at a time.
     */
    public ByteBuffer txBuffer() {
        tx.clear();
        return tx;
    }

    /**
     * Sends the datagram whose transport bytes are {@code tx[HEADROOM, HEADROOM + payloadLength)} from our
     * address to {@code dst}. {@code flags} is 0 or {@link #DONT_FRAGMENT}.
     */
    public void send(ByteBuffer tx, int payloadLength, int protocol, int dst, int flags) {
        counters.increment(IpCounter.ipOutRequests);
        int total = HEADROOM + payloadLength;
        if (total > Ipv4Packet.MAX_TOTAL_LENGTH) {
            counters.increment(IpCounter.ipOutDiscards);
            return;
        }
        if (total > link.mtu()) {
            // Fragmentation is not built yet.
            counters.increment(IpCounter.ipFragFails);
            counters.increment(IpCounter.ipOutDiscards);
            return;
        }
        Ipv4Packet.emit(tx, 0, total, nextIdent++ & 0xffff, flags & Ipv4Packet.FLAG_DF, config.defaultTtl(),
                protocol, address, dst);
        tx.limit(total).position(0);
        link.send(tx);
        counters.increment(IpCounter.ipOutTransmits);
    }

    /** The earliest deadline of the IP layer itself (reassembly timeouts) and of its transports. */
    public long pollAt() {
        long at = Clock.NEVER;
        for (TransportHandler h : registered) at = Math.min(at, h.pollAt());
        return at;
    }

    public void onTimer(long now) {
        for (TransportHandler h : registered) h.onTimer(now);
    }
}
