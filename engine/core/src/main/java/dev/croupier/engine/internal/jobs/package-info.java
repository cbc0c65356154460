/** Jobs by id: lookup, cancel, dead letters and replay, and watching for a job's end. */
package dev.croupier.engine.internal.jobs;
