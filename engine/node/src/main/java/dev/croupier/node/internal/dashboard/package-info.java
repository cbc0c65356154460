/**
 * The live dashboard on the node's admin port: static assets shipped in the jar, a paged JSON API
 * over the engine's admin methods, and the access rules in front of both (loopback without a
 * tokens file, the ADMIN token with one; POST plus a custom header for every change). No
 * compatibility promise.
 */
package dev.croupier.node.internal.dashboard;
