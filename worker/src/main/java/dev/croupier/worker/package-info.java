/**
 * The Java worker SDK and producer client: {@link dev.croupier.worker.Worker} connects to engine
 * nodes, registers functions and runs their jobs on virtual threads;
 * {@link dev.croupier.worker.CroupierClient} enqueues and queries jobs, retrying safely on its own
 * when a connection drops or a node cannot serve for a while (its documentation says what a
 * caller may assume). Neither talks to Redis.
 */
package dev.croupier.worker;
