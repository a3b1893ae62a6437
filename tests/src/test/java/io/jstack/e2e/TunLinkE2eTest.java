package io.jstack.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The TUN device's life: configured as asked, released on close, reusable afterwards. */
@LiveTun
class TunLinkE2eTest {
    @Test
    void deviceGetsItsMtuAddressAndIsUpWithoutIpv6() {
        try (Netns ns = Netns.create(); LiveHost h = LiveHost.start(ns, LiveHost.options(ns, 9000, Optional.empty()))) {
            Exec.Result link = ns.exec(Duration.ofSeconds(15), "ip", "-o", "addr", "show", "dev", "tun0");
            assertTrue(link.ok(), link.describe());
            assertTrue(link.out().contains("inet 10.0.0.1/24"), link.describe());
            assertFalse(link.out().contains("inet6"), "no IPv6 address, so no IPv6 traffic into the host: " + link.out());
            Exec.Result show = ns.exec(Duration.ofSeconds(15), "ip", "link", "show", "dev", "tun0");
            assertTrue(show.out().contains("mtu 9000") && show.out().contains(",UP"), show.describe());
            // 9000 - 20 - 8: fills the MTU exactly, DF set, so neither side may fragment.
            Exec.Result r = h.ping("-c", "2", "-i", "0.2", "-W", "5", "-M", "do", "-s", "8972");
            assertTrue(Ping.parse(r).noLoss(), r.describe());
            assertEquals(0, h.counter("Ip", "ipFragCreates"));
            h.assertHealthy();
        }
    }

    @Test
    void closingReleasesTheDeviceAndItCanBeOpenedAgain() {
        try (Netns ns = Netns.create()) {
            try (LiveHost h = LiveHost.start(ns)) {
                assertTrue(ns.exec(Duration.ofSeconds(15), "ip", "link", "show", "dev", "tun0").ok());
                h.assertHealthy();
            }
            Exec.Result gone = ns.exec(Duration.ofSeconds(15), "ip", "link", "show", "dev", "tun0");
            assertFalse(gone.ok(), "tun0 still exists after close: " + gone.describe());
            try (LiveHost h = LiveHost.start(ns)) {
                Exec.Result r = h.ping("-c", "1", "-W", "5");
                assertTrue(Ping.parse(r).noLoss(), r.describe());
            }
        }
    }

    @Test
    void aDeviceDeletedUnderTheHostStopsTheLoopWithTheReason() throws Exception {
        try (Netns ns = Netns.create(); LiveHost h = LiveHost.start(ns)) {
            Exec.Result del = ns.exec(Duration.ofSeconds(15), "ip", "link", "delete", "tun0");
            assertTrue(del.ok(), del.describe());
            h.running().loop().thread().join(Duration.ofSeconds(10));
            assertFalse(h.running().loop().thread().isAlive(), "the loop still runs (spinning?) on a deleted device");
            Throwable why = h.running().loop().failure();
            assertTrue(why != null && why.getMessage().contains("TUN device tun0 is gone"), String.valueOf(why));
        }
    }
}
