/**
 * The gateway interface: PEP 3333 (WSGI) rendered faithfully in Java, so that one application runs unchanged on
 * any server that implements it (jstack's TCP or the kernel's sockets).
 *
 * <p>The server owns connections, framing (Content-Length or chunked), keep-alive, HEAD, hop-by-hop headers and
 * {@code Expect: 100-continue}. The application owns meaning: it is called with an {@link
 * io.jstack.http.gateway.Environ} and a {@link io.jstack.http.gateway.StartResponse}, calls {@code start} with a
 * status and headers (now or during the first iteration of its body), and returns a {@link
 * io.jstack.http.gateway.Body}: an iterable of byte chunks that the server always closes, after success, error or
 * client disconnect. Headers leave with the first non-empty chunk. Middleware is an application wrapping one.
 *
 * <p>This package imports nothing from the server, nor from {@code io.jstack} outside it.
 *
 * @spec https://peps.python.org/pep-3333/ PEP 3333
 */
package io.jstack.http.gateway;
