package io.jstack.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jstack.host.Host;
import io.jstack.tools.RunningHost;
import io.jstack.tools.ServeOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A jstack host running in this JVM on a TUN device inside a {@link Netns}: exactly what {@code jstack --netns}
 * runs ({@link RunningHost}, built by {@code ServeCommand.buildHost}), so transports installed there are here
 * too. The kernel side is 10.0.0.1/24 on {@code tun0} inside the namespace; the host is 10.0.0.2.
 *
 * <pre>{@code
 * try (Netns ns = Netns.create(); LiveHost h = LiveHost.start(ns)) {
 *     Exec.Result r = h.ping("-c", "5");                    // ip netns exec <ns> ping -n ... 10.0.0.2
 *     long echos = h.counter("Icmp", "icmpInEchos");         // read on the loop thread
 *     h.assertHealthy();                                     // loop alive, no internal errors
 * }
 * }</pre>
 *
 * For a test service, pass an installer: {@code LiveHost.start(ns, LiveHost.options(ns), host -> ...)}; it runs
 * on the built host before the loop starts. Close the host before the namespace (try-with-resources order).
 */
public final class LiveHost implements AutoCloseable {
    public static final String HOST_IP = "10.0.0.2";
    public static final String KERNEL_IP = "10.0.0.1";
    private static final Duration LOOP_TIMEOUT = Duration.ofSeconds(10);

    private final Netns netns;
    private final RunningHost running;
    private String exitReport = "";

    private LiveHost(Netns netns, RunningHost running) {
        this.netns = netns;
        this.running = running;
    }

    /** The CLI's defaults (tun0, 10.0.0.2, 10.0.0.1/24, MTU 1500), inside {@code ns}. */
    public static ServeOptions options(Netns ns) {
        return options(ns, 1500, Optional.empty());
    }

    public static ServeOptions options(Netns ns, int mtu, Optional<Path> pcap) {
        return ServeOptions.defaults().withMtu(mtu).withPcap(pcap).withNetns(Optional.of(ns.name()));
    }

    public static LiveHost start(Netns ns) {
        return start(ns, options(ns), host -> {});
    }

    public static LiveHost start(Netns ns, ServeOptions options) {
        return start(ns, options, host -> {});
    }

    /** Starts a host with {@code options} (whose netns must be {@code ns}); {@code install} adds test services. */
    public static LiveHost start(Netns ns, ServeOptions options, Consumer<Host> install) {
        if (!options.netns().equals(Optional.of(ns.name()))) {
            throw new IllegalArgumentException("options must name namespace " + ns.name());
        }
        return new LiveHost(ns, RunningHost.start(options, install));
    }

    public Netns netns() {
        return netns;
    }

    public Host host() {
        return running.host();
    }

    public RunningHost running() {
        return running;
    }

    /** Runs {@code f} on the host's loop thread and returns its result (bounded wait). */
    public <T> T onLoop(Function<Host, T> f) {
        CompletableFuture<T> result = new CompletableFuture<>();
        host().execute(() -> {
            try {
                result.complete(f.apply(host()));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(LOOP_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("task on the loop failed", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the host loop did not run a task within " + LOOP_TIMEOUT
                    + "; loop failure: " + running.loop().failure());
        }
    }

    /** Every counter, read on the loop thread (so it includes every packet handled before this call). */
    public Map<String, Map<String, Long>> counters() {
        return onLoop(Host::counters);
    }

    public long counter(String section, String name) {
        Long v = counters().getOrDefault(section, Map.of()).get(name);
        if (v == null) throw new IllegalArgumentException("no counter " + section + "." + name);
        return v;
    }

    /** {@code ping -n <args> 10.0.0.2} inside the namespace, bounded at 60 s. */
    public Exec.Result ping(String... args) {
        List<String> c = new ArrayList<>(List.of("ping", "-n"));
        c.addAll(List.of(args));
        c.add(HOST_IP);
        return netns.exec(Duration.ofSeconds(60), c.toArray(String[]::new));
    }

    /** Fails the test if the loop died or caught an exception. */
    public void assertHealthy() {
        assertNull(running.loop().failure(), "the host loop failed");
        assertEquals(0, onLoop(Host::internalErrors), "exceptions caught in the packet loop");
    }

    /** What {@link RunningHost#stop} printed at close (the netstat-style counters): for failure messages. */
    public String exitReport() {
        return exitReport;
    }

    /** Stops the loop, closes capture and device. The namespace stays (the caller owns it). */
    @Override
    public void close() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        running.stop(new PrintStream(buf, true, StandardCharsets.UTF_8));
        exitReport = buf.toString(StandardCharsets.UTF_8);
    }
}
