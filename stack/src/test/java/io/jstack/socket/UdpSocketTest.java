package io.jstack.socket;

import static io.jstack.udp.UdpFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jstack.host.Host;
import io.jstack.host.HostLoop;
import io.jstack.ip.Ipv4Config;
import io.jstack.link.MemoryLink;
import io.jstack.time.ManualClock;
import io.jstack.udp.UdpCounter;
import io.jstack.udp.UdpLayer;
import io.jstack.wire.Ipv4Address;
import java.io.IOException;
import java.net.BindException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The socket API over a host run by its own loop thread; the peer is scripted on the far end of a MemoryLink. */
class UdpSocketTest {
    static final Ipv4Address PEER_ADDRESS = new Ipv4Address(PEER);
    static final Duration WAIT = Duration.ofSeconds(10);

    MemoryLink peer;
    Host host;
    HostLoop loop;
    UdpLayer udp;

    @BeforeEach
    void setUp() {
        var net = MemoryLink.pair();
        peer = net.b();
        host = new Host(HOST, net.a(), new ManualClock(), Ipv4Config.defaults());
        udp = UdpLayer.install(host);
        loop = HostLoop.start(host);
    }

    @AfterEach
    void tearDown() {
        loop.close();
        assertEquals(0, host.internalErrors());
    }

    byte[] peerReceive() throws InterruptedException {
        byte[] p = peer.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(p, "the peer expected a packet");
        return p;
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) fail("timed out waiting for " + what);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void receivesWhatThePeerSendsAndSendsBackWithAChecksum() throws Exception {
        try (UdpSocket s = UdpSocket.bind(udp, 5353)) {
            assertEquals(5353, s.localPort());
            peer.send(udp(PEER, 40000, HOST, 5353, "ping".getBytes()));
            Datagram d = s.receive(WAIT);
            assertEquals(PEER_ADDRESS, d.address());
            assertEquals(40000, d.port());
            assertArrayEquals("ping".getBytes(), d.data());
            s.send(d.address(), d.port(), "pong".getBytes());
            var r = parseUdp(peerReceive());
            assertEquals(5353, r.srcPort());
            assertEquals(40000, r.dstPort());
            assertArrayEquals("pong".getBytes(), r.data());
        }
    }

    @Test
    void ephemeralBindGetsAPortInTheDynamicRange() throws Exception {
        try (UdpSocket a = UdpSocket.bind(udp); UdpSocket b = UdpSocket.bind(udp)) {
            assertTrue(a.localPort() >= UdpLayer.EPHEMERAL_FIRST);
            assertNotEquals(a.localPort(), b.localPort());
            a.send(PEER_ADDRESS, 9, "x".getBytes());
            assertEquals(a.localPort(), parseUdp(peerReceive()).srcPort());
        }
    }

    @Test
    void receiveTimesOutWithSocketTimeoutException() throws Exception {
        try (UdpSocket s = UdpSocket.bind(udp, 5000)) {
            var e = assertThrows(SocketTimeoutException.class, () -> s.receive(Duration.ofMillis(50)));
            assertEquals("receive timed out after 50 ms", e.getMessage());
            assertThrows(SocketTimeoutException.class, () -> s.receive(Duration.ZERO));
        }
    }

    @Test
    void bindingATakenPortFailsAndClosingReleasesIt() throws Exception {
        UdpSocket s = UdpSocket.bind(udp, 5000);
        var e = assertThrows(BindException.class, () -> UdpSocket.bind(udp, 5000));
        assertEquals("port 5000 is already in use", e.getMessage());
        s.close();
        try (UdpSocket again = UdpSocket.bind(udp, 5000)) {
            assertEquals(5000, again.localPort());
        }
    }

    @Test
    void fullReceiveQueueDropsAndCounts() throws Exception {
        var options = UdpSocketOptions.defaults().withReceiveQueueDatagrams(4);
        try (UdpSocket s = UdpSocket.bind(udp, 5000, options)) {
            for (int i = 0; i < 10; i++) peer.send(udp(PEER, 40000, HOST, 5000, new byte[] {(byte) i}));
            await(() -> udp.counters().get(UdpCounter.udpInDatagrams)
                    + udp.counters().get(UdpCounter.udpRcvbufErrors) == 10, "10 datagrams processed");
            assertEquals(6, s.dropped());
            assertEquals(6, udp.counters().get(UdpCounter.udpRcvbufErrors));
            for (int i = 0; i < 4; i++) assertArrayEquals(new byte[] {(byte) i}, s.receive(WAIT).data(), "in order");
            assertThrows(SocketTimeoutException.class, () -> s.receive(Duration.ofMillis(20)));
        }
    }

