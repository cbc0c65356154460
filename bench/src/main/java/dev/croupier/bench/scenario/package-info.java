/**
 * The scenario harness: each scenario runs one workload through every contender in turn, on the
 * same Redis under separate key prefixes, and reports the figures the design's targets name.
 * {@code ./croupier demo} is one of them with a preset: {@link
 * dev.croupier.bench.scenario.NoisyNeighbourDemo}.
 */
package dev.croupier.bench.scenario;
