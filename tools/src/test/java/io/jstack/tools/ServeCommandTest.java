package io.jstack.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.wire.Ipv4Address;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServeCommandTest {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cmd = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static ServeOptions parse(String... args) {
        CommandLine cmd = Main.commandLine();
        cmd.parseArgs(args);
        return ((ServeCommand) cmd.getCommand()).options();
    }

    @Test
    void defaultsAreTun0At10002WithKernelSide10001Slash24AndMtu1500() {
        assertEquals(ServeOptions.defaults(), parse());
    }

    @Test
    void everyOptionIsParsed() {
        ServeOptions o = parse("--tun", "jt9", "--ip", "192.168.7.9", "--host-ip", "192.168.7.1/16", "--mtu", "9000",
                "--pcap", "/tmp/x.pcap", "--netns", "js-demo");
        assertEquals("jt9", o.tun());
        assertEquals(Ipv4Address.parse("192.168.7.9"), o.ip());
        assertEquals(HostAddress.parse("192.168.7.1/16"), o.hostIp());
        assertEquals(9000, o.mtu());
        assertEquals(Optional.of(Path.of("/tmp/x.pcap")), o.pcap());
        assertEquals(Optional.of("js-demo"), o.netns());
        assertEquals(Optional.of("js-demo"), o.tunOptions().netns());
        assertTrue(o.tunOptions().createNamespace());
        assertEquals(0, o.busyPollNanos());
        assertEquals(2_000_000, parse("--busy-poll", "2000").busyPollNanos());
    }

    /** RFC 1122 §3.2.1.3: the host shares the prefix of --host-ip, so it knows its subnet's directed broadcast. */
    @Test
    void rfc1122_3_2_1_3HostTakesThePrefixOfHostIpForItsSubnetBroadcast() {
        var net = io.jstack.link.MemoryLink.pair();
        var clock = new io.jstack.time.ManualClock();
        var wide = ServeCommand.buildHost(parse("--ip", "192.168.7.9", "--host-ip", "192.168.7.1/16"), net.a(), clock);
        assertEquals(16, wide.ip().config().prefixLength());
        assertEquals(Ipv4Address.parse("192.168.255.255").value(), wide.ip().subnetBroadcast());
        var byDefault = ServeCommand.buildHost(parse(), io.jstack.link.MemoryLink.pair().a(), clock);
        assertEquals(Ipv4Address.parse("10.0.0.255").value(), byDefault.ip().subnetBroadcast());
    }

    @Test
    void badInputIsOneErrorLineAndExitCode2() {
        String[][] cases = {
            {"--ip", "10.0.0"}, {"--ip", "10.0.0.256"}, {"--host-ip", "10.0.0.1"}, {"--host-ip", "10.0.0.1/33"},
            {"--mtu", "67"}, {"--mtu", "x"}, {"--tun", "name-longer-than-15"}, {"--netns", "../etc"},
            {"--ip", "10.0.1.2"}, {"--ip", "10.0.0.1"}, {"--ip", "10.0.0.0"}, {"--bogus"}, {"extra"},
            {"--busy-poll", "-1"}, {"--busy-poll", "1000001"}, {"--busy-poll", "x"}
        };
        for (String[] args : cases) {
            Run r = run(args);
            assertEquals(Main.EXIT_USAGE, r.code(), String.join(" ", args));
            assertEquals(1, r.err().lines().count(), "one line for " + String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("jstack: "), r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void helpListsEveryOptionAndExitsZero() {
        Run r = run("--help");
        assertEquals(0, r.code());
        for (String o : new String[] {"--tun", "--ip", "--host-ip", "--mtu", "--pcap", "--netns", "--version"}) {
            assertTrue(r.out().contains(o), o);
        }
    }

    @Test
    void versionNamesTheProjectVersion() {
        Run r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().matches("(?s)jstack \\d+\\.\\d+\\.\\d+.*"), r.out());
    }

    @Test
    void hintTellsWhatToPingAndHowInANamespace() {
        assertTrue(ServeOptions.defaults().hint().endsWith("try: ping 10.0.0.2"), ServeOptions.defaults().hint());
        assertTrue(parse("--netns", "demo").hint().endsWith("try: sudo ip netns exec demo ping 10.0.0.2"));
    }

    @Test
    void countersPrintNetstatStyle() {
        var buf = new java.io.ByteArrayOutputStream();
        RunningHost.printCounters(java.util.Map.of("Ip", java.util.Map.of("ipInReceives", 3L)),
                new java.io.PrintStream(buf, true));
        assertEquals("Ip:\n    3 ipInReceives\n", buf.toString());
    }

    @Test
    void virtualThreadsGetOneCarrierFewerThanThereAreCpusAndAtLeastOne() {
        assertEquals(1, Main.carriers(1));
        assertEquals(1, Main.carriers(2));
        assertEquals(7, Main.carriers(8));
    }
}
