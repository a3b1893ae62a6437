package io.jstack.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.ip.Ipv4Config;
import io.jstack.link.Link;
import io.jstack.link.MemoryLink;
import io.jstack.time.ManualClock;
import io.jstack.wire.Ipv4Address;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The driver's wait protocol: a wake-up only when the driver may be waiting, and never a task left behind. */
class HostWakeupTest {
    /** A link that counts wake-ups. */
    static final class CountingLink implements Link {
        final Link inner = MemoryLink.pair().a();
        final AtomicInteger wakeups = new AtomicInteger();
        final AtomicInteger awaits = new AtomicInteger();
        volatile CountDownLatch awaited = new CountDownLatch(1);

        @Override public int mtu() { return inner.mtu(); }
        @Override public int receive(ByteBuffer dst) { return inner.receive(dst); }
        @Override public void send(ByteBuffer packet) { inner.send(packet); }
        @Override public void await(long timeoutNanos) throws InterruptedException {
            awaits.incrementAndGet();
            awaited.countDown();
            inner.await(timeoutNanos);
        }
        @Override public void wakeup() { wakeups.incrementAndGet(); inner.wakeup(); }
        @Override public void close() { inner.close(); }
    }

    static Host host(Link link) {
        return new Host(Ipv4Address.parse("10.0.0.2").value(), link, new ManualClock(), Ipv4Config.defaults());
    }

    @Test
    void aDriverThatNeverAnnouncesItsWaitsIsAlwaysWoken() {
        CountingLink link = new CountingLink();
        Host h = host(link);
        h.execute(() -> {});
        h.execute(() -> {});
        assertEquals(2, link.wakeups.get());
    }

    @Test
    void aPollingDriverIsNotWokenAndSeesTheTaskBeforeItWaits() {
        CountingLink link = new CountingLink();
        Host h = host(link);
        AtomicInteger ran = new AtomicInteger();
        h.awake();
        h.execute(ran::incrementAndGet);
        assertEquals(0, link.wakeups.get(), "no wake-up while the driver polls");
        assertFalse(h.prepareToWait(), "the task that came in means: poll, do not wait");
        h.awake();
        h.poll();
        assertEquals(1, ran.get());
        assertTrue(h.prepareToWait(), "nothing left: the driver may wait");
        h.execute(ran::incrementAndGet);
        assertEquals(1, link.wakeups.get(), "a waiting driver is woken");
    }

    @Test
    void tasksHandedToARunningLoopAllRun() throws Exception {
        var pair = MemoryLink.pair();
        Host h = host(pair.a());
        try (HostLoop loop = HostLoop.start(h)) {
            int n = 20_000;
            CountDownLatch done = new CountDownLatch(n);
            Thread[] threads = new Thread[4];
            for (int t = 0; t < threads.length; t++) {
                threads[t] = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < n / 4; i++) h.execute(done::countDown);
                });
            }
            for (Thread t : threads) t.join();
            assertTrue(done.await(30, TimeUnit.SECONDS), "tasks left behind: " + done.getCount());
        }
    }

    /** Linux's busy polling (net.core.busy_poll) as an option: after traffic the loop polls on, and sleeps after. */
    @Test
    void aBusyPollingLoopKeepsPollingForItsWindowAfterTrafficThenSleepsAgain() throws Exception {
        CountingLink link = new CountingLink();
        ManualClock clock = new ManualClock();
        Host h = new Host(Ipv4Address.parse("10.0.0.2").value(), link, clock, Ipv4Config.defaults());
        try (HostLoop loop = HostLoop.start(h, 1_000_000)) {
            CountDownLatch first = new CountDownLatch(1);
            h.execute(first::countDown);
            assertTrue(first.await(30, TimeUnit.SECONDS));
            int awaits = link.awaits.get(), wakeups = link.wakeups.get();
            for (int i = 0; i < 200; i++) {
                CountDownLatch done = new CountDownLatch(1);
                h.execute(done::countDown);
                assertTrue(done.await(30, TimeUnit.SECONDS));
            }
            // The clock stood still, so the window after the first task never ended: no sleep, no wake-up needed.
            assertEquals(awaits, link.awaits.get(), "the loop slept in the link during its busy-poll window");
            assertEquals(wakeups, link.wakeups.get(), "a polling loop needs no wake-up");
            link.awaited = new CountDownLatch(1);
            clock.advance(java.time.Duration.ofMillis(2));
            assertTrue(link.awaited.await(30, TimeUnit.SECONDS), "after the window the loop sleeps again");
        }
    }

    @Test
    void aNegativeBusyPollTimeIsRefused() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> HostLoop.start(host(MemoryLink.pair().a()), -1));
        assertEquals("negative busy-poll time", e.getMessage());
    }
}
