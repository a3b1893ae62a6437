package io.jstack.tcp;

import static io.jstack.wire.TcpPacket.ACK_FLAG;
import static io.jstack.wire.TcpPacket.RST;
import static io.jstack.wire.TcpPacket.SYN;

import io.jstack.host.Host;
import io.jstack.ip.Ipv4Layer;
import io.jstack.ip.TransportHandler;
import io.jstack.link.Offload;
import io.jstack.stat.CounterSet;
import io.jstack.time.Clock;
import io.jstack.wire.IpProtocol;
import io.jstack.wire.Ipv4Address;
import io.jstack.wire.Ipv4Packet;
import io.jstack.wire.Malformed;
import io.jstack.wire.Seq;
import io.jstack.wire.TcpPacket;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * TCP on a host: validates segments, demultiplexes them by a packed (remote address, remote port, local
 * port) key to their connection or listener, answers the rest with RST (RFC 9293 §3.10.7.1), and builds
 * every outgoing segment. Event loop only, except {@link #host()} and the counters.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc9293 RFC 9293
 */
public final class TcpLayer implements TransportHandler {
    private static final int EPHEMERAL_FIRST = 49152, EPHEMERAL_COUNT = 65536 - 49152;

    private final Host host;
    private final Ipv4Layer ip;
    private final TcpConfig config;
    private final IsnGenerator isn;
    private final CounterSet<TcpCounter> counters = new CounterSet<>(TcpCounter.class);
    private final LongMap<TcpConnection> connections = new LongMap<>();
    private final TcpListenerState[] listeners = new TcpListenerState[65536];
    private final TcpPacket view = new TcpPacket();
    /** Spare buffer arrays shared by this layer's connections (event loop only). */
    private final RingPool ringPool = new RingPool(RingPool.DEFAULT_MAX_BYTES);
    /** Spare 64 KiB chunks for outgoing data, shared with the writing threads. */
    private final ChunkPool sendChunks = new ChunkPool(ChunkPool.SEND_CHUNK, ChunkPool.DEFAULT_MAX_CHUNKS);
    /** Spare read-ahead arrays (a socket's small request, read by the loop for its reader); 1 MiB at most. */
    private final ChunkPool readAhead = new ChunkPool(READ_AHEAD, 256);
    /** The most a socket reads ahead for its reader. */
    public static final int READ_AHEAD = 4096;
    /** The link completes checksums (and, when {@link #segmentPayloadLimit} > 0, segments large packets). */
    private final boolean checksumOffload;
    private final int segmentPayloadLimit;
    private final TimerQueue timers = new TimerQueue();
    private TcpConnection[] dueScratch = new TcpConnection[16];
    private int nextEphemeral;
    private long outOfOrderBytes;
    private long challengeWindowStart = Long.MIN_VALUE;
    private int challengeAcksInWindow;

    public TcpLayer(Host host, TcpConfig config, IsnGenerator isn) {
        this.host = host;
        this.ip = host.ip();
        this.config = config;
        this.isn = isn;
        Offload offload = ip.offload();
        this.checksumOffload = offload.tcpChecksum();
        this.segmentPayloadLimit = offload.segmentation()
                ? offload.maxTcpPacket() - Ipv4Packet.MIN_HEADER_LENGTH - TcpPacket.MAX_HEADER_LENGTH : 0;
        this.nextEphemeral = (int) ((isn.isn(0, 0, 0, 0, 0) & 0x7fffffff) % EPHEMERAL_COUNT);
    }

    /** Installs TCP with default settings and a random ISN secret. */
    public static TcpLayer install(Host host) {
        return install(host, TcpConfig.defaults());
    }

    public static TcpLayer install(Host host, TcpConfig config) {
        SecureRandom r = new SecureRandom();
        return install(host, config, new IsnGenerator(r.nextLong(), r.nextLong()));
    }

    /** Registers protocol 6 with the host's IP layer and adds the "Tcp" counters. */
    public static TcpLayer install(Host host, TcpConfig config, IsnGenerator isn) {
        TcpLayer tcp = new TcpLayer(host, config, isn);
        host.ip().register(IpProtocol.TCP.code(), tcp);
        host.addCounters("Tcp", tcp::counters);
        return tcp;
    }

    public Host host() {
        return host;
    }

    public TcpConfig config() {
        return config;
    }

    public CounterSet<TcpCounter> counters() {
        return counters;
    }

    int address() {
        return ip.address();
    }

    int mtu() {
        return ip.mtu();
    }

    /**
     * The most data one transmit may carry for a connection whose MSS is {@code mss}: one segment, or with
     * segmentation offload as many whole segments as the link cuts from one packet.
     */
    int burstBytes(int mss) {
        return segmentPayloadLimit > mss ? segmentPayloadLimit - segmentPayloadLimit % mss : mss;
    }

    RingPool ringPool() {
        return ringPool;
    }

    /**
     * The chunks a thread writing into one of this layer's connections fills and hands over with
     * {@link TcpConnection#sendChunk}. Any thread.
     */
    public ChunkPool sendChunks() {
        return sendChunks;
    }

    /** Arrays of {@link #READ_AHEAD} bytes for the read-ahead of sockets on this layer. Any thread. */
    public ChunkPool readAheadArrays() {
        return readAhead;
    }

    /** Bytes of spare connection buffers held for reuse; bounded by 4 MiB of ring arrays, 8 MiB of send chunks and 1 MiB of read-ahead arrays. */
    public long pooledBufferBytes() {
        return ringPool.bytes() + sendChunks.bytes() + readAhead.bytes();
    }

    void count(TcpCounter c, long delta) {
        counters.add(c, delta);
    }

    /** Connections in any state but LISTEN (including TIME-WAIT). */
    public int connectionCount() {
        return connections.size();
    }

    /** The connection for a 4-tuple, or null; for tests and tools. */
    public TcpConnection connection(int remoteAddr, int remotePort, int localPort) {
        return connections.get(key(remoteAddr, remotePort, localPort));
    }

    static long key(int remoteAddr, int remotePort, int localPort) {
        return ((remoteAddr & 0xffffffffL) << 32) | ((long) remotePort << 16) | localPort;
    }

    int isn(int localPort, int remoteAddr, int remotePort, long now) {
        return isn.isn(ip.address(), localPort, remoteAddr, remotePort, now);
    }

    // ---------------------------------------------------------------- user operations (event loop)

    /** LISTEN on {@code port} (RFC 9293 §3.10.1, passive OPEN). */
    public TcpListenerState listen(int port, int backlog) {
        return listen(port, backlog, TcpBuffers.of(config));
    }

    /** LISTEN with buffer sizes of its own for the connections it accepts. */
    public TcpListenerState listen(int port, int backlog, TcpBuffers buffers) {
        if (port <= 0 || port > 65535) throw new IllegalArgumentException("port must be 1-65535: " + port);
        if (listeners[port] != null) throw new IllegalStateException("port " + port + " is already listening");
        TcpListenerState l = new TcpListenerState(this, port, backlog > 0 ? backlog : config.defaultBacklog(),
                buffers);
        listeners[port] = l;
        return l;
    }

    void unlisten(int port) {
        listeners[port] = null;
    }

    /** Active OPEN (RFC 9293 §3.10.1) from an ephemeral port, or {@code localPort} when not 0. */
    public TcpConnection connect(int remoteAddr, int remotePort, int localPort, TcpObserver observer, long now) {
        return connect(remoteAddr, remotePort, localPort, TcpBuffers.of(config), observer, now);
    }

    /** Active OPEN with buffer sizes of its own. */
    public TcpConnection connect(int remoteAddr, int remotePort, int localPort, TcpBuffers buffers,
                                 TcpObserver observer, long now) {
        if (remotePort <= 0 || remotePort > 65535) throw new IllegalArgumentException("bad port " + remotePort);
        // RFC 1122 §4.2.3.10: an active OPEN to a broadcast or multicast address MUST be rejected with an error.
        if (ip.isBroadcastOrMulticast(remoteAddr) || remoteAddr == 0) {
            count(TcpCounter.tcpOpenRejected, 1);
            throw new IllegalArgumentException("cannot connect to " + Ipv4Address.toString(remoteAddr)
                    + ": not a unicast address (RFC 1122 §4.2.3.10)");
        }
        int port = localPort;
        if (port == 0) {
            for (int i = 0; i < EPHEMERAL_COUNT && port == 0; i++) {
                int p = EPHEMERAL_FIRST + (nextEphemeral++ % EPHEMERAL_COUNT);
                if (nextEphemeral >= EPHEMERAL_COUNT) nextEphemeral = 0;
                if (listeners[p] == null && connections.get(key(remoteAddr, remotePort, p)) == null) port = p;
            }
            if (port == 0) throw new IllegalStateException("no free local port");
        } else if (connections.get(key(remoteAddr, remotePort, port)) != null) {
            throw new IllegalStateException("address in use");
        }
        TcpConnection c = new TcpConnection(this, remoteAddr, remotePort, port, buffers);
        c.setObserver(observer);
        connections.put(c.key, c);
        touch(c);
        c.openActive(now);
        return c;
    }

    void remove(TcpConnection c) {
        if (connections.get(c.key) == c) connections.remove(c.key);
        timers.remove(c);
    }

    /** Whatever may move {@code c}'s timer deadlines calls this first (see {@link TimerQueue}). */
    void touch(TcpConnection c) {
        timers.touch(c);
    }

    private TcpConnection[] pendingOutput = new TcpConnection[16];
    private int pendingOutputCount;

    /** {@code c} sends at the next {@link #flush} (see {@link TcpConnection#sendLater}). */
    void outputLater(TcpConnection c) {
        if (c.outputPending) return;
        c.outputPending = true;
        if (pendingOutputCount == pendingOutput.length) {
            pendingOutput = java.util.Arrays.copyOf(pendingOutput, pendingOutputCount * 2);
        }
        pendingOutput[pendingOutputCount++] = c;
    }

    @Override
    public void flush(long now) {
        for (int i = 0; i < pendingOutputCount; i++) {
            TcpConnection c = pendingOutput[i];
            pendingOutput[i] = null;
            c.outputPending = false;
            if (c.state == TcpState.CLOSED) continue;
            touch(c);
            c.now = now;
            c.output(now);
        }
        pendingOutputCount = 0;
    }

    /** Connections with a pending timer; for tests. */
    int scheduledConnections() {
        return timers.size();
    }

    // ---------------------------------------------------------------- input

    private volatile RuntimeException lastBug;

    /** The last exception a segment or timer raised (a jstack bug; the host counts and survives it), or null. */
    public RuntimeException lastBug() {
        return lastBug;
    }

    @Override
    public void receive(Ipv4Packet packet, long now) {
        try {
            input(packet, now);
        } catch (RuntimeException e) {
            lastBug = e;
            throw e;
        }
    }

    private void input(Ipv4Packet packet, long now) {
        counters.increment(TcpCounter.tcpInSegs);
        TcpPacket seg = view.wrap(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
        if (seg.check() != Malformed.NONE) {
            counters.increment(TcpCounter.tcpInErrs);
            return;
        }
        int src = packet.source();
        // RFC 9293 §3.1 (MUST-2, MUST-3): every received checksum is verified, except where the link vouches for
        // a local sender's data (receive offload, CHECKSUM_PARTIAL): the field then holds only a partial sum.
        if (!ip.transportChecksumTrusted() && !seg.checksumOk(src, packet.destination())) {
            counters.increment(TcpCounter.tcpInErrs);
            counters.increment(TcpCounter.tcpInCsumErrors);
            return;
        }
        // RFC 1122 §4.2.3.10: segments from or to a broadcast or multicast address are silently discarded.
        if (Ipv4Address.isBroadcastOrMulticast(src) || packet.destination() != ip.address() || src == 0) {
            counters.increment(TcpCounter.tcpInErrs);
            return;
        }
        TcpConnection c = connections.get(key(src, seg.sourcePort(), seg.destinationPort()));
        TcpListenerState l = listeners[seg.destinationPort()];
        if (c != null && l != null && c.yieldsToNewSyn(seg)) {
            count(TcpCounter.tcpTimeWaitReopened, 1);
            c.transitionTo(TcpState.CLOSED); // the new SYN goes to the listener below
            c = null;
        }
        if (c != null) {
            touch(c);
            c.onSegment(seg, now);
            return;
        }
        if (l != null) {
            onSegmentInListen(l, seg, src, now);
        } else {
            replyReset(seg, src);
        }
    }

    /** RFC 9293 §3.10.7.2: LISTEN. */
    private void onSegmentInListen(TcpListenerState l, TcpPacket seg, int src, long now) {
        if (seg.has(RST)) return; // first: an incoming RST is ignored
        if (seg.has(ACK_FLAG)) { // second: any ACK is bad: <SEQ=SEG.ACK><CTL=RST>
            sendReset(src, seg.destinationPort(), seg.sourcePort(), seg.ack(), 0, false);
            return;
        }
        if (!seg.has(SYN)) return; // fourth: anything else is dropped
        if (!l.admit()) {
            counters.increment(TcpCounter.tcpListenDrops);
            return;
        }
        TcpConnection c = new TcpConnection(this, src, seg.sourcePort(), seg.destinationPort(), l.buffers());
        c.listener = l;
        l.onHandshakeStarted(c);
        connections.put(c.key, c);
        touch(c);
        c.openPassive(seg, now);
    }

    /**
     * A reset for a segment that belongs to no connection (RFC 9293 §3.5.2 case 1, §3.10.7.1): none for a RST;
     * {@code <SEQ=SEG.ACK><CTL=RST>} if it had an ACK, else {@code <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>}.
     */
    void replyReset(TcpPacket seg, int src) {
        if (seg.has(RST)) return;
        if (seg.has(ACK_FLAG)) {
            sendReset(src, seg.destinationPort(), seg.sourcePort(), seg.ack(), 0, false);
        } else {
            sendReset(src, seg.destinationPort(), seg.sourcePort(), 0, seg.seq() + seg.segmentLength(), true);
        }
    }

    void sendReset(int dst, int localPort, int remotePort, int seq, int ack, boolean withAck) {
        ByteBuffer tx = ip.txBuffer();
        int o = Ipv4Layer.HEADROOM;
        TcpPacket.emitHeader(tx, o, localPort, remotePort, seq, withAck ? ack : 0, RST | (withAck ? ACK_FLAG : 0),
                0, 0);
        finish(tx, o, TcpPacket.MIN_HEADER_LENGTH, dst);
        counters.increment(TcpCounter.tcpOutRsts);
    }

    /**
     * Builds and sends one segment of {@code c}: {@code mss >= 0} adds the MSS option and {@code wsShift >= 0}
     * the window scale option (SYNs only), and timestamps and SACK as the connection uses them ({@link TcpOptions});
     * {@code dataLen} bytes come from the retransmission queue at
     * sequence number {@code dataSeq}.
     */
    void transmit(TcpConnection c, int flags, int seq, int ack, int window, int mss, int wsShift, int dataSeq,
                  int dataLen) {
        ByteBuffer tx = ip.txBuffer();
        int o = Ipv4Layer.HEADROOM;
        int optionBytes = TcpOptions.length(c, flags, mss, wsShift, dataLen);
        TcpPacket.emitHeader(tx, o, c.localPort, c.remotePort, seq, (flags & ACK_FLAG) != 0 ? ack : 0, flags,
                window, optionBytes);
        int urgentPointer = c.urgent.pointerFor(seq);
        // RFC 9293 §3.8.5: URG and the pointer on every segment while the urgent data is outstanding.
        if (urgentPointer >= 0 && (flags & (RST | SYN)) == 0) TcpPacket.setUrgentPointer(tx, o, urgentPointer);
        int i = TcpOptions.write(c, tx, o + TcpPacket.MIN_HEADER_LENGTH, flags, ack, mss, wsShift, dataLen);
        if (dataLen > 0) c.queue.copy(dataSeq, tx, i, dataLen);
        finish(tx, o, TcpPacket.MIN_HEADER_LENGTH + optionBytes + dataLen, c.remoteAddr,
                dataLen > c.snd.mss ? c.snd.mss : 0, dataLen, c.tos);
    }

    private void finish(ByteBuffer tx, int o, int length, int dst) {
        finish(tx, o, length, dst, 0, 0, 0);
    }

    /**
     * Checksums (or leaves that to the link) and sends; {@code segmentSize > 0}: the link cuts the data. {@code tos}
     * is the connection's type of service octet (RFC 1122 §4.2.4.2).
     */
    private void finish(ByteBuffer tx, int o, int length, int dst, int segmentSize, int dataLen, int tos) {
        if (checksumOffload) {
            TcpPacket.fillPseudoHeaderSum(tx, o, length, ip.address(), dst);
            counters.add(TcpCounter.tcpOutSegs, segmentSize > 0 ? (dataLen + segmentSize - 1) / segmentSize : 1);
            ip.sendTcp(tx, length, dst, segmentSize, tos);
        } else {
            TcpPacket.fillChecksum(tx, o, length, ip.address(), dst);
            counters.increment(TcpCounter.tcpOutSegs);
            ip.send(tx, length, IpProtocol.TCP.code(), dst, Ipv4Layer.DONT_FRAGMENT, tos);
        }
    }

    /** Whether {@code len} more out-of-order bytes fit under the host-wide cap. */
    boolean outOfOrderFits(int len) {
        return outOfOrderBytes + len <= config.outOfOrderMemoryBytes();
    }

    void adjustOutOfOrder(long delta) {
        outOfOrderBytes += delta;
    }

    /** Out-of-order bytes held over all connections now. */
    public long outOfOrderBytes() {
        return outOfOrderBytes;
    }

    /** RFC 5961 §7: at most {@code challengeAcksPerSecond} challenge ACKs per second over the host. */
    boolean allowChallengeAck(long now) {
        if (now - challengeWindowStart >= 1_000_000_000L || challengeWindowStart == Long.MIN_VALUE) {
            challengeWindowStart = now;
            challengeAcksInWindow = 0;
        }
        if (challengeAcksInWindow >= config.challengeAcksPerSecond()) return false;
        challengeAcksInWindow++;
        return true;
    }

    // ---------------------------------------------------------------- ICMP errors

    private static final int DEST_UNREACHABLE = 3, TIME_EXCEEDED = 11, PARAMETER_PROBLEM = 12;

    /**
     * RFC 1122 §4.2.3.9 (RFC 9293 MUST-47, §3.9.1): TCP MUST act on an ICMP error about one of its segments. The
     * quote ({@code buf[off, off+len)}: the IPv4 header and at least 8 bytes of TCP header) names the connection;
     * its sequence number must lie in SND.UNA..SND.NXT (RFC 5927 §4.1), else the error is a blind attack or stale.
     * Destination Unreachable codes 0, 1, 5 (and others but 2-4), Time Exceeded and Parameter Problem are soft
     * errors: the connection goes on. Codes 2 and 3 are hard errors; code 4 (fragmentation needed) is ignored, as we
     * do no path MTU discovery. Source Quench is ignored (RFC 6633 §2).
     */
    @Override
    public void icmpError(int type, int code, ByteBuffer buf, int off, int len, long now) {
        if (len < Ipv4Packet.MIN_HEADER_LENGTH || off < 0 || off + len > buf.limit()) return;
        int hl = (buf.get(off) & 0x0f) * 4;
        if (hl < Ipv4Packet.MIN_HEADER_LENGTH || len < hl + 8) return; // ports and sequence number
        if (Byte.toUnsignedInt(buf.get(off + 9)) != IpProtocol.TCP.code() || buf.getInt(off + 12) != ip.address()) {
            return;
        }
        counters.increment(TcpCounter.tcpInIcmpErrors);
        int localPort = Short.toUnsignedInt(buf.getShort(off + hl));
        int remotePort = Short.toUnsignedInt(buf.getShort(off + hl + 2));
        int seq = buf.getInt(off + hl + 4);
        TcpConnection c = connections.get(key(buf.getInt(off + 16), remotePort, localPort));
        if (c == null || c.state == TcpState.CLOSED) {
            counters.increment(TcpCounter.tcpIcmpNoConnection);
            return;
        }
        // RFC 5927 §4.1: SND.UNA <= SEG.SEQ < SND.NXT. Deviation: SND.NXT itself is accepted too, as Linux does,
        // since an idle connection (SND.UNA = SND.NXT) would otherwise never hear of an error about its ACKs.
        if (!Seq.leq(c.snd.sndUna, seq) || !Seq.leq(seq, c.snd.sndMax)) {
            counters.increment(TcpCounter.tcpIcmpOutOfWindow);
            return;
        }
        String why = switch (type) {
            case DEST_UNREACHABLE -> switch (code) {
                case 0, 6, 9, 11 -> "network is unreachable";
                case 2 -> "protocol not available";
                case 3 -> "connection refused";
                case 4 -> null;
                default -> "no route to host";
            };
            case TIME_EXCEEDED -> "no route to host";
            case PARAMETER_PROBLEM -> "protocol error";
            default -> null;
        };
        if (why == null) {
            counters.increment(TcpCounter.tcpIcmpIgnored);
            return;
        }
        boolean hard = type == DEST_UNREACHABLE && (code == 2 || code == 3);
        touch(c);
        if (hard && c.state == TcpState.SYN_SENT) {
            // RFC 1122 §4.2.3.9: for a hard error TCP MAY abort the connection; Linux does so in SYN-SENT.
            counters.increment(TcpCounter.tcpIcmpHardAborts);
            c.fail(why);
            return;
        }
        // Established, a hard error is as soft (Linux too): RFC 5927 §4.2 advises not to abort on it.
        counters.increment(TcpCounter.tcpIcmpSoftErrors);
        c.onSoftError(why);
    }

    // ---------------------------------------------------------------- timers

    @Override
    public long pollAt() {
        return timers.earliest();
    }

    @Override
    public void onTimer(long now) {
        try {
            runTimers(now);
        } catch (RuntimeException e) {
            lastBug = e;
            throw e;
        }
    }

    private void runTimers(long now) {
        TcpConnection[] due = dueScratch = timers.takeDue(now, dueScratch);
        for (int i = 0; i < due.length && due[i] != null; i++) {
            TcpConnection c = due[i];
            due[i] = null;
            touch(c); // schedules it again with whatever deadlines its timers leave
            if (c.state != TcpState.CLOSED && c.pollAt() <= now) c.onTimer(now);
        }
    }
}
