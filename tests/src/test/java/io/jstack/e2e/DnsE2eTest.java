package io.jstack.e2e;

import static org.junit.jupiter.api.Assertions.*;

import io.jstack.dns.DnsConfig;
import io.jstack.tools.UdpServiceOptions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The DNS responder on port 53 (RFC 1035) against the kernel side's {@code dig}. */
@LiveTun
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsE2eTest {
    static final Duration T = Duration.ofSeconds(60);
    Netns ns;
    LiveHost h;

    @BeforeAll
    void start() {
        ns = Netns.create();
        try {
            // The default record (jstack.test -> our address) plus one given as with --dns NAME=ADDR.
            var udp = new UdpServiceOptions(true, true, List.of(
                    DnsConfig.Entry.parse("jstack.test=" + LiveHost.HOST_IP),
                    DnsConfig.Entry.parse("www.example.org=192.0.2.7")));
            h = LiveHost.start(ns, LiveHost.options(ns).withUdp(udp));
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    @AfterAll
    void stop() {
        try {
            if (h != null) {
                h.assertHealthy();
                h.close();
            }
        } finally {
            ns.close();
        }
    }

    Exec.Result dig(String... args) {
        var c = new java.util.ArrayList<>(List.of("dig", "@" + LiveHost.HOST_IP, "+time=2", "+tries=2"));
        c.addAll(List.of(args));
        return ns.exec(T, c.toArray(String[]::new));
    }

    static void assertLine(Exec.Result r, String regex) {
        Pattern p = Pattern.compile(regex);
        assertTrue(r.out().lines().anyMatch(l -> p.matcher(l).matches()), "no line /" + regex + "/ in " + r.describe());
    }

    @Test
    void digGetsTheARecordWithQrAaAndRd() {
        Exec.Result r = dig("jstack.test");
        assertTrue(r.ok(), r.describe());
        assertTrue(r.out().contains("status: NOERROR"), r.describe());
        assertLine(r, ";; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1");
        assertLine(r, "jstack\\.test\\.\\s+300\\s+IN\\s+A\\s+10\\.0\\.0\\.2");
        assertFalse(r.out().contains("FORMERR"), "EDNS accepted: " + r.describe());
    }

    @Test
    void digWithoutRecursionDesiredGetsRdClear() {
        Exec.Result r = dig("+norecurse", "+noedns", "JsTaCk.TeSt");
        assertLine(r, ";; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0");
        assertLine(r, "(?i)jstack\\.test\\.\\s+300\\s+IN\\s+A\\s+10\\.0\\.0\\.2");
    }

    @Test
    void digGetsARecordGivenOnTheCommandLine() {
        Exec.Result r = dig("www.example.org");
        assertLine(r, "www\\.example\\.org\\.\\s+300\\s+IN\\s+A\\s+192\\.0\\.2\\.7");
    }

    /** RFC 1035 §4.1.1 RCODE 3, RFC 2308 §3: NXDOMAIN in our zone, with the SOA in the authority section. */
    @Test
    void digGetsNxDomainForAnotherNameInTheZone() {
        Exec.Result r = dig("nope.jstack.test");
        assertTrue(r.out().contains("status: NXDOMAIN"), r.describe());
        assertLine(r, "jstack\\.test\\.\\s+60\\s+IN\\s+SOA\\s+jstack\\.test\\.\\s+hostmaster\\.jstack\\.test\\.\\s+1\\s+3600\\s+600\\s+86400\\s+60");
    }

    @Test
    void digGetsRefusedOutsideOurZones() {
        Exec.Result r = dig("example.com");
        assertTrue(r.out().contains("status: REFUSED"), r.describe());
    }

    @Test
    void digStillAnswersAfterTenThousandRandomDatagramsToPort53() {
        // 10,000 datagrams of random bytes (seeded), from the kernel side to port 53.
        String py = String.join("\n",
                "import random, socket",
                "r = random.Random(53)",
                "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                "sent = 0",
                "for i in range(10000):",
                "    n = r.randrange(0, 600)",
                "    b = bytearray(r.getrandbits(8) for _ in range(n))",
                "    if i % 2 and n > 5:",
                "        b[2] &= 0x07; b[4] = 0; b[5] = 1  # a standard query with one question: reaches the parser",
                "    try:",
                "        s.sendto(bytes(b), ('" + LiveHost.HOST_IP + "', 53)); sent += 1",
                "    except OSError:",
                "        pass",
                "print(sent)");
        long before = h.counter("Dns", "dnsInMessages");
        Exec.Result flood = ns.exec(T, "/usr/bin/python3", "-c", py);
        assertTrue(flood.ok(), flood.describe());
        assertEquals(10000, Integer.parseInt(flood.out().trim()), flood.describe());
        Exec.Result r = dig("jstack.test");
        assertTrue(r.out().contains("status: NOERROR"), r.describe());
        assertLine(r, "jstack\\.test\\.\\s+300\\s+IN\\s+A\\s+10\\.0\\.0\\.2");
        long parsed = h.counter("Dns", "dnsInMessages") - before;
        assertTrue(parsed > 1000, "the responder saw " + parsed + " of them\n" + h.counters());
        System.out.println("DnsE2eTest: of 10000 random datagrams the responder parsed " + parsed + "; Udp "
                + h.counters().get("Udp") + "; Dns " + h.counters().get("Dns"));
        h.assertHealthy();
    }
}
