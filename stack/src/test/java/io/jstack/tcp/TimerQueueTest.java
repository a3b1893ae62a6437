package io.jstack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The timer heap against a plain scan of every connection's deadlines, under random opens, aborts and time. */
class TimerQueueTest {

    @Test
    void nextDeadlineIsTheEarliestOfAnyConnectionAndEveryDueTimerRuns() {
        TcpPeer p = TcpPeer.start();
        Random r = new Random(7);
        List<TcpConnection> all = new ArrayList<>();
        int fired = 0;
        for (int step = 0; step < 2000; step++) {
            int op = r.nextInt(10);
            if (op < 4 || all.isEmpty()) {
                // a SYN to a peer that never answers: its retransmission timer backs off until it gives up
                all.add(p.tcp.connect(TcpPeer.PEER, 7000 + r.nextInt(1000), 0, TcpObserver.NONE, p.now()));
            } else if (op < 5) {
                all.get(r.nextInt(all.size())).abort(p.now());
            } else {
                long at = p.tcp.pollAt();
                if (at == Clock.NEVER) continue;
                p.clock.setNanos(Math.max(p.now(), at) + r.nextInt(3) * 1_000_000L);
                long before = p.tcp.counters().get(TcpCounter.tcpTimeouts) + p.tcp.counters().get(TcpCounter.tcpAttemptFails);
                p.host.poll();
                fired += p.tcp.counters().get(TcpCounter.tcpTimeouts) + p.tcp.counters().get(TcpCounter.tcpAttemptFails) - before;
                for (TcpConnection c : all) {
                    assertTrue(c.state() == TcpState.CLOSED || c.pollAt() > p.now(), () -> "a due timer did not run: " + c);
                }
            }
            while (p.link.receive() != null) { } // the SYNs: nobody answers
            long naive = Clock.NEVER;
            int live = 0;
            for (TcpConnection c : all) {
                if (c.state() == TcpState.CLOSED) continue;
                naive = Math.min(naive, c.pollAt());
                live++;
            }
            assertEquals(naive, p.tcp.pollAt(), "step " + step);
            assertEquals(live, p.tcp.scheduledConnections(), "step " + step);
        }
        assertTrue(fired > 500, "timers fired: " + fired);
    }
}
