package io.jstack.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The scripts under {@code conformance/} on the test class path, in name order, each with its own ports. */
final class Catalogue {
    /** A script and the ports it runs on: unique per script, so leftovers of one never reach another. */
    record Entry(Script script, int stackPort, int peerPort) {
        String name() {
            return script.name();
        }
    }

    private Catalogue() {}

    static Path root() {
        try {
            return Path.of(Catalogue.class.getResource("/conformance/README.md").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Entry> load() {
        Path root = root();
        List<Entry> r = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> scripts = files.filter(p -> p.toString().endsWith(".pkt")).sorted().toList();
            int i = 0;
            for (Path p : scripts) {
                String name = root.relativize(p).toString().replace('\\', '/');
                r.add(new Entry(Script.parse(name, Files.readString(p)), 30000 + i, 20000 + i));
                i++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r;
    }
}
