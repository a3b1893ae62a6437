package io.jstack.ip;

import io.jstack.link.Link;
import io.jstack.link.Offload;
import io.jstack.stat.CounterSet;
import io.jstack.wire.Checksum;
import io.jstack.wire.IpProtocol;
import io.jstack.wire.Ipv4Packet;
import io.jstack.wire.Malformed;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The IPv4 layer of a single-address host: validates every received datagram, reassembles fragments, delivers
 * datagrams to the transport registered for their protocol, and sends (fragmenting if needed) the datagrams the
 * transports build. Never forwards.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc791 RFC 791
 * @spec https://www.rfc-editor.org/rfc/rfc1122#section-3.2.1 RFC 1122 §3.2.1
 */
public final class Ipv4Layer {
    /**
     * Bytes a transport leaves free in front of its header for the IPv4 header. Options, which only echo replies
     * carry ({@link #sendWithOptions}), go between this headroom and the transport header.
     */
    public static final int HEADROOM = Ipv4Packet.MIN_HEADER_LENGTH;
    /** RFC 791 §3.1: the header is at most 15 words, so options take at most 40 bytes. */
    public static final int MAX_OPTIONS_LENGTH = 40;
    /** Ask for DF on an outgoing datagram (RFC 791 §3.1); without it, datagrams above the MTU are fragmented. */
    public static final int DONT_FRAGMENT = Ipv4Packet.FLAG_DF;
    /** The limited broadcast address (RFC 1122 §3.2.1.3 (c)). */
    public static final int LIMITED_BROADCAST = 0xffffffff;

    /** Offset of the header checksum in the IPv4 header (RFC 791 §3.1). */
    private static final int CHECKSUM_OFFSET = 10;

    private final int address;
    /** The directed broadcast of our subnet (RFC 1122 §3.2.1.3 (d)), or 0 for a /31 or /32 prefix. */
    private final int subnetBroadcast;
    private final Link link;
    private final Ipv4Config config;
    private final CounterSet<IpCounter> counters = new CounterSet<>(IpCounter.class);
    private final TransportHandler[] handlers = new TransportHandler[256];
    private TransportHandler[] registered = new TransportHandler[0];
    private final Ipv4Packet view = new Ipv4Packet();
    private final Ipv4Packet reassembled = new Ipv4Packet();
    private final Reassembler reassembler;
    private final ByteBuffer tx = ByteBuffer.allocateDirect(Ipv4Packet.MAX_TOTAL_LENGTH + 1);
    private IcmpErrorSink icmp = IcmpErrorSink.NONE;
    private int nextIdent;

    public Ipv4Layer(int address, Link link, Ipv4Config config) {
        this.address = address;
        this.subnetBroadcast = config.subnetBroadcast(address);
        this.link = link;
        this.config = config;
        this.reassembler = new Reassembler(config, counters);
    }

    public int address() {
        return address;
    }

    /** The directed broadcast address of the host's subnet, or 0 when its prefix (/31, /32) has none. */
    public int subnetBroadcast() {
        return subnetBroadcast;
    }

    /**
     * Whether {@code addr} is a broadcast address for this host: the limited broadcast 255.255.255.255 or the
     * directed broadcast of its subnet (RFC 1122 §3.2.1.3 (c), (d)). Transports use it to refuse broadcasts
     * (TCP: RFC 1122 §4.2.3.10) and to stay silent about them (ICMP errors: §3.2.2).
     */
    public boolean isBroadcast(int addr) {
        return addr == LIMITED_BROADCAST || (addr == subnetBroadcast && subnetBroadcast != 0);
    }

    /** {@link #isBroadcast} or a multicast (class D) address. */
    public boolean isBroadcastOrMulticast(int addr) {
        return isBroadcast(addr) || addr >>> 28 == 0xe;
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
        registered = Arrays.copyOf(registered, registered.length + 1);
        registered[registered.length - 1] = handler;
    }

    /** The transport registered for {@code protocol} (0-255), or null: lets ICMP pass errors to the transport. */
    public TransportHandler handler(int protocol) {
        return protocol >= 0 && protocol < handlers.length ? handlers[protocol] : null;
    }

    public void setIcmpErrorSink(IcmpErrorSink sink) {
        this.icmp = sink;
    }

    /** Partial datagrams awaiting fragments. */
    public int reassemblyPending() {
        return reassembler.pendingDatagrams();
    }

    /** Bytes the partial datagrams hold against {@link Ipv4Config#reassemblyMemoryBytes()}. */
    public long reassemblyMemoryBytes() {
        return reassembler.memoryBytes();
    }

    /** Processes one received packet, which fills {@code packet} from index 0 to its limit. Never throws. */
    public void input(ByteBuffer packet, long now) {
        input(packet, now, false);
    }

