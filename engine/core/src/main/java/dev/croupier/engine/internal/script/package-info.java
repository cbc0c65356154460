/** The Lua scripts: loading them once, running them by SHA with one EVAL fallback, decoding replies. */
package dev.croupier.engine.internal.script;
