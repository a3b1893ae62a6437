package io.jstack.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The catalogue's results side by side (jstack, Linux), RFC 9293's MUST requirements (Appendix B, Table 8) and
 * RFC 1122 §4.2's TCP MUSTs ({@link Rfc1122}) with the scripts that cover them and those that none does yet.
 * Written to {@code target/CONFORMANCE.md} after every run (and as plain text, for the terminal, to
 * {@code target/conformance.txt}), and to {@code CONFORMANCE.md} in the module (the published report) when both
 * runners ran the whole catalogue.
 */
final class Report {
    /** RFC 9293 Appendix B, Table 8: every MUST (and MUST NOT) label with its feature. */
    static final Map<Integer, String> MUSTS = new TreeMap<>(Map.ofEntries(
            Map.entry(1, "Window: treat as unsigned number"), Map.entry(2, "Sender compute checksum"),
            Map.entry(3, "Receiver check checksum"), Map.entry(4, "Support the mandatory option set"),
            Map.entry(5, "Receive TCP option in any segment"), Map.entry(6, "Ignore unsupported options"),
            Map.entry(7, "Cope with illegal option length"), Map.entry(8, "Clock-driven ISN generator component"),
            Map.entry(9, "PRF not computable from outside the host"), Map.entry(10, "Support simultaneous open"),
            Map.entry(11, "SYN-RECEIVED remembers last state"), Map.entry(12, "Inform application of aborted conn"),
            Map.entry(13, "In TIME-WAIT state for 2MSL seconds"), Map.entry(14, "Send & receive MSS option"),
            Map.entry(15, "IPv4 send-MSS default is 536"), Map.entry(16, "Calculate effective send seg size"),
            Map.entry(17, "Application can disable Nagle"),
            Map.entry(18, "Karn's algorithm"), Map.entry(19, "Exponential backoff, slow start, congestion avoidance"),
            Map.entry(20, "Negative advice to IP on R1 / close connection on R2"), Map.entry(21, "ALP can set R2"),
            Map.entry(22, "Same R1/R2 mechanism for SYNs"), Map.entry(23, "R2 at least 3 minutes for SYN"),
            Map.entry(24, "Keep-alive: application can request"), Map.entry(25, "Keep-alive: default is off"),
            Map.entry(26, "Keep-alive: only send if idle for interval"), Map.entry(27, "Keep-alive interval configurable"),
            Map.entry(28, "Keep-alive default at least 2 hours"), Map.entry(29, "Keep-alive tolerant of lost ACKs"),
            Map.entry(30, "Support urgent pointer"), Map.entry(31, "Arbitrary length urgent data"),
            Map.entry(32, "Inform ALP asynchronously of urgent data"), Map.entry(33, "ALP can learn urgent data queued"),
            Map.entry(34, "Robust against shrinking window"), Map.entry(35, "Use standard probing logic"),
            Map.entry(36, "Sender probes zero window"), Map.entry(37, "Allow window to stay zero indefinitely"),
            Map.entry(38, "Sender SWS avoidance"), Map.entry(39, "Receiver SWS avoidance"),
            Map.entry(40, "Delayed ACK under 0.5 seconds"), Map.entry(41, "Passive OPEN must not interfere with others"),
            Map.entry(42, "Simultaneous LISTENs for the same port"), Map.entry(43, "Optional local IP address in OPEN"),
            Map.entry(44, "Ask IP for source address for SYN"), Map.entry(45, "Otherwise use connection's local address"),
            Map.entry(46, "Reject OPEN to broadcast/multicast/invalid address"), Map.entry(47, "Error report mechanism"),
            Map.entry(48, "ALP can specify Diffserv field"), Map.entry(49, "Configurable TTL"),
            Map.entry(50, "Ignore IP options TCP doesn't understand"), Map.entry(51, "ALP can specify source route"),
            Map.entry(52, "Source route overrides route in datagram"), Map.entry(53, "Build return route from source route"),
            Map.entry(54, "Receive ICMP messages from IP"), Map.entry(55, "Source Quench: silent discard"),
            Map.entry(56, "No abort on Dest Unreach 0,1,5 / Time Exceeded / Param Problem"),
            Map.entry(57, "Silently discard segments to broadcast/multicast"), Map.entry(58, "Aggregate ACKs whenever possible"),
            Map.entry(59, "Process all queued segments before sending ACK"), Map.entry(60, "Sender must not buffer indefinitely"),
            Map.entry(61, "PSH the last segment if SEND cannot specify PUSH"), Map.entry(62, "Urgent pointer indicates first non-urgent octet"),
            Map.entry(63, "Reject SYN from invalid IP address"), Map.entry(64, "Process options regardless of word alignment"),
            Map.entry(65, "MSS not sent on non-SYN segments"), Map.entry(66, "Process RST and URG even with zero window"),
            Map.entry(67, "MSS value based on MMS_R"), Map.entry(68, "Length field for all options but EOL/NOP"),
            Map.entry(69, "Pad options with zero")));

