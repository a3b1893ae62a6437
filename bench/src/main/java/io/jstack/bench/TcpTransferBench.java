package io.jstack.bench;

import io.jstack.host.Host;
import io.jstack.ip.Ipv4Config;
import io.jstack.link.Link;
import io.jstack.link.MemoryLink;
import io.jstack.tcp.TcpConfig;
import io.jstack.tcp.TcpConnection;
import io.jstack.tcp.TcpLayer;
import io.jstack.tcp.TcpListenerState;
import io.jstack.tcp.TcpObserver;
import io.jstack.tcp.TcpState;
import io.jstack.time.Clock;
import io.jstack.wire.Ipv4Address;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 64 MiB over one TCP connection between two jstack hosts joined by an in-memory link, both polled by the
 * benchmark thread with the system clock: the server writes, the client reads, every segment and ACK goes through
 * both stacks (RFC 9293 data transfer, flow and congestion control). One operation is the whole transfer;
 * bench/lib/jmh-report.py turns its time into Gbit/s of payload. {@code link=ring} (default) copies packets like a
 * TUN device and allocates nothing, so B/op is the stacks' own; {@code -p link=memory} uses MemoryLink, which
 * allocates an array per packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TcpTransferBench {
    static final long BYTES = 64L << 20;
    private static final int CLIENT = Ipv4Address.parse("10.0.0.1").value();
    private static final long STALL_NANOS = 5_000_000_000L;

    @Param({"1500", "9000", "65000"})
    int mtu;

    @Param({"ring"})
    String link;

    private final Clock clock = Clock.system();
    private Host client, server;
    private Link clientLink, serverLink;
    private TcpConnection download, upload;
    private final byte[] chunk = Packets.payload(65536, 64);
    private final byte[] sink = new byte[65536];

    @Setup(Level.Trial)
    public void setup() {
        if (link.equals("ring")) {
            var p = RingLink.pair(mtu, 4096);
            clientLink = p.a();
            serverLink = p.b();
        } else {
            var p = MemoryLink.pair(mtu, 4096);
            clientLink = p.a();
            serverLink = p.b();
        }
        client = new Host(CLIENT, clientLink, clock, Ipv4Config.defaults());
        server = new Host(Packets.HOST, serverLink, clock, Ipv4Config.defaults());
        TcpLayer clientTcp = TcpLayer.install(client, TcpConfig.defaults());
        TcpLayer serverTcp = TcpLayer.install(server, TcpConfig.defaults());
        TcpListenerState listener = serverTcp.listen(80, 16);
        upload = clientTcp.connect(Packets.HOST, 80, 0, TcpObserver.NONE, clock.nanos());
        long deadline = clock.nanos() + STALL_NANOS;
        while ((download = listener.accept()) == null || upload.state() != TcpState.ESTABLISHED) {
            client.poll();
            server.poll();
            if (clock.nanos() > deadline) throw new IllegalStateException("no connection: " + upload);
        }
    }

    /** The server sends {@link #BYTES}, the client reads them all. Returns the bytes read. */
    @Benchmark
    public long transfer() {
        long sent = 0, got = 0;
        long lastProgress = clock.nanos();
        while (got < BYTES) {
            long now = clock.nanos();
            if (sent < BYTES) {
                int n = download.send(chunk, 0, (int) Math.min(chunk.length, BYTES - sent), now);
                if (n < 0) throw new IllegalStateException("send failed: " + download);
                sent += n;
            }
            server.poll();
            client.poll();
            int r;
            boolean progress = false;
            while ((r = upload.receive(sink, 0, sink.length, now)) > 0) {
                got += r;
                progress = true;
            }
            if (r < 0) throw new IllegalStateException("connection ended: " + upload);
            if (progress) {
                lastProgress = now;
            } else if (now - lastProgress > STALL_NANOS) {
                throw new IllegalStateException("transfer stalled at " + got + " bytes: " + download + " / " + upload);
            }
        }
        return got;
    }

    @TearDown(Level.Trial)
    public void verify() {
        if (client.internalErrors() + server.internalErrors() != 0) {
            throw new IllegalStateException("a layer threw during the transfer");
        }
    }
}
