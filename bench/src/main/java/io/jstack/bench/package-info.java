/**
 * JMH benchmarks of jstack's hot paths (STYLE.md §8): one class per subject, in memory only, never through a
 * TUN device. End-to-end figures come from {@code bench/run}. May import stack and http; nothing imports this.
 */
package io.jstack.bench;
