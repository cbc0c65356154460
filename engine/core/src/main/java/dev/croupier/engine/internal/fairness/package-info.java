/** Fairness: the weights of due tenants and queues, and the weighted shuffle that orders them. */
package dev.croupier.engine.internal.fairness;
