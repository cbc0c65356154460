/**
 * The one path every job takes, embedded or remote: {@link dev.croupier.api.execution.JobExecutor}
 * runs the handler, maps its outcome, measures its cost and keeps its lease alive;
 * {@link dev.croupier.api.execution.Slots} counts a function's slots. For runners (the engine's
 * embedded mode, the worker SDK), not for handlers.
 */
package dev.croupier.api.execution;
