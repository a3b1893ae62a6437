package io.jstack.tools.inspect;

import picocli.CommandLine;

/** Runs {@code inspect} alone (for scripts and tests that start a JVM without the full jstack command line). */
public final class InspectMain {
    private InspectMain() {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new InspectCommand()).execute(args));
    }
}
