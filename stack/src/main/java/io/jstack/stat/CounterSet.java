package io.jstack.stat;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Named counters of one layer, netstat-style (RFC 4293 / RFC 4022 names as enum constants). Written by the
 * event loop, read by anyone (the stats page, the exit summary), so the cells are atomic but uncontended.
 */
public final class CounterSet<E extends Enum<E>> {
    private final Class<E> type;
    private final E[] keys;
    private final AtomicLongArray cells;

    public CounterSet(Class<E> type) {
        this.type = type;
        this.keys = type.getEnumConstants();
        this.cells = new AtomicLongArray(keys.length);
    }

    public void increment(E key) {
        cells.getAndIncrement(key.ordinal());
    }

    public void add(E key, long delta) {
        cells.getAndAdd(key.ordinal(), delta);
    }

    public long get(E key) {
        return cells.get(key.ordinal());
    }

    /** All counters in declaration order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (E k : keys) m.put(k.name(), cells.get(k.ordinal()));
        return m;
    }

    public EnumMap<E, Long> toEnumMap() {
        EnumMap<E, Long> m = new EnumMap<>(type);
        for (E k : keys) m.put(k, cells.get(k.ordinal()));
        return m;
    }
}
