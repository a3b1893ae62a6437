package io.jstack.bench;

import io.jstack.host.Host;
import io.jstack.ip.Ipv4Config;
import io.jstack.tcp.TcpConfig;
import io.jstack.tcp.TcpConnection;
import io.jstack.tcp.TcpLayer;
import io.jstack.tcp.TcpListenerState;
import io.jstack.tcp.TcpState;
import io.jstack.time.ManualClock;
import java.nio.ByteBuffer;
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
 * One TCP segment of {@code size} IP bytes through an ESTABLISHED connection (RFC 9293 §3.10.7.4) of a
 * {@link Host} over {@link ReplayLink}, against a scripted peer that is always in step:
 * <ul>
 * <li>{@code receive}: a data segment in (link receive, IPv4 and TCP checks, demux, sequence and ACK
 * processing, bytes into the receive buffer), the ACK or window update the stack chooses to send, and the
 * application reading the bytes out;
 * <li>{@code send}: the application writes one segment's worth, the stack emits the segment (header, checksum,
 * IPv4), and the peer's ACK for it comes back in and frees the send buffer.
 * </ul>
 * The clock moves 1 µs per operation. This is the steady-state data path: it should allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TcpSegmentBench {
    private static final int PEER_PORT = 40000, PORT = 80, PEER_ISS = 1_000_000, WINDOW = 65535;

    @Param({"64", "576", "1500", "9000"})
    int size;

    private int len;
    private ManualClock clock;
    private ReplayLink link;
    private Host host;
    private TcpConnection conn;
    private ByteBuffer data, ack;
    private byte[] payload, sink;

    @Setup(Level.Trial)
    public void setup() {
        len = size - 40;
        int mtu = Math.max(1500, size);
        clock = new ManualClock();
        link = new ReplayLink(mtu);
        host = new Host(Packets.HOST, link, clock, Ipv4Config.defaults());
        TcpLayer tcp = TcpLayer.install(host, TcpConfig.defaults());
        TcpListenerState listener = tcp.listen(PORT, 16);
        payload = Packets.payload(Math.max(len, 1), 9293);
        sink = new byte[65536];
        ByteBuffer seg = ByteBuffer.allocateDirect(mtu);

        // RFC 9293 §3.5: the three-way handshake, the peer's side scripted.
        Packets.tcpSegment(seg, PEER_PORT, PORT, PEER_ISS, 0, Packets.SYN, WINDOW, mtu - 40, payload, 0);
        link.arm(seg);
        host.poll();
        if (link.takeSent() < 40 || Packets.tcpFlags(link.sentBuffer()) != (Packets.SYN | Packets.ACK)) {
            throw new IllegalStateException("no SYN-ACK");
        }
        int hostIss = Packets.tcpSeq(link.sentBuffer());
        Packets.tcpSegment(seg, PEER_PORT, PORT, PEER_ISS + 1, hostIss + 1, Packets.ACK, WINDOW, 0, payload, 0);
        link.arm(seg);
        host.poll();
        conn = listener.accept();
        if (conn == null || conn.state() != TcpState.ESTABLISHED) throw new IllegalStateException("not established");

        data = ByteBuffer.allocateDirect(mtu);
        Packets.tcpSegment(data, PEER_PORT, PORT, PEER_ISS + 1, hostIss + 1, Packets.ACK | Packets.PSH, WINDOW, 0,
                payload, len);
        ack = ByteBuffer.allocateDirect(64);
        Packets.tcpSegment(ack, PEER_PORT, PORT, PEER_ISS + 1, hostIss + 1, Packets.ACK, WINDOW, 0, payload, 0);
        for (int i = 0; i < 3; i++) { // fail now, not with a fast figure of a drop path
            receive();
            send();
        }
    }

    private long tick() {
        long now = clock.nanos() + 1_000;
        clock.setNanos(now);
        return now;
    }

    @Benchmark
    public int receive() {
        long now = tick();
        link.arm(data);
        host.poll();
        int n = conn.receive(sink, 0, sink.length, now);
        if (n != len) throw new IllegalStateException("received " + n + " of " + len + " bytes");
        Packets.advanceTcp(data, len, 0);
        Packets.advanceTcp(ack, len, 0); // the peer's next ACK carries the peer's next sequence number
        link.takeSent();
        return n;
    }

    @Benchmark
    public int send() {
        long now = tick();
        int n = conn.send(payload, 0, len, now);
        host.poll();
        int out = link.takeSent();
        if (n != len || out != size) throw new IllegalStateException("sent " + n + " bytes, segment of " + out);
        Packets.advanceTcp(ack, 0, len);
        Packets.advanceTcp(data, 0, len);
        link.arm(ack);
        host.poll();
        if (conn.unacknowledged() != 0) throw new IllegalStateException("the ACK did not free the send buffer");
        return out;
    }

    @TearDown(Level.Trial)
    public void verify() {
        if (host.internalErrors() != 0) throw new IllegalStateException("a layer threw during the benchmark");
    }
}
