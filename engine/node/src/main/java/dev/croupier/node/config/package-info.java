/**
 * An engine node's configuration: {@link dev.croupier.node.config.ServerOptions}, and the tokens
 * file with the principals it names (their roles and scopes).
 */
package dev.croupier.node.config;
