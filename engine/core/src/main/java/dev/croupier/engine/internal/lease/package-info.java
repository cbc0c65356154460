/** Job leases after the claim: completions, heartbeats, and the scavenger of expired leases. */
package dev.croupier.engine.internal.lease;
