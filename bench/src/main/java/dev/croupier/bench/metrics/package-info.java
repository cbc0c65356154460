/**
 * The figures the scenarios report: percentiles of waits, Jain's fairness index, and each tenant's
 * share of served cost per time window against its weight's share. Pure math, no Redis.
 */
package dev.croupier.bench.metrics;
