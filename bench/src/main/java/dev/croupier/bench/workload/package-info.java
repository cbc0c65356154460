/** Workload generators: Zipf-sized backlogs, plan weights and arrival schedules. Deterministic per seed. */
package dev.croupier.bench.workload;
