package io.jstack.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.link.Impairment;
import io.jstack.link.MemoryLink;
import io.jstack.tcp.TcpLayer;
import io.jstack.time.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * More of the TCP options of the serve command (beside {@link TcpServeOptionsTest}): each switch alone, every
 * impairment kind and unit, the many ways a spec can be wrong, and withers that keep the other options.
 */
class ServeTcpImpairOptionsTest {
    @Test
    void echoDiscardAndChargenAreOnByDefaultAndTheLinkIsNotImpaired() {
        ServeOptions o = ServeCommandTest.parse();
        assertEquals(new TcpServiceOptions(true, true, true), o.tcp());
        assertEquals(TcpServiceOptions.defaults(), o.tcp());
        assertEquals(Impairment.NONE, o.impair());
        assertEquals(1, o.seed(), "the default seed");
    }

    @Test
    void eachTcpServiceCanBeSwitchedOffAlone() {
        assertEquals(new TcpServiceOptions(false, true, true), ServeCommandTest.parse("--no-tcp-echo").tcp());
        assertEquals(new TcpServiceOptions(true, false, true), ServeCommandTest.parse("--no-discard").tcp());
        assertEquals(new TcpServiceOptions(true, true, false), ServeCommandTest.parse("--no-chargen").tcp());
        ServeOptions none = ServeCommandTest.parse("--no-tcp-echo", "--no-discard", "--no-chargen");
        assertEquals(new TcpServiceOptions(false, false, false), none.tcp());
        assertTrue(none.udp().udpEcho(), "--no-tcp-echo leaves UDP echo on");
        assertEquals(new TcpServiceOptions(true, true, true), ServeCommandTest.parse("--no-udp-echo").tcp(),
                "--no-udp-echo leaves TCP echo on");
    }

    @Test
    void impairTakesEveryKindWithItsUnitAndSeedIsKept() {
        ServeOptions o = ServeCommandTest.parse("--impair", "loss=2%,dup=1%,reorder=2%,corrupt=1%,delay=10ms,jitter=2ms",
                "--seed", "42");
        assertEquals(new Impairment(2, 1, 2, 1, Duration.ofMillis(10), Duration.ofMillis(2)), o.impair());
        assertEquals(42, o.seed());
        assertEquals(new Impairment(0.5, 0, 0, 0, Duration.ZERO, Duration.ZERO),
                ServeCommandTest.parse("--impair", "loss=0.5%").impair());
        assertEquals(new Impairment(0, 0, 3, 0, Duration.ofSeconds(1), Duration.ZERO),
                ServeCommandTest.parse("--impair", "reorder=3%,delay=1s").impair());
        assertEquals(-7, ServeCommandTest.parse("--seed", "-7").seed());
    }

    @Test
    void hintNamesTheImpairmentAndItsSeedOnlyWhenThereIsOne() {
        String hint = ServeCommandTest.parse("--impair", "loss=2%,reorder=2%", "--seed", "9").hint();
        assertTrue(hint.contains("impairing loss=2%,reorder=2% (seed 9)"), hint);
        assertTrue(!ServeCommandTest.parse().hint().contains("impair"), ServeCommandTest.parse().hint());
    }

    @Test
    void badImpairmentsAndSeedsAreOneErrorLineAndExitCode2() {
        String[][] cases = {
            {"--impair", "loss=2"}, {"--impair", "loss=101%"}, {"--impair", "loss=-1%"}, {"--impair", "loss=x%"},
            {"--impair", "drop=2%"}, {"--impair", "delay=10"}, {"--impair", "delay=10us"}, {"--impair", "jitter=-2ms"},
            {"--impair", "loss=1%,loss=2%"}, {"--impair", "loss"}, {"--impair", "loss=2%,"}, {"--seed", "x"},
            {"--seed", "1.5"}, {"--impair"}
        };
        for (String[] args : cases) {
            ServeCommandTest.Run r = ServeCommandTest.run(args);
            assertEquals(Main.EXIT_USAGE, r.code(), String.join(" ", args));
            assertEquals(1, r.err().lines().count(), "one line for " + String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("jstack: "), r.err());
            assertEquals("", r.out());
        }
        String unknown = ServeCommandTest.run("--impair", "drop=2%").err();
        assertTrue(unknown.contains("unknown impairment 'drop'"), unknown);
    }

    @Test
    void helpListsTheTcpOptionsAndAnImpairmentExample() {
        ServeCommandTest.Run r = ServeCommandTest.run("--help");
        assertEquals(0, r.code());
        for (String o : new String[] {"--no-tcp-echo", "--no-discard", "--no-chargen", "--impair", "--seed"}) {
            assertTrue(r.out().contains(o), o);
        }
        assertTrue(r.out().replaceAll("\\s+", "").contains("loss=2%,dup=1%,reorder=2%,corrupt=1%,delay=10ms,jitter=2ms"),
                r.out());
    }

    /**
     * picocli formats option descriptions with String.format: an unescaped {@code %} makes it print a warning per
     * use to System.err, so a bad spec would print four lines instead of one.
     */
    @Test
    void helpAndErrorsPrintNoPicocliFormatWarning() {
        java.io.PrintStream saved = System.err;
        var captured = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new java.io.PrintStream(captured, true));
            ServeCommandTest.run("--help");
            ServeCommandTest.run("--impair", "loss=2");
        } finally {
            System.setErr(saved);
        }
        assertEquals("", captured.toString(), "written to System.err behind picocli's back");
    }

    @Test
    void withersKeepEveryOtherOption() {
        ServeOptions o = ServeOptions.defaults().withTcp(new TcpServiceOptions(false, true, false))
                .withImpairment(Impairment.parse("loss=2%"), 5)
                .withUdp(new UdpServiceOptions(false, true, java.util.List.of()));
        ServeOptions moved = o.withMtu(9000).withTun("jt1").withPcap(java.util.Optional.empty())
                .withNetns(java.util.Optional.of("js-x"));
        assertEquals(o.tcp(), moved.tcp());
        assertEquals(o.udp(), moved.udp());
        assertEquals(o.impair(), moved.impair());
        assertEquals(5, moved.seed());
    }

    @Test
    void buildHostInstallsTcp() {
        var net = MemoryLink.pair();
        var host = ServeCommand.buildHost(ServeOptions.defaults(), net.a(), new ManualClock());
        assertInstanceOf(TcpLayer.class, host.ip().handler(6));
        assertTrue(host.counters().containsKey("Tcp"));
    }
}
