/**
 * A real Redis server from the binary in the {@code embedded-redis} artifact: the zero-setup
 * default of the command line, the benchmarks and the tests. Never a dependency of the libraries.
 */
package dev.croupier.embeddedredis;
