/**
 * Small services the virtual host runs on top of the socket API, each on its own virtual thread: UDP echo
 * (RFC 862) and the DNS responder (RFC 1035). They are ordinary socket users and never run on the event loop.
 */
package io.jstack.service;
