package io.jstack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CongestionControlTest {
    @Test
    void initialWindowDependsOnSmssRfc5681Section3_1() {
        assertEquals(2 * 4000, CongestionControl.initialWindow(4000));
        assertEquals(3 * 1460, CongestionControl.initialWindow(1460));
        assertEquals(4 * 536, CongestionControl.initialWindow(536));
    }

    @Test
    void slowStartGrowsByAtMostOneSmssPerAckRfc5681Section3_1() {
        var cc = new NewReno(1000);
        long w = cc.cwnd();
        cc.onNewAck(1000, 5000, 5000);
        assertEquals(w + 1000, cc.cwnd());
    }

    @Test
    void congestionAvoidanceGrowsBySmssSquaredOverCwndRfc5681Section3_1() {
        var cc = new NewReno(1000);
        cc.onRetransmitTimeout(20_000, 0); // ssthresh 10000, cwnd 1000
        assertEquals(10_000, cc.ssthresh());
        assertEquals(1000, cc.cwnd());
        while (cc.cwnd() < cc.ssthresh()) cc.onNewAck(1, 1000, 1000);
        long w = cc.cwnd();
        cc.onNewAck(2, 1000, 1000);
        assertEquals(w + 1000L * 1000 / w, cc.cwnd());
    }

    @Test
    void thirdDuplicateAckStartsFastRetransmitRfc5681Section3_2() {
        var cc = new NewReno(1000);
        assertFalse(cc.onDuplicateAck(1, 10_000, 10_001));
        assertFalse(cc.onDuplicateAck(1, 10_000, 10_001));
        assertTrue(cc.onDuplicateAck(1, 10_000, 10_001));
        assertEquals(5000, cc.ssthresh());
        assertEquals(5000 + 3000, cc.cwnd());
        assertFalse(cc.onDuplicateAck(1, 10_000, 10_001));
        assertEquals(9000, cc.cwnd()); // step 4: inflate
    }

    @Test
    void partialAckRetransmitsAndFullAckEndsRecoveryRfc6582Section3_2() {
        var cc = new NewReno(1000);
        for (int i = 0; i < 3; i++) cc.onDuplicateAck(1, 10_000, 10_001);
        assertTrue(cc.onNewAck(3001, 3000, 10_000)); // partial: below recover
        assertTrue(cc.inRecovery());
        assertFalse(cc.onNewAck(10_001, 7000, 7000)); // full
        assertFalse(cc.inRecovery());
        assertEquals(5000, cc.cwnd());
    }

    @Test
    void renoLeavesRecoveryOnTheFirstNewAckRfc5681Section3_2() {
        var cc = new Reno(1000);
        for (int i = 0; i < 3; i++) cc.onDuplicateAck(1, 10_000, 10_001);
        assertFalse(cc.onNewAck(3001, 3000, 10_000));
        assertFalse(cc.inRecovery());
        assertEquals(5000, cc.cwnd());
    }
}
