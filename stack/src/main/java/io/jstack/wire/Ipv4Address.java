package io.jstack.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 address as a value. The hot path uses the raw {@code int} (network order, big-endian). */
public record Ipv4Address(int value) implements Comparable<Ipv4Address> {
    public static final Ipv4Address ANY = new Ipv4Address(0);
    public static final Ipv4Address BROADCAST = new Ipv4Address(0xffffffff);

    /** Parses dotted-quad text strictly: four decimal parts 0-255, nothing else. */
    public static Ipv4Address parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
        int v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            int n = Integer.parseInt(p);
            if (n > 255) throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            v = (v << 8) | n;
        }
        return new Ipv4Address(v);
    }

    public static String toString(int v) {
        return (v >>> 24) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
    }

    public static Ipv4Address of(InetAddress a) {
        if (!(a instanceof Inet4Address)) throw new IllegalArgumentException("not IPv4: " + a);
        byte[] b = a.getAddress();
        return new Ipv4Address(((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff));
    }

    public InetAddress toInetAddress() {
        try {
            return InetAddress.getByAddress(new byte[] {
                (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Limited broadcast, or class D multicast (RFC 1122 §3.2.1.3, §3.3.6). */
    public static boolean isBroadcastOrMulticast(int v) {
        return v == 0xffffffff || (v >>> 28) == 0xe;
    }

    @Override
    public int compareTo(Ipv4Address o) {
        return Integer.compareUnsigned(value, o.value);
    }

    @Override
    public String toString() {
        return toString(value);
    }
}
