/** The engine's metrics (Micrometer) and the admin HTTP endpoint that serves them. */
package dev.croupier.engine.internal.metrics;
