package io.jstack.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Decides whether a {@link LiveTun} test can run here. Missing root or /dev/net/tun: skipped, saying which; but
 * when the environment variable {@code CI} is {@code true} the test is enabled and fails in {@code beforeEach}
 * with the same reason, so CI can never go green by skipping.
 */
public final class LiveTunCondition implements ExecutionCondition, BeforeEachCallback {
    /** Why live tests cannot run on this machine, or empty when they can. */
    public static Optional<String> missing() {
        if (effectiveUid() != 0) {
            return Optional.of("live TUN test needs root (run tests/run-all.sh as root, or sudo)");
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return Optional.of("live TUN test needs /dev/net/tun (modprobe tun, or expose it to the container)");
        }
        if (!Files.isDirectory(Path.of("/proc/self/ns"))) {
            return Optional.of("live TUN test needs network namespaces (/proc/self/ns is missing)");
        }
        return Optional.empty();
    }

    /** True when the environment says we run under CI: live tests must then run, never skip. */
    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** The effective uid, from /proc/self/status ("Uid: real effective saved fs"); -1 if unknown. */
    static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<String> why = missing();
        if (why.isEmpty()) return ConditionEvaluationResult.enabled("root and /dev/net/tun are available");
        if (underCi()) return ConditionEvaluationResult.enabled("CI=true: must run, will fail: " + why.get());
        return ConditionEvaluationResult.disabled(why.get());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Optional<String> why = missing();
        if (why.isPresent()) throw new AssertionError("CI=true, so live tests may not skip, but: " + why.get());
    }
}
