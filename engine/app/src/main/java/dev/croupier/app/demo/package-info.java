/**
 * The noisy-neighbour demo behind {@code ./croupier demo}: one big tenant's backlog and three
 * small tenants arriving after it, run through a plain FIFO Redis list and through Croupier with
 * the same slots, measured per tenant. No compatibility promise.
 */
package dev.croupier.app.demo;
