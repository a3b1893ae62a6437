/**
 * Wire formats: zero-copy views over ByteBuffers ({@code XxxPacket}), the Internet checksum, addresses and
 * protocol numbers. Imports nothing from jstack.
 */
package io.jstack.wire;