    /**
     * As {@link #input(ByteBuffer, long)}, for a packet whose transport checksum the link vouches for ({@link
     * Link#lastChecksumTrusted()}): the transport may skip verifying it ({@link #transportChecksumTrusted()}).
     * The packet may be a receive-offload super-packet ({@link Link#lastSegmentSize()}): an IPv4 datagram of up
     * to 65535 bytes like any other, whatever the link MTU (RFC 791 §3.1 total length). Never throws.
     */
    public void input(ByteBuffer packet, long now, boolean checksumTrusted) {
        try {
            rxChecksumTrusted = checksumTrusted;
            accept(packet, now);
        } finally {
            rxChecksumTrusted = false;
        }
    }

    /**
     * Whether the transport checksum of the datagram being delivered (valid only during {@link
     * TransportHandler#receive}) was vouched for by the link and need not be verified. Never for a reassembled
     * datagram: only whole packets the link returned carry the link's word.
     */
    public boolean transportChecksumTrusted() {
        return rxChecksumTrusted;
    }

    private boolean rxChecksumTrusted;

    private void accept(ByteBuffer packet, long now) {
        counters.increment(IpCounter.ipInReceives);
        Ipv4Packet ip = view.wrap(packet, 0);
        Malformed m = ip.check();
        if (!m.ok()) {
            // RFC 1122 §3.2.1.1-§3.2.1.2: wrong version or bad checksum MUST be silently discarded; so is every
            // other malformed header (RFC 4293 ipSystemStatsInHdrErrors / InTruncatedPkts).
            counters.increment(m == Malformed.TRUNCATED ? IpCounter.ipInTruncatedPkts : IpCounter.ipInHdrErrors);
            // RFC 1122 §3.2.2.5: an option list that runs past the header is a parameter problem the sender
            // SHOULD hear of (as Linux does). The rest of the header checked out, checksum included, so it can be
            // quoted; the ICMP layer applies the rules of §3.2.2 (no error to a broadcast, about an error, ...).
            if (m == Malformed.BAD_OPTION) {
                icmp.parameterProblem(badOptionOffset(packet, ip.headerLength()), packet, 0, now);
            }
            return;
        }
        // RFC 1122 §3.2.1.3: a host MUST silently discard a datagram whose source is not a single host:
        // broadcast (limited or our subnet's), multicast, Class E, or a loopback address arriving from outside.
        if (!isValidSource(ip.source()) || isBroadcast(ip.source())) {
            counters.increment(IpCounter.ipInHdrErrors);
            return;
        }
        // RFC 1122 §3.2.1.3: a host silently discards datagrams not addressed to it (it does not forward).
        // We accept our address, the limited broadcast and our subnet's directed broadcast (§3.3.6: a host MUST
        // recognise any broadcast address form for its connected network); multicast groups are never joined.
        // Each transport decides what a broadcast may do: UDP delivers it, TCP (§4.2.3.10) and ICMP echo drop it,
        // and no ICMP error answers it (§3.2.2).
        int dst = ip.destination();
        if (dst != address && !isBroadcast(dst)) {
            counters.increment(IpCounter.ipInAddrErrors);
            return;
        }
        // RFC 1122 §3.2.1.7: a host MUST NOT discard a datagram just because its TTL is below 2; TTL is not read.
        if (ip.isFragment()) {
            rxChecksumTrusted = false; // the link vouched for one fragment at most, not for the datagram
            if (!reassembler.offer(ip, address, now, reassembled)) return;
            ip = reassembled;
        }
        deliver(ip, now);
    }

    /**
     * The offset in the header of the option that runs past it (its type octet), for a Parameter Problem pointer.
     * Only called after {@link Ipv4Packet#check()} returned {@code BAD_OPTION}, so the header is there.
     */
    static int badOptionOffset(ByteBuffer packet, int headerLength) {
        int i = Ipv4Packet.MIN_HEADER_LENGTH;
        while (i < headerLength) {
            int type = Byte.toUnsignedInt(packet.get(i));
            if (type == 0) break; // End of Option List
            if (type == 1) { // No Operation
                i++;
                continue;
            }
            if (i + 1 >= headerLength) return i;
            int len = Byte.toUnsignedInt(packet.get(i + 1));
            if (len < 2 || i + len > headerLength) return i;
            i += len;
        }
        return Ipv4Packet.MIN_HEADER_LENGTH;
    }

