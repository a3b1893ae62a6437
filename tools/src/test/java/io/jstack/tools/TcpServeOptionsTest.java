package io.jstack.tools;

import static org.junit.jupiter.api.Assertions.*;

import io.jstack.link.Impairment;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The TCP options of the serve command: --no-tcp-echo, --no-discard, --no-chargen, --impair SPEC, --seed N. */
class TcpServeOptionsTest {
    @Test
    void tcpServicesAreOnByDefaultAndTheLinkUnimpaired() {
        var o = ServeCommandTest.parse();
        assertEquals(TcpServiceOptions.defaults(), o.tcp());
        assertEquals(new TcpServiceOptions(true, true, true), o.tcp());
        assertTrue(o.impair().isNone());
        assertEquals(1, o.seed());
    }

    @Test
    void eachTcpServiceCanBeSwitchedOff() {
        assertEquals(new TcpServiceOptions(false, true, true), ServeCommandTest.parse("--no-tcp-echo").tcp());
        assertEquals(new TcpServiceOptions(true, false, false),
                ServeCommandTest.parse("--no-discard", "--no-chargen").tcp());
    }

    @Test
    void impairAndSeedAreParsed() {
        var o = ServeCommandTest.parse("--impair", "loss=2%,reorder=2%,delay=10ms", "--seed", "42");
        assertEquals(new Impairment(2, 0, 2, 0, Duration.ofMillis(10), Duration.ZERO), o.impair());
        assertEquals(42, o.seed());
        assertTrue(o.hint().contains("impairing loss=2%,reorder=2%,delay=10ms (seed 42)"), o.hint());
    }

    @Test
    void badImpairmentIsOneErrorLineAndExitCode2() {
        for (String spec : new String[] {"loss=2", "lose=2%", "delay=5", "loss=101%"}) {
            var r = ServeCommandTest.run("--impair", spec);
            assertEquals(Main.EXIT_USAGE, r.code(), spec);
            assertEquals(1, r.err().lines().count(), "one line for " + spec + ": " + r.err());
            assertTrue(r.err().startsWith("jstack: "), r.err());
        }
    }

    @Test
    void helpListsTheTcpOptions() {
        var r = ServeCommandTest.run("--help");
        for (String o : new String[] {"--no-tcp-echo", "--no-discard", "--no-chargen", "--impair", "--seed"}) {
            assertTrue(r.out().contains(o), o);
        }
    }

    @Test
    void buildHostInstallsTcp() {
        var net = io.jstack.link.MemoryLink.pair();
        var host = ServeCommand.buildHost(ServeOptions.defaults(), net.a(), new io.jstack.time.ManualClock());
        assertInstanceOf(io.jstack.tcp.TcpLayer.class, host.ip().handler(6));
        assertTrue(host.counters().containsKey("Tcp"));
    }
}