    @Test
    void receiveQueueIsAlsoBoundedInBytes() throws Exception {
        var net = MemoryLink.pair(65535);
        var bigHost = new Host(HOST, net.a(), new ManualClock(), Ipv4Config.defaults());
        var bigUdp = UdpLayer.install(bigHost);
        try (var bigLoop = HostLoop.start(bigHost);
             UdpSocket s = UdpSocket.bind(bigUdp, 5000, new UdpSocketOptions(256, 65507, 64, WAIT))) {
            net.b().send(udp(PEER, 40000, HOST, 5000, new byte[40000]));
            net.b().send(udp(PEER, 40000, HOST, 5000, new byte[40000])); // 80000 bytes would pass the bound
            net.b().send(udp(PEER, 40000, HOST, 5000, new byte[20000]));
            await(() -> bigUdp.counters().get(UdpCounter.udpInDatagrams)
                    + bigUdp.counters().get(UdpCounter.udpRcvbufErrors) == 3, "3 datagrams processed");
            assertEquals(1, s.dropped());
            assertEquals(40000, s.receive(WAIT).length());
            assertEquals(20000, s.receive(WAIT).length());
        }
    }

    @Test
    void manyReceiversOnOneSocketGetEachDatagramExactlyOnce() throws Exception {
        int n = 200;
        try (UdpSocket s = UdpSocket.bind(udp, 5000)) {
            var seen = java.util.concurrent.ConcurrentHashMap.<Integer>newKeySet();
            var duplicates = new java.util.concurrent.atomic.AtomicInteger();
            var receivers = new ArrayList<Thread>();
            for (int t = 0; t < 8; t++) {
                receivers.add(Thread.ofVirtual().start(() -> {
                    try {
                        while (true) {
                            int v = ByteBuffer.wrap(s.receive().data()).getInt();
                            if (!seen.add(v)) duplicates.incrementAndGet();
                        }
                    } catch (IOException e) {
                        // closed: done
                    }
                }));
            }
            for (int i = 0; i < n; i++) {
                peer.send(udp(PEER, 40000, HOST, 5000, ByteBuffer.allocate(4).putInt(i).array()));
                if (i % 100 == 99) await(() -> peer.pending() == 0, "the host to take the packets");
            }
            await(() -> seen.size() == n, "all datagrams received");
            s.close();
            for (Thread t : receivers) t.join(WAIT.toMillis());
            assertEquals(0, duplicates.get());
            assertEquals(0, s.dropped());
        }
    }

