package io.jstack.tcp;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The receive buffer's memory (issue 7): an idle connection holds neither a ring array nor out-of-order range lists. */
class ReceiveSpaceTest {
    @Test
    void outOfOrderRangeListsComeWithTheFirstRangeAndGoWhenTheBufferEmptiesIssue7() {
        var rs = new ReceiveSpace(1 << 16);
        rs.init(0);
        ByteBuffer seg = ByteBuffer.wrap(new byte[100]);
        assertEquals(ReceiveSpace.Arrival.IN_ORDER, rs.accept(1, seg, 0, 100));
        assertFalse(rs.holdsRangeLists(), "in-order data needs no range lists");
        assertEquals(ReceiveSpace.Arrival.OUT_OF_ORDER, rs.accept(301, seg, 0, 100));
        assertTrue(rs.holdsRangeLists());
        assertEquals(ReceiveSpace.Arrival.FILLED_GAP, rs.accept(101, ByteBuffer.wrap(new byte[200]), 0, 200));
        assertEquals(0, rs.outOfOrderRanges());
        byte[] sink = new byte[1000];
        assertEquals(400, rs.read(sink, 0, sink.length));
        assertFalse(rs.holdsRangeLists(), "an emptied buffer drops its range lists");
        assertEquals(0, rs.capacity(), "and gives its ring array back");
        // They come back with the next gap.
        assertEquals(ReceiveSpace.Arrival.OUT_OF_ORDER, rs.accept(501, seg, 0, 100));
        assertEquals(1, rs.outOfOrderRanges());
    }

    @Test
    void rangeListsStayWhileRangesAreHeld() {
        var rs = new ReceiveSpace(1 << 16);
        rs.init(0);
        ByteBuffer seg = ByteBuffer.wrap(new byte[100]);
        assertEquals(ReceiveSpace.Arrival.IN_ORDER, rs.accept(1, seg, 0, 100));
        assertEquals(ReceiveSpace.Arrival.OUT_OF_ORDER, rs.accept(301, seg, 0, 100));
        assertEquals(100, rs.read(new byte[1000], 0, 1000));
        assertTrue(rs.holdsRangeLists(), "a range is still held beyond the gap");
        assertEquals(1, rs.outOfOrderRanges());
    }
}
