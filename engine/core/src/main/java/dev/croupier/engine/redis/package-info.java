/**
 * How Croupier connects to Redis: pooled clients from a {@code redis://} or {@code rediss://}
 * URL. Public so that tools beside the engine (the benchmarks' baseline queues, operators'
 * scripts) connect the same way.
 */
package dev.croupier.engine.redis;