    /**
     * The MUSTs no packet script here can show, each with the reason: requirements on the API or on the host's
     * internals, timers too long for the Linux runner's wall clock, and source routing, which the harness cannot
     * express.
     * The report lists them apart from the merely missing ones; an RFC 1122 requirement restated by one of these
     * labels takes its reason.
     */
    static final Map<Integer, String> NOT_SCRIPTABLE = new TreeMap<>(Map.ofEntries(
            Map.entry(8, "internal: a script sees the ISN of each connection, not the clock behind it; one random"
                    + " and one clock-driven generator give the same packets"),
            Map.entry(9, "internal: that the ISN's pseudorandom function cannot be computed from outside is a"
                    + " property of its secret key, not of any packet exchange"),
            Map.entry(23, "duration: a script would wait 3 minutes of wall clock on the Linux runner (the whole"
                    + " catalogue takes about one), and Linux's default tcp_syn_retries=6 gives up well before"),
            Map.entry(28, "duration: a script would idle 2 hours on the Linux runner's wall clock; Linux's default"
                    + " tcp_keepalive_time is 7200 s"),
            Map.entry(43, "API on a one-address host: the namespace and jstack's host have only 10.0.0.1, so a"
                    + " chosen local address and the default one give the same SYN"),
            Map.entry(51, "not scripted: an application's source route (IP_OPTIONS with LSRR or SSRR on Linux) sends"
                    + " the SYN to the route's first hop; the harness neither plays that router nor checks IP options"
                    + " on TCP segments, and jstack's API has no source route"),
            Map.entry(52, "not scripted: it needs MUST-51's application source route, and a received one to compare"),
            Map.entry(53, "not scripted: both stacks drop or ignore source-routed datagrams on purpose (Linux:"
                    + " accept_source_route=0; RFC 7126 §4.3, §4.4 advise it), and the harness neither sends a"
                    + " source route option on TCP segments nor checks the reply's IP options"),
            Map.entry(69, "not observable: both stacks end their option lists on a 32-bit boundary with NOPs and"
                    + " never pad after an EOL, so no segment carries padding to check")));

    private Report() {}

