package org.resilient.archive.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ChunkArraysTest {

    @Test
    void arraysComeInPowerOfTwoSizesAndAreReused() {
        ChunkArrays pool = new ChunkArrays(512 << 10, 8 << 20);
        byte[] a = pool.take(100_000);
        assertEquals(128 << 10, a.length);
        pool.give(a);
        assertEquals(128 << 10, pool.freeBytes());
        assertSame(a, pool.take(70_000)); // same size class: 64 KiB < 70 000 <= 128 KiB
        assertEquals(0, pool.freeBytes());
        assertEquals(64 << 10, pool.take(65_536).length);
        assertEquals(128 << 10, pool.take(65_537).length);
    }

    @Test
    void smallAndOversizedArraysAreExactAndNotKept() {
        ChunkArrays pool = new ChunkArrays(512 << 10, 8 << 20);
        byte[] small = pool.take(1000);
        assertEquals(1000, small.length);
        byte[] big = pool.take((512 << 10) + 1);
        assertEquals((512 << 10) + 1, big.length);
        pool.give(small);
        pool.give(big);
        pool.give(new byte[100_000]); // not from the pool
        assertEquals(0, pool.freeBytes());
    }

    @Test
    void keepsNoMoreThanItsLimit() {
        ChunkArrays pool = new ChunkArrays(512 << 10, 256 << 10);
        byte[] a = pool.take(128 << 10);
        byte[] b = pool.take(128 << 10);
        byte[] c = pool.take(128 << 10);
        assertNotSame(a, b);
        pool.give(a);
        pool.give(b);
        pool.give(c); // over the limit: dropped
        assertEquals(256 << 10, pool.freeBytes());
        byte[] d = pool.take(128 << 10);
        byte[] e = pool.take(128 << 10);
        assertNotSame(c, d);
        assertNotSame(c, e);
    }
}