    @Test
    void closeWakesABlockedReceiverOnAVirtualThread() throws Exception {
        UdpSocket s = UdpSocket.bind(udp, 5000);
        var result = new CompletableFuture<Throwable>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                s.receive();
                result.complete(null);
            } catch (Throwable e) {
                result.complete(e);
            }
        });
        await(() -> t.getState() == Thread.State.WAITING, "the receiver to block");
        s.close();
        Throwable e = result.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertInstanceOf(SocketException.class, e);
        assertEquals("socket is closed", e.getMessage());
        assertThrows(SocketException.class, () -> s.send(PEER_ADDRESS, 9, new byte[1]));
    }

    @Test
    void sendRejectsPortZeroAndOversizeDatagramsWithPlainMessages() throws Exception {
        try (UdpSocket s = UdpSocket.bind(udp)) {
            assertEquals("cannot send to port 0",
                    assertThrows(SocketException.class, () -> s.send(PEER_ADDRESS, 0, new byte[1])).getMessage());
            assertEquals("datagram too long: 65508 bytes, at most 65507",
                    assertThrows(SocketException.class, () -> s.send(PEER_ADDRESS, 9, new byte[65508])).getMessage());
        }
    }

    /** RFC 1122 §4.1.3.3: a port unreachable about a datagram this socket sent surfaces on its next receive. */
    @Test
    void rfc1122_4_1_3_3PortUnreachableMakesTheNextReceiveThrow() throws Exception {
        try (UdpSocket s = UdpSocket.bind(udp, 5000)) {
            s.send(PEER_ADDRESS, 9999, "hello?".getBytes());
            byte[] sent = peerReceive();
            // What the IP layer hands UDP for an incoming 3/3: the quoted header and 8 bytes.
            byte[] quoted = Arrays.copyOf(sent, 28);
            host.execute(() -> udp.icmpError(3, 3, ByteBuffer.wrap(quoted), 0, quoted.length, 0));
            var e = assertThrows(PortUnreachableException.class, () -> s.receive(WAIT));
            assertEquals("port unreachable: 10.0.0.1:9999", e.getMessage());
            assertThrows(SocketTimeoutException.class, () -> s.receive(Duration.ofMillis(20)), "reported once");
        }
    }

    /** The whole path: the peer's own ICMP 3/3 packet, through IP and ICMP, to the socket that sent the datagram. */
    @Test
    void rfc1122_4_1_3_3IcmpPortUnreachableFromThePeerReachesTheSocket() throws Exception {
        try (UdpSocket s = UdpSocket.bind(udp, 5001)) {
            s.send(PEER_ADDRESS, 9999, "anyone?".getBytes());
            byte[] sent = peerReceive();
            ByteBuffer icmp = ByteBuffer.allocate(8 + 28);
            icmp.put(0, (byte) 3).put(1, (byte) 3).put(8, sent, 0, 28);
            int c = referenceChecksum(icmp.array(), 0, icmp.capacity(), 0);
            icmp.putShort(2, (short) c);
            peer.send(concat(ipHeader(PEER, HOST, 1, icmp.capacity()), icmp.array()));
            var e = assertThrows(PortUnreachableException.class, () -> s.receive(WAIT));
            assertEquals("port unreachable: 10.0.0.1:9999", e.getMessage());
            assertEquals(1, udp.counters().get(UdpCounter.udpInIcmpErrors));
        }
    }

    /** The peer's ICMP error of {@code type}/{@code code} quoting {@code sent}, as a whole IPv4 packet. */
    static byte[] icmpErrorFromPeer(int type, int code, byte[] sent) {
        ByteBuffer icmp = ByteBuffer.allocate(8 + 28);
        icmp.put(0, (byte) type).put(1, (byte) code).put(8, sent, 0, 28);
        int c = referenceChecksum(icmp.array(), 0, icmp.capacity(), 0);
        icmp.putShort(2, (short) c);
        return concat(ipHeader(PEER, HOST, 1, icmp.capacity()), icmp.array());
    }

    /** RFC 1122 §4.1.3.3 (UDP MUST pass all ICMP errors up) and §3.2.2.4: Time Exceeded is EHOSTUNREACH, once. */
    @Test
    void rfc1122_4_1_3_3TimeExceededMakesTheNextReceiveThrowNoRouteToHost() throws Exception {
        try (UdpSocket s = UdpSocket.bind(udp, 5002)) {
            s.send(PEER_ADDRESS, 9999, "far away?".getBytes());
            peer.send(icmpErrorFromPeer(11, 0, peerReceive()));
            var e = assertThrows(NoRouteToHostException.class, () -> s.receive(WAIT));
            assertEquals("time exceeded (code 0): 10.0.0.1:9999", e.getMessage());
            assertThrows(SocketTimeoutException.class, () -> s.receive(Duration.ofMillis(20)), "reported once");
        }
    }

    /** RFC 1122 §4.1.3.3 and §3.2.2.5: a Parameter Problem about our datagram is EPROTO (ProtocolException). */
    @Test
    void rfc1122_4_1_3_3ParameterProblemMakesTheNextReceiveThrowProtocolException() throws Exception {
        try (UdpSocket s = UdpSocket.bind(udp, 5003)) {
            s.send(PEER_ADDRESS, 9999, "well formed?".getBytes());
            peer.send(icmpErrorFromPeer(12, 0, peerReceive()));
            var e = assertThrows(ProtocolException.class, () -> s.receive(WAIT));
            assertEquals("parameter problem: 10.0.0.1:9999", e.getMessage());
            assertEquals(1, udp.counters().get(UdpCounter.udpInIcmpErrors));
        }
    }

    /** Source Quench is no error for the application (RFC 6633 §2: ignored), so the socket hears nothing. */
    @Test
    void sourceQuenchDoesNotReachTheSocket() throws Exception {
        try (UdpSocket s = UdpSocket.bind(udp, 5004)) {
            s.send(PEER_ADDRESS, 9999, "slow down?".getBytes());
            peer.send(icmpErrorFromPeer(4, 0, peerReceive()));
            await(() -> host.icmp().counters().get(io.jstack.icmp.IcmpCounter.icmpInSrcQuenchs) == 1, "the quench");
            assertThrows(SocketTimeoutException.class, () -> s.receive(Duration.ofMillis(20)));
        }
    }

    @Test
    void manyVirtualThreadsSendAndReceiveConcurrently() throws Exception {
        int threads = 50, each = 20;
        // The peer reflects every datagram back to its sender.
        Thread reflector = Thread.ofPlatform().daemon().start(() -> {
            try {
                for (int i = 0; i < threads * each; i++) {
                    var r = parseUdp(peer.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS));
                    peer.send(udp(PEER, r.dstPort(), HOST, r.srcPort(), r.data()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<CompletableFuture<Integer>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            var f = new CompletableFuture<Integer>();
            done.add(f);
            int id = t;
            Thread.ofVirtual().start(() -> {
                try (UdpSocket s = UdpSocket.bind(udp)) {
                    int ok = 0;
                    for (int i = 0; i < each; i++) {
                        byte[] msg = (id + ":" + i).getBytes();
                        s.send(PEER_ADDRESS, 7, msg);
                        if (Arrays.equals(msg, s.receive(WAIT).data())) ok++;
                    }
                    f.complete(ok);
                } catch (IOException | RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
        }
        for (var f : done) assertEquals(each, f.get(30, TimeUnit.SECONDS));
        reflector.join(WAIT.toMillis());
        assertEquals(threads * each, udp.counters().get(UdpCounter.udpOutDatagrams));
    }
}
