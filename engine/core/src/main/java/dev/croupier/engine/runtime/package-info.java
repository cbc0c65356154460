/** Starting engines: {@link dev.croupier.engine.runtime.EngineRuntime}. */
package dev.croupier.engine.runtime;
