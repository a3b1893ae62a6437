/**
 * The {@code jstack.jar} command line (picocli): {@link io.jstack.tools.Main} builds the command tree,
 * {@link io.jstack.tools.ServeCommand} serves a virtual host on a TUN device ({@code buildHost} is where
 * transports and services are installed), {@link io.jstack.tools.RunningHost} owns a running host and prints
 * its counters when it stops. The only module that wires stack, tun and http together; nothing depends on it
 * except the end-to-end tests.
 */
package io.jstack.tools;
