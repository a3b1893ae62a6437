/** Time as an argument: the {@link io.jstack.time.Clock} interface and its manual and system implementations. Imports nothing from jstack. */
package io.jstack.time;
