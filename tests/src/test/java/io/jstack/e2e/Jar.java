package io.jstack.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** The built {@code tools/target/jstack.jar} and the java that runs this test, for tests of the real CLI. */
public final class Jar {
    private Jar() {}

    /** The repository root: Maven passes JSTACK_REPO; otherwise the parent of the tests module. */
    public static Path repo() {
        String env = System.getenv("JSTACK_REPO");
        return env != null ? Path.of(env) : Path.of("").toAbsolutePath().getParent();
    }

    /**
     * The jar, built by the package phase (mvn verify builds it before these tests run). Missing: the test is
     * skipped saying so, except under CI where it fails.
     */
    public static Path path() {
        Path jar = repo().resolve("tools/target/jstack.jar");
        if (!Files.isRegularFile(jar)) {
            String why = jar + " is not built: run 'mvn verify' (the package phase builds it before tests/ runs)";
            if (LiveTunCondition.underCi()) throw new AssertionError(why);
            Assumptions.abort(why);
        }
        return jar;
    }

    /** {@code <this JVM's java> -jar jstack.jar args...}. */
    public static List<String> command(String... args) {
        List<String> c = new ArrayList<>();
        c.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        c.add("-jar");
        c.add(path().toString());
        c.addAll(List.of(args));
        return c;
    }
}
