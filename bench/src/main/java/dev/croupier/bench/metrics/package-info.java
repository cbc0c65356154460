/**
 * The figures the scenarios report: percentiles of waits, Jain's fairness index, each tenant's
 * share of served cost per time window against its weight's share, one tenant's share around a
 * live weight change (time to settle, overshoot), first starts of arriving tenants, the busy
 * fraction of slot-time, and the live per-tenant counters of a noisy-neighbour run with their
 * frozen figures. Pure math, no Redis.
 */
package dev.croupier.bench.metrics;
