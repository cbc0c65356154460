/** Redis key names: the one place that builds them, and the shard routing of tenants and jobs. */
package dev.croupier.engine.internal.keys;
