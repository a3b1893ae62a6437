package io.jstack.tcp;

/**
 * Initial sequence numbers per RFC 6528 §3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey),
 * where M is a 4-microsecond timer and F a keyed pseudorandom function. F is SipHash-2-4 with a 128-bit
 * secret injected by the host, so ISNs are unpredictable off-path yet the same tuple advances with time.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc6528#section-3 RFC 6528 §3
 */
public final class IsnGenerator {
    private final long k0, k1;

    public IsnGenerator(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    public int isn(int localAddr, int localPort, int remoteAddr, int remotePort, long nowNanos) {
        long m = nowNanos / 4_000; // RFC 6528 §3: M is a timer that ticks every 4 microseconds
        long a = ((long) localAddr << 32) | (remoteAddr & 0xffffffffL);
        long b = ((long) localPort << 16) | remotePort;
        return (int) (m + sipHash(a, b));
    }

    private long sipHash(long m0, long m1) {
        long v0 = k0 ^ 0x736f6d6570736575L, v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L, v3 = k1 ^ 0x7465646279746573L;
        long[] v = {v0, v1, v2, v3};
        for (long m : new long[] {m0, m1, 16L << 56}) {
            v[3] ^= m;
            round(v);
            round(v);
            v[0] ^= m;
        }
        v[2] ^= 0xff;
        for (int i = 0; i < 4; i++) round(v);
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    private static void round(long[] v) {
        v[0] += v[1]; v[1] = Long.rotateLeft(v[1], 13); v[1] ^= v[0]; v[0] = Long.rotateLeft(v[0], 32);
        v[2] += v[3]; v[3] = Long.rotateLeft(v[3], 16); v[3] ^= v[2];
        v[0] += v[3]; v[3] = Long.rotateLeft(v[3], 21); v[3] ^= v[0];
        v[2] += v[1]; v[1] = Long.rotateLeft(v[1], 17); v[1] ^= v[2]; v[2] = Long.rotateLeft(v[2], 32);
    }
}
