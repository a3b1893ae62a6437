package io.jstack.tools;

import io.jstack.service.ChargenService;
import io.jstack.service.DiscardService;
import io.jstack.service.TcpEchoService;
import io.jstack.tcp.TcpLayer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The TCP services of a running host (echo, discard, chargen), started once its loop runs (binding a port is a
 * task on the loop) and stopped before it ends.
 */
final class TcpServices implements AutoCloseable {
    private final List<AutoCloseable> running;
    private Optional<DiscardService> discard = Optional.empty();

    private TcpServices(List<AutoCloseable> running) {
        this.running = running;
    }

    /** The discard service, if it runs: its count of bytes thrown away tells how much arrived. */
    Optional<DiscardService> discard() {
        return discard;
    }

    /** Starts what {@code o} asks for on {@code tcp}; on failure stops those already started. */
    static TcpServices start(TcpLayer tcp, TcpServiceOptions o) {
        List<AutoCloseable> started = new ArrayList<>();
        TcpServices services = new TcpServices(started);
        try {
            if (o.echo()) started.add(TcpEchoService.start(tcp));
            if (o.discard()) {
                DiscardService d = DiscardService.start(tcp);
                started.add(d);
                services.discard = Optional.of(d);
            }
            if (o.chargen()) started.add(ChargenService.start(tcp));
        } catch (IOException e) {
            services.close();
            throw new UncheckedIOException("cannot start the TCP services: " + e.getMessage(), e);
        }
        return services;
    }

    @Override
    public void close() {
        for (AutoCloseable s : running) {
            try {
                s.close();
            } catch (Exception e) {
                // closing a listener of a stopping host: nothing left to do with the failure
            }
        }
    }
}
