/** Netstat-style counters shared by every layer. Imports nothing from jstack. */
package io.jstack.stat;
