/**
 * The small standard services of the virtual host, each an ordinary user of {@link io.jstack.socket} on virtual
 * threads, never on the event loop: echo (RFC 862) over TCP and UDP, discard (RFC 863), character generator
 * (RFC 864), and the DNS responder on UDP port 53 (RFC 1035; its parser is {@code io.jstack.dns}). Imports
 * {@code socket}, {@code tcp} and {@code udp} (to be handed the layer) and {@code dns} only.
 */
package io.jstack.service;
