package dev.croupier.engine;

/** Whether tenants' plan weights count in their share. */
public enum FairnessMode {
  /**
   * Each tenant's share of served cost follows its plan weight: a tenant is charged cost / weight
   * of virtual time for what it is served (the default).
   */
  WEIGHTED,
  /** Every tenant weighs 1, whatever its plan says (a baseline for the benchmarks). */
  UNIFORM
}
