/**
 * The worker's runtime: keeps a connection to one engine node, registers functions, runs
 * dispatched jobs on virtual threads against per-function slots, grants credits as slots free up,
 * heartbeats long jobs, resends completions after a reconnect, and drains on shutdown. No
 * compatibility promise.
 */
package dev.croupier.worker.internal.run;
