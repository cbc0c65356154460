/**
 * The API shared by embedded workers (in the engine's process) and remote workers (the SDK):
 * handlers, job contexts, function specs with their flow control, and the exception types a
 * handler throws to steer retries. Nothing here talks to Redis or to the network.
 */
package dev.croupier.api;