    static String render(List<Catalogue.Entry> catalogue, Map<String, Interpreter.Outcome> jstack,
                         Map<String, Interpreter.Outcome> linux) {
        StringBuilder b = new StringBuilder("# jstack conformance report: TCP, ICMP, UDP, IPv4\n\n");
        b.append("Generated by `ConformanceTest` (tests/src/test/java/io/jstack/conformance); run `tests/conformance.sh` ")
                .append("(as root, for the Linux runner too) to regenerate it. Scripts and their format: ")
                .append("[tests/src/test/resources/conformance](src/test/resources/conformance/README.md).\n\n");
        int jp = 0, lp = 0, jk = 0, ld = 0;
        StringBuilder rows = new StringBuilder("| script | RFC | labels | jstack | Linux | note |\n|---|---|---|---|---|---|\n");
        for (Catalogue.Entry e : catalogue) {
            Script s = e.script();
            String j = cell(jstack.get(e.name()), !s.tag("jstack-fails").isEmpty());
            String l = cell(linux.get(e.name()), !s.tag("linux-deviation").isEmpty());
            if (j.equals("pass")) jp++;
            if (j.startsWith("known")) jk++;
            if (l.equals("pass")) lp++;
            if (l.startsWith("known")) ld++;
            String note = s.tag("jstack-fails").isEmpty() ? s.tag("linux-deviation") : "jstack: " + s.tag("jstack-fails");
            if (!s.tag("jstack-deviation").isEmpty()) note = (note.isEmpty() ? "" : note + "; ") + "deviation: " + s.tag("jstack-deviation");
            rows.append("| ").append(e.name()).append(" | ").append(s.tag("rfc")).append(" | ").append(s.tag("must"))
                    .append(" | ").append(j).append(" | ").append(l).append(" | ").append(note.replace("|", "\\|"))
                    .append(" |\n");
        }
        b.append("Scripts: ").append(catalogue.size()).append(". jstack: ").append(jp).append(" pass, ").append(jk)
                .append(" known failures. Linux: ").append(lp).append(" pass, ").append(ld)
                .append(" documented deviations").append(linux.isEmpty() ? " (Linux runner did not run)" : "")
                .append(".\n\n");
        Set<Integer> covered = new TreeSet<>();
        for (Catalogue.Entry e : catalogue) {
            for (String m : e.script().musts()) {
                if (m.startsWith("MUST-")) covered.add(Integer.parseInt(m.substring(5)));
            }
        }
        covered.retainAll(MUSTS.keySet());
        b.append("RFC 9293 MUST requirements (Appendix B, Table 8): ").append(MUSTS.size()).append("; covered by a script: ")
                .append(covered.size()).append("; missing: ").append(MUSTS.size() - covered.size()).append(" (")
                .append(notScriptable(MUSTS.keySet(), covered)).append(" of them not scriptable here, with the reason below).\n\n");
        int rfc1122Covered = 0, rfc1122Unscriptable = 0;
        StringBuilder r1122 = new StringBuilder("| § | requirement (our summary) | covered via | scripts |\n|---|---|---|---|\n");
        StringBuilder r1122Missing = new StringBuilder();
        for (Rfc1122.Requirement r : Rfc1122.TCP_MUSTS) {
            List<String> by = catalogue.stream().filter(e -> r.coveredBy(e.script())).map(Catalogue.Entry::name).toList();
            String why = reason(r.via());
            if (!by.isEmpty()) rfc1122Covered++;
            else {
                r1122Missing.append("- §").append(r.section()).append(": ").append(r.summary())
                        .append(why == null ? "" : " (" + why + ")").append('\n');
                if (why != null) rfc1122Unscriptable++;
            }
            String names = by.isEmpty() ? "**none**"
                    : String.join(", ", by.subList(0, Math.min(3, by.size()))) + (by.size() > 3 ? " (+" + (by.size() - 3) + ")" : "");
            r1122.append("| ").append(r.section()).append(" | ").append(r.summary()).append(" | ")
                    .append(String.join(", ", r.via())).append(" | ").append(names).append(" |\n");
        }
        b.append("RFC 1122 §4.2 (TCP) MUST requirements: ").append(Rfc1122.TCP_MUSTS.size()).append("; covered by a script: ")
                .append(rfc1122Covered).append("; missing: ").append(Rfc1122.TCP_MUSTS.size() - rfc1122Covered).append(" (")
                .append(rfc1122Unscriptable).append(" of them not scriptable here).\n\n");
        b.append("## Results\n\n").append(rows);
        b.append("\n## RFC 1122 §4.2 (TCP) MUSTs\n\nSummaries are ours; a script covers a requirement through the RFC 9293 ")
                .append("label that restates it, the RFC that replaced it, or an `rfc1122:` tag (see `Rfc1122.java`).\n\n")
                .append(r1122).append("\nWithout a script:\n\n").append(r1122Missing);
        b.append("\n## RFC 1122 §3 (IP, ICMP) and §4.1 (UDP) sections exercised\n\n")
                .append("From the `rfc:` tags of the scripts (icmp-echo/, ipv4/, udp/ and others).\n\n")
                .append("| § | scripts |\n|---|---|\n");
        Map<String, List<String>> ipSections = new TreeMap<>(Report::compareSections);
        java.util.regex.Pattern cite = java.util.regex.Pattern.compile("RFC 1122 §((3|4\\.1)(\\.\\d+)*)");
        for (Catalogue.Entry e : catalogue) {
            java.util.regex.Matcher m = cite.matcher(e.script().tag("rfc"));
            while (m.find()) ipSections.computeIfAbsent(m.group(1), k -> new java.util.ArrayList<>()).add(e.name());
        }
        ipSections.forEach((k, v) -> b.append("| ").append(k).append(" | ").append(String.join(", ", v)).append(" |\n"));
        b.append("\n## RFC 9293 MUSTs without a script\n\n");
        MUSTS.forEach((k, v) -> {
            if (covered.contains(k)) return;
            b.append("- MUST-").append(k).append(": ").append(v);
            if (NOT_SCRIPTABLE.containsKey(k)) b.append(" (").append(NOT_SCRIPTABLE.get(k)).append(')');
            b.append('\n');
        });
        b.append("\n## Known jstack failures and Linux deviations, as measured\n\n");
        for (Catalogue.Entry e : catalogue) {
            Interpreter.Outcome j = jstack.get(e.name()), l = linux.get(e.name());
            if (j != null && !j.passed()) {
                b.append("- jstack, ").append(e.name()).append(":\n\n```\n").append(j.failure()).append("\n```\n");
            }
            if (l != null && !l.passed()) {
                b.append("- Linux, ").append(e.name()).append(":\n\n```\n").append(l.failure()).append("\n```\n");
            }
        }
        b.append("\n## Linux runner settings\n\nNamespace sysctls: ");
        LinuxTarget.BASELINE.forEach((k, v) -> b.append('`').append(k).append('=').append(v).append("` "));
        b.append("\n");
        return b.toString();
    }

