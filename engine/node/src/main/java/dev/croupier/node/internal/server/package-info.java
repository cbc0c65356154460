/**
 * The engine node's server: the wire protocol over Netty for workers and producers. One handler
 * per concern (codec, authentication, keep-alive, outbound back-pressure, routing), a registry of
 * connected workers that feeds the engine as a {@link dev.croupier.engine.spi.JobSink}, and the
 * tokens that scope what each connection may do. No compatibility promise.
 */
package dev.croupier.node.internal.server;

