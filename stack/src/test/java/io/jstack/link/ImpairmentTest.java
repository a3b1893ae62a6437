package io.jstack.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ImpairmentTest {
    @Test
    void parsesEveryKeyAsWritten() {
        var i = Impairment.parse("loss=2%,dup=1%,reorder=2%,corrupt=1%,delay=10ms,jitter=2ms");
        assertEquals(new Impairment(2, 1, 2, 1, Duration.ofMillis(10), Duration.ofMillis(2)), i);
        assertEquals("loss=2%,dup=1%,reorder=2%,corrupt=1%,delay=10ms,jitter=2ms", i.toString());
    }

    @Test
    void anySubsetAndFractionsAndSpacesAreAccepted() {
        var i = Impairment.parse(" loss = 0.5% , delay=1s ");
        assertEquals(0.5, i.lossPercent());
        assertEquals(Duration.ofSeconds(1), i.delay());
        assertEquals(0, i.dupPercent());
        assertTrue(Impairment.parse("").isNone());
        assertTrue(Impairment.parse("none").isNone());
    }

    @Test
    void mistakesGetMessagesNamingThem() {
        assertEquals("unknown impairment 'los' (known: loss, dup, reorder, corrupt, delay, jitter)",
                assertThrows(IllegalArgumentException.class, () -> Impairment.parse("los=2%")).getMessage());
        assertEquals("loss needs a percentage like 2%, got '2'",
                assertThrows(IllegalArgumentException.class, () -> Impairment.parse("loss=2")).getMessage());
        assertEquals("loss must be between 0% and 100%, got '200%'",
                assertThrows(IllegalArgumentException.class, () -> Impairment.parse("loss=200%")).getMessage());
        assertEquals("delay needs a unit, ms or s, like 10ms; got '10'",
                assertThrows(IllegalArgumentException.class, () -> Impairment.parse("delay=10")).getMessage());
        assertEquals("expected key=value in impairment, got 'loss'",
                assertThrows(IllegalArgumentException.class, () -> Impairment.parse("loss")).getMessage());
        assertEquals("'loss' given twice in impairment",
                assertThrows(IllegalArgumentException.class, () -> Impairment.parse("loss=1%,loss=2%")).getMessage());
        assertEquals("dup is not a number: 'x%'",
                assertThrows(IllegalArgumentException.class, () -> Impairment.parse("dup=x%")).getMessage());
    }
}
