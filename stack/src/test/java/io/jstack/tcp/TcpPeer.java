package io.jstack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.host.Host;
import io.jstack.ip.Ipv4Config;
import io.jstack.link.MemoryLink;
import io.jstack.time.ManualClock;
import io.jstack.wire.Ipv4Address;
import io.jstack.wire.Ipv4Packet;
import io.jstack.wire.Malformed;
import io.jstack.wire.TcpFlag;
import io.jstack.wire.TcpHeader;
import io.jstack.wire.TcpPacket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * A scripted peer speaking raw segments to a host under a manual clock over a memory link: the test is the
 * event loop. Segments it sends are built from {@link TcpHeader}s; segments it expects are parsed back.
 */
final class TcpPeer {
    static final int HOST = Ipv4Address.parse("10.0.0.2").value();
    static final int PEER = Ipv4Address.parse("10.0.0.1").value();
    static final int PEER_PORT = 40000;
    static final int PORT = 80;
    static final int PEER_ISS = 1000;

    record Segment(TcpHeader h, byte[] data, byte[] raw) {
        /** The timestamp and SACK options, parsed by jstack's own {@link TcpOptions}. */
        TcpOptions options() {
            ByteBuffer b = ByteBuffer.wrap(raw);
            Ipv4Packet ip = new Ipv4Packet().wrap(b, 0);
            return new TcpOptions().parse(new TcpPacket().wrap(b, ip.payloadOffset(), ip.payloadLength()));
        }

        /** The option bytes as they are on the wire. */
        byte[] optionBytes() {
            int tcp = (raw[0] & 0x0f) * 4;
            int hl = ((raw[tcp + 12] & 0xff) >>> 4) * 4;
            return Arrays.copyOfRange(raw, tcp + 20, tcp + hl);
        }

        boolean has(TcpFlag f) {
            return h.flags().contains(f);
        }

        int seq() {
            return h.seq();
        }

        int ack() {
            return h.ack();
        }

        Set<TcpFlag> flags() {
            return h.flags();
        }
    }

    final ManualClock clock = new ManualClock(1_000_000_000L);
    final MemoryLink link;
    final Host host;
    final TcpLayer tcp;
    /** Filled by the fixtures. */
    TcpConnection conn;
    int iss;
    int sndNxt = PEER_ISS + 1; // the peer's next sequence number
    TcpListenerState listener;

    TcpPeer(TcpConfig config, int mtu) {
        var pair = MemoryLink.pair(mtu);
        this.link = pair.b();
        this.host = new Host(HOST, pair.a(), clock, Ipv4Config.defaults());
        this.tcp = TcpLayer.install(host, config, new IsnGenerator(1, 2));
    }

    static TcpPeer start() {
        return new TcpPeer(TcpConfig.defaults(), 1500);
    }

    static TcpPeer start(TcpConfig config) {
        return new TcpPeer(config, 1500);
    }

    long now() {
        return clock.nanos();
    }

    static Set<TcpFlag> flags(TcpFlag... f) {
        return f.length == 0 ? EnumSet.noneOf(TcpFlag.class) : EnumSet.of(f[0], f);
    }

    void send(TcpHeader h, byte[] data) {
        int tcpLen = h.length() + data.length;
        ByteBuffer b = ByteBuffer.allocate(20 + tcpLen);
        h.emit(b, 20);
        b.put(20 + h.length(), data);
        TcpPacket.fillChecksum(b, 20, tcpLen, PEER, HOST);
        Ipv4Packet.emit(b, 0, b.capacity(), 1, 0, 64, 6, PEER, HOST);
        link.send(b.array());
        host.poll();
    }

    /** Sends a segment whose options are {@code options} (padded with EOL to a multiple of 4). */
    void sendWithOptions(int seq, int ack, Set<TcpFlag> flags, int window, byte[] options, byte[] data) {
        int optLen = (options.length + 3) & ~3;
        int tcpLen = 20 + optLen + data.length;
        ByteBuffer b = ByteBuffer.allocate(20 + tcpLen);
        TcpPacket.emitHeader(b, 20, PEER_PORT, PORT, seq, ack, TcpFlag.bits(flags), window, optLen);
        b.put(40, options);
        b.put(40 + optLen, data);
        TcpPacket.fillChecksum(b, 20, tcpLen, PEER, HOST);
        Ipv4Packet.emit(b, 0, b.capacity(), 1, 0, 64, 6, PEER, HOST);
        link.send(b.array());
        host.poll();
    }