    private static long notScriptable(Set<Integer> all, Set<Integer> covered) {
        return all.stream().filter(k -> !covered.contains(k) && NOT_SCRIPTABLE.containsKey(k)).count();
    }

    /** The not-scriptable reason of the first RFC 9293 label in {@code via} that has one, or null. */
    private static String reason(List<String> via) {
        for (String v : via) {
            if (v.startsWith("MUST-") && NOT_SCRIPTABLE.containsKey(Integer.parseInt(v.substring(5)))) {
                return NOT_SCRIPTABLE.get(Integer.parseInt(v.substring(5)));
            }
        }
        return null;
    }

    /** Orders section numbers numerically, part by part: 3.2.1.2 before 3.2.1.10. */
    static int compareSections(String a, String b) {
        String[] x = a.split("\\."), y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
            if (c != 0) return c;
        }
        return Integer.compare(x.length, y.length);
    }

    /** The results as a plain-text table for the terminal: script, jstack, Linux, and the counts. */
    static String renderText(List<Catalogue.Entry> catalogue, Map<String, Interpreter.Outcome> jstack,
                             Map<String, Interpreter.Outcome> linux) {
        int w = 10;
        for (Catalogue.Entry e : catalogue) w = Math.max(w, e.name().length());
        StringBuilder b = new StringBuilder(String.format("%-" + w + "s  %-17s  %s%n", "script", "jstack", "Linux"));
        String group = "";
        for (Catalogue.Entry e : catalogue) {
            String g = e.name().substring(0, e.name().indexOf('/') + 1);
            if (!g.equals(group)) b.append(String.format("%n"));
            group = g;
            Script s = e.script();
            b.append(String.format("%-" + w + "s  %-17s  %s%n", e.name(),
                    cell(jstack.get(e.name()), !s.tag("jstack-fails").isEmpty()),
                    cell(linux.get(e.name()), !s.tag("linux-deviation").isEmpty())));
        }
        String md = render(catalogue, jstack, linux);
        b.append(String.format("%n"));
        for (String line : md.split("\n")) {
            if (line.startsWith("Scripts: ") || line.startsWith("RFC 9293 MUST") || line.startsWith("RFC 1122 §4.2")) {
                b.append(line).append(String.format("%n"));
            }
        }
        return b.toString();
    }

    private static String cell(Interpreter.Outcome o, boolean marked) {
        if (o == null) return "not run";
        if (marked) return o.passed() ? "PASS (mark stale)" : "known fail";
        return o.passed() ? "pass" : "FAIL";
    }

    private static String stable(String report) {
        int i = report.indexOf("## Known jstack failures");
        return i < 0 ? report : report.substring(0, i);
    }

    static void write(List<Catalogue.Entry> catalogue, Map<String, Interpreter.Outcome> jstack,
                      Map<String, Interpreter.Outcome> linux) {
        if (jstack.isEmpty()) return;
        String text = render(catalogue, jstack, linux);
        try {
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "CONFORMANCE.md"), text);
            Files.writeString(Path.of("target", "conformance.txt"), renderText(catalogue, jstack, linux));
            if (jstack.size() == catalogue.size() && linux.size() == catalogue.size() && Files.exists(Path.of("pom.xml"))) {
                Path published = Path.of("CONFORMANCE.md");
                // Rewritten only when results change, not for the measured times in the diffs: a test run leaves
                // the working tree clean unless the catalogue's outcome moved.
                String old = Files.exists(published) ? Files.readString(published) : "";
                if (!stable(old).equals(stable(text))) Files.writeString(published, text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
