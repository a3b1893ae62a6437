package io.jstack.tun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs iproute2's {@code ip}, optionally with {@code -n NETNS}, for the device's configuration. */
final class IpCommand {
    private static final long TIMEOUT_SECONDS = 15;
    private final Optional<String> netns;

    IpCommand(Optional<String> netns) {
        this.netns = netns;
    }

    /** Runs {@code ip [-n ns] args...}; returns its standard output, or throws with its first error line. */
    String run(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        netns.ifPresent(n -> {
            cmd.add("-n");
            cmd.add(n);
        });
        cmd.addAll(List.of(args));
        return exec(cmd);
    }

    static String exec(List<String> cmd) {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new TunException("cannot run '" + cmd.get(0) + "' (install iproute2): " + e.getMessage(), e);
        }
        try {
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new TunException("'" + String.join(" ", cmd) + "' did not finish in " + TIMEOUT_SECONDS + " s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                String first = text.strip().lines().findFirst().orElse("exit code " + p.exitValue());
                throw new TunException("'" + String.join(" ", cmd) + "' failed: " + first);
            }
            return text;
        } catch (IOException e) {
            throw new TunException("'" + String.join(" ", cmd) + "' failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new TunException("interrupted while running '" + String.join(" ", cmd) + "'", e);
        }
    }
}
