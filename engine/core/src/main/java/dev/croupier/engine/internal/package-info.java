/** The engine's implementation. No compatibility promise: anything here may change. */
package dev.croupier.engine.internal;
