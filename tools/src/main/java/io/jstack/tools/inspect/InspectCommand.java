package io.jstack.tools.inspect;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jstack inspect FILE}: reads a pcap or pcapng capture and prints it the way {@code tshark -r FILE} does, or
 * its fields ({@code -T fields -e ...}), its field tree ({@code -V}), one TCP stream's payload, the TCP conversations,
 * an I/O table, or a tcptrace-style SVG of a stream.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Decode a pcap/pcapng capture like tshark: summary lines, -V field tree, -T fields, follow, conv, io,stat, tcptrace SVG.")
public final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "capture file (pcap or pcapng)")
    Path file;

    @Option(names = "-V", description = "print the layered tree of every field")
    boolean verbose;

    @Option(names = "-T", paramLabel = "FORMAT", description = "output format: text (default) or fields")
    String format = "text";

    @Option(names = "-e", paramLabel = "FIELD", description = "a field to print with -T fields (repeatable)")
    List<String> fieldNames = new ArrayList<>();

    @Option(names = "-2", description = "two passes, like tshark -2: requests name their replies, fragments their reassembly")
    boolean twoPass;

    @Option(names = "-c", paramLabel = "COUNT", description = "read only the first COUNT packets")
    Integer count;

    @Option(names = "-n", description = "no name resolution: accepted for tshark compatibility; jstack never resolves names")
    boolean noResolution;

    @Option(names = "-q", description = "do not print the packets (with -z or --follow/--conv/--io)")
    boolean quiet;

    @Option(names = "--follow", paramLabel = "tcp,N", description = "print TCP stream N's payload like tshark -z follow,tcp,ascii,N")
    String follow;

    @Option(names = "--conv", description = "print the TCP conversation table like tshark -z conv,tcp")
    boolean conv;

    @Option(names = "--io", paramLabel = "SECONDS", description = "print an I/O table with this interval like tshark -z io,stat,SECONDS")
    Double io;

    @Option(names = "-z", paramLabel = "STAT", description = "tshark statistics: conv,tcp | io,stat,N | follow,tcp,ascii,N (repeatable)")
    List<String> stats = new ArrayList<>();

    @Option(names = "--graph", paramLabel = "tcptrace,N", description = "write stream N's time/sequence graph as SVG to standard output")
    String graph;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CaptureReader.Result r;
        try {
            r = CaptureReader.read(file);
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
            err.println("jstack inspect: cannot read " + file + ": " + why);
            return 2;
        }
        List<Frame> frames = count == null ? r.frames() : r.frames().subList(0, Math.max(0, Math.min(count, r.frames().size())));
        boolean anyReport = follow != null || conv || io != null || !stats.isEmpty() || graph != null;
        if (!anyReport) { // stream: print each packet as it is decoded and keep none of them
            Dissector d = twoPass ? new Dissector(firstPass(frames)) : new Dissector();
            for (int i = 0; i < frames.size(); i++) print(out, d.dissect(frames.get(i), i + 1));
            return finish(out, err, r);
        }
        List<Packet> packets = twoPass ? decodeTwoPass(frames) : decode(frames);
        List<Runnable> reports = new ArrayList<>();
        boolean printPackets = !quiet && graph == null;
        if (follow != null) {
            int n = streamArg(follow, "--follow", err);
            if (n < 0) return 2;
            reports.add(() -> out.print(Reports.follow(packets, n)));
        }
        if (conv) reports.add(() -> out.print(Reports.conversations(packets)));
        if (io != null) {
            double interval = io;
            reports.add(() -> out.print(Reports.ioStat(packets, interval)));
        }
        for (String z : stats) {
            String[] a = z.split(",");
            if (z.equals("conv,tcp")) {
                reports.add(() -> out.print(Reports.conversations(packets)));
            } else if (a.length == 3 && a[0].equals("io") && a[1].equals("stat")) {
                double interval = Double.parseDouble(a[2]);
                reports.add(() -> out.print(Reports.ioStat(packets, interval)));
            } else if (a.length == 4 && a[0].equals("follow") && a[1].equals("tcp") && a[2].equals("ascii")) {
                int n = Integer.parseInt(a[3]);
                reports.add(() -> out.print(Reports.follow(packets, n)));
            } else {
                err.println("jstack inspect: unsupported statistic " + z);
                return 2;
            }
        }
        if (graph != null) {
            int n = streamArg(graph.replace("tcptrace", "tcp"), "--graph", err);
            if (n < 0) return 2;
            out.print(TcpTraceSvg.render(packets, n));
            out.flush();
            return 0;
        }
        if (printPackets) {
            for (Packet p : packets) {
                print(out, p);
                p.tree.clear(); // printed: the reports below need only the TCP facts
            }
        }
        for (Runnable report : reports) report.run();
        return finish(out, err, r);
    }

    private void print(PrintWriter out, Packet p) {
        if (format.equals("fields")) out.println(fieldsLine(p, fieldNames));
        else if (verbose) out.print(tree(p));
        else out.println(summary(p));
    }

    private int finish(PrintWriter out, PrintWriter err, CaptureReader.Result r) {
        if (r.error() != null) {
            err.println("jstack inspect: " + file + ": " + r.error()
                    + (r.frames().isEmpty() ? "" : " (the " + r.frames().size() + " packets before it were decoded)"));
        }
        out.flush();
        err.flush();
        return r.error() != null ? 1 : 0;
    }

    private static int streamArg(String arg, String option, PrintWriter err) {
        String[] a = arg.split(",");
        try {
            if (a.length == 2 && a[0].equals("tcp")) return Integer.parseInt(a[1]);
        } catch (NumberFormatException e) {
            // reported below
        }
        err.println("jstack inspect: " + option + " expects tcp,N (or tcptrace,N), got " + arg);
        return -1;
    }

    /** Decodes every frame in order. */
    public static List<Packet> decode(List<Frame> frames) {
        Dissector d = new Dissector();
        List<Packet> packets = new ArrayList<>(frames.size());
        for (int i = 0; i < frames.size(); i++) packets.add(d.dissect(frames.get(i), i + 1));
        return packets;
    }

    /** Decodes every frame twice; the second pass prints links to later frames that the first found. */
    public static List<Packet> decodeTwoPass(List<Frame> frames) {
        Dissector d = new Dissector(firstPass(frames));
        List<Packet> packets = new ArrayList<>(frames.size());
        for (int i = 0; i < frames.size(); i++) packets.add(d.dissect(frames.get(i), i + 1));
        return packets;
    }

    private static Dissector.FirstPass firstPass(List<Frame> frames) {
        Dissector first = new Dissector();
        for (int i = 0; i < frames.size(); i++) first.dissect(frames.get(i), i + 1);
        return first.learned;
    }

    /** tshark's default columns: number, relative time, source → destination, protocol, length, info. */
    public static String summary(Packet p) {
        String time = Format.seconds(p.relNanos(), p.frame().tsDigits());
        return String.format("%5d %10s %12s → %-12s %s %d %s", p.number(), time, p.src(), p.dst(), p.protocol(),
                p.frame().origLen(), p.info());
    }

    public static String fieldsLine(Packet p, List<String> names) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < names.size(); i++) s.append(i == 0 ? "" : "\t").append(p.fieldValue(names.get(i)));
        return s.toString();
    }

    public static String tree(Packet p) {
        StringBuilder s = new StringBuilder();
        for (Node n : p.tree()) n.print(s, 0);
        return s.append('\n').toString();
    }
}
