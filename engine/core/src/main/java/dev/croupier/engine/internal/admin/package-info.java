/**
 * The operator's reads: stats per tenant and per function from the counters the scripts keep
 * ({@code lua/includes/counts.lua}) and the waits the claim loops record, and explanations of why
 * a job waits, read from the scheduler's index.
 */
package dev.croupier.engine.internal.admin;
