package io.jstack.tools;

import io.jstack.tools.inspect.InspectCommand;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Entry point of jstack.jar. The top-level command serves a virtual host ({@link ServeCommand}); further
 * commands (inspect, ...) are registered as subcommands in {@link #commandLine()}.
 */
public final class Main {
    /** Exit code for bad command-line input (picocli's convention, and what the README promises). */
    public static final int EXIT_USAGE = 2;
    /** Exit code when the host cannot start (not root, device busy, ...). */
    public static final int EXIT_FAILURE = 1;

    private Main() {}

    public static void main(String[] args) {
        leaveACoreToTheLoop();
        int code = commandLine().execute(args);
        System.exit(code);
    }

    /** The property that sizes the JDK's scheduler of virtual threads (its carrier threads). */
    static final String CARRIERS = "jdk.virtualThreadScheduler.parallelism";

    /**
     * Unless the user chose, runs virtual threads (connections, HTTP requests) on one carrier thread fewer than there
     * are CPUs: the event loop is a platform thread busy on one of them. With as many carriers as CPUs, carriers
     * that park and are woken for every short request preempt the loop (on 2 CPUs, ab's new connections per second
     * rose ~5 % and wrk's requests per second ~10 % with one carrier; see bench/RESULTS.md). Before the first
     * virtual thread exists, so the scheduler reads it.
     */
    static void leaveACoreToTheLoop() {
        if (System.getProperty(CARRIERS) == null) {
            System.setProperty(CARRIERS, Integer.toString(carriers(Runtime.getRuntime().availableProcessors())));
        }
    }

    static int carriers(int cpus) {
        return Math.max(1, cpus - 1);
    }

    /** The whole command tree, with jstack's error style: one line naming the problem, exit code 2. */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new ServeCommand());
        cmd.addSubcommand(new InspectCommand());
        cmd.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("jstack: " + ex.getMessage() + " (see --help)");
            err.flush();
            return EXIT_USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("jstack: " + ex.getMessage());
            err.flush();
            return EXIT_FAILURE;
        });
        return cmd;
    }
}
