package io.jstack.udp;

import io.jstack.host.Host;
import io.jstack.ip.IcmpErrorSink;
import io.jstack.ip.Ipv4Layer;
import io.jstack.ip.TransportHandler;
import io.jstack.stat.CounterSet;
import io.jstack.wire.IpProtocol;
import io.jstack.wire.Ipv4Packet;
import io.jstack.wire.Malformed;
import io.jstack.wire.UdpPacket;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/**
 * UDP for the single address of the host: validates datagrams, hands them to the receiver bound to their
 * destination port, and sends datagrams with their checksum. The port table is a plain array indexed by port, so
 * demultiplexing allocates nothing. Event loop only, except {@link #executor()} and {@link #counters()}.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc768 RFC 768
 * @spec https://www.rfc-editor.org/rfc/rfc1122#section-4.1 RFC 1122 §4.1
 */
public final class UdpLayer implements TransportHandler {
    /** The dynamic port range (RFC 6335 §6) from which ephemeral ports are taken. */
    public static final int EPHEMERAL_FIRST = 49152, EPHEMERAL_LAST = 65535;
    /** RFC 1122 §3.2.2.1: Destination Unreachable code 3, port unreachable. */
    static final int DEST_UNREACHABLE = 3, PORT_UNREACHABLE = 3;

    private final Ipv4Layer ip;
    private final IcmpErrorSink icmpErrors;
    private final Executor loop;
    private final CounterSet<UdpCounter> counters = new CounterSet<>(UdpCounter.class);
    private final UdpReceiver[] ports = new UdpReceiver[65536];
    private final UdpPacket view = new UdpPacket();
    private int nextEphemeral = EPHEMERAL_FIRST;

    /**
     * @param loop runs a task on the event loop that owns {@code ip} (the host's {@code execute}); sockets use it
     */
    public UdpLayer(Ipv4Layer ip, IcmpErrorSink icmpErrors, Executor loop) {
        this.ip = ip;
        this.icmpErrors = icmpErrors;
        this.loop = loop;
    }

    /** Creates UDP for {@code host}: registers protocol 17 with its IP layer and its counters as "Udp". */
    public static UdpLayer install(Host host) {
        UdpLayer udp = new UdpLayer(host.ip(), host.icmp(), host::execute);
        host.ip().register(IpProtocol.UDP.code(), udp);
        host.addCounters("Udp", udp::counters);
        return udp;
    }

    public CounterSet<UdpCounter> counters() {
        return counters;
    }

    /** Runs tasks on the event loop that owns this layer. Any thread. */
    public Executor executor() {
        return loop;
    }

    public int address() {
        return ip.address();
    }

