/**
 * The socket API applications use: stream (TCP) and datagram (UDP) sockets on a jstack host, and the small
 * {@link io.jstack.socket.StreamListener}/{@link io.jstack.socket.StreamConnection} interfaces that the HTTP
 * server is written against, with an adapter for the kernel's sockets.
 */
package io.jstack.socket;
