package io.jstack.bench;

import io.jstack.wire.Checksum;
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

/**
 * The Internet checksum (RFC 1071) over {@code size} bytes, in a direct buffer (what the host receives into)
 * and a heap buffer. bench/jmh-report.py turns ns/op into GB/s (size / time). Must allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ChecksumBench {
    @Param({"64", "576", "1500", "9000"})
    int size;

    @Param({"direct", "heap"})
    String buffer;

    private ByteBuffer buf;

    @Setup(Level.Trial)
    public void setup() {
        byte[] bytes = Packets.payload(size, 1071);
        buf = buffer.equals("direct") ? Packets.direct(bytes) : ByteBuffer.wrap(bytes);
    }

    @Benchmark
    public int compute() {
        return Checksum.compute(buf, 0, size);
    }
}
