package io.jstack.socket;

import io.jstack.host.Host;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/** Runs a piece of socket work on the host's event loop and waits for its result: the one way sockets touch protocol state. */
final class LoopCall {
    private LoopCall() {}

    /**
     * Runs {@code task} on the loop (or on the caller, once the loop has stopped: see {@link Host#stop()}) and
     * returns its result. An IOException thrown by the task reaches the caller as it is; anything else is wrapped.
     */
    static <T> T call(Host host, Supplier<T> task) throws IOException {
        CompletableFuture<T> f = new CompletableFuture<>();
        host.execute(() -> {
            try {
                f.complete(task.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException(e.getCause());
        }
    }
}
