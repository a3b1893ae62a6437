package io.jstack.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The kernel's own ping against the virtual host on a TUN device (RFC 792 echo; RFC 1122 §3.2.2.6). */
@LiveTun
class PingE2eTest {
    @Test
    void fivePingsAllAnswered() {
        try (Netns ns = Netns.create(); LiveHost h = LiveHost.start(ns)) {
            long echosBefore = h.counter("Icmp", "icmpInEchos");
            Exec.Result r = h.ping("-c", "5", "-i", "0.2", "-W", "5");
            Ping p = Ping.parse(r);
            assertEquals(5, p.transmitted(), r.describe());
            assertTrue(p.noLoss(), r.describe());
            assertTrue(r.out().contains(" 0% packet loss"), r.describe());
            assertEquals(5, h.counter("Icmp", "icmpInEchos") - echosBefore);
            assertEquals(5, h.counter("Icmp", "icmpOutEchoReps"));
            assertEquals(5, h.counter("Tun", "ifOutUcastPkts"));
            h.assertHealthy();
        }
    }

    @Test
    void pingOf1472BytesFillsTheMtuExactlyAndNeedsNoFragments() {
        try (Netns ns = Netns.create(); LiveHost h = LiveHost.start(ns)) {
            Exec.Result r = h.ping("-c", "3", "-i", "0.2", "-W", "5", "-M", "do", "-s", "1472");
            assertTrue(Ping.parse(r).noLoss(), r.describe());
            assertTrue(r.out().contains("1480 bytes from"), r.describe());
            assertEquals(0, h.counter("Ip", "ipReasmReqds"));
            assertEquals(0, h.counter("Ip", "ipFragCreates"));
            h.assertHealthy();
        }
    }

    @Test
    void pingOf4000BytesIsReassembledAndTheReplyFragmented() {
        // RFC 791 §3.2 (reassembly), RFC 1122 §3.3.2 (a host MUST reassemble); fragmentation on send, DF clear.
        try (Netns ns = Netns.create(); LiveHost h = LiveHost.start(ns)) {
            Exec.Result r = h.ping("-c", "3", "-i", "0.2", "-W", "5", "-s", "4000");
            assertTrue(Ping.parse(r).noLoss(), r.describe());
            assertTrue(r.out().contains("4008 bytes from"), r.describe());
            assertEquals(3, h.counter("Ip", "ipReasmOKs"));
            assertEquals(3, h.counter("Ip", "ipFragOKs"));
            assertEquals(9, h.counter("Ip", "ipFragCreates"), "4028 bytes at MTU 1500: 1480 + 1480 + 1048");
            h.assertHealthy();
        }
    }

    @Test
    void pingOf65507BytesTheLargestIpv4AllowsIsAnswered() {
        // RFC 791 §3.1: total length is 16 bits, so 65535 - 20 (IP) - 8 (ICMP) = 65507 bytes of data.
        try (Netns ns = Netns.create(); LiveHost h = LiveHost.start(ns)) {
            Exec.Result r = h.ping("-c", "2", "-i", "0.2", "-W", "5", "-s", "65507");
            assertTrue(Ping.parse(r).noLoss(), r.describe());
            assertTrue(r.out().contains("65515 bytes from"), r.describe());
            assertEquals(2, h.counter("Ip", "ipReasmOKs"));
            assertEquals(2 * 45, h.counter("Ip", "ipFragCreates"), "65515 bytes of payload in 1480-byte pieces");
            h.assertHealthy();
        }
    }

    @Test
    void pingWithRecordRouteOptionIsAnswered() {
        // RFC 1122 §3.2.2.6: the Record Route option comes back with the host's address recorded, which ping shows.
        try (Netns ns = Netns.create(); LiveHost h = LiveHost.start(ns)) {
            Exec.Result r = h.ping("-c", "2", "-i", "0.2", "-W", "5", "-R");
            assertTrue(Ping.parse(r).noLoss(), r.describe());
            assertTrue(r.out().matches("(?s).*RR:\\s+10\\.0\\.0\\.1\\s+10\\.0\\.0\\.2\\s.*"), r.describe());
            assertEquals(2, h.counter("Icmp", "icmpOutEchoRepsWithOptions"));
            h.assertHealthy();
        }
    }
}
