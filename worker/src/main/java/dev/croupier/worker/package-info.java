/**
 * The Java worker SDK and producer client: {@link dev.croupier.worker.Worker} connects to engine
 * nodes, registers functions and runs their jobs on virtual threads;
 * {@link dev.croupier.worker.CroupierClient} enqueues and queries jobs. Neither talks to Redis.
 */
package dev.croupier.worker;
