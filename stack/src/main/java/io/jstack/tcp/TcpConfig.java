package io.jstack.tcp;

import java.time.Duration;

/**
 * TCP settings of a host.
 *
 * @param msl                 maximum segment lifetime; TIME-WAIT lasts 2·MSL (RFC 9293 §3.4.2)
 * @param initialRto          RTO before any RTT sample (RFC 6298 §2.1: 1 s)
 * @param minRto              lower bound of the RTO (RFC 6298 §2.4 says 1 s; Linux and jstack use 200 ms)
 * @param maxRto              upper bound of the RTO (RFC 6298 §2.5: at least 60 s)
 * @param maxRetransmissions  retransmissions of one segment before the connection is given up as timed out
 *                            (RFC 1122 §4.2.3.5 R2)
 * @param maxSynRetransmissions the same for SYN and SYN-ACK (R2 for SYN: at least 3 minutes in RFC 1122)
 * @param sendBufferBytes     the most data a connection queues for sending (1 MiB by default: a few 64 KiB
 *                            offloaded packets in flight plus room for the writer; memory is taken as used)
 * @param receiveBufferBytes  the most data a connection holds for the application, in order or not; the
 *                            receive window follows its free space
 * @param delayedAck          how long an ACK may wait (RFC 5681 §4.2: under 500 ms; RFC 1122 says 0.5 s)
 * @param windowScaling       offer window scaling (RFC 7323 §2)
 * @param challengeAcksPerSecond rate limit of RFC 5961 challenge ACKs over the whole host (§7)
 * @param finWait2Timeout     how long a connection closed by its application waits in FIN-WAIT-2
 * @param defaultBacklog      listen backlog when the application gives none
 * @param outOfOrderMemoryBytes cap on out-of-order data held over all connections together (each is also
 *                            bounded by its receive buffer); past it, out-of-order segments are dropped
 * @param timestamps          offer and accept the timestamps option (RFC 7323 §3: RTTM and PAWS)
 * @param sack                offer and accept SACK-permitted and report SACK blocks (RFC 2018)
 */
