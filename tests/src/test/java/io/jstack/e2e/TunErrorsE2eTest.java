package io.jstack.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.tun.TunException;
import io.jstack.tun.TunLink;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Opening a TUN device fails with one line that names the cause. */
@LiveTun
class TunErrorsE2eTest {
    static void assertOneLine(TunException e, String expected) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void aDeviceAnotherProcessHoldsIsBusy() {
        try (Netns ns = Netns.create(); LiveHost h = LiveHost.start(ns)) {
            TunException e = assertThrows(TunException.class, () -> TunLink.open(h.running().tun().options()));
            assertOneLine(e, "device tun0 is busy");
            h.assertHealthy();
        }
    }

    @Test
    void anAddressAnotherInterfaceHasIsRefused() {
        try (Netns ns = Netns.create()) {
            assertTrue(ns.exec(Duration.ofSeconds(15), "ip", "tuntap", "add", "mode", "tun", "dev", "other0").ok());
            assertTrue(ns.exec(Duration.ofSeconds(15), "ip", "addr", "add", "10.0.0.1/24", "dev", "other0").ok());
            TunException e = assertThrows(TunException.class, () -> LiveHost.start(ns));
            assertOneLine(e, "address 10.0.0.1 is already used by interface other0");
        }
    }

    @Test
    void aMissingNamespaceIsNamed() {
        String name = Netns.freshName();
        TunException e = assertThrows(TunException.class,
                () -> TunLink.open(io.jstack.tun.TunOptions.defaults().inNamespace(name, false)));
        assertOneLine(e, "network namespace '" + name + "' does not exist");
    }
}
