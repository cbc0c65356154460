/**
 * Croupier in a Spring Boot application: the {@link dev.croupier.spring.CroupierHandler}
 * annotation and {@link dev.croupier.spring.HandlerRegistration} beans declare handlers,
 * {@link dev.croupier.spring.CroupierProperties} binds the {@code croupier.*} properties, and the
 * auto-configuration in {@code dev.croupier.spring.autoconfigure} runs an embedded engine or a
 * remote worker with them, exposing a {@link dev.croupier.api.JobProducer} bean either way.
 */
package dev.croupier.spring;
