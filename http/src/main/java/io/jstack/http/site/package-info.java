/**
 * The default site that jstack serves: an ordinary gateway {@link io.jstack.http.gateway.Application}, so it runs
 * on jstack's TCP and on the kernel's sockets alike. Host facts come through {@link io.jstack.http.site.HostInfo},
 * keeping this package independent of the tools and of the stack's internals.
 */
package io.jstack.http.site;
