/**
 * The worker SDK's implementation: connections, the wire codec shared with the engine node, and the
 * job runner. No compatibility promise: anything here may change.
 */
package dev.croupier.worker.internal;
