/** The command line: picocli commands behind {@code ./croupier}. */
package dev.croupier.app.cli;
