/** Function and tenant configuration: stored in Redis, cached locally with a staleness bound. */
package dev.croupier.engine.internal.config;
