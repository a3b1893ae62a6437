package io.jstack.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace this test process creates and always deletes: {@code js-<pid>-<n>}, unique among the
 * helpers and test JVMs that run at the same time. Use it in try-with-resources. Commands run inside it with
 * {@link #exec} (bounded, output captured) or {@link #start} (long-running; killed by PID on close).
 */
public final class Netns implements AutoCloseable {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(15);

    private final String name;
    private final List<Process> started = new ArrayList<>();
    private boolean closed;

    private Netns(String name) {
        this.name = name;
    }

    /** A fresh name {@code js-<pid>-<n>} that no namespace has yet; does not create it. */
    public static String freshName() {
        while (true) {
            String n = "js-" + ProcessHandle.current().pid() + "-" + NEXT.incrementAndGet();
            if (!Files.exists(Path.of("/var/run/netns", n))) return n;
        }
    }

    /** Creates a fresh namespace with its loopback up. */
    public static Netns create() {
        String n = freshName();
        Exec.Result r = Exec.run(IP_TIMEOUT, "ip", "netns", "add", n);
        if (!r.ok()) throw new IllegalStateException("cannot create namespace: " + r.describe());
        Netns ns = new Netns(n);
        Exec.Result lo = ns.exec(IP_TIMEOUT, "ip", "link", "set", "lo", "up");
        if (!lo.ok()) {
            ns.close();
            throw new IllegalStateException("cannot bring lo up: " + lo.describe());
        }
        return ns;
    }

    public String name() {
        return name;
    }

    /** {@code ip netns exec NAME command...}, bounded by {@code timeout}. */
    public Exec.Result exec(Duration timeout, String... command) {
        return Exec.run(timeout, inside(List.of(command)));
    }

    /** The command line that runs {@code command} inside this namespace. */
    public List<String> inside(List<String> command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", name));
        c.addAll(command);
        return c;
    }

    /**
     * Starts a long-running command inside the namespace (stdin closed). The caller reads its output; close()
     * kills it by PID if it is still running.
     */
    public synchronized Process start(String... command) {
        try {
            Process p = new ProcessBuilder(inside(List.of(command))).start();
            p.getOutputStream().close();
            started.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + List.of(command) + " in " + name, e);
        }
    }

    /** Kills what {@link #start} started (by PID), then deletes the namespace. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Exec.Result r = Exec.run(IP_TIMEOUT, "ip", "netns", "delete", name);
        if (!r.ok() && Files.exists(Path.of("/var/run/netns", name))) {
            throw new IllegalStateException("namespace " + name + " not deleted: " + r.describe());
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
