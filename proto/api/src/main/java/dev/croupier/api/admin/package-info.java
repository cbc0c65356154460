/**
 * The operator's view of an engine: live statistics per tenant and per function, tenant settings,
 * and explanations of why a job has not started. The same records come back from the embedded
 * {@code Engine} and from the remote {@code CroupierAdmin}.
 */
package dev.croupier.api.admin;
