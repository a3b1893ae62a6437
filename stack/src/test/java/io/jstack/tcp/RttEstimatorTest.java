package io.jstack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RttEstimatorTest {
    static final long MS = 1_000_000;

    @Test
    void initialRtoIsOneSecondRfc6298Section2_1() {
        assertEquals(1000 * MS, new RttEstimator(1000 * MS, 200 * MS, 60_000 * MS).rtoNanos());
    }

    @Test
    void firstSampleSetsSrttAndHalfRttvarRfc6298Section2_2() {
        var r = new RttEstimator(1000 * MS, 1 * MS, 60_000 * MS);
        r.sample(100 * MS);
        assertEquals(100 * MS, r.srttNanos());
        assertEquals(50 * MS, r.rttvarNanos());
        assertEquals(300 * MS, r.rtoNanos()); // SRTT + 4 * RTTVAR
    }

    @Test
    void laterSamplesSmoothWithAlphaEighthAndBetaQuarterRfc6298Section2_3() {
        var r = new RttEstimator(1000 * MS, 1 * MS, 60_000 * MS);
        r.sample(100 * MS);
        r.sample(200 * MS);
        // RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5; SRTT = 7/8 * 100 + 1/8 * 200 = 112.5
        assertEquals(62_500_000, r.rttvarNanos());
        assertEquals(112_500_000, r.srttNanos());
        assertEquals(112_500_000 + 4 * 62_500_000, r.rtoNanos());
    }

    @Test
    void rtoIsRaisedToTheConfiguredMinimumRfc6298Section2_4() {
        var r = new RttEstimator(1000 * MS, 200 * MS, 60_000 * MS);
        r.sample(1 * MS);
        assertEquals(200 * MS, r.rtoNanos());
    }

    @Test
    void backOffDoublesUpToTheMaximumRfc6298Section5_5() {
        var r = new RttEstimator(1000 * MS, 200 * MS, 60_000 * MS);
        long expected = 1000 * MS;
        for (int i = 0; i < 8; i++) {
            r.backOff();
            expected = Math.min(60_000 * MS, expected * 2);
            assertEquals(expected, r.rtoNanos());
        }
        assertEquals(60_000 * MS, r.rtoNanos());
    }
}
