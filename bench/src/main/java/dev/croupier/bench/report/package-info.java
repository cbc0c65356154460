/** Reporting: the JSON file with every figure and parameter, the markdown table, the PNG charts. */
package dev.croupier.bench.report;
