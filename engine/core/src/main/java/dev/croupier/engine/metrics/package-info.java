/**
 * Meters shared by the engine and the node that hosts it: the per-function job timers (wait and
 * run time, with histograms for SLOs) and the opt-in, capped per-tenant tag. The meters are
 * documented in {@code docs/operations.md}.
 */
package dev.croupier.engine.metrics;
