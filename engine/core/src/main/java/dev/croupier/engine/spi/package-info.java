/**
 * The engine's service-provider interface for hosts of workers: the engine node's server and the
 * embedded runner. Producers and admins use {@link dev.croupier.engine.Engine} instead.
 */
package dev.croupier.engine.spi;
