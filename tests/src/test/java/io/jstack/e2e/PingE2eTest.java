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
    void pingWithRecordRouteOptionIsAnswered() {
        // RFC 1122 §3.2.2.6: options in the echo request are tolerated (IP options are skipped, RFC 1122 §3.2.1.8).
        try (Netns ns = Netns.create(); LiveHost h = LiveHost.start(ns)) {
            Exec.Result r = h.ping("-c", "2", "-i", "0.2", "-W", "5", "-R");
            assertTrue(Ping.parse(r).noLoss(), r.describe());
            h.assertHealthy();
        }
    }
}
