package io.jstack.tools;

/** Entry point of jstack.jar. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.err.println("jstack: the command line is not built yet");
        System.exit(2);
    }
}
