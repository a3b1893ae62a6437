package io.jstack.tools;

import io.jstack.host.Host;
import io.jstack.host.HostLoop;
import io.jstack.link.ImpairedLink;
import io.jstack.link.Link;
import io.jstack.link.PcapLink;
import io.jstack.link.PcapWriter;
import io.jstack.tcp.TcpLayer;
import io.jstack.time.Clock;
import io.jstack.tun.TunException;
import io.jstack.tun.TunLink;
import io.jstack.udp.UdpLayer;
import io.jstack.wire.IpProtocol;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A virtual host running on a TUN device: the link (optionally captured to pcap), the {@link Host} built by
 * {@link ServeCommand#buildHost} and the {@link HostLoop} driving it. {@link #stop} ends it in order: loop,
 * counters, capture, device.
 */
public final class RunningHost implements AutoCloseable {
    /** How long the exit waits for queued trace lines to be printed. */
    private static final java.time.Duration TRACE_DRAIN_BOUND = java.time.Duration.ofSeconds(2);

    private final ServeOptions options;
    private final TunLink tun;
    private final Optional<PcapLink> pcap;
    private final Optional<TracingLink> trace;
    private final Host host;
    private final HostLoop loop;
    private UdpServices udpServices;
    private TcpServices tcpServices;
    private boolean stopped;

    private RunningHost(ServeOptions options, TunLink tun, Optional<PcapLink> pcap, Optional<TracingLink> trace,
            Host host, HostLoop loop) {
        this.options = options;
        this.tun = tun;
        this.pcap = pcap;
        this.trace = trace;
        this.host = host;
        this.loop = loop;
    }

    /** Opens the device (and capture), builds the host and starts its loop. Failures: one-line messages. */
    public static RunningHost start(ServeOptions o) {
        return start(o, host -> {});
    }

    /**
     * As {@link #start(ServeOptions)}, and runs {@code extra} on the built host before its loop starts: tests
     * install test services this way.
     */
    public static RunningHost start(ServeOptions o, Consumer<Host> extra) {
        TunLink tun = TunLink.open(o.tunOptions());
        Link link = tun;
        Optional<PcapLink> pcap = Optional.empty();
        if (o.pcap().isPresent()) {
            try {
                PcapLink p = new PcapLink(tun, PcapWriter.create(o.pcap().get(), PcapWriter.EpochClock.system()));
                pcap = Optional.of(p);
                link = p;
            } catch (IOException e) {
                tun.close();
                String why = e instanceof java.nio.file.NoSuchFileException ? "its directory does not exist"
                        : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.toString();
                throw new TunException("cannot write the capture file " + o.pcap().get() + ": " + why, e);
            }
        }
        Optional<TracingLink> trace = Optional.empty();
        if (o.trace()) {
            // On the device side like the capture, so the lines show what crossed the device, in its order.
            PrintStream stdout = System.out;
            TracingLink t = new TracingLink(link, TracingLink.epochClock(), TracingLink.DEFAULT_CAPACITY, false,
                    stdout::println);
            trace = Optional.of(t);
            link = t;
        }
        Optional<ImpairedLink> impaired = Optional.empty();
        if (!o.impair().isNone()) {
            // Outside the capture, so the capture shows what really crossed the device.
            ImpairedLink i = new ImpairedLink(link, o.impair(), o.seed(), Clock.system());
            impaired = Optional.of(i);
            link = i;
        }
        Host host;
        try {
            host = ServeCommand.buildHost(o, link, Clock.system());
            extra.accept(host);
        } catch (RuntimeException e) {
            link.close();
            throw e;
        }
        host.addCounters("Tun", tun::counters);
        impaired.ifPresent(i -> host.addCounters("Impair", i::counters));
        trace.ifPresent(t -> host.addCounters("Trace", t::counters));
        RunningHost running = new RunningHost(o, tun, pcap, trace, host, HostLoop.start(host, o.busyPollNanos()));
        // Services bind their ports through the loop, so they start once it runs.
        if (host.ip().handler(IpProtocol.TCP.code()) instanceof TcpLayer tcp) {
            try {
                running.tcpServices = TcpServices.start(tcp, o.tcp());
            } catch (RuntimeException e) {
                running.close();
                throw e;
            }
        }
        if (host.ip().handler(IpProtocol.UDP.code()) instanceof UdpLayer udp) {
            try {
                running.udpServices = UdpServices.start(host, udp, o.udp());
            } catch (RuntimeException e) {
                running.close();
                throw e;
            }
        }
        return running;
    }

    public ServeOptions options() {
        return options;
    }

    public Host host() {
        return host;
    }

    public HostLoop loop() {
        return loop;
    }

    public TunLink tun() {
        return tun;
    }

    /** Stops the loop, prints every counter netstat-style to {@code out}, closes the capture and the device. */
    public synchronized void stop(PrintStream out) {
        if (stopped) return;
        stopped = true;
        if (udpServices != null) udpServices.close();
        if (tcpServices != null) tcpServices.close();
        loop.close();
        // The queued lines come out before the counters, which then count them.
        trace.ifPresent(t -> t.finish(TRACE_DRAIN_BOUND));
        printCounters(host.counters(), out);
        out.println("Host:");
        out.println("    " + host.internalErrors() + " internalErrors");
        pcap.ifPresent(p -> out.println("Pcap:\n    " + p.writer().packets() + " packets written to "
                + options.pcap().orElseThrow()));
        try {
            (pcap.isPresent() ? pcap.get() : tun).close();
        } catch (UncheckedIOException e) {
            out.println("jstack: " + e.getMessage());
            tun.close();
        }
        out.flush();
    }

    /** Netstat-style: a section line, then one indented {@code value name} line per counter. */
    public static void printCounters(Map<String, Map<String, Long>> counters, PrintStream out) {
        counters.forEach((section, values) -> {
            out.println(section + ":");
            values.forEach((name, value) -> out.println("    " + value + " " + name));
        });
    }

    @Override
    public void close() {
        stop(new PrintStream(PrintStream.nullOutputStream()));
    }

    /** The discard service (TCP port 9), if it runs; tests read its byte count. */
    public Optional<io.jstack.service.DiscardService> discard() {
        return tcpServices == null ? Optional.empty() : tcpServices.discard();
    }
}
