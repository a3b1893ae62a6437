package io.jstack.socket;

import static io.jstack.socket.TcpTestNet.A;
import static io.jstack.socket.TcpTestNet.B;
import static io.jstack.socket.TcpTestNet.addr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.service.ChargenService;
import io.jstack.service.DiscardService;
import io.jstack.service.TcpEchoService;
import io.jstack.tcp.TcpCounter;
import io.jstack.tcp.TcpState;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TcpSocketTest {

    @Test
    void connectAcceptAndExchangeBytesBothWays() throws Exception {
        try (var net = TcpTestNet.clean(); var listener = TcpListener.bind(net.a, 5000, 0)) {
            var client = TcpSocket.connect(net.b, addr(A, 5000), Duration.ofSeconds(5));
            var server = listener.accept();
            assertEquals(addr(B, client.localAddress().getPort()), server.remoteAddress());
            assertEquals(addr(A, 5000), client.remoteAddress());
            client.output().write("hello".getBytes());
            byte[] buf = new byte[5];
            assertEquals(5, server.input().readNBytes(buf, 0, 5));
            assertArrayEquals("hello".getBytes(), buf);
            server.output().write("world".getBytes());
            server.shutdownOutput();
            assertArrayEquals("world".getBytes(), client.input().readAllBytes());
            client.close();
            assertEquals(-1, server.input().read());
            server.close();
        }
    }

    @Test
    void urgentDataIsAnnouncedAndReadInlineUpToTheMarkRfc9293Section3_8_5() throws Exception {
        try (var net = TcpTestNet.clean(); var listener = TcpListener.bind(net.a, 5002, 0)) {
            var client = TcpSocket.connect(net.b, addr(A, 5002), Duration.ofSeconds(5));
            var server = listener.accept();
            assertFalse(server.urgentPending());
            client.write("hello".getBytes(), 0, 5);
            client.sendUrgent("xyz".getBytes(), 0, 3);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!server.urgentPending() && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            assertTrue(server.urgentPending(), "urgent data announced (MUST-32)");
            byte[] buf = new byte[7];
            assertEquals(7, server.input().readNBytes(buf, 0, 7)); // reads stop in front of the mark
            assertArrayEquals("helloxy".getBytes(), buf);
            assertTrue(server.atMark(), "the next octet is the last urgent one (MUST-33)");
            assertEquals('z', server.input().read()); // inline (RFC 6093 §6)
            assertFalse(server.atMark());
            assertFalse(server.urgentPending());
            client.close();
            server.close();
        }
    }

    @Test
    void connectToAClosedPortIsRefused() {
        try (var net = TcpTestNet.clean()) {
            var e = assertThrows(ConnectException.class,
                    () -> TcpSocket.connect(net.b, addr(A, 5001), Duration.ofSeconds(5)));
            assertEquals("connection refused", e.getMessage());
        }
    }

    @Test
    void connectToABroadcastOrMulticastAddressFailsRfc1122Section4_2_3_10() {
        try (var net = TcpTestNet.clean()) {
            for (String a : new String[] {"255.255.255.255", "224.0.0.9"}) {
                int bad = io.jstack.wire.Ipv4Address.parse(a).value();
                var e = assertThrows(SocketException.class,
                        () -> TcpSocket.connect(net.b, addr(bad, 80), Duration.ofSeconds(5)));
                assertTrue(e.getMessage().startsWith("Network is unreachable"), e.getMessage());
            }
        }
    }

    @Test
    void keepAliveProbesAreAnsweredAndTheIdleConnectionStaysRfc9293Section3_8_4() throws Exception {
        try (var net = TcpTestNet.clean(); var listener = TcpListener.bind(net.a, 5010, 0)) {
            var client = TcpSocket.connect(net.b, addr(A, 5010), Duration.ofSeconds(5));
            var server = listener.accept();
            client.setKeepAlive(new io.jstack.tcp.TcpKeepAlive(Duration.ofMillis(20), Duration.ofMillis(20), 2));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (net.b.counters().get(TcpCounter.tcpKeepAliveProbes) < 5 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
            }
            assertTrue(net.b.counters().get(TcpCounter.tcpKeepAliveProbes) >= 5, "probes were sent");
            assertEquals(0, net.b.counters().get(TcpCounter.tcpKeepAliveTimeouts)); // each was answered
            assertEquals(TcpState.ESTABLISHED, client.state());
            server.output().write(7);
            assertEquals(7, client.input().read());
            client.close();
            server.close();
        }
    }

    @Test
    void connectTimesOutWhenNobodyAnswers() {
        try (var net = TcpTestNet.clean()) {
            int nowhere = io.jstack.wire.Ipv4Address.parse("10.0.0.99").value();
            var e = assertThrows(SocketTimeoutException.class,
                    () -> TcpSocket.connect(net.b, addr(nowhere, 80), Duration.ofMillis(200)));
            assertEquals("connect timed out", e.getMessage());
        }
    }

    @Test
    void readTimeoutThrowsSocketTimeoutException() throws Exception {
        try (var net = TcpTestNet.clean(); var listener = TcpListener.bind(net.a, 5002, 0)) {
            var client = TcpSocket.connect(net.b, addr(A, 5002), Duration.ofSeconds(5));
            listener.accept();
            client.setReadTimeout(Duration.ofMillis(100));
            var e = assertThrows(SocketTimeoutException.class, () -> client.input().read());
            assertEquals("read timed out", e.getMessage());
        }
    }

    @Test
    void abortResetsThePeerWhichReportsResetByPeer() throws Exception {
        try (var net = TcpTestNet.clean(); var listener = TcpListener.bind(net.a, 5003, 0)) {
            var client = TcpSocket.connect(net.b, addr(A, 5003), Duration.ofSeconds(5));
            var server = listener.accept();
            client.abort();
            var e = assertThrows(SocketException.class, () -> server.input().read());
            assertEquals("connection reset by peer", e.getMessage());
            assertEquals(1, net.a.counters().get(TcpCounter.tcpEstabResets));
        }
    }

    @Test
    void bindingABusyPortFails() throws Exception {
        try (var net = TcpTestNet.clean(); var listener = TcpListener.bind(net.a, 5004, 0)) {
            assertThrows(BindException.class, () -> TcpListener.bind(net.a, 5004, 0));
        }
    }

    @Test
    void closingTheListenerWakesAWaitingAccept() throws Exception {
        try (var net = TcpTestNet.clean()) {
            var listener = TcpListener.bind(net.a, 5005, 0);
            try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<?> f = ex.submit(() -> {
                    listener.accept();
                    return null;
                });
                listener.close();
                var e = assertThrows(java.util.concurrent.ExecutionException.class, f::get);
                assertTrue(e.getCause() instanceof SocketException);
            }
        }
    }

    @Test
    void connectionsThatArriveTogetherAreAcceptedOneByOneInOrderAndTheUnacceptedResetOnClose() throws Exception {
        try (var net = TcpTestNet.clean()) {
            var listener = TcpListener.bind(net.a, 5005, 16);
            List<TcpSocket> clients = new ArrayList<>();
            for (int i = 0; i < 6; i++) clients.add(TcpSocket.connect(net.b, addr(A, 5005), Duration.ofSeconds(5)));
            // All six completed their handshake before the first accept: it takes them in one batch.
            for (int i = 0; i < 4; i++) {
                TcpSocket s = listener.accept();
                assertEquals(clients.get(i).localAddress().getPort(), s.remoteAddress().getPort(), "accept order");
                s.close();
            }
            listener.close();
            for (int i = 4; i < 6; i++) {
                TcpSocket c = clients.get(i);
                var e = assertThrows(IOException.class, () -> c.input().read(), "never accepted: reset");
                assertTrue(e.getMessage().contains("reset"), e.getMessage());
                c.close();
            }
        }
    }

    @Test
    void echoServiceReturnsEveryByteRfc862() throws Exception {
        try (var net = TcpTestNet.clean(); var echo = TcpEchoService.start(net.a)) {
            var s = TcpSocket.connect(net.b, addr(A, TcpEchoService.PORT), Duration.ofSeconds(5));
            byte[] data = new byte[300_000];
            new java.util.Random(1).nextBytes(data);
            try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
                ex.submit(() -> {
                    s.output().write(data);
                    s.shutdownOutput();
                    return null;
                });
                assertArrayEquals(data, s.input().readAllBytes());
            }
            s.close();
        }
    }

    @Test
    void discardServiceSwallowsEverythingRfc863() throws Exception {
        try (var net = TcpTestNet.clean(); var discard = DiscardService.start(net.a)) {
            var s = TcpSocket.connect(net.b, addr(A, DiscardService.PORT), Duration.ofSeconds(5));
            s.output().write(new byte[100_000]);
            s.shutdownOutput();
            assertEquals(-1, s.input().read()); // the service closes after our FIN
            assertEquals(100_000, discard.discarded());
        }
    }

    @Test
    void chargenServiceSendsTheRotatingPatternRfc864() throws Exception {
        try (var net = TcpTestNet.clean(); var chargen = ChargenService.start(net.a)) {
            var s = TcpSocket.connect(net.b, addr(A, ChargenService.PORT), Duration.ofSeconds(5));
            byte[] two = s.input().readNBytes(148);
            String first = new String(two, 0, 74);
            String second = new String(two, 74, 74);
            assertEquals(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n", first);
            assertEquals(first.substring(1, 72) + "h\r\n", second);
            s.abort();
        }
    }

    @Test
    void manyConnectionsAtOnceAreEachServedByEcho() throws Exception {
        try (var net = TcpTestNet.clean(); var echo = TcpEchoService.start(net.a)) {
            int n = 200;
            List<Future<Boolean>> results = new ArrayList<>();
            try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < n; i++) {
                    byte[] msg = ("connection " + i).getBytes();
                    results.add(ex.submit(() -> {
                        try (var s = TcpSocket.connect(net.b, addr(A, TcpEchoService.PORT), Duration.ofSeconds(10))) {
                            s.output().write(msg);
                            s.shutdownOutput();
                            return java.util.Arrays.equals(msg, s.input().readAllBytes());
                        }
                    }));
                }
                for (var r : results) assertTrue(r.get());
            }
        }
    }

    @Test
    void closedConnectionReachesTimeWaitOnTheActiveCloser() throws Exception {
        try (var net = TcpTestNet.clean(); var listener = TcpListener.bind(net.a, 5006, 0)) {
            var client = TcpSocket.connect(net.b, addr(A, 5006), Duration.ofSeconds(5));
            var server = listener.accept();
            client.close();
            assertEquals(-1, server.input().read());
            server.close();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (server.state() != TcpState.CLOSED && System.nanoTime() < deadline) Thread.onSpinWait();
            assertEquals(TcpState.CLOSED, server.state());
            assertEquals(1, net.b.connectionCount()); // the client in TIME-WAIT
        }
    }

    @Test
    void buffersAreSetPerSocketAndBoundTheOfferedWindow() throws Exception {
        var opts = TcpSocketOptions.defaults().withBuffers(8192, 4096);
        try (var net = TcpTestNet.clean(); var listener = TcpListener.bind(net.a, 5007, 0, opts)) {
            var client = TcpSocket.connect(net.b, addr(A, 5007), Duration.ofSeconds(5),
                    TcpSocketOptions.defaults().withBuffers(2048, 16384).withNoDelay(true));
            var server = listener.accept();
            assertEquals(new io.jstack.tcp.TcpBuffers(8192, 4096), server.buffers());
            assertEquals(new io.jstack.tcp.TcpBuffers(2048, 16384), client.buffers());
            byte[] data = new byte[100_000];
            new java.util.Random(2).nextBytes(data);
            try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
                ex.submit(() -> {
                    client.output().write(data);
                    client.shutdownOutput();
                    return null;
                });
                assertArrayEquals(data, server.input().readAllBytes());
            }
        }
    }

    @Test
    void writesOfEverySizeHandedOverWithoutWaitingArriveWholeAndInOrder() throws Exception {
        var opts = TcpSocketOptions.defaults().withBuffers(100_000, 32_768);
        try (var net = TcpTestNet.clean(); var listener = TcpListener.bind(net.a, 5008, 0, opts)) {
            var client = TcpSocket.connect(net.b, addr(A, 5008), Duration.ofSeconds(5), opts);
            var server = listener.accept();
            byte[] data = new byte[3_000_000];
            new java.util.Random(3).nextBytes(data);
            var sizes = new java.util.Random(4);
            try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
                ex.submit(() -> {
                    int off = 0;
                    while (off < data.length) {
                        int n = Math.min(data.length - off, switch (sizes.nextInt(4)) {
                            case 0 -> 1 + sizes.nextInt(10);
                            case 1 -> 1 + sizes.nextInt(3000);
                            case 2 -> 60_000 + sizes.nextInt(10_000);
                            default -> 150_000 + sizes.nextInt(100_000); // more than the send buffer
                        });
                        client.write(data, off, n);
                        off += n;
                    }
                    client.shutdownOutput();
                    return null;
                });
                assertArrayEquals(data, server.input().readAllBytes());
            }
            // Everything was acknowledged: every chunk and array went back, none is held by the connection.
            client.awaitAcknowledged(Duration.ofSeconds(5));
            assertEquals(0, client.call(() -> net.b.connection(A, 5008, client.localAddress().getPort())
                    .unacknowledged()));
        }
    }

    @Test
    void aWriteAfterThePeerResetFailsWithTheReasonInsteadOfWaitingForRoom() throws Exception {
        var opts = TcpSocketOptions.defaults().withBuffers(8192, 8192);
        try (var net = TcpTestNet.clean(); var listener = TcpListener.bind(net.a, 5009, 0, opts)) {
            var client = TcpSocket.connect(net.b, addr(A, 5009), Duration.ofSeconds(5), opts);
            var server = listener.accept();
            server.abort();
            // The peer reads nothing and has reset: writing on must end in "connection reset by peer", never block.
            byte[] chunk = new byte[4096];
            var e = assertThrows(SocketException.class, () -> {
                for (int i = 0; i < 1000; i++) client.write(chunk, 0, chunk.length);
            });
            assertEquals("connection reset by peer", e.getMessage());
        }
    }

    @Test
    void aWriteAfterShutdownOutputFails() throws Exception {
        try (var net = TcpTestNet.clean(); var listener = TcpListener.bind(net.a, 5010, 0)) {
            var client = TcpSocket.connect(net.b, addr(A, 5010), Duration.ofSeconds(5));
            listener.accept();
            client.shutdownOutput();
            var e = assertThrows(SocketException.class, () -> client.write(new byte[1], 0, 1));
            assertEquals("socket output is shut down", e.getMessage());
        }
    }

    @Test
    void aWriterWaitingForRoomIsReleasedByCloseFromAnotherThread() throws Exception {
        var opts = TcpSocketOptions.defaults().withBuffers(8192, 4096);
        try (var net = TcpTestNet.clean(); var listener = TcpListener.bind(net.a, 5011, 0, opts)) {
            var client = TcpSocket.connect(net.b, addr(A, 5011), Duration.ofSeconds(5), opts);
            listener.accept(); // never reads: its window closes, then the client's send buffer fills
            try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
                var writerThread = new java.util.concurrent.CompletableFuture<Thread>();
                Future<?> writer = ex.submit(() -> {
                    writerThread.complete(Thread.currentThread());
                    client.write(new byte[1 << 20], 0, 1 << 20); // 1 MiB into 8 KiB of buffer and a closed window
                    return null;
                });
                // Until the writer waits for room (it cannot finish: the peer reads nothing); bounded by @Timeout.
                Thread t = writerThread.get();
                while (t.getState() != Thread.State.WAITING && !writer.isDone()) Thread.onSpinWait();
                client.close();
                var e = assertThrows(java.util.concurrent.ExecutionException.class, writer::get);
                assertTrue(e.getCause() instanceof SocketException, e.getCause().toString());
                assertEquals("socket closed", e.getCause().getMessage());
            }
        }
    }
}
