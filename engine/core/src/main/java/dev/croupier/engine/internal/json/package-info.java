/** Writing JSON for machine-readable output (demo and benchmark reports), with no dependency. */
package dev.croupier.engine.internal.json;
