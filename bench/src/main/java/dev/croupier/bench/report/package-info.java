/**
 * Reporting: the JSON file with every figure and parameter, the markdown table, the PNG charts,
 * and the live per-tenant table a run can show on stderr while it goes.
 */
package dev.croupier.bench.report;
