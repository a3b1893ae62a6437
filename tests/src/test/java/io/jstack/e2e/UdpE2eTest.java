package io.jstack.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * UDP and its ICMP errors against the kernel's own tools: echo (RFC 862) through socat and nc, port and protocol
 * unreachable (RFC 1122 §3.2.2.1, §4.1.3.1), and traceroute, which ends when the target says "port unreachable".
 */
@LiveTun
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UdpE2eTest {
    static final Duration T = Duration.ofSeconds(30);
    Netns ns;
    LiveHost h;

    @BeforeAll
    void start() {
        ns = Netns.create();
        try {
            h = LiveHost.start(ns);
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

    Exec.Result sh(String script) {
        return ns.exec(T, "sh", "-c", script);
    }

    /** RFC 862: the data of each datagram to port 7 comes back. */
    @Test
    void rfc862SocatRoundTripThroughUdpEcho() {
        long before = h.counter("Udp", "udpInDatagrams");
        Exec.Result r = sh("printf 'hello, jstack' | socat -t 1 - UDP:" + LiveHost.HOST_IP + ":7");
        assertTrue(r.ok(), r.describe());
        assertEquals("hello, jstack", r.out(), r.describe());
        assertTrue(h.counter("Udp", "udpInDatagrams") > before);
    }

    @Test
    void rfc862NcRoundTripThroughUdpEcho() {
        Exec.Result r = sh("printf 'via nc' | nc -u -w 1 " + LiveHost.HOST_IP + " 7");
        assertEquals("via nc", r.out(), r.describe());
    }

    /** Datagrams above the MTU, up to the largest UDP allows, are reassembled, echoed and fragmented back. */
    @Test
    void largeDatagramsUpTo65507BytesAreEchoedWhole() {
        String py = String.join("\n",
                "import os, socket",
                "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                "s.settimeout(5)",
                "s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)",
                "for n in (1472, 1473, 8000, 65507):",
                "    data = os.urandom(n)",
                "    s.sendto(data, ('" + LiveHost.HOST_IP + "', 7))",
                "    back, a = s.recvfrom(65535)",
                "    print(n, back == data)");
        Exec.Result r = ns.exec(T, "/usr/bin/python3", "-c", py);
        assertTrue(r.ok(), r.describe());
        assertEquals("1472 True\n1473 True\n8000 True\n65507 True", r.out().trim(), r.describe());
    }

    /** RFC 1122 §4.1.3.1: UDP to a closed port gets ICMP port unreachable; a connected socket sees ECONNREFUSED. */
    @Test
    void rfc1122_4_1_3_1ClosedPortGivesTheClientConnectionRefused() {
        long noPorts = h.counter("Udp", "udpNoPorts");
        long unreach = h.counter("Icmp", "icmpOutDestUnreachs");
        Exec.Result r = sh("printf 'x' | socat -t 2 - UDP:" + LiveHost.HOST_IP + ":9999");
        assertFalse(r.ok(), r.describe());
        assertTrue(r.err().contains("Connection refused"), r.describe());
        assertTrue(h.counter("Udp", "udpNoPorts") > noPorts);
        assertTrue(h.counter("Icmp", "icmpOutDestUnreachs") > unreach);
    }

    /** RFC 1122 §3.2.2.1: a datagram for a protocol we do not implement gets protocol unreachable (3/2). */
    @Test
    void rfc1122_3_2_2_1UnknownProtocolGivesProtocolUnreachable() {
        String py = String.join("\n",
                "import socket",
                "icmp = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)",
                "icmp.settimeout(5)",
                "raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, 253)",
                "raw.sendto(b'experimental protocol 253', ('" + LiveHost.HOST_IP + "', 0))",
                "while True:",
                "    d, a = icmp.recvfrom(2048)",
                "    hl = (d[0] & 15) * 4",
                "    if a[0] == '" + LiveHost.HOST_IP + "' and d[hl] == 3:",
                "        q = hl + 8",
                "        print('type=%d code=%d quoted-protocol=%d' % (d[hl], d[hl + 1], d[q + 9]))",
                "        break");
        Exec.Result r = ns.exec(T, "/usr/bin/python3", "-c", py);
        assertTrue(r.ok(), r.describe());
        assertEquals("type=3 code=2 quoted-protocol=253", r.out().trim(), r.describe());
    }

    /** With --no-udp-echo and --no-dns, ports 7 and 53 are closed like any other. */
    @Test
    void servicesSwitchedOffLeaveTheirPortsClosed() {
        try (Netns off = Netns.create();
             LiveHost quiet = LiveHost.start(off, LiveHost.options(off).withUdp(
                     new io.jstack.tools.UdpServiceOptions(false, false, java.util.List.of())))) {
            Exec.Result echo = off.exec(T, "sh", "-c", "printf x | socat -t 1 - UDP:" + LiveHost.HOST_IP + ":7");
            assertTrue(echo.err().contains("Connection refused"), echo.describe());
            Exec.Result dig = off.exec(T, "dig", "@" + LiveHost.HOST_IP, "+time=1", "+tries=1", "jstack.test");
            assertFalse(dig.out().contains("status: NOERROR"), dig.describe());
            assertTrue(quiet.counter("Udp", "udpNoPorts") >= 2, quiet.counters().toString());
            assertFalse(quiet.counters().containsKey("Dns"));
            quiet.assertHealthy();
        }
    }

    /** traceroute's UDP probes reach the host at the first hop, and its port unreachable ends the trace. */
    @Test
    void tracerouteCompletesAtTheTarget() {
        Exec.Result r = ns.exec(T, "traceroute", "-n", "-w", "2", LiveHost.HOST_IP);
        assertTrue(r.ok(), r.describe());
        var hops = r.out().lines().filter(l -> l.matches("^\\s*\\d+\\s.*")).toList();
        assertEquals(1, hops.size(), r.describe());
        assertTrue(Pattern.compile("^\\s*1\\s+10\\.0\\.0\\.2(\\s+[\\d.]+ ms){3}\\s*$").matcher(hops.get(0)).matches(),
                r.describe());
    }
}
