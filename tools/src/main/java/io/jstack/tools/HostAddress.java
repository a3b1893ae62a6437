package io.jstack.tools;

import io.jstack.wire.Ipv4Address;

/** An address with its prefix length, as {@code --host-ip 10.0.0.1/24} gives it. */
public record HostAddress(Ipv4Address address, int prefixLength) {
    public HostAddress {
        if (prefixLength < 1 || prefixLength > 30) {
            throw new IllegalArgumentException("prefix length must be 1-30 (room for two hosts): " + prefixLength);
        }
    }

    public static HostAddress parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("expected ADDRESS/PREFIX such as 10.0.0.1/24: '" + text + "'");
        Ipv4Address a = Ipv4Address.parse(text.substring(0, slash));
        String len = text.substring(slash + 1);
        if (len.isEmpty() || len.length() > 2 || !len.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("bad prefix length in '" + text + "'");
        }
        return new HostAddress(a, Integer.parseInt(len));
    }

    public int mask() {
        return -1 << (32 - prefixLength);
    }

    public boolean contains(Ipv4Address other) {
        return (other.value() & mask()) == (address.value() & mask());
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
