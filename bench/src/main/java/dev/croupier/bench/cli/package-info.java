/** The {@code ./croupier bench} command line. */
package dev.croupier.bench.cli;
