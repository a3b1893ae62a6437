/**
 * TCP (RFC 9293) as a sans-I/O state machine: {@link io.jstack.tcp.TcpLayer} demultiplexes segments to
 * {@link io.jstack.tcp.TcpConnection}s, which take time and packets as arguments and never read a clock, sleep,
 * lock or start threads. Imports {@code wire}, {@code ip}, {@code host}, {@code time}, {@code stat}; never
 * {@code socket}.
 */
package io.jstack.tcp;
