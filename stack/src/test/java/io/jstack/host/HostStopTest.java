package io.jstack.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.ip.Ipv4Config;
import io.jstack.link.MemoryLink;
import io.jstack.time.Clock;
import io.jstack.wire.Ipv4Address;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Work handed to a host whose loop has ended must still run, or socket calls would wait forever. */
class HostStopTest {
    @Test
    void tasksHandedToAStoppedHostRunOnTheCallersThread() throws Exception {
        var net = MemoryLink.pair();
        var host = new Host(Ipv4Address.parse("10.0.0.2").value(), net.a(), Clock.system(), Ipv4Config.defaults());
        var loop = HostLoop.start(host);
        var before = new CompletableFuture<Thread>();
        host.execute(() -> before.complete(Thread.currentThread()));
        assertEquals(loop.thread(), before.get(5, TimeUnit.SECONDS), "a running loop runs tasks itself");
        assertFalse(host.stopped());

        loop.close();
        assertTrue(host.stopped(), "the loop tells the host when it ends");
        var after = new CompletableFuture<Thread>();
        host.execute(() -> after.complete(Thread.currentThread()));
        assertTrue(after.isDone(), "the task ran before execute returned");
        assertEquals(Thread.currentThread(), after.get());
    }
}
