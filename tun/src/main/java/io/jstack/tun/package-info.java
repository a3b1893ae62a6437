/**
 * The TUN link: {@link io.jstack.tun.TunLink}, a {@link io.jstack.link.Link} over {@code /dev/net/tun}. The only
 * native code of jstack (JNA direct mapping, in {@code LibC}); no JNA type leaves this package. Imports only
 * {@code io.jstack.link}, {@code io.jstack.wire} and {@code io.jstack.stat} from the stack.
 */
package io.jstack.tun;
