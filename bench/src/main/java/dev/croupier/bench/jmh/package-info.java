/**
 * JMH micro-benchmarks against a real Redis (embedded unless {@code CROUPIER_REDIS_URL} is set):
 * claim throughput by claim threads, engine instances and active virtual
 * queues, and the cost of each Lua script. Run them with {@code ./croupier bench jmh}.
 */
package dev.croupier.bench.jmh;
