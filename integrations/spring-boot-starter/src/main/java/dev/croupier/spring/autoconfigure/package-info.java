/**
 * Spring Boot auto-configuration for Croupier: {@link
 * dev.croupier.spring.autoconfigure.CroupierAutoConfiguration} (the engine or the remote worker
 * and producer, chosen by {@code croupier.mode}) and {@link
 * dev.croupier.spring.autoconfigure.CroupierHealthAutoConfiguration} (a health indicator when
 * Spring Boot's health support is present).
 */
package dev.croupier.spring.autoconfigure;
