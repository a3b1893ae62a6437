package io.jstack.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a command to completion with a bound, capturing its output. */
public final class Exec {
    /** How a command ended: exit code (-1 if it timed out and was killed), standard output and error. */
    public record Result(List<String> command, int exitCode, String out, String err, boolean timedOut) {
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        /** For assertion messages: the command and everything it printed. */
        public String describe() {
            return String.join(" ", command) + " -> " + (timedOut ? "TIMED OUT" : "exit " + exitCode)
                    + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
        }
    }

    private Exec() {}

    public static Result run(Duration timeout, String... command) {
        return run(timeout, List.of(command));
    }

    /** Runs {@code command}; after {@code timeout} kills it (by its own PID) and reports {@code timedOut}. */
    public static Result run(Duration timeout, List<String> command) {
        Process p;
        try {
            p = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // stdin already gone: nothing to close
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        boolean done;
        try {
            done = p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Result(command, done ? p.exitValue() : -1, get(out), get(err), !done);
    }

    /** Reads a stream to its end on a virtual thread. */
    public static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.complete("<unreadable: " + e.getMessage() + ">");
            }
        });
        return f;
    }

    private static String get(CompletableFuture<String> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "<interrupted>";
        } catch (ExecutionException | TimeoutException e) {
            return "<not read: " + e + ">";
        }
    }
}
