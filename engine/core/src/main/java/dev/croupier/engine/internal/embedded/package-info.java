/** Embedded mode: running registered handlers in the engine's process on virtual threads. */
package dev.croupier.engine.internal.embedded;
