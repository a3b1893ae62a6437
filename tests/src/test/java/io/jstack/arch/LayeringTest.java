package io.jstack.arch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The import rules of STYLE.md §1, checked on the sources: dependencies point one way, protocol code never
 * reads the wall clock, JNA stays inside {@code tun}.
 */
class LayeringTest {
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    /** For each package of the stack module, the jstack packages it must not import. */
    private static final Map<String, List<String>> FORBIDDEN = Map.ofEntries(
            Map.entry("io.jstack.wire", List.of("io.jstack.link", "io.jstack.ip", "io.jstack.icmp", "io.jstack.udp",
                    "io.jstack.tcp", "io.jstack.socket", "io.jstack.host", "io.jstack.dns", "io.jstack.service")),
            Map.entry("io.jstack.time", List.of("io.jstack.")),
            Map.entry("io.jstack.stat", List.of("io.jstack.")),
            Map.entry("io.jstack.link", List.of("io.jstack.ip", "io.jstack.icmp", "io.jstack.udp", "io.jstack.tcp",
                    "io.jstack.socket", "io.jstack.host", "io.jstack.dns", "io.jstack.service")),
            Map.entry("io.jstack.ip", List.of("io.jstack.icmp", "io.jstack.udp", "io.jstack.tcp", "io.jstack.socket",
                    "io.jstack.host", "io.jstack.dns", "io.jstack.service")),
            Map.entry("io.jstack.icmp", List.of("io.jstack.udp", "io.jstack.tcp", "io.jstack.socket", "io.jstack.host",
                    "io.jstack.service")),
            Map.entry("io.jstack.udp", List.of("io.jstack.tcp", "io.jstack.socket", "io.jstack.service")),
            Map.entry("io.jstack.tcp", List.of("io.jstack.udp", "io.jstack.socket", "io.jstack.service")));

    /** Packages whose code is sans-I/O: time comes from a Clock argument, never from the system. */
    private static final List<String> DETERMINISTIC = List.of("io.jstack.wire", "io.jstack.ip", "io.jstack.icmp",
            "io.jstack.udp", "io.jstack.tcp", "io.jstack.dns");

    private static Path repo() {
        String env = System.getenv("JSTACK_REPO");
        Path p = env != null ? Path.of(env) : Path.of("").toAbsolutePath().getParent();
        return p;
    }

    private static List<Path> sources(String module) throws IOException {
        Path root = repo().resolve(module).resolve("src/main/java");
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    private static String packageOf(String src) {
        Matcher m = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE).matcher(src);
        return m.find() ? m.group(1) : "";
    }

    @Test
    void stackPackagesImportOnlyDownwards() throws IOException {
        List<String> violations = new ArrayList<>();
        List<Path> files = sources("stack");
        assertTrue(files.size() > 5, "expected the stack sources under " + repo());
        for (Path f : files) {
            String src = Files.readString(f);
            String pkg = packageOf(src);
            List<String> banned = FORBIDDEN.getOrDefault(pkg, List.of());
            Matcher m = IMPORT.matcher(src);
            while (m.find()) {
                String imp = m.group(1);
                for (String b : banned) {
                    if (imp.startsWith(b) && !imp.startsWith(pkg + ".")) violations.add(f.getFileName() + " imports " + imp);
                }
            }
        }
        assertTrue(violations.isEmpty(), "layering violations: " + violations);
    }

    @Test
    void protocolCodeNeverReadsTheWallClockOrSleeps() throws IOException {
        List<String> violations = new ArrayList<>();
        Pattern banned = Pattern.compile(
                "System\\.nanoTime|System\\.currentTimeMillis|Instant\\.now|Thread\\.sleep|new Random\\(\\)|Clock\\.system");
        for (Path f : sources("stack")) {
            String src = Files.readString(f);
            if (!DETERMINISTIC.contains(packageOf(src))) continue;
            Matcher m = banned.matcher(src);
            while (m.find()) violations.add(f.getFileName() + ": " + m.group());
        }
        assertTrue(violations.isEmpty(), "protocol code must take time from its arguments: " + violations);
    }

    @Test
    void jnaStaysInsideTheTunModule() throws IOException {
        List<String> violations = new ArrayList<>();
        for (String module : List.of("stack", "http", "tools", "bench")) {
            for (Path f : sources(module)) {
                if (Files.readString(f).contains("com.sun.jna")) violations.add(module + "/" + f.getFileName());
            }
        }
        assertTrue(violations.isEmpty(), "JNA types outside tun: " + violations);
    }

    @Test
    void stackAndHttpDependOnNoOtherModule() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path f : sources("stack")) {
            String src = Files.readString(f);
            if (src.contains("import io.jstack.tun") || src.contains("import io.jstack.http")
                    || src.contains("import io.jstack.tools")) violations.add("stack/" + f.getFileName());
        }
        for (Path f : sources("http")) {
            String src = Files.readString(f);
            Matcher m = IMPORT.matcher(src);
            while (m.find()) {
                String imp = m.group(1);
                if (imp.startsWith("io.jstack.") && !imp.startsWith("io.jstack.http") && !imp.startsWith("io.jstack.socket")) {
                    violations.add("http/" + f.getFileName() + " imports " + imp);
                }
            }
        }
        assertTrue(violations.isEmpty(), "modules must depend one way: " + violations);
    }
}
