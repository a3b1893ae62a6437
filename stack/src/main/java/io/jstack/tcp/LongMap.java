package io.jstack.tcp;

import java.util.function.Consumer;

/**
 * An open-addressing hash map from a primitive {@code long} to a value, so that demultiplexing a segment by
 * its packed (remote address, remote port, local port) key allocates nothing. Linear probing with
 * backward-shift deletion.
 */
final class LongMap<V> {
    private long[] keys = new long[16];
    private Object[] values = new Object[16];
    private int size;

    int size() {
        return size;
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        int mask = keys.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            Object v = values[i];
            if (v == null) return null;
            if (keys[i] == key) return (V) v;
        }
    }

    void put(long key, V value) {
        if ((size + 1) * 2 > keys.length) grow();
        int mask = keys.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            if (values[i] == null) {
                keys[i] = key;
                values[i] = value;
                size++;
                return;
            }
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
        }
    }

    boolean remove(long key) {
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (true) {
            if (values[i] == null) return false;
            if (keys[i] == key) break;
            i = (i + 1) & mask;
        }
        values[i] = null;
        size--;
        // Shift back later entries of the probe run that would otherwise become unreachable.
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (values[j] == null) return true;
            int home = slot(keys[j], mask);
            boolean between = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!between) {
                keys[i] = keys[j];
                values[i] = values[j];
                values[j] = null;
                i = j;
            }
        }
    }

    @SuppressWarnings("unchecked")
    void forEach(Consumer<V> action) {
        for (Object v : values) if (v != null) action.accept((V) v);
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldValues.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) if (oldValues[i] != null) put(oldKeys[i], uncheck(oldValues[i]));
    }

    @SuppressWarnings("unchecked")
    private V uncheck(Object o) {
        return (V) o;
    }
}
