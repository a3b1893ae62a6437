package io.jstack.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeqTest {
    @Test
    void comparisonsWrapAroundRfc9293Section3_4() {
        int nearTop = 0xfffffff0;
        int wrapped = 0x10;
        assertTrue(Seq.lt(nearTop, wrapped));
        assertTrue(Seq.gt(wrapped, nearTop));
        assertTrue(Seq.leq(5, 5) && Seq.geq(5, 5));
        assertFalse(Seq.lt(5, 5));
        assertEquals(wrapped, Seq.max(nearTop, wrapped));
        assertEquals(nearTop, Seq.min(nearTop, wrapped));
    }

    @Test
    void inWindowIsHalfOpenAndWraps() {
        assertTrue(Seq.inWindow(0xfffffffe, 0xfffffffe, 4));
        assertTrue(Seq.inWindow(1, 0xfffffffe, 4));
        assertFalse(Seq.inWindow(2, 0xfffffffe, 4));
        assertFalse(Seq.inWindow(0xfffffffd, 0xfffffffe, 4));
        assertFalse(Seq.inWindow(7, 7, 0));
        assertTrue(Seq.between(0xffffffff, 0, 1));
        assertFalse(Seq.between(0xffffffff, 2, 1));
    }
}
