package io.jstack.tools.inspect;

/**
 * One captured frame as the capture file stores it.
 *
 * @param linkType   the LINKTYPE_ value of its interface (1 Ethernet, 101 raw IP, 113 Linux cooked, 228 IPv4)
 * @param tsNanos    capture time in nanoseconds since the epoch
 * @param tsDigits   digits after the decimal point the file's time resolution supports (6 or 9)
 * @param origLen    length on the wire
 * @param data       the captured bytes (at most {@code origLen})
 */
public record Frame(int linkType, long tsNanos, int tsDigits, int origLen, byte[] data) {}
