package io.jstack.bench;

import io.jstack.wire.IpProtocol;
import io.jstack.wire.Ipv4Packet;
import io.jstack.wire.Malformed;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The IPv4 header (RFC 791 §3.1): {@code check} wraps the view over a received datagram of {@code size} bytes,
 * validates it (lengths, header checksum, fragment fields) and reads what the IP layer's demux reads;
 * {@code build} writes a 20-byte header with its checksum in front of a payload. Both must allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class Ipv4Bench {
    @Param({"64", "576", "1500", "9000"})
    int size;

    private final Ipv4Packet view = new Ipv4Packet();
    private ByteBuffer received;
    private ByteBuffer tx;
    private int ident;

    @Setup(Level.Trial)
    public void setup() {
        received = Packets.direct(Packets.echoRequest(size, 0x4a53, 1));
        tx = ByteBuffer.allocateDirect(size);
        tx.put(Ipv4Packet.MIN_HEADER_LENGTH, Packets.payload(size - Ipv4Packet.MIN_HEADER_LENGTH, 791));
        if (view.wrap(received, 0).check() != Malformed.NONE) throw new IllegalStateException("bad fixture");
    }

    @Benchmark
    public void check(Blackhole bh) {
        Ipv4Packet ip = view.wrap(received, 0);
        bh.consume(ip.check());
        bh.consume(ip.destination());
        bh.consume(ip.protocol());
        bh.consume(ip.isFragment());
        bh.consume(ip.payloadLength());
    }

    @Benchmark
    public int build() {
        Ipv4Packet.emit(tx, 0, size, ident++ & 0xffff, Ipv4Packet.FLAG_DF, 64, IpProtocol.TCP.code(),
                Packets.HOST, Packets.PEER);
        return tx.getShort(10);
    }

    /** The transmit buffer {@link #build} writes, for the check that the benchmark builds a valid header. */
    ByteBuffer txForTest() {
        return tx;
    }
}
