/**
 * Client connections to engine nodes: addresses, the handshake, request/reply correlation and
 * keep-alive. No compatibility promise.
 */
package dev.croupier.worker.internal.net;
