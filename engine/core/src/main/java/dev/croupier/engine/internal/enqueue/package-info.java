/** Enqueueing: validating requests and writing jobs into their virtual queues. */
package dev.croupier.engine.internal.enqueue;