    /** RFC 1122 §3.2.1.3: {0,0} is allowed as a source (a host learning its address); 127/8, 224/4, 240/4 are not. */
    static boolean isValidSource(int src) {
        int first = src >>> 24;
        return first != 127 && first < 224;
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
     * address to {@code dst}. {@code flags} is 0 or {@link #DONT_FRAGMENT}. A datagram larger than the link MTU
     * is fragmented unless DF is set (RFC 791 §3.2). The bytes of {@code tx} are overwritten.
     */
    public void send(ByteBuffer tx, int payloadLength, int protocol, int dst, int flags) {
        send(tx, payloadLength, protocol, dst, flags, 0);
    }

    /**
     * As {@link #send(ByteBuffer, int, int, int, int)}, with the type of service octet {@code tos} the transport
     * asks for (RFC 1122 §4.2.4.2: TCP passes the application's TOS to IP). Fragments carry it too.
     */
    public void send(ByteBuffer tx, int payloadLength, int protocol, int dst, int flags, int tos) {
        counters.increment(IpCounter.ipOutRequests);
        int total = HEADROOM + payloadLength;
        if (payloadLength < 0 || total > Ipv4Packet.MAX_TOTAL_LENGTH || total > tx.capacity()) {
            counters.increment(IpCounter.ipOutDiscards);
            return;
        }
        int ident = nextIdent++ & 0xffff;
        int mtu = link.mtu();
        if (total <= mtu) {
            Ipv4Packet.emit(tx, 0, tos, total, ident, flags & Ipv4Packet.FLAG_DF, config.defaultTtl(), protocol,
                    address, dst);
            tx.limit(total).position(0);
            link.send(tx);
            counters.increment(IpCounter.ipOutTransmits);
            return;
        }
        // RFC 791 §3.2: "if the datagram is marked Don't Fragment ... it must be discarded".
        int perFragment = (mtu - HEADROOM) & ~7;
        if ((flags & Ipv4Packet.FLAG_DF) != 0 || perFragment < 8) {
            counters.increment(IpCounter.ipFragFails);
            counters.increment(IpCounter.ipOutDiscards);
            return;
        }
        fragment(tx, HEADROOM, 0, payloadLength, perFragment, ident, protocol, dst, tos);
    }

    /**
     * Sends a datagram with IP options: {@code tx[HEADROOM, HEADROOM + optionsLength)} holds the options (a
     * multiple of 4 bytes, at most {@link #MAX_OPTIONS_LENGTH}, padded with End of Option List) and the transport
     * bytes follow them for {@code payloadLength} bytes. Only options whose copied flag is 0 (Record Route,
     * Timestamp: the echo reply's, RFC 1122 §3.2.2.6) may be given: a datagram above the MTU is fragmented with
     * them in its first fragment alone (RFC 791 §3.2). Bad lengths are counted as discards.
     */
    public void sendWithOptions(ByteBuffer tx, int optionsLength, int payloadLength, int protocol, int dst) {
        if (optionsLength == 0) {
            send(tx, payloadLength, protocol, dst, 0);
            return;
        }
        counters.increment(IpCounter.ipOutRequests);
        int headerLength = Ipv4Packet.MIN_HEADER_LENGTH + optionsLength;
        int total = headerLength + payloadLength;
        if (optionsLength < 0 || optionsLength > MAX_OPTIONS_LENGTH || (optionsLength & 3) != 0 || payloadLength < 0
                || total > Ipv4Packet.MAX_TOTAL_LENGTH || total > tx.capacity()) {
            counters.increment(IpCounter.ipOutDiscards);
            return;
        }
        int ident = nextIdent++ & 0xffff;
        int mtu = link.mtu();
        if (total <= mtu) {
            Ipv4Packet.emit(tx, 0, total, ident, 0, config.defaultTtl(), protocol, address, dst);
            setHeaderLength(tx, 0, headerLength);
            tx.limit(total).position(0);
            link.send(tx);
            counters.increment(IpCounter.ipOutTransmits);
            return;
        }
        // RFC 791 §3.2: options with the copied flag 0 travel in the first fragment only; the others have plain
        // 20-byte headers and so carry more data each.
        int first = (mtu - headerLength) & ~7;
        int perFragment = (mtu - HEADROOM) & ~7;
        if (first < 8) {
            counters.increment(IpCounter.ipFragFails);
            counters.increment(IpCounter.ipOutDiscards);
            return;
        }
        Ipv4Packet.emit(tx, 0, headerLength + first, ident, Ipv4Packet.FLAG_MF, config.defaultTtl(), protocol,
                address, dst);
        setHeaderLength(tx, 0, headerLength);
        tx.limit(headerLength + first).position(0);
        link.send(tx);
        counters.increment(IpCounter.ipFragCreates);
        counters.increment(IpCounter.ipOutTransmits);
        fragment(tx, headerLength, first, payloadLength, perFragment, ident, protocol, dst, 0);
    }

    /**
     * Widens a header {@link Ipv4Packet#emit} wrote (20 bytes) over the options that follow it: sets IHL to
     * {@code headerLength} and checksums the whole header (RFC 791 §3.1).
     */
    static void setHeaderLength(ByteBuffer b, int off, int headerLength) {
        b.put(off, (byte) (0x40 | headerLength / 4));
        b.putShort(off + CHECKSUM_OFFSET, (short) 0);
        b.putShort(off + CHECKSUM_OFFSET, (short) Checksum.compute(b, off, headerLength));
    }

    /** What the link finishes for outgoing TCP packets (checksum, segmentation). */
    public Offload offload() {
        return link.offload();
    }

    /**
     * Sends a TCP segment, with DF, for the link to finish ({@link Link#sendTcp}): its checksum field holds the
     * pseudo-header sum, and a segment above the MTU (at most {@link Offload#maxTcpPacket()}) is cut by the link
     * into segments of {@code segmentSize} payload bytes. Only when {@link #offload()} offers it.
     */
    public void sendTcp(ByteBuffer tx, int payloadLength, int dst, int segmentSize) {
        sendTcp(tx, payloadLength, dst, segmentSize, 0);
    }

    /** As {@link #sendTcp(ByteBuffer, int, int, int)}, with the type of service octet {@code tos}. */
    public void sendTcp(ByteBuffer tx, int payloadLength, int dst, int segmentSize, int tos) {
        counters.increment(IpCounter.ipOutRequests);
        int total = HEADROOM + payloadLength;
        Offload o = link.offload();
        if (!o.tcpChecksum() || total > Math.max(link.mtu(), o.maxTcpPacket()) || total > tx.capacity()) {
            counters.increment(IpCounter.ipOutDiscards);
            return;
        }
        int ident = nextIdent;
        int segments = total <= link.mtu() || segmentSize <= 0 ? 1
                : (payloadLength - ((tx.get(HEADROOM + 12) & 0xff) >>> 4) * 4 + segmentSize - 1) / segmentSize;
        nextIdent += Math.max(1, segments); // the link numbers the segments ident, ident+1, ...
        Ipv4Packet.emit(tx, 0, tos, total, ident & 0xffff, Ipv4Packet.FLAG_DF, config.defaultTtl(),
                IpProtocol.TCP.code(), address, dst);
        tx.limit(total).position(0);
        link.sendTcp(tx, total <= link.mtu() ? 0 : segmentSize);
        counters.add(IpCounter.ipOutTransmits, segments);
    }

    /**
     * RFC 791 §3.2 fragmentation in place: payload byte o is at {@code tx[base + o]}; fragments from {@code from}
     * on (0, or where a first fragment with options ended) are sent. Fragment k carries data [o, o + n) with its
     * header in the 20 bytes in front of it, which held data of fragment k-1, already handed to the link (which
     * copies). So no copy is made. Every fragment but the last carries a multiple of 8 bytes and MF; offsets count
     * 8-byte units.
     */
    private void fragment(ByteBuffer tx, int base, int from, int payloadLength, int perFragment, int ident,
                          int protocol, int dst, int tos) {
        for (int o = from; o < payloadLength; o += perFragment) {
            int n = Math.min(perFragment, payloadLength - o);
            boolean more = o + n < payloadLength;
            int at = base + o - Ipv4Packet.MIN_HEADER_LENGTH;
            int frag = (more ? Ipv4Packet.FLAG_MF : 0) | (o >>> 3);
            Ipv4Packet.emit(tx, at, tos, Ipv4Packet.MIN_HEADER_LENGTH + n, ident, frag, config.defaultTtl(),
                    protocol, address, dst);
            tx.limit(at + Ipv4Packet.MIN_HEADER_LENGTH + n).position(at);
            link.send(tx);
            counters.increment(IpCounter.ipFragCreates);
            counters.increment(IpCounter.ipOutTransmits);
        }
        counters.increment(IpCounter.ipFragOKs);
    }

    /** The earliest deadline of the IP layer itself (reassembly timeouts) and of its transports. */
    public long pollAt() {
        long at = reassembler.pollAt();
        for (TransportHandler h : registered) at = Math.min(at, h.pollAt());
        return at;
    }

    /** Lets every transport send what this poll's tasks queued ({@link TransportHandler#flush}). */
    public void flush(long now) {
        for (TransportHandler h : registered) h.flush(now);
    }

    /** Runs expired reassembly timers and the transports' timers. */
    public void onTimer(long now) {
        if (reassembler.pollAt() <= now) reassembler.onTimer(now, icmp);
        for (TransportHandler h : registered) h.onTimer(now);
    }
}
