package dev.croupier.engine;

/** How the claim loop orders the tenants it peeked. */
public enum FairnessMode {
  /** Weighted shuffle by plan weight, age, decayed usage and free capacity (the default). */
  WEIGHTED,
  /** Uniform shuffle: every due tenant equally likely (a baseline for the benchmarks). */
  UNIFORM
}
