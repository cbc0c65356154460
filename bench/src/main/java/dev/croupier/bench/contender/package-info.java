/**
 * Contenders: the queue designs a scenario runs side by side. The seed designs people use today
 * (one FIFO list, a round-robin batch mover, a ring of tenant queues, queues ordered by decayed
 * activity) are built on plain Jedis; Croupier runs through its public {@code Engine} API. Each
 * contender owns a key prefix and deletes its keys when closed.
 */
package dev.croupier.bench.contender;
