package io.jstack.tools;

import io.jstack.service.ChargenService;
import io.jstack.service.DiscardService;
import io.jstack.service.TcpEchoService;
import io.jstack.tcp.TcpLayer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The TCP services of a running host, started once its loop runs and stopped before it ends. */
final class TcpServices implements AutoCloseable {
    private final List<AutoCloseable> running;

    private TcpServices(List<AutoCloseable> running) {
        this.running = running;
    }

    static TcpServices start(TcpLayer tcp, TcpServiceOptions o) {
        List<AutoCloseable> running = new ArrayList<>();
        try {
            if (o.echo()) running.add(TcpEchoService.start(tcp));
            if (o.discard()) running.add(DiscardService.start(tcp));
            if (o.chargen()) running.add(ChargenService.start(tcp));
        } catch (IOException e) {
            new TcpServices(running).close();
            throw new UncheckedIOException("cannot start the TCP services: " + e.getMessage(), e);
        }
        return new TcpServices(running);
    }

    @Override
    public void close() {
        for (AutoCloseable c : running) {
            try {
                c.close();
            } catch (Exception e) {
                // stopping anyway
            }
        }
    }

    /** The discard service, if it runs: its count of the bytes it read tells how much arrived. */
    java.util.Optional<DiscardService> discard() {
        return running.stream().filter(DiscardService.class::isInstance).map(DiscardService.class::cast).findFirst();
    }
}
