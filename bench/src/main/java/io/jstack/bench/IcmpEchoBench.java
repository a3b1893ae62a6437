package io.jstack.bench;

import io.jstack.host.Host;
import io.jstack.ip.Ipv4Config;
import io.jstack.link.MemoryLink;
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
 * One ICMP echo request of {@code size} IP bytes into a {@link Host}, one echo reply out (RFC 792,
 * RFC 1122 §3.2.2.6): link receive, IPv4 check and demux, ICMP checksum check, reply built and checksummed, IPv4
 * header emitted, link send. {@code memoryLink} runs over {@link MemoryLink} (the link the tests use; its send
 * allocates a {@code byte[]} copy of every packet, which shows up in B/op); {@code replayLink} runs over
 * {@link ReplayLink}, which copies in and out like a TUN device and allocates nothing, so its B/op is the
 * stack's own.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class IcmpEchoBench {
    @Param({"64", "576", "1500", "9000"})
    int size;

    private byte[] request;
    private ByteBuffer requestBuffer;
    private MemoryLink.Pair net;
    private Host overMemory;
    private ReplayLink replay;
    private Host overReplay;

    @Setup(Level.Trial)
    public void setup() {
        request = Packets.echoRequest(size, 0x4a53, 1);
        requestBuffer = Packets.direct(request);
        int mtu = Math.max(1500, size);
        net = MemoryLink.pair(mtu, 16);
        overMemory = new Host(Packets.HOST, net.a(), new ManualClock(), Ipv4Config.defaults());
        replay = new ReplayLink(mtu);
        overReplay = new Host(Packets.HOST, replay, new ManualClock(), Ipv4Config.defaults());
        // Fail at once, not with a fast-but-empty figure, if the stack stops answering.
        memoryLink();
        replayLink();
    }

    @Benchmark
    public byte[] memoryLink() {
        net.b().send(request); // handed over, not copied: the host copies it into its receive buffer
        overMemory.poll();
        byte[] reply = net.b().receive();
        if (reply == null || reply.length != size) throw new IllegalStateException("no echo reply over MemoryLink");
        return reply;
    }

    @Benchmark
    public int replayLink() {
        replay.arm(requestBuffer);
        overReplay.poll();
        int n = replay.takeSent();
        if (n != size) throw new IllegalStateException("no echo reply over ReplayLink");
        return replay.sentBuffer().getShort(22); // the reply's ICMP checksum
    }

    @TearDown(Level.Trial)
    public void verify() {
        if (overMemory.internalErrors() + overReplay.internalErrors() != 0 || net.a().dropped() != 0) {
            throw new IllegalStateException("packets were lost or a layer threw during the benchmark");
        }
    }
}