    /** Option bytes: NOP, NOP, timestamps (RFC 7323 §3.2). */
    static byte[] ts(int val, int ecr) {
        return ByteBuffer.allocate(12).put((byte) 1).put((byte) 1).put((byte) 8).put((byte) 10).putInt(val)
                .putInt(ecr).array();
    }

    /** Concatenates option byte arrays. */
    static byte[] opts(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) b.put(p);
        return b.array();
    }

    static final byte[] MSS_1460 = {2, 4, 0x05, (byte) 0xb4};
    static final byte[] SACK_OK = {4, 2};

    void send(int seq, int ack, Set<TcpFlag> flags, int window, byte[] data) {
        send(new TcpHeader(PEER_PORT, PORT, seq, ack, flags, window, 0, -1, -1), data);
    }

    /** Sends from the peer's current position and advances it. */
    void sendData(byte[] data) {
        send(sndNxt, rcvNxtOfHost(), flags(TcpFlag.ACK), 65535, data);
        sndNxt += data.length;
    }

    int rcvNxtOfHost() {
        return conn.snd.sndNxt;
    }

    void ack(int ack, int window) {
        send(sndNxt, ack, flags(TcpFlag.ACK), window, new byte[0]);
    }

    Segment expect() {
        host.poll();
        byte[] p = link.receive();
        assertNotNull(p, "expected a segment from the host");
        return parse(p);
    }

    static Segment parse(byte[] p) {
        ByteBuffer b = ByteBuffer.wrap(p);
        Ipv4Packet ip = new Ipv4Packet().wrap(b, 0);
        assertEquals(Malformed.NONE, ip.check());
        assertEquals(6, ip.protocol());
        TcpPacket t = new TcpPacket().wrap(b, ip.payloadOffset(), ip.payloadLength());
        assertEquals(Malformed.NONE, t.check());
        assertTrue(t.checksumOk(ip.source(), ip.destination()), "bad checksum from the host");
        return new Segment(TcpHeader.parse(t),
                Arrays.copyOfRange(p, t.payloadOffset(), t.payloadOffset() + t.payloadLength()), p.clone());
    }

    void expectNothing() {
        host.poll();
        byte[] p = link.receive();
        assertNull(p, () -> "expected no segment, got " + parse(p).h());
    }

    void advance(Duration d) {
        clock.advance(d);
        host.poll();
    }

    void advanceMillis(long ms) {
        advance(Duration.ofMillis(ms));
    }

    /** Passive open to ESTABLISHED: SYN (MSS 1460, no window scale), SYN-ACK, ACK. */
    TcpPeer established() {
        return established(65535, -1);
    }

    TcpPeer established(int window, int windowScale) {
        listener = tcp.listen(PORT, 8);
        send(new TcpHeader(PEER_PORT, PORT, PEER_ISS, 0, flags(TcpFlag.SYN), window, 0, 1460, windowScale),
                new byte[0]);
        Segment synAck = expect();
        assertEquals(flags(TcpFlag.SYN, TcpFlag.ACK), synAck.flags());
        iss = synAck.seq();
        send(PEER_ISS + 1, iss + 1, flags(TcpFlag.ACK), window, new byte[0]);
        conn = listener.accept();
        assertNotNull(conn, "handshake did not complete");
        assertEquals(TcpState.ESTABLISHED, conn.state());
        expectNothing();
        return this;
    }

    /** Active open to ESTABLISHED: the host connects, the peer answers SYN-ACK, the host ACKs. */
    TcpPeer activeEstablished() {
        conn = tcp.connect(PEER, PEER_PORT, PORT, TcpObserver.NONE, now());
        Segment syn = expect();
        assertEquals(flags(TcpFlag.SYN), syn.flags());
        iss = syn.seq();
        send(new TcpHeader(PEER_PORT, PORT, PEER_ISS, iss + 1, flags(TcpFlag.SYN, TcpFlag.ACK), 65535, 0, 1460, -1),
                new byte[0]);
        Segment ack = expect();
        assertEquals(flags(TcpFlag.ACK), ack.flags());
        assertEquals(PEER_ISS + 1, ack.ack());
        assertEquals(TcpState.ESTABLISHED, conn.state());
        return this;
    }

    byte[] read() {
        byte[] b = new byte[1 << 20];
        int n = conn.receive(b, 0, b.length, now());
        return n <= 0 ? new byte[0] : Arrays.copyOf(b, n);
    }

    void write(byte[] data) {
        assertEquals(data.length, conn.send(data, 0, data.length, now()));
        host.poll();
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + 7);
        return b;
    }
}
