package io.jstack.tools;

import static org.junit.jupiter.api.Assertions.*;

import io.jstack.dns.DnsConfig;
import io.jstack.wire.Ipv4Address;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The UDP options of the serve command: --dns NAME=ADDR (repeatable), --no-dns, --no-udp-echo. */
class UdpServeOptionsTest {
    @Test
    void udpEchoAndDnsAreOnByDefaultWithTheDefaultRecord() {
        assertEquals(UdpServiceOptions.defaults(), ServeCommandTest.parse().udp());
        assertEquals(new UdpServiceOptions(true, true, List.of()), UdpServiceOptions.defaults());
    }

    @Test
    void dnsIsRepeatableAndEachServiceCanBeSwitchedOff() {
        var o = ServeCommandTest.parse("--dns", "a.test=10.0.0.7", "--dns", "b.example.org=192.0.2.1", "--no-udp-echo");
        assertEquals(new UdpServiceOptions(false, true, List.of(
                new DnsConfig.Entry("a.test", Ipv4Address.parse("10.0.0.7")),
                new DnsConfig.Entry("b.example.org", Ipv4Address.parse("192.0.2.1")))), o.udp());
        assertFalse(ServeCommandTest.parse("--no-dns").udp().dns());
        assertTrue(ServeCommandTest.parse("--no-dns").udp().udpEcho());
    }

    @Test
    void badDnsOptionsAreOneErrorLineAndExitCode2() {
        String[][] cases = {
            {"--dns", "jstack.test"}, {"--dns", "=10.0.0.2"}, {"--dns", "a..test=10.0.0.2"},
            {"--dns", "a.test=10.0.0.256"}, {"--dns", "a.test=10.0.0.2", "--no-dns"}
        };
        for (String[] args : cases) {
            var r = ServeCommandTest.run(args);
            assertEquals(Main.EXIT_USAGE, r.code(), String.join(" ", args));
            assertEquals(1, r.err().lines().count(), "one line for " + String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("jstack: "), r.err());
        }
    }

    @Test
    void helpListsTheUdpOptions() {
        var r = ServeCommandTest.run("--help");
        for (String o : new String[] {"--dns", "--no-dns", "--no-udp-echo"}) assertTrue(r.out().contains(o), o);
    }

    @Test
    void buildHostInstallsUdp() {
        var net = io.jstack.link.MemoryLink.pair();
        var host = ServeCommand.buildHost(ServeOptions.defaults(), net.a(), new io.jstack.time.ManualClock());
        assertInstanceOf(io.jstack.udp.UdpLayer.class, host.ip().handler(17));
        assertTrue(host.counters().containsKey("Udp"));
    }
}
