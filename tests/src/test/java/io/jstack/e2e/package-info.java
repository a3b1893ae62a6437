/**
 * End-to-end tests against the real kernel over TUN, and the harness for writing more (UDP, TCP, HTTP ...).
 *
 * <ul>
 *   <li>{@link io.jstack.e2e.LiveTun} on the class: tag {@code tun}; skipped with the reason without root or
 *       /dev/net/tun, failed instead under {@code CI=true} ({@link io.jstack.e2e.LiveTunCondition}).</li>
 *   <li>{@link io.jstack.e2e.Netns}: a namespace named {@code js-<pid>-<n>}, always deleted on close;
 *       {@code exec(timeout, cmd...)} runs a kernel tool inside it with a bound and captures its output;
 *       {@code start(cmd...)} runs a long-lived one, killed by PID on close.</li>
 *   <li>{@link io.jstack.e2e.LiveHost}: the host the CLI builds ({@code ServeCommand.buildHost}, so installed
 *       transports are there) on {@code tun0} inside the namespace, 10.0.0.2 with the kernel at 10.0.0.1/24;
 *       {@code counters()}/{@code counter(section, name)} read on the loop thread; {@code onLoop(f)} runs code on
 *       it; an installer argument adds test services before the loop starts.</li>
 *   <li>{@link io.jstack.e2e.Exec}, {@link io.jstack.e2e.Ping} (ping's summary), {@link io.jstack.e2e.Jar}
 *       (runs the built {@code tools/target/jstack.jar}).</li>
 * </ul>
 *
 * <pre>{@code
 * @LiveTun
 * class UdpEchoE2eTest {
 *     @Test
 *     void digGetsAnAnswer() {
 *         try (Netns ns = Netns.create(); LiveHost h = LiveHost.start(ns, LiveHost.options(ns), host -> {
 *                 // install a test service on host here
 *             })) {
 *             Exec.Result r = ns.exec(Duration.ofSeconds(30), "dig", "+time=2", "@10.0.0.2", "example.test");
 *             assertTrue(r.ok(), r.describe());
 *             h.assertHealthy();
 *         }
 *     }
 * }
 * }</pre>
 *
 * Rules: every wait is bounded and on a condition (a process ending, a line appearing, a task on the loop),
 * never a sleep; traffic stays inside the test's own namespace; close the host before the namespace.
 */
package io.jstack.e2e;
