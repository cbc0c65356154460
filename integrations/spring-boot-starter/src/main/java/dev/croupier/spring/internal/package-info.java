/**
 * The starter's implementation: the handler scan, the lifecycles that run handlers in each mode,
 * the mapping from properties to the library's options, health indicators and the start-up failure
 * report. No compatibility promise: anything here may change.
 */
package dev.croupier.spring.internal;
