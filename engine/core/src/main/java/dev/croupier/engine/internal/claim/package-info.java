/**
 * Claiming: know the demand, peek the tiered index, order tenants fairly, lease partitions and
 * jobs, and hand the jobs to sinks.
 */
package dev.croupier.engine.internal.claim;
