/**
 * The HTTP/1.1 server (RFC 9110, RFC 9112): a strict request parser written as an explicit state machine, and a
 * server that runs a {@link io.jstack.http.gateway.Application} on any {@link io.jstack.socket.StreamListener}
 * (jstack's TCP or the kernel's sockets), a virtual thread for each connection that has work (on jstack's TCP, an
 * idle connection has none).
 *
 * <p>Imports from {@code io.jstack} only {@code io.jstack.socket} and this module's own packages.
 */
package io.jstack.http;