public record TcpConfig(Duration msl, Duration initialRto, Duration minRto, Duration maxRto, int maxRetransmissions,
                        int maxSynRetransmissions, int sendBufferBytes, int receiveBufferBytes, Duration delayedAck,
                        boolean windowScaling, int challengeAcksPerSecond, Duration finWait2Timeout,
                        int defaultBacklog, long outOfOrderMemoryBytes, boolean timestamps, boolean sack) {
    public TcpConfig {
        if (msl.isNegative()) throw new IllegalArgumentException("MSL must not be negative: " + msl);
        if (minRto.isNegative() || minRto.isZero()) throw new IllegalArgumentException("min RTO must be positive");
        if (maxRto.compareTo(minRto) < 0) throw new IllegalArgumentException("max RTO must be >= min RTO");
        if (maxRetransmissions < 1 || maxSynRetransmissions < 1) {
            throw new IllegalArgumentException("retransmission limits must be at least 1");
        }
        if (sendBufferBytes < 1024 || receiveBufferBytes < 1024) {
            throw new IllegalArgumentException("buffers must be at least 1024 bytes");
        }
        if (receiveBufferBytes > (1 << 30)) throw new IllegalArgumentException("receive buffer above 1 GiB");
        if (delayedAck.isNegative() || delayedAck.compareTo(Duration.ofMillis(500)) >= 0) {
            throw new IllegalArgumentException("delayed ACK must be under 500 ms (RFC 5681 §4.2)");
        }
        if (defaultBacklog < 1) throw new IllegalArgumentException("backlog must be at least 1");
        if (outOfOrderMemoryBytes < 0) throw new IllegalArgumentException("out-of-order memory must not be negative");
    }

    /** Without timestamps and SACK. */
    public TcpConfig(Duration msl, Duration initialRto, Duration minRto, Duration maxRto, int maxRetransmissions,
                     int maxSynRetransmissions, int sendBufferBytes, int receiveBufferBytes, Duration delayedAck,
                     boolean windowScaling, int challengeAcksPerSecond, Duration finWait2Timeout,
                     int defaultBacklog, long outOfOrderMemoryBytes) {
        this(msl, initialRto, minRto, maxRto, maxRetransmissions, maxSynRetransmissions, sendBufferBytes,
                receiveBufferBytes, delayedAck, windowScaling, challengeAcksPerSecond, finWait2Timeout, defaultBacklog,
                outOfOrderMemoryBytes, false, false);
    }

    /** The defaults, with timestamps and SACK on, as Linux has them. */
    public static TcpConfig defaults() {
        return new TcpConfig(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMillis(200),
                Duration.ofSeconds(60), 12, 6, 1024 * 1024, 256 * 1024, Duration.ofMillis(40), true, 1000,
                Duration.ofSeconds(60), 1024, 64L << 20, true, true);
    }

    public TcpConfig withMsl(Duration d) {
        return new TcpConfig(d, initialRto, minRto, maxRto, maxRetransmissions, maxSynRetransmissions,
                sendBufferBytes, receiveBufferBytes, delayedAck, windowScaling, challengeAcksPerSecond,
                finWait2Timeout, defaultBacklog, outOfOrderMemoryBytes, timestamps, sack);
    }

    public TcpConfig withMinRto(Duration d) {
        return new TcpConfig(msl, initialRto, d, maxRto, maxRetransmissions, maxSynRetransmissions,
                sendBufferBytes, receiveBufferBytes, delayedAck, windowScaling, challengeAcksPerSecond,
                finWait2Timeout, defaultBacklog, outOfOrderMemoryBytes, timestamps, sack);
    }

    public TcpConfig withBuffers(int sendBytes, int receiveBytes) {
        return new TcpConfig(msl, initialRto, minRto, maxRto, maxRetransmissions, maxSynRetransmissions,
                sendBytes, receiveBytes, delayedAck, windowScaling, challengeAcksPerSecond, finWait2Timeout,
                defaultBacklog, outOfOrderMemoryBytes, timestamps, sack);
    }

    public TcpConfig withWindowScaling(boolean on) {
        return new TcpConfig(msl, initialRto, minRto, maxRto, maxRetransmissions, maxSynRetransmissions,
                sendBufferBytes, receiveBufferBytes, delayedAck, on, challengeAcksPerSecond, finWait2Timeout,
                defaultBacklog, outOfOrderMemoryBytes, timestamps, sack);
    }

    public TcpConfig withMaxRetransmissions(int n) {
        return new TcpConfig(msl, initialRto, minRto, maxRto, n, maxSynRetransmissions, sendBufferBytes,
                receiveBufferBytes, delayedAck, windowScaling, challengeAcksPerSecond, finWait2Timeout,
                defaultBacklog, outOfOrderMemoryBytes, timestamps, sack);
    }

    public TcpConfig withChallengeAcksPerSecond(int n) {
        return new TcpConfig(msl, initialRto, minRto, maxRto, maxRetransmissions, maxSynRetransmissions,
                sendBufferBytes, receiveBufferBytes, delayedAck, windowScaling, n, finWait2Timeout,
                defaultBacklog, outOfOrderMemoryBytes, timestamps, sack);
    }

    public TcpConfig withDelayedAck(Duration d) {
        return new TcpConfig(msl, initialRto, minRto, maxRto, maxRetransmissions, maxSynRetransmissions,
                sendBufferBytes, receiveBufferBytes, d, windowScaling, challengeAcksPerSecond, finWait2Timeout,
                defaultBacklog, outOfOrderMemoryBytes, timestamps, sack);
    }

    public TcpConfig withOutOfOrderMemory(long bytes) {
        return new TcpConfig(msl, initialRto, minRto, maxRto, maxRetransmissions, maxSynRetransmissions,
                sendBufferBytes, receiveBufferBytes, delayedAck, windowScaling, challengeAcksPerSecond,
                finWait2Timeout, defaultBacklog, bytes, timestamps, sack);
    }

    public TcpConfig withTimestamps(boolean on) {
        return new TcpConfig(msl, initialRto, minRto, maxRto, maxRetransmissions, maxSynRetransmissions,
                sendBufferBytes, receiveBufferBytes, delayedAck, windowScaling, challengeAcksPerSecond,
                finWait2Timeout, defaultBacklog, outOfOrderMemoryBytes, on, sack);
    }

    public TcpConfig withSack(boolean on) {
        return new TcpConfig(msl, initialRto, minRto, maxRto, maxRetransmissions, maxSynRetransmissions,
                sendBufferBytes, receiveBufferBytes, delayedAck, windowScaling, challengeAcksPerSecond,
                finWait2Timeout, defaultBacklog, outOfOrderMemoryBytes, timestamps, on);
    }

    public long timeWaitNanos() {
        return 2 * msl.toNanos();
    }
}
