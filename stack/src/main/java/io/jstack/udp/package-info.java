/**
 * UDP (RFC 768, RFC 1122 §4.1): validation, demultiplexing by local port to {@link io.jstack.udp.UdpReceiver}s,
 * checksums on send, and port unreachable errors for closed ports. Runs on the event loop only; no threads,
 * locks or clock reads. Imports {@code wire}, {@code ip}, {@code stat}, {@code time} and {@code host} (to install
 * itself); never {@code tcp}, {@code socket} or {@code service}.
 */
package io.jstack.udp;