    /**
     * Binds {@code port} (1-65535), or an unused ephemeral port when {@code port} is 0, to {@code receiver}.
     * Returns the port bound, or -1 when it is taken (or no ephemeral port is free).
     */
    public int bind(int port, UdpReceiver receiver) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        if (port != 0) {
            if (ports[port] != null) return -1;
            ports[port] = receiver;
            return port;
        }
        int span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
        for (int i = 0; i < span; i++) {
            int p = nextEphemeral;
            nextEphemeral = p == EPHEMERAL_LAST ? EPHEMERAL_FIRST : p + 1;
            if (ports[p] == null) {
                ports[p] = receiver;
                return p;
            }
        }
        return -1;
    }

    /** Releases {@code port} if {@code receiver} still holds it. */
    public void unbind(int port, UdpReceiver receiver) {
        if (port > 0 && port <= 65535 && ports[port] == receiver) ports[port] = null;
    }

    /** Whether {@code receiver} holds {@code port}. */
    public boolean isBound(int port, UdpReceiver receiver) {
        return port > 0 && port <= 65535 && ports[port] == receiver;
    }

    @Override
    public void receive(Ipv4Packet packet, long now) {
        UdpPacket udp = view.wrap(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
        Malformed m = udp.check();
        if (!m.ok()) {
            counters.increment(UdpCounter.udpInErrors);
            return;
        }
        int src = packet.source();
        int dst = packet.destination();
        // RFC 1122 §4.1.3.4: a present checksum that fails MUST make the datagram be discarded silently.
        if (!udp.checksumValid(src, dst)) {
            counters.increment(UdpCounter.udpInCsumErrors);
            counters.increment(UdpCounter.udpInErrors);
            return;
        }
        UdpReceiver r = ports[udp.destinationPort()];
        if (r == null) {
            counters.increment(UdpCounter.udpNoPorts);
            // RFC 1122 §4.1.3.1: with no listener on the port, UDP SHOULD send ICMP Port Unreachable -- but
            // never about a datagram sent to a broadcast or multicast address (RFC 1122 §3.2.2), so only about
            // one sent to our own unicast address.
            if (dst == ip.address()) {
                icmpErrors.destinationUnreachable(PORT_UNREACHABLE, packet.buffer(), packet.offset(), now);
            }
            return;
        }
        if (r.deliver(src, udp.sourcePort(), dst, udp.buffer(), udp.payloadOffset(), udp.payloadLength(), now)) {
            counters.increment(UdpCounter.udpInDatagrams);
        } else {
            counters.increment(UdpCounter.udpRcvbufErrors);
            counters.increment(UdpCounter.udpInErrors);
        }
    }

    /**
     * RFC 1122 §4.1.3.3: ICMP errors about a datagram we sent go to the port that sent it. The quoted datagram
     * must be UDP from our address; only its first 4 UDP bytes (the ports) are needed.
     */
    @Override
    public void icmpError(int type, int code, ByteBuffer buf, int off, int len, long now) {
        if (len < Ipv4Packet.MIN_HEADER_LENGTH || off < 0 || off + len > buf.limit()) return;
        int hl = (buf.get(off) & 0x0f) * 4;
        if (hl < Ipv4Packet.MIN_HEADER_LENGTH || len < hl + 4) return;
        if (Byte.toUnsignedInt(buf.get(off + 9)) != IpProtocol.UDP.code()) return;
        if (buf.getInt(off + 12) != ip.address()) return;
        int srcPort = Short.toUnsignedInt(buf.getShort(off + hl));
        int dstPort = Short.toUnsignedInt(buf.getShort(off + hl + 2));
        UdpReceiver r = ports[srcPort];
        if (r == null) return;
        counters.increment(UdpCounter.udpInIcmpErrors);
        r.icmpError(type, code, buf.getInt(off + 16), dstPort, now);
    }

    /**
     * Sends {@code len} bytes of {@code data} from {@code srcPort} to {@code dst:dstPort}, with the checksum
     * (RFC 1122 §4.1.3.4: MUST be on by default). {@code len} must be at most {@link UdpPacket#MAX_PAYLOAD}.
     */
    public void send(int srcPort, int dst, int dstPort, byte[] data, int off, int len) {
        ByteBuffer tx = ip.txBuffer();
        int at = Ipv4Layer.HEADROOM;
        tx.put(at + UdpPacket.HEADER_LENGTH, data, off, len);
        finishSend(tx, srcPort, dst, dstPort, len);
    }

    /** As {@link #send(int, int, int, byte[], int, int)}, from {@code buf[off, off + len)}. */
    public void send(int srcPort, int dst, int dstPort, ByteBuffer buf, int off, int len) {
        ByteBuffer tx = ip.txBuffer();
        tx.put(Ipv4Layer.HEADROOM + UdpPacket.HEADER_LENGTH, buf, off, len);
        finishSend(tx, srcPort, dst, dstPort, len);
    }

    private void finishSend(ByteBuffer tx, int srcPort, int dst, int dstPort, int len) {
        UdpPacket.emit(tx, Ipv4Layer.HEADROOM, srcPort, dstPort, len, ip.address(), dst);
        counters.increment(UdpCounter.udpOutDatagrams);
        ip.send(tx, UdpPacket.HEADER_LENGTH + len, IpProtocol.UDP.code(), dst, 0);
    }
}
