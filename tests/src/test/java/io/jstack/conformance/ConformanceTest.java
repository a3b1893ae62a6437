package io.jstack.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jstack.e2e.LiveTun;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The conformance catalogue on both runners: every script on jstack (in process, manual clock) and, where root
 * and /dev/net/tun are available (always under CI), on the Linux kernel in a namespace. A script marked
 * {@code jstack-fails:} (or {@code linux-deviation:}) must still fail on that runner, so a fixed gap is noticed
 * and the mark removed. After both ran, the side-by-side report is written (see {@link Report}).
 */
class ConformanceTest {
    static final Map<String, Interpreter.Outcome> JSTACK = new ConcurrentHashMap<>();
    static final Map<String, Interpreter.Outcome> LINUX = new ConcurrentHashMap<>();
    private static final List<Catalogue.Entry> CATALOGUE = Catalogue.load();
    private static LinuxTarget linuxTarget;

    @Test
    void catalogueParsesAndEveryScriptIsTagged() {
        assertFalse(CATALOGUE.isEmpty());
        for (Catalogue.Entry e : CATALOGUE) {
            assertFalse(e.script().tag("rfc").isEmpty(), e.name() + " has no rfc: tag");
            assertFalse(e.script().tag("title").isEmpty(), e.name() + " has no title: tag");
            assertFalse(e.script().lines().isEmpty(), e.name() + " has no lines");
        }
    }

    @Test
    void noScriptCoversAMustCalledNotScriptable() {
        for (Catalogue.Entry e : CATALOGUE) {
            for (String m : e.script().musts()) {
                if (!m.startsWith("MUST-")) continue;
                assertFalse(Report.NOT_SCRIPTABLE.containsKey(Integer.parseInt(m.substring(5))),
                        e.name() + " covers " + m + ", which Report.NOT_SCRIPTABLE calls not scriptable: drop the reason");
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> jstack() {
        JstackTarget target = new JstackTarget();
        return CATALOGUE.stream().map(e -> DynamicTest.dynamicTest(e.name(), () -> {
            Interpreter.Outcome o = Interpreter.run(e.script(), target, e.stackPort(), e.peerPort());
            JSTACK.put(e.name(), o);
            check(e, o, "jstack-fails", "jstack");
        }));
    }

    @TestFactory
    @LiveTun
    Stream<DynamicTest> linux() {
        LinuxTarget target = new LinuxTarget();
        linuxTarget = target;
        List<Catalogue.Entry> all = CATALOGUE;
        return Stream.concat(all.stream().map(e -> DynamicTest.dynamicTest(e.name(), () -> {
            Interpreter.Outcome o = Interpreter.run(e.script(), target, e.stackPort(), e.peerPort());
            LINUX.put(e.name(), o);
            check(e, o, "linux-deviation", "Linux");
        })), Stream.of(DynamicTest.dynamicTest("close namespace", target::close)));
    }

    private static void check(Catalogue.Entry e, Interpreter.Outcome o, String markTag, String side) {
        String mark = e.script().tag(markTag);
        if (mark.isEmpty()) {
            if (!o.passed()) fail(side + " fails " + e.name() + ":\n" + o.failure() + "\ntrace:\n  "
                    + String.join("\n  ", o.trace()));
        } else {
            assertFalse(!o.passed() && o.failure().startsWith("harness error"), o.failure());
            assertTrue(!o.passed(), side + " now passes " + e.name() + ", marked '" + markTag + ": " + mark
                    + "': remove the mark");
        }
    }

    @AfterAll
    static void report() {
        if (linuxTarget != null) linuxTarget.close(); // idempotent: also when the stream was not run to its end
        Report.write(CATALOGUE, JSTACK, LINUX);
    }
}
