/**
 * Croupier's engine: the public API of the fair multi-tenant queue. Start one with
 * {@link dev.croupier.engine.runtime.EngineRuntime#start(EngineOptions)}; everything under
 * {@code internal} carries no compatibility promise.
 */
package dev.croupier.engine;
