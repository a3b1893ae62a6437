package io.jstack.wire;

/** Why a view rejected its bytes. {@code NONE} means every accessor is now safe (smoltcp's check_len contract). */
public enum Malformed {
    NONE,
    TRUNCATED,
    BAD_VERSION,
    BAD_HEADER_LENGTH,
    BAD_LENGTH,
    BAD_CHECKSUM,
    BAD_FRAGMENT,
    BAD_OPTION,
    BAD_FIELD;

    public boolean ok() {
        return this == NONE;
    }
}
