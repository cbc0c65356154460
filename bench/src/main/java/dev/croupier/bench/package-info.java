/** Benchmarks: JMH suites, the scenario harness and the baseline queues it compares against. */
package dev.croupier.bench;
