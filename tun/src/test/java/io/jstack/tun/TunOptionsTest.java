package io.jstack.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.wire.Ipv4Address;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TunOptionsTest {
    @Test
    void defaultsAreTun0Mtu1500With10001Slash24() {
        TunOptions o = TunOptions.defaults();
        assertEquals("tun0", o.name());
        assertEquals(1500, o.mtu());
        assertEquals(Ipv4Address.parse("10.0.0.1"), o.kernelAddress());
        assertEquals(24, o.prefixLength());
        assertEquals(Optional.of(Ipv4Address.parse("10.0.0.2")), o.hostAddress());
        assertTrue(o.netns().isEmpty());
    }

    @Test
    void interfaceNamesLongerThanIfnamsizMinusOneAreRefused() {
        assertEquals("abcdefghijklmno", TunOptions.defaults().withName("abcdefghijklmno").name());
        assertThrows(IllegalArgumentException.class, () -> TunOptions.defaults().withName("abcdefghijklmnop"));
        assertThrows(IllegalArgumentException.class, () -> TunOptions.defaults().withName(""));
        assertThrows(IllegalArgumentException.class, () -> TunOptions.defaults().withName("a/b"));
        assertThrows(IllegalArgumentException.class, () -> TunOptions.defaults().withName("a b"));
        assertThrows(IllegalArgumentException.class, () -> TunOptions.defaults().withName(".."));
    }

    @Test
    void mtuBetweenRfc791MinimumAnd65535() {
        assertEquals(68, TunOptions.defaults().withMtu(68).mtu());
        assertEquals(65535, TunOptions.defaults().withMtu(65535).mtu());
        assertThrows(IllegalArgumentException.class, () -> TunOptions.defaults().withMtu(67));
        assertThrows(IllegalArgumentException.class, () -> TunOptions.defaults().withMtu(65536));
    }

    @Test
    void namespaceNamesCannotEscapeVarRunNetns() {
        assertEquals(Optional.of("js-1-2"), TunOptions.defaults().inNamespace("js-1-2", false).netns());
        assertThrows(IllegalArgumentException.class, () -> TunOptions.defaults().inNamespace("../x", true));
        assertThrows(IllegalArgumentException.class, () -> TunOptions.defaults().inNamespace("..", true));
    }
}
